"""Split news text into sentences with their character offsets.

A rule splitter tuned to news text, not to any outlet: it does not split after common
abbreviations and initials ("Gen.", "U.S.", "J. Smith"), keeps a closing quotation mark with
its sentence, and treats every paragraph break as a boundary.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipelines.wordlists import ABBREVIATIONS

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")


# a question or an exclamation closing a quotation, and the attribution that may follow it
_QUOTED_QUESTION = re.compile(r"[!?]+[\"”’']")
_ATTRIBUTION = re.compile(
    r"\s+(?:[A-Z][\w'’.-]*\s+){1,4}?(?:said|says|asked|asks|told|added|replied|wrote|shouted|cried|wondered)\b"
)


def sentences(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, sentence)`` for every sentence of ``text``; offsets index into ``text``."""
    for para in re.finditer(r"[^\n]+", text):
        yield from _split(para.group(), para.start())


def _split(paragraph: str, offset: int) -> Iterator[tuple[int, int, str]]:
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        end = match.end()
        if _is_abbreviation(paragraph[start : match.start() + 1]) or _inside_quote(paragraph[start:end]):
            continue
        if _QUOTED_QUESTION.fullmatch(match.group()) and _ATTRIBUTION.match(paragraph, end):
            continue  # '"What are they trying to gain?" Lee Seong-yun said.': the attribution ends the sentence
        yield from _emit(paragraph, start, end, offset)
        start = end
    yield from _emit(paragraph, start, len(paragraph), offset)


def _inside_quote(chunk: str) -> bool:
    """An opening quotation mark not yet closed: a quote spanning sentences stays one sentence."""
    if chunk.count("“") > chunk.count("”") or chunk.count('"') % 2 == 1:
        return True
    opened = chunk.count("‘")
    closed = len(re.findall(r"’(?![A-Za-z])", chunk))
    return opened > closed


def _is_abbreviation(chunk: str) -> bool:
    if not chunk.endswith("."):
        return False
    word = re.search(r"(\S+)\.$", chunk)
    if not word:
        return False
    token = word.group(1).lstrip("\"'“‘(")
    return token.lower() in ABBREVIATIONS or len(token) == 1 or bool(re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", token))


def _emit(paragraph: str, start: int, end: int, offset: int) -> Iterator[tuple[int, int, str]]:
    chunk = paragraph[start:end]
    stripped = chunk.strip()
    if stripped:
        lead = len(chunk) - len(chunk.lstrip())
        s = offset + start + lead
        yield s, s + len(stripped), stripped
