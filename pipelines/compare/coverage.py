"""First comparison of a watch's coverage: which outlets state which claim.

A claim sentence is one that carries a number or a quotation. Sentences from different
outlets are aligned into one claim when they quote the same words or share their figures and
enough content words; an inverted index over content words keeps this from comparing all
pairs. Syndicated copies are left out, so a wire story counts as one source.

This is the seed of the divergence engine: the claim x outlet table it builds is what later
stages mark as states / contradicts / omits / unique.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pipelines.models import Article, Claim, Mention
from pipelines.sentences import sentences
from pipelines.wordlists import STOPWORDS

_QUOTE = re.compile(r"[\"“”„]([^\"“”„]{12,})[\"“”]|[‘’]([^‘’]{12,}?)[’](?!\w)|(?<!\w)'([^']{12,}?)'(?!\w)")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NUMBER_WORDS = {
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
_HYPHENATED = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['’-])+")  # a word of any alphabet


@dataclass(frozen=True, slots=True)
class _Candidate:
    mention: Mention
    numbers: frozenset[str]
    quote_words: frozenset[str]
    words: frozenset[str]


@dataclass
class _Group:
    first: _Candidate
    members: list[_Candidate] = field(default_factory=list)
    words: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    quote_words: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Comparison:
    """Coverage of one watch: the articles per outlet and the aligned claims."""

    watch: str
    articles: tuple[Article, ...]
    claims: tuple[Claim, ...]
    copies: dict[str, str]

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({a.outlet for a in self.articles}))

    def by_outlet(self) -> dict[str, list[Article]]:
        out: dict[str, list[Article]] = defaultdict(list)
        for article in sorted(self.articles, key=_when):
            out[article.outlet].append(article)
        return dict(sorted(out.items()))


def compare(watch: str, articles: list[Article]) -> Comparison:
    """Align the claim sentences of ``articles`` across outlets."""
    originals = [a for a in articles if not a.duplicate_of]
    copies = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
    candidates = [c for a in sorted(originals, key=_when) for c in _claim_candidates(a)]
    groups: list[_Group] = []
    index: dict[str, set[int]] = defaultdict(set)
    for candidate in candidates:
        group_no = _best_group(candidate, groups, index)
        if group_no is None:
            groups.append(_Group(first=candidate))
            group_no = len(groups) - 1
        group = groups[group_no]
        if any(m.mention.outlet == candidate.mention.outlet for m in group.members):
            continue  # one mention per outlet and claim: the earliest
        group.members.append(candidate)
        group.words |= candidate.words
        group.numbers |= candidate.numbers
        group.quote_words |= candidate.quote_words
        for word in candidate.words:
            index[word].add(group_no)
    claims = [_claim(g) for g in groups]
    claims.sort(key=lambda c: (-len(c.outlets), _first_time(c), c.id))
    return Comparison(watch=watch, articles=tuple(articles), claims=tuple(claims), copies=copies)


def numbers_in(sentence: str) -> frozenset[str]:
    """The figures a sentence states, normalised ("57,000" -> "57000", "sixty-four" -> "64")."""
    found = {m.group().replace(",", "").rstrip(".") for m in _NUMBER.finditer(sentence)}
    for token in _HYPHENATED.findall(sentence):
        parts = [p for p in token.lower().split("-") if p in _NUMBER_WORDS]
        if len(parts) == 2 and _NUMBER_WORDS[parts[0]] in range(20, 100, 10) and _NUMBER_WORDS[parts[1]] < 10:
            found.add(str(_NUMBER_WORDS[parts[0]] + _NUMBER_WORDS[parts[1]]))
        else:
            found |= {str(_NUMBER_WORDS[p]) for p in parts}
    return frozenset(found)


def _claim_candidates(article: Article) -> list[_Candidate]:
    out = []
    for start, end, sentence in sentences(article.text):
        numbers = numbers_in(sentence)
        quote = " ".join(next(g for g in m.groups() if g) for m in _QUOTE.finditer(sentence))
        if not numbers and not quote:
            continue
        mention = Mention(
            article_id=article.id,
            outlet=article.outlet,
            url=article.url,
            revision=article.revision,
            sentence=sentence,
            start=start,
            end=end,
            published_at=article.published_at,
        )
        out.append(_Candidate(mention, numbers, frozenset(_content_words(quote)), frozenset(_content_words(sentence))))
    return out


def _content_words(text: str) -> set[str]:
    return {w.lower().strip("'’") for w in _WORD.findall(text) if w.lower() not in STOPWORDS and len(w) > 2}


def _best_group(candidate: _Candidate, groups: list[_Group], index: dict[str, set[int]]) -> int | None:
    seen: set[int] = set()
    for word in candidate.words:
        seen |= index.get(word, set())
    best, best_score = None, 0.0
    for group_no in seen:
        score = _similarity(candidate, groups[group_no])
        if score > best_score:
            best, best_score = group_no, score
    return best if best_score >= 1.0 else None


def _similarity(candidate: _Candidate, group: _Group) -> float:
    """>= 1.0 means: the same claim. Quotes match on their words, figures need shared context."""
    if candidate.quote_words and group.quote_words:
        overlap = len(candidate.quote_words & group.quote_words) / min(
            len(candidate.quote_words), len(group.quote_words)
        )
        if overlap >= 0.6:
            return 1.0 + overlap
    shared = len(candidate.words & group.words) / max(1, min(len(candidate.words), len(group.words)))
    if candidate.numbers & group.numbers:
        return shared / 0.35
    return shared / 0.6


def _claim(group: _Group) -> Claim:
    first = group.first
    kind = "quote" if first.quote_words else "number"
    key = " ".join(sorted(first.words)) + "|" + " ".join(sorted(first.numbers))
    return Claim(
        id=hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16],
        kind=kind,
        text=first.mention.sentence,
        numbers=tuple(sorted(first.numbers, key=lambda n: (len(n), n))),
        mentions=tuple(m.mention for m in group.members),
    )


def _when(article: Article) -> datetime:
    return article.published_at or article.fetched_at


def _first_time(claim: Claim) -> datetime:
    return min((m.published_at for m in claim.mentions if m.published_at), default=datetime.max.replace(tzinfo=UTC))
