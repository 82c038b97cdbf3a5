"""Scores shared by the benches: the article-extraction-benchmark's shingle metric, re-implemented.

Tokens are ``\\w+`` runs; a text is the multiset of its word 4-grams (a text shorter than four
tokens is one shorter shingle). Per page, true positives are the shingles both texts share
(minimum of the counts), false positives the extra predicted ones, false negatives the missed
true ones, and all three are divided by their sum so that long pages do not weigh more.
Precision is averaged over pages with tp + fp > 0, recall over pages with tp + fn > 0; a page
where both texts are empty counts 1 for both. F1 is the harmonic mean of the two averages.

Standard library only: the newspaper4k worker imports this from its own virtual environment.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE_TOKENS = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = SHINGLE_TOKENS) -> Counter[tuple[str, ...]]:
    """The multiset of word n-grams of a text."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)))


def page_counts(expected: str, predicted: str) -> tuple[float, float, float]:
    """(tp, fp, fn) of one page, normalised to sum to 1 (all zero when both texts are empty)."""
    true, pred = shingles(expected), shingles(predicted)
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return 0.0, 0.0, 0.0
    return tp / total, fp / total, fn / total


@dataclass(frozen=True, slots=True)
class Score:
    """Mean precision and recall over pages and the F1 of those means."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(pairs: Iterable[tuple[str, str]]) -> Score:
    """Score (expected, predicted) text pairs with the benchmark's metric."""
    precisions: list[float] = []
    recalls: list[float] = []
    pages = 0
    for expected, predicted in pairs:
        pages += 1
        if not _TOKEN.search(expected or "") and not _TOKEN.search(predicted or ""):
            precisions.append(1.0)
            recalls.append(1.0)
            continue
        tp, fp, fn = page_counts(expected, predicted)
        if tp + fp > 0:
            precisions.append(tp / (tp + fp))
        if tp + fn > 0:
            recalls.append(tp / (tp + fn))
    return Score(
        precision=sum(precisions) / len(precisions) if precisions else 0.0,
        recall=sum(recalls) / len(recalls) if recalls else 0.0,
        pages=pages,
    )


def half_of(key: str) -> str:
    """A stable half ("a" or "b") for a page or publisher key, to develop on one and check the other."""

    return "ab"[hashlib.sha1(key.encode(), usedforsecurity=False).digest()[0] % 2]


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)""", re.IGNORECASE)


def decode_html(raw: bytes) -> str:
    """Bytes of a saved page as text: BOM or valid UTF-8, else the declared charset, else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(raw[:4096])
    if match:
        try:
            return raw.decode(match.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return raw.decode("cp1252", errors="replace")
