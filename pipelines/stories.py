"""Group articles about the same event into stories, incrementally.

Each article joins the story whose articles it resembles most (title and lead words, and the
names it mentions, weighted by how rare they are in everything seen so far), provided the
resemblance clears a threshold and the story was active within a time window; otherwise it
starts a new story. The resemblance fades with the time between the article and the story's
latest article: reports of one event come out within hours of each other, while pieces that
only share a topic (an analysis, a review, the next day's follow-up on another event) are
spread over days, so at the same wording a gap of a day weighs against the match. A stamp
that carries only a date (midnight exactly) says nothing about the hour, so up to a day of
its gap is not counted. Words alone cannot tell a review from the rumour about the next model, so a
story takes an article only if it also shares phrases (adjacent word pairs) with one of the story's
recent articles. Nothing is re-clustered: a new article costs one look-up in an inverted
index of the stories' words, so a run that adds a hundred articles to a corpus of a million
does a hundred small look-ups.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from pipelines.models import Article
from pipelines.wordlists import CJK, STOPWORDS

THRESHOLD = 0.22  # one global value; bench/stories.py shows its effect on three real sets
WINDOW = timedelta(days=4)
# resemblance x e^(-hours apart / DECAY_HOURS). Chosen on one half of the benchmark pages (any value
# from ~100 to ~170 h did as well there) and checked on the other half and two other sets.
DECAY_HOURS = 120.0
DATE_ONLY_SLACK = timedelta(days=1)
LEAD_WORDS = 300  # more of the text describes the event better (bench/stories.py: 80 -> 300 words, all three sets up)
TITLE_WEIGHT = 2.0
NAME_WEIGHT = 1.5
# Reports of one event share phrases (a name, a place with its qualifier, a figure with its unit), where
# pieces that only share a topic share words but few of their pairs: a story takes an article only if it
# shares at least this share of its adjacent word pairs with one of the story's recent articles.
# bench/stories.py: extraction-dev 0.961 -> 0.970 (both halves up), basil-dev 0.997 -> 0.986.
PHRASE_SHARE = 0.04
PHRASE_MEMBERS = 64  # the story's most recent articles compared; keeps the cost per article bounded
# a word: letters of any alphabet (with inner apostrophes and hyphens), a number, or a run of Han and kana
_WORD = re.compile(rf"[{CJK}]+|(?:(?![{CJK}])[^\W\d_])(?:(?![{CJK}])[^\W\d_]|['’-])+|\d[\d,.]*")
_CJK_CHAR = re.compile(f"[{CJK}]")
_NAME = re.compile(
    r"(?<![.!?]\s)(?<!^)\b[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+(?:\s+[A-Z\u00c0-\u00de][a-z\u00df-\u00ff]+)*"
)


def _words(text: str) -> list[str]:
    """The words of ``text``, lower case; a run of Han or kana becomes its overlapping character pairs, the
    usual unit for comparing such text when no dictionary says where its words end."""
    out: list[str] = []
    for word in _WORD.findall(text):
        if _CJK_CHAR.match(word):
            out += [word[i : i + 2] for i in range(len(word) - 1)] or [word]
        else:
            out.append(word.lower().strip("'’-"))
    return out


def _counts(word: str) -> bool:
    return word not in STOPWORDS and (len(word) > 2 or bool(_CJK_CHAR.match(word)))


def _terms(title: str, text: str) -> Counter[str]:
    terms: Counter[str] = Counter()
    for w in _words(title):
        if _counts(w):
            terms[w] += TITLE_WEIGHT
    for w in _words(" ".join(text.split()[:LEAD_WORDS])):
        if _counts(w):
            terms[w] += 1.0
    for name in _NAME.findall(text[:3000]):
        if " " in name:  # multi-word names are strong evidence of the same event
            terms["name:" + name.lower()] += NAME_WEIGHT
    return terms


def _date_only(when: datetime) -> bool:
    return (when.hour, when.minute, when.second, when.microsecond) == (0, 0, 0, 0)


def time_weight(
    when: datetime, other: datetime, decay_hours: float = DECAY_HOURS, other_date_only: bool = False
) -> float:
    """How much a resemblance counts between an article published at ``when`` and a story last
    seen at ``other``: 1.0 at the same time, falling by e every ``decay_hours`` apart. When either
    stamp is a bare date (midnight), the first day of the gap is uncertainty, not distance."""
    gap = abs(when - other)
    if other_date_only or _date_only(when):
        gap = max(timedelta(0), gap - DATE_ONLY_SLACK)
    return math.exp(-gap.total_seconds() / 3600 / decay_hours)


def _phrases(title: str, text: str) -> frozenset[tuple[str, str]]:
    """Adjacent word pairs of the title and lead, but not pairs of two stopwords ("of the")."""
    words = _words(" ".join(f"{title} . {text}".split()[:LEAD_WORDS]))
    return frozenset((a, b) for a, b in pairwise(words) if a not in STOPWORDS or b not in STOPWORDS)


def shares_phrases(a: frozenset[tuple[str, str]], b: frozenset[tuple[str, str]], share: float = PHRASE_SHARE) -> bool:
    """Whether two articles share enough word pairs (relative to both their sizes) to report one event."""
    if not a or not b:
        return False
    return len(a & b) >= share * math.sqrt(len(a) * len(b))


@dataclass
class _Story:
    id: str
    terms: Counter[str] = field(default_factory=Counter)
    phrases: deque[frozenset[tuple[str, str]]] = field(default_factory=lambda: deque(maxlen=PHRASE_MEMBERS))
    last_seen: datetime | None = None
    last_seen_date_only: bool = False
    size: int = 0


@dataclass
class StoryIndex:
    """Assigns each added article to a story; keeps only per-story term sums and an inverted index."""

    threshold: float = THRESHOLD
    window: timedelta = WINDOW
    decay_hours: float = DECAY_HOURS
    stories: dict[str, _Story] = field(default_factory=dict)
    _postings: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    _df: Counter[str] = field(default_factory=Counter)
    _docs: int = 0

    def add(self, article_id: str, title: str, text: str, published_at: datetime | None = None) -> str:
        """The story id of the article (an existing story's, or a new one).

        A new story's id comes from its first article's id, so grouping the same articles in the
        same (publication) order always gives the same ids.
        """
        terms = _terms(title, text)
        self._docs += 1
        for term in terms:
            self._df[term] += 1
        scored: list[tuple[float, str]] = []
        candidates = set().union(*(self._postings.get(t, set()) for t in terms)) if terms else set()
        for story_id in candidates:
            story = self.stories[story_id]
            if published_at and story.last_seen and abs(published_at - story.last_seen) > self.window:
                continue
            score = self._cosine(terms, story.terms, story.size)
            if published_at and story.last_seen:
                score *= time_weight(published_at, story.last_seen, self.decay_hours, story.last_seen_date_only)
            if score >= self.threshold:
                scored.append((score, story_id))
        phrases = _phrases(title, text)
        best = None
        # the most resembling story that shares phrases with one of its articles (ties: by id, the same every run)
        for _, story_id in sorted(scored, key=lambda s: (-s[0], s[1])):
            if any(shares_phrases(phrases, member) for member in self.stories[story_id].phrases):
                best = story_id
                break
        if best is None:
            best = "story-" + hashlib.sha1(article_id.encode(), usedforsecurity=False).hexdigest()[:12]
            self.stories[best] = _Story(best)
        story = self.stories[best]
        story.terms.update(terms)
        story.phrases.append(phrases)
        story.size += 1
        if published_at and (story.last_seen is None or published_at > story.last_seen):
            story.last_seen = published_at
            story.last_seen_date_only = _date_only(published_at)
        for term in terms:
            self._postings[term].add(best)
        return best

    def _idf(self, term: str) -> float:
        return math.log((self._docs + 1) / (self._df[term] + 1)) + 1.0

    def _cosine(self, a: Counter[str], story_terms: Counter[str], size: int) -> float:
        b = {t: v / size for t, v in story_terms.items()}
        dot = sum(v * b.get(t, 0.0) * self._idf(t) ** 2 for t, v in a.items())
        na = math.sqrt(sum((v * self._idf(t)) ** 2 for t, v in a.items()))
        nb = math.sqrt(sum((v * self._idf(t)) ** 2 for t, v in b.items()))
        return dot / (na * nb) if na and nb else 0.0


def group(articles: Iterable[Article], index: StoryIndex | None = None) -> dict[str, list[Article]]:
    """The articles grouped into stories, added in publication order: ``{story id: [articles]}``."""
    index = index or StoryIndex()
    out: dict[str, list[Article]] = {}
    far = datetime.max.replace(tzinfo=UTC)
    for article in sorted(articles, key=lambda a: (a.published_at or a.fetched_at or far, a.id)):
        story = index.add(article.id, article.title, article.text, article.published_at or article.fetched_at)
        out.setdefault(story, []).append(article)
    return out


def assign_stories(articles: Iterable[Article]) -> dict[str, str]:
    """``{article id: story id}``: :func:`group` as a mapping. A story's id comes from its first article,
    so the same articles give the same ids on every run."""
    return {a.id: story for story, members in group(articles).items() for a in members}


def story_of(article_ids: Sequence[str], stories: dict[str, str]) -> str:
    """The story most of these articles belong to (ties: the first article's)."""
    found = [stories[a] for a in article_ids if a in stories]
    if not found:
        return ""
    counts = Counter(found)
    top = max(counts.values())
    return next(s for s in found if counts[s] == top)
