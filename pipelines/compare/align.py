"""Read a story's articles into sentences and align the sentences that say the same thing.

The place of this module in the flow: a story's articles come in (copies already set aside),
every sentence is read once for its checkable facts (:mod:`pipelines.compare.claims`), and
sentences are linked to the sentences of other articles that share their content words and
figures. The divergence detectors and the claim x outlet matrix both work on the result.

How it stays fast on large stories (no all-pairs comparison):

* identical sentences (wire copy, boilerplate, quotes repeated verbatim) are read and compared
  once: a *node* is one distinct sentence text with the list of sentences that carry it;
* candidates come from an inverted index of content words over nodes; a word carried by more
  than ``MAX_POSTINGS`` nodes proposes no candidates (blocking), and only candidates sharing at
  least two indexed words get their exact similarity computed;
* each node keeps its ``NEIGHBOURS`` most similar nodes, so the work grows with the number of
  distinct sentences times a constant, not with the square of the articles.

Similarity is the cosine of the two sentences' sets of content words and figure tokens
("#57575"): figures are strong evidence that two differently worded sentences make the same claim.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlsplit

from pipelines.compare.claims import (
    Facts,
    Quote,
    content_words,
    entities,
    family_name,
    is_media,
    number_tokens,
    read,
    score_tokens,
    sentence_subject,
)
from pipelines.models import Article
from pipelines.sentences import sentences
from pipelines.wordlists import ROLE_WORDS, STOPWORDS

ALIGN_MIN = 0.34  # cosine for two sentences to state the same claim
RELATED_MIN = 0.18  # below this, a sentence has nothing to do with another
MAX_POSTINGS = 200  # a word in more distinct sentences than this proposes no candidates (blocking)
NEIGHBOURS = 48  # most similar distinct sentences kept per sentence

# section words in a URL path, or a title prefix, that mark opinion and analysis rather than reporting
_OPINION_SECTIONS = frozenset({
    "opinion", "opinions", "comment", "commentary", "column", "columns", "columnist", "columnists", "editorial",
    "editorials", "op-ed", "oped", "blog", "blogs", "analysis", "views", "viewpoint", "perspective", "perspectives",
    "letters",
})  # fmt: skip
_OPINION_SLUG = frozenset({"opinion", "column", "columnist", "editorial", "op-ed", "oped", "commentary"})
_OPINION_TITLE = re.compile(
    r"^\s*(?:opinion|analysis|column|comment|editorial|commentary|op-ed|view|perspective)\s*[:|—–]", re.I
)


def is_opinion(article: Article) -> bool:
    """Whether an article is opinion or analysis (its claims are the author's view, not reported fact).

    Read from generic cues only: an opinion section in the URL path ("/opinion/", "/comment/"),
    an opinion word in the URL slug ("...-column-..."), or a title prefix ("Analysis:").
    """
    path = urlsplit(article.url).path.lower()
    segments = [s for s in path.split("/") if s]
    if any(s in _OPINION_SECTIONS for s in segments[:-1]):
        return True
    slug_words = set(re.split(r"[-_.]", segments[-1])) if segments else set()
    return bool(slug_words & _OPINION_SLUG) or bool(_OPINION_TITLE.match(article.title or ""))


@dataclass(slots=True, eq=False)
class Node:
    """One distinct sentence text: what it says, and every sentence (article, position) that carries it."""

    id: int
    text: str
    words: frozenset[str]
    facts: Facts
    entities: frozenset[str]
    members: list[Sentence] = field(default_factory=list)


@dataclass(frozen=True, slots=True, eq=False)  # identity: two sentences are never "the same" sentence
class Sentence:
    """A sentence of one article, with its offsets in that article's text."""

    article: str
    outlet: str
    index: int
    start: int
    end: int
    text: str
    node: Node
    quotes: tuple[Quote, ...]  # the node's quotes, pronoun and role speakers resolved within this article
    ages: tuple[tuple[str, int], ...] = ()  # the node's ages, "the 48-year-old" resolved within this article

    @property
    def words(self) -> frozenset[str]:
        return self.node.words

    @property
    def facts(self) -> Facts:
        return self.node.facts


class AlignedStory:
    """The sentences of a story's articles and, for each distinct sentence, its most similar others."""

    def __init__(self, articles: Sequence[Article]) -> None:
        self.articles: dict[str, Article] = {a.id: a for a in articles}
        self.outlet: dict[str, str] = {a.id: a.outlet for a in articles}
        self.published: dict[str, datetime | None] = {a.id: a.published_at for a in articles}
        self.nodes: list[Node] = []
        self.per_article: dict[str, list[Sentence]] = {}
        by_text: dict[str, Node] = {}
        for article in articles:
            self.per_article[article.id] = self._read(article, by_text)
        self.neighbours: list[list[tuple[Node, float]]] = _neighbours(self.nodes)
        self._best_in: dict[tuple[int, str], tuple[Sentence | None, float]] = {}

    @property
    def outlets(self) -> set[str]:
        return set(self.outlet.values())

    def _read(self, article: Article, by_text: dict[str, Node]) -> list[Sentence]:
        out: list[Sentence] = []
        people = _People()
        for index, (start, end, text) in enumerate(sentences(article.text)):
            key = " ".join(text.split())
            node = by_text.get(key)
            if node is None:
                facts = read(key)
                words = frozenset(content_words(key)) | number_tokens(facts.quantities) | score_tokens(facts.scores)
                node = Node(len(self.nodes), key, words, facts, entities(key))
                by_text[key] = node
                self.nodes.append(node)
            people.see(key, node.facts)
            quotes = tuple(people.resolve(q) for q in node.facts.quotes)
            ages = tuple((name or people.subject(), age) for name, age in node.facts.ages)
            sentence = Sentence(article.id, article.outlet, index, start, end, text, node, quotes,
                                tuple((family_name(n), a) for n, a in ages if n))  # fmt: skip
            node.members.append(sentence)
            out.append(sentence)
        return out

    def counterparts(self, s: Sentence, minimum: float) -> dict[str, tuple[Sentence, float]]:
        """The most similar sentence of every other article (at least ``minimum``), best first."""
        out: dict[str, tuple[Sentence, float]] = {}
        for t in s.node.members:
            if t.article != s.article:
                out.setdefault(t.article, (t, 1.0))
        for node, sim in self.neighbours[s.node.id]:
            if sim < minimum:
                break
            for t in node.members:
                if t.article != s.article and t.article not in out:
                    out[t.article] = (t, sim)
        return out

    def related(self, s: Sentence, minimum: float = RELATED_MIN, per_article: int = 3) -> dict[str, list]:  # type: ignore[type-arg]
        """Up to ``per_article`` related sentences of every other article, best first: ``{article: [(t, sim)]}``."""
        out: dict[str, list[tuple[Sentence, float]]] = defaultdict(list)
        pairs = [(t, 1.0) for t in s.node.members] + [
            (t, sim) for node, sim in self.neighbours[s.node.id] if sim >= minimum for t in node.members
        ]
        for t, sim in pairs:
            if t.article != s.article and len(out[t.article]) < per_article:
                out[t.article].append((t, sim))
        return out

    def best_in(self, s: Sentence | Node, article: str) -> tuple[Sentence | None, float]:
        """The sentence of ``article`` most similar to ``s``, computed directly (no blocking)."""
        node = s.node if isinstance(s, Sentence) else s
        key = (node.id, article)
        if key not in self._best_in:
            best: tuple[Sentence | None, float] = (None, 0.0)
            for t in self.per_article[article]:
                sim = similarity(node.words, t.node.words)
                if sim > best[1]:
                    best = (t, sim)
            self._best_in[key] = best
        return self._best_in[key]

    def sentences(self) -> Iterable[Sentence]:
        for sents in self.per_article.values():
            yield from sents


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def _neighbours(nodes: list[Node]) -> list[list[tuple[Node, float]]]:
    """Each node's ``NEIGHBOURS`` most similar nodes (at least ``RELATED_MIN``), most similar first.

    Nodes are taken in order and each is compared only with the earlier ones sharing an indexed
    word, so every pair is counted once; each node keeps a bounded heap of its best, so memory
    stays ``NEIGHBOURS`` per node however many candidates there are.
    """
    frequency: dict[str, int] = defaultdict(int)
    for node in nodes:
        for w in node.words:
            frequency[w] += 1
    common = {w for w, n in frequency.items() if n > MAX_POSTINGS}  # too common to propose candidates (blocking)
    postings: dict[str, list[int]] = defaultdict(list)
    sizes = [len(node.words) for node in nodes]
    best: list[list[tuple[float, int]]] = [[] for _ in nodes]  # min-heaps of (similarity, -node id)
    for node in nodes:
        i, size = node.id, sizes[node.id]
        shared: dict[int, int] = {}
        get = shared.get  # this loop is the engine's hottest: plain dict and a bound method
        skipped = node.words & common
        for w in node.words:
            if w not in common:
                plist = postings[w]
                for other in plist:
                    shared[other] = get(other, 0) + 1
                plist.append(i)
        need_i = 1 if size <= 3 else 2
        for other, count in shared.items():
            need_other = 1 if sizes[other] <= 3 else 2
            if count < need_i and count < need_other:
                continue
            norm = math.sqrt(size * sizes[other])
            if skipped:
                if count + len(skipped) < RELATED_MIN * norm:
                    continue  # cannot reach RELATED_MIN even if every skipped common word were shared
                count_all = count + len(skipped & nodes[other].words)
            else:
                count_all = count
            # every common word was counted once through its postings: the count is the intersection
            sim = count_all / norm
            if sim < RELATED_MIN:
                continue
            if count >= need_i:
                _keep(best[i], (sim, -other))
            if count >= need_other:
                _keep(best[other], (sim, -i))
    # (similarity, -id) pairs in reverse order: most similar first, and among equals the lowest id first
    return [[(nodes[-j], sim) for sim, j in sorted(heap, reverse=True)] for heap in best]


def _keep(heap: list[tuple[float, int]], item: tuple[float, int]) -> None:
    if len(heap) < NEIGHBOURS:
        heapq.heappush(heap, item)
    elif item > heap[0]:
        heapq.heapreplace(heap, item)


_PRONOUNS = frozenset({"he", "she"})
_REPORTED_BY_PRONOUN = re.compile(r",\s+(?:he|she)\s+(?:said|says|added|told \w+|argued|insisted),")
_FULL_NAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]+(?:[-’'][A-Z]?[a-z]+)?)\b(?!\s+[A-Z])")


class _People:
    """Who "he", "she" or "the coach" refers to in one article.

    A pronoun (or "the 48-year-old") takes the person the sentence opens with ("Mr Trump says ... 'Hamas has to be at
    the table,' he said"), or else the person the previous sentence opens with; a role ("the
    coach") takes the one person the article has given that title. A person is someone the
    article has named with a first name, a title, as a speaker, or with an honorific; an opening name that is
    none of these ("Israeli officials") resolves nothing. Anything less certain stays
    unresolved: a wrong guess would invent an attribution conflict.
    """

    def __init__(self) -> None:
        self.known: set[str] = set()  # surnames of people
        self.titles: dict[str, str] = {}
        self.previous = ""
        self.current = ""

    def see(self, text: str, facts: Facts) -> None:
        for m in _FULL_NAME.finditer(text):  # "Julian Assange": a first name and a surname
            if m.group(1).lower() not in STOPWORDS and m.group(1).lower() not in ROLE_WORDS:
                self.known.add(m.group(2))
        for surname, title in facts.titles.items():
            self.titles[surname] = title
            self.known.add(surname)
        for name in (*facts.speakers, *(q.speaker for q in facts.quotes)):
            if name and name[0].isupper() and " " in name:  # a full name; one word does not vouch for itself
                self.known.add(family_name(name))
        self.previous, self.current = self.current, self._subject(text)

    def _subject(self, text: str) -> str:
        name, honorific = sentence_subject(text)
        if name and (is_media(name) or name.split()[0].lower() == "the"):
            # "Fox News reported", "The People's Liberation Army, he said, ...": an outlet or a body, not a person
            return ""
        if name and _REPORTED_BY_PRONOUN.search(text):
            # "Macron, she said, dismissed a popular vote": the pronoun of this sentence is someone else, so the
            # next sentence's "she said" cannot be taken for the opener
            return ""
        if name and (honorific or family_name(name) in self.known):
            self.known.add(family_name(name))
            return name
        return ""

    def subject(self) -> str:
        """The person the current sentence, or else the previous one, opens with ("" if none)."""
        return self.current or self.previous

    def resolve(self, quote: Quote) -> Quote:
        who = quote.speaker
        if who in _PRONOUNS:
            antecedent = self.current or self.previous
            return replace(quote, speaker=antecedent) if antecedent else quote
        if who.startswith("the "):
            words = who.removeprefix("the ").split()
            holders = [name for name, title in self.titles.items() if words and words[-1] in title.lower().split()]
            if len(holders) == 1:
                return replace(quote, speaker=holders[0])
        return quote


def claim_groups(story: AlignedStory, minimum: float = ALIGN_MIN) -> list[list[Node]]:
    """Distinct sentences grouped into claims: connected by similarity of at least ``minimum``.

    Groups come in the order of their first sentence, and each group's nodes in story order.
    """
    parent = list(range(len(story.nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for node in story.nodes:
        for other, sim in story.neighbours[node.id]:
            if sim < minimum:
                break
            a, b = find(node.id), find(other.id)
            if a != b:
                parent[max(a, b)] = min(a, b)
    groups: dict[int, list[Node]] = defaultdict(list)
    for node in story.nodes:
        groups[find(node.id)].append(node)
    return [groups[k] for k in sorted(groups)]
