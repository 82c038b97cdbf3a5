"""Find where the outlets covering one story disagree, each finding backed by the exact sentences.

The method, in one pass over a story:

1. Copies (wire text republished by several outlets) are found with MinHash and set aside: a
   copy is not an independent source. Opinion and analysis pieces (:func:`align.is_opinion`)
   take part in the comparison of figures, dates and quotes, but never omit, never make an
   uncorroborated claim and never frame: their words are the author's view, not reporting.
2. Every sentence is read for checkable facts and aligned with the sentences of the other
   articles that say the same thing (:mod:`pipelines.compare.align`; no all-pairs comparison).
3. Aligned facts are compared (the same figure, the same quote, the same person's title); the
   outlet that departs from the others is the divergent one. With only two outlets, both are
   named. Votes are counted per outlet, so an outlet with several articles votes once. A figure
   or date is compared from both sides: the odd sentence may be worded too differently to find
   its peers, while they find it.
4. A fact most comparable outlets state that a fully readable news article leaves out (a whole
   statement, or a thing they name that it drops from sentences that otherwise match, unless the
   thing is one of English's everyday words by the wordfreq tables) is an omission; a
   substantive claim of fact nobody else states is uncorroborated; wording an outlet uses for
   the story's actors and events that the others do not is framing
   (:mod:`pipelines.compare.framing`); a revision that changes a figure, a quote or a date is a
   stealth edit; the outlet that stated a claim an hour or more before anyone else is its first
   report.

Every divergence has a stable id computed from its type, note and evidence, so the same
finding keeps its id across runs (and nothing depends on hash order: runs are reproducible).
"""

from __future__ import annotations

import bisect
import difflib
import functools
import hashlib
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from wordfreq import zipf_frequency

from pipelines.compare.align import (
    ALIGN_MIN,
    MAX_POSTINGS,
    RELATED_MIN,
    AlignedStory,
    Node,
    Sentence,
    is_opinion,
    similarity,
)
from pipelines.compare.claims import (
    GENERATION,
    MAXIMA,
    NUMBER_WORDS,
    ORDINALS,
    Facts,
    Quantity,
    Quote,
    aged_people,
    ago,
    american_spelling,
    content_words,
    family_name,
    is_body,
    number_tokens,
    portfolio,
    read,
    reports_speech,
    role_words,
    same_portfolio,
    venue_of,
)
from pipelines.compare.framing import framing, unquoted
from pipelines.models import AccessState, Article, Divergence
from pipelines.sentences import sentences
from pipelines.syndication import find_copies
from pipelines.wordlists import ROLE_WORDS, STOPWORDS

DATE_ALIGN_MIN = 0.3  # dates differ legitimately between loosely related sentences (follow-up days)
QUOTE_SAME = 0.5  # share of the shorter quote's words for two quotes to be the same quote
QUOTE_SAME_WORDS = 0.8  # share of the shorter quote's words kept in order for two speakers to have said the same
QUOTE_POSTINGS = 64  # earlier quotes per word a quote is compared with
SAME_NEWS_CYCLE_S = 18 * 3600
SEVERITY = {
    "numeric_conflict": 0.9, "quote_attribution": 0.8, "quote_wording": 0.7, "date_conflict": 0.7,
    "role_title": 0.5, "stealth_edit": 0.8, "omission": 0.4, "uncorroborated": 0.3, "framing": 0.3,
    "first_report": 0.1,
}  # fmt: skip
TYPES = tuple(SEVERITY)
_ATTRIBUTED = re.compile(
    r"\b(said|says|told|reported|reports|according to|announced|confirmed|claimed|revealed|agreed|ordered|"
    r"approved|rejected|found|plans?|planned|will|would|is to|are to|faces?|preparing)\b",
    re.IGNORECASE,
)
# a question or a weighing of possibilities is not a claim of fact
_SPECULATION = re.compile(r"\?|\bwhether\b|\bthe question\b|\bit remains to be seen\b|\bperhaps\b", re.IGNORECASE)


@dataclass(frozen=True)
class Options:
    """How the engine judges a story; the defaults are the ones the benches measure."""

    omission_min_outlets: int = 3  # independent outlets that must state a fact before leaving it out counts
    omission_share: float = 0.8  # ... and this share of the comparable outlets
    omission_window_s: float = SAME_NEWS_CYCLE_S  # outlets publishing this close to an article are comparable
    omission_min_length: float = 0.6  # an article shorter than this share of the median never omits
    first_report_lead_s: float = 3600.0  # how far ahead of the next outlet the first one must be
    max_listed: int = 24  # articles named on the majority side of one finding (large stories)


@dataclass(frozen=True)
class StoryAnalysis:
    """The findings for one story; ``copies`` maps each syndicated copy to its original."""

    divergences: tuple[Divergence, ...]
    copies: dict[str, str]
    opinion: frozenset[str] = frozenset()  # articles read as opinion or analysis
    story: AlignedStory | None = field(default=None, repr=False, compare=False)  # for the claim matrix
    stories: dict[str, StoryAnalysis] = field(default_factory=dict)  # a watch's analysis: one per story
    failed: tuple[str, ...] = ()  # a watch's stories the engine failed on (logged; their last findings stand)

    def by_type(self) -> Counter[str]:
        return Counter(d.type for d in self.divergences)


def analyse_story(
    articles: Sequence[Article], revisions: dict[str, list[str]] | None = None, options: Options | None = None
) -> StoryAnalysis:
    """Every divergence among ``articles`` (one story); ``revisions`` maps article id -> texts, oldest first."""
    opts = options or Options()
    copies = find_copies(list(articles))
    independent = [a for a in articles if a.id not in copies and not a.duplicate_of]
    story = AlignedStory(independent)
    opinion = frozenset(a.id for a in independent if is_opinion(a))
    news = [a for a in independent if a.id not in opinion]
    readable = {a.id for a in news if a.access_state is AccessState.FULL}
    found: list[Divergence] = []
    found += _numeric(story, opts)
    found += _dates(story, opts)
    people = _people(story)
    found += _quotes(story, opts, people)
    found += _reported_venues(story, opts, people, [d for d in found if d.type == "quote_attribution"])
    found += _titles(story, opts)
    found += _ages(story, opts)
    conflicting = {(a, d.evidence[a]) for d in found for a in d.articles[:1] if a in d.evidence}
    event_words = _EventWords(story, news)
    found += _omissions(story, news, readable, opts, event_words, conflicts=list(found))
    found += [d for d in _uncorroborated(story, news, event_words)
              if (d.articles[0], d.evidence[d.articles[0]]) not in conflicting]  # fmt: skip
    found += _framing(story, news)
    found += _first_reports(story, opts)
    if revisions:
        found += _stealth_edits(revisions)
    kept = {d.id: d for d in found}
    ordered = sorted(kept.values(), key=lambda d: (-d.severity, d.type, d.id))
    return StoryAnalysis(divergences=tuple(ordered), copies=copies, opinion=opinion, story=story)


# -- building findings --------------------------------------------------------------------
def _divergence(kind: str, odd: Sequence[Sentence], others: Sequence[Sentence], note: str,
                before: dict[str, str] | None = None, lead: Sequence[str] = (),
                max_listed: int = 24) -> Divergence:  # fmt: skip
    """A finding: ``lead`` article ids first (e.g. the omitting one), then the odd sentences, then the others."""
    seen: dict[str, Sentence] = {}
    for s in odd:
        seen.setdefault(s.article, s)
    listed = 0
    for s in others:
        if s.article not in seen and listed < max_listed:
            seen[s.article] = s
            listed += 1
    # the note names what differs (e.g. "weekday" vs "duration" in the same sentences)
    key = kind + "|" + note + "|" + "|".join(f"{a}:{' '.join(s.text.split())}" for a, s in sorted(seen.items()))
    key += "|" + "|".join(lead)
    return Divergence(
        id=hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16],
        type=kind,
        articles=tuple(dict.fromkeys([*lead, *seen])),
        evidence={a: s.text for a, s in seen.items()},
        spans={a: (s.start, s.end) for a, s in seen.items()},
        severity=SEVERITY[kind],
        note=note,
        before=before or {},
    )


JURY = 15  # most frequent distinct values a value is compared with (all of them in small stories)
LONE_FIGURE_MAJORITY = 2  # outlets agreeing on a figure that outvote a lone other (dates need 3: their sentences vary)


def _odd_ones(nodes: list[tuple[Sentence, object]], agree: Callable[[object, object], bool]) -> tuple[list, list]:  # type: ignore[type-arg]
    """Split nodes into (divergent, majority): a node is divergent when it disagrees with most others.

    Nodes with equal values are compared once, and each distinct value only with the ``JURY``
    most frequent ones (weighted by how many nodes hold them): stories with many outlets repeat
    the same figure or quote in many small variants, and comparing every variant with every
    other would grow with the square of the outlets.
    """
    if len(nodes) < 2:
        return [], []
    groups: dict[object, list[int]] = defaultdict(list)
    for i, (_, value) in enumerate(nodes):
        groups[value].append(i)
    keys = list(groups)
    jury = sorted(keys, key=lambda k: -len(groups[k]))[:JURY]
    n = len(nodes)
    disagree_with: dict[object, float] = {}
    for k in keys:
        weight = sum(len(groups[j]) for j in jury if j != k)
        against = sum(len(groups[j]) for j in jury if j != k and not agree(k, j))
        disagree_with[k] = against / weight * (n - len(groups[k])) if weight else 0.0
    if not any(disagree_with.values()):
        return [], []
    if n == 2:
        return [nodes[0]], [nodes[1]]
    half = (n - 1) / 2
    odd = [nodes[i] for k in keys if disagree_with[k] > half for i in groups[k]]
    rest = [nodes[i] for k in keys if disagree_with[k] <= half for i in groups[k]]
    return (odd, rest) if rest else ([], [])


def _may_count_same(a: Quantity, b: Quantity) -> bool:
    """Whether two figures may count one thing: unless each names a different model or designation ("two F-35s" is
    not the "two KC-135s" beside it; the other words of a counted thing vary too much to tell two things apart)."""
    models_a = {w for w in a.unit if any(c.isdigit() for c in w)}
    models_b = {w for w in b.unit if any(c.isdigit() for c in w)}
    return not (models_a and models_b) or bool(models_a & models_b)


_M = TypeVar("_M", bound=tuple)  # (sentence, what it says)


def _one_per_article(members: list[_M], weight: Callable[[_M], int] | None = None) -> list[_M]:
    """Each article's first member, or (given a ``weight``) its heaviest, the first of equals."""
    seen: dict[str, _M] = {}
    for m in sorted(members, key=lambda m: (m[0].article, m[0].index)):
        if m[0].article not in seen or (weight is not None and weight(m) > weight(seen[m[0].article])):
            seen[m[0].article] = m
    return list(seen.values())


def _agreeing_pairs(values: list[object], agree: Callable[[object, object], bool]) -> int:
    """Ordered pairs of different positions whose values agree, computed over distinct values."""
    counts = Counter(values)
    keys = list(counts)
    total = 0
    for a in keys:
        for b in keys:
            if agree(a, b):
                total += counts[a] * (counts[b] - (1 if a == b else 0))
    return total


@dataclass(frozen=True, slots=True)
class _Match:
    sentence: Sentence
    value: object
    sim: float


def _best_per_outlet(story: AlignedStory, node: Node, pick: Callable[[Sentence, float], tuple[object, float] | None],
                     minimum: float = RELATED_MIN, extra: Sequence[Node] = ()) -> list[_Match]:  # fmt: skip
    """For every outlet not carrying ``node``, its best matching value among sentences related to ``node``.

    ``extra`` nodes are candidates found another way (the same counted thing), however different
    the rest of their sentence.
    """
    own = {m.outlet for m in node.members}
    own_articles = {m.article for m in node.members}
    best: dict[str, tuple[float, _Match]] = {}
    candidates = dict(story.related(node.members[0], minimum))
    for other in extra:
        if other is node:
            continue
        sim = similarity(node.words, other.words)
        for t in other.members:
            candidates.setdefault(t.article, [])
            if all(c[0] is not t for c in candidates[t.article]):
                candidates[t.article].append((t, sim))
    for article, pairs in candidates.items():
        outlet = story.outlet[article]
        if outlet in own or article in own_articles:
            continue
        for t, sim in pairs:
            picked = pick(t, sim)
            if picked is None:
                continue
            value, rank = picked
            if outlet not in best or rank > best[outlet][0]:
                best[outlet] = (rank, _Match(t, value, sim))
    return [m for _, m in sorted(best.values(), key=lambda p: (-p[0], p[1].sentence.article))]


def _majority_against(story: AlignedStory, node: Node, matches: list[_Match], against: list[_Match],
                      agree: Callable[[object, object], bool]) -> bool:  # fmt: skip
    """Whether the outlets that disagree with ``node`` outnumber its supporters and agree among themselves."""
    if not against:
        return False
    if len(story.outlets) == 2 and len(matches) == 1:
        # two outlets: both are named, and the finding is made once (from the first article's side)
        return against[0].sim >= ALIGN_MIN and node.members[0].article < against[0].sentence.article
    own = len({m.outlet for m in node.members})
    supporters = own + len(matches) - len(against)
    if len(against) < 2 or len(against) <= supporters - 1:
        return False
    n = len(against)
    return _agreeing_pairs([m.value for m in against], agree) >= n * (n - 1) / 2


# -- figures ------------------------------------------------------------------------------
def _same_subject(a: Node, b: Node) -> bool:
    """Unless both sentences name someone or somewhere, and not the same: then they are about different things."""
    return not (a.entities and b.entities) or bool(a.entities & b.entities)


def _agree_numbers(a: object, b: object) -> bool:
    assert isinstance(a, Quantity)
    assert isinstance(b, Quantity)
    if a.understates(b) or b.understates(a):
        return False
    if a.hedge in MAXIMA and b.hedge in MAXIMA:  # two statements of the maximum: the maxima must agree
        # a round maximum may be a truncated figure ("up to 1,000" for 1,400), never a tenfold one
        slack = 0.02 * max(a.value, b.value)
        return a.value <= b.value + max(slack, b.precision) and b.value <= a.value + max(slack, a.precision)
    if _lower_bound(a) and _lower_bound(b):
        # two floors of one figure round it down to their own precision: "more than 1,000" and "more than 1,400" can
        # both stand, "more than 230 of its 397 rooms" and "more than 330" name two figures
        slack = 0.1 * max(a.value, b.value)
        return abs(a.value - b.value) <= max(slack, a.precision, b.precision)
    if a.hedge in APPROXIMATE and b.hedge in APPROXIMATE:
        # two approximations of one figure round the same number: "about $890bn" is not "about $980bn"
        return abs(a.value - b.value) <= max(APPROXIMATE_SLACK * max(a.value, b.value), min(a.precision, b.precision))
    if a.overlaps(b):
        return True
    if max(a.value, b.value) < 1000 and a.value.is_integer() and b.value.is_integer() and not (a.money or b.money):
        return False  # a count of people or things stated exactly: 96 dead is not 97 dead
    return abs(a.value - b.value) <= 0.02 * max(a.value, b.value)  # large or fractional figures, rounded


def _lower_bound(q: Quantity) -> bool:
    """A figure stated as a floor ("more than 330", "at least 12"), not a vague word ("several")."""
    return q.high == float("inf") and q.low == q.value and bool(q.hedge)


APPROXIMATE = frozenset({"about", "around", "roughly", "approximately", "some", "an estimated", "estimated"})
APPROXIMATE_SLACK = 0.05  # two approximations of the same figure further apart than this differ


def _same_figure(q: Quantity, r: Quantity) -> bool:
    """The same value of the same kind (a percentage, a sum of money, a count)."""
    return r.value == q.value and r.percent == q.percent and r.money == q.money


def _same_clause(q: Quantity, r: object) -> bool:
    """Two figures of the same counted thing after the same words ("the complex had about 240 apartments")."""
    assert isinstance(r, Quantity)
    return bool(q.unit & r.unit) and bool(q.context & r.context)


def _numeric(story: AlignedStory, opts: Options) -> list[Divergence]:
    """Each figure against the same figure in the other outlets: flag it when most of them disagree.

    The same figure is looked for in related sentences and, wherever it stands, in sentences
    counting the same thing in two or more words ("three Taliban prisoners" against "five
    Taliban prisoners"; one word, "people" or "vehicles", is too common to tell).
    Among several candidates in one outlet, the one counting the same thing wins, then the one
    with the same words before it ("Davis scored"), then the one sharing other figures with the
    sentence ("in 18 counties").
    """
    by_unit: dict[str, list[Node]] = defaultdict(list)
    for node in story.nodes:
        for word in sorted({w for q in node.facts.quantities for w in q.unit}):
            by_unit[word].append(node)
    figures_of: dict[str, list[Quantity]] = {}  # every figure of an article, quoted or not, read once

    def figures(article: str) -> list[Quantity]:
        if article not in figures_of:
            figures_of[article] = [r for t in story.per_article[article] for r in t.facts.quantities]
        return figures_of[article]

    def gives_figure(article: str, value: object) -> bool:
        assert isinstance(value, Quantity)
        return any(_same_figure(value, r) for r in figures(article))

    def stated_in(article: str, q: Quantity) -> bool:
        # the same figure, outside quotes, counting the same thing or nothing named ("bringing the total to 14")
        return any(not r.quoted and _same_figure(q, r) and (not r.unit or q.same_thing(r)) for r in figures(article))

    out = []
    odd_seen: set[tuple[int, str]] = set()  # (sentence, figure) found odd from its own side
    lone_found: dict[tuple[int, str], Divergence] = {}  # ... and from the majority's side
    for node in story.nodes:
        for q in node.facts.quantities:
            if q.quoted:
                continue  # a figure inside a quotation is the speaker's claim, compared as a quote
            own_figures = {w for w in node.words if w.startswith("#")} - number_tokens((q,))
            # a figure of the other sentence that this sentence also gives is the counterpart of that one ("0-62 mph"
            # beside "0 to 62 mph ... a top speed of 124 mph"), not of this one
            siblings = [x for x in node.facts.quantities if x is not q and not x.quoted]

            def pick(t: Sentence, sim: float, q: Quantity = q, node: Node = node, figures: set[str] = own_figures,
                     siblings: list[Quantity] = siblings) -> tuple[object, float] | None:  # fmt: skip
                if not _same_subject(node, t.node):
                    return None
                # a related sentence giving this very figure agrees, whatever it names beside it ("the last three
                # matchups" where this says "the three previous games")
                same = [r for r in t.facts.quantities if not r.quoted and _same_figure(q, r)]
                if same:
                    return same[0], 1000 + sim
                # in a sentence stating the same fact, the same counted thing at any magnitude
                aligned = sim >= ALIGN_MIN and bool(q.unit)
                found = [r for r in t.facts.quantities if q.same_thing(r, any_magnitude=aligned) and not r.quoted
                         and not any(_same_figure(x, r) and _may_count_same(x, r) for x in siblings)]  # fmt: skip
                if not found:
                    return None
                # the sentence may give this figure beside another of the same thing ("2.5 million of the 9 million
                # deaths"): the one that agrees, then the one counting the same thing with the same words before it
                r = max(found, key=lambda r: (_agree_numbers(q, r), len(q.unit & r.unit), len(q.context & r.context)))
                shared = len(figures & t.node.words)
                return r, 100 * len(q.unit & r.unit) + 10 * len(q.context & r.context) + shared + sim

            extra = [
                other
                for w in sorted(q.unit)
                if len(by_unit[w]) <= MAX_POSTINGS
                for other in by_unit[w]
                if any(len(q.unit & r.unit) >= 2 for r in other.facts.quantities)
            ]
            matches = _best_per_outlet(story, node, pick, extra=list(dict.fromkeys(extra)))
            # an outlet that gives this very figure for the same thing elsewhere in its article does not dispute it:
            # the two sentences are about two counts ("the 14 companies", "join the nine companies already ...")
            against = [m for m in matches if not _agree_numbers(q, m.value) and not stated_in(m.sentence.article, q)]
            if all(m.sim < ALIGN_MIN for m in against) and any(
                m.sim >= ALIGN_MIN and _agree_numbers(q, m.value) for m in matches
            ):
                # an outlet stating the same fact agrees; the loosely related sentences that differ count another
                # thing ("more than 300 Indians" deported by Mexico, "about 150 Indians" flown back from the US), unless
                # the figure's own clause says the same ("the complex had about 240 apartments" in a sentence that
                # goes on in other words)
                against = [m for m in against if _same_clause(q, m.value)]
            if not _majority_against(story, node, matches, against, _agree_numbers):
                lone = _lone_dissent(story, node, matches, against, _agree_numbers, gives_figure, LONE_FIGURE_MAJORITY)
                if lone is not None:
                    value = lone.value
                    assert isinstance(value, Quantity)
                    agreeing = [m.sentence for m in matches if m is not lone and _agree_numbers(q, m.value)]
                    kind = "understated" if value.high == float("inf") else "contradicts"
                    lone_found.setdefault((lone.sentence.node.id, value.text), _divergence(
                        "numeric_conflict", [lone.sentence], [*node.members, *agreeing],
                        f"{value.text} ({kind}) vs {q.text}", max_listed=opts.max_listed))  # fmt: skip
                continue
            odd_seen.update((m.node.id, q.text) for m in node.members)
            kind = "understated" if q.high == float("inf") else "contradicts"
            others = ", ".join(sorted({m.value.text for m in against}))  # type: ignore[attr-defined]
            out.append(_divergence("numeric_conflict", node.members, [m.sentence for m in against],
                                   f"{q.text} ({kind}) vs {others}", max_listed=opts.max_listed))  # fmt: skip
    return out + [d for key, d in lone_found.items() if key not in odd_seen]


def _lone_dissent(story: AlignedStory, node: Node, matches: list[_Match], against: list[_Match],
                  agree: Callable[[object, object], bool],
                  stated_elsewhere: Callable[[str, object], bool], majority: int = 3) -> _Match | None:  # fmt: skip
    """The one outlet whose value disagrees with ``node``'s when every other outlet that gives one agrees.

    The odd sentence itself may be worded too differently to find its peers ("roughly 5,000 tons"
    beside "the researchers calculated that about 2,300 tons were present"), so a conflict is also
    seen from the majority's side: at least two other outlets agree with this value, one outlet
    disagrees, and no other outlet states that outlet's value (``stated_elsewhere(article, value)``).
    """
    if len(against) != 1 or len(story.outlets) < 3:
        return None
    lone = against[0]
    agreeing = [m for m in matches if m is not lone]
    outlets = {m.outlet for m in node.members} | {m.sentence.outlet for m in agreeing}
    if len(outlets) < majority or lone.sentence.outlet in outlets or any(agree(lone.value, m.value) for m in agreeing):
        return None
    for article in story.per_article:
        if story.outlet[article] != lone.sentence.outlet and stated_elsewhere(article, lone.value):
            return None  # another outlet gives this value too: two facts, not one outlet's slip
    return lone


# -- dates and durations ------------------------------------------------------------------
def _date_keys(facts: Facts) -> dict[str, frozenset[object]]:
    keys: dict[str, frozenset[object]] = {}
    if facts.weekdays:
        keys["weekday"] = frozenset(facts.weekday_context)
    if facts.months:
        keys["month"] = facts.months
    if facts.days:
        keys["day"] = facts.days
    if facts.durations:
        keys["duration"] = frozenset(round(d, 1) for d, _ in facts.durations)
    for n, unit in facts.ordinals:
        keys[f"ordinal:{unit}"] = frozenset([n])
    if facts.years:
        keys["year"] = facts.years
    if facts.scores:
        keys["score"] = facts.scores
    return keys


def _dates(story: AlignedStory, opts: Options) -> list[Divergence]:
    """Each date, weekday or duration against its counterparts in the other outlets."""
    out = []
    odd_seen: set[tuple[int, str]] = set()  # (sentence, kind of date) found odd from its own side
    lone_found: dict[tuple[int, str], Divergence] = {}  # ... and from the majority's side
    keys_of: dict[int, dict[str, frozenset[object]]] = {}

    def keys(node: Node) -> dict[str, frozenset[object]]:
        if node.id not in keys_of:
            keys_of[node.id] = _date_keys(node.facts)
            # a relative date beside a figure dates that figure ("$34,410 four years ago"), a comparison point each
            # outlet picks for itself
            if not node.facts.quantities and (before := ago(node.text)):
                keys_of[node.id]["ago"] = frozenset(before)  # type: ignore[arg-type]
        return keys_of[node.id]

    for node in story.nodes:
        s = node.members[0]
        for key, values in keys(node).items():

            def pick(t: Sentence, sim: float, key: str = key, s: Sentence = s) -> tuple[object, float] | None:
                other = keys(t.node).get(key)
                if other is None or not _dates_comparable(key, s, t, sim, story):
                    return None
                return other, sim

            matches = _best_per_outlet(story, node, pick)
            agree = (_same_weekdays if key == "weekday" else _nested if key in ("day", "year", "score")
                     else _close_value if key in ("duration", "ago") else _share_value)  # fmt: skip
            against = [m for m in matches if not agree(values, m.value)]
            consensus = _consensus(against, agree)
            shown = _shown_weekdays if key == "weekday" else _shown_scores if key == "score" else _shown
            if not _majority_against(story, node, matches, consensus, agree):

                def gives(article: str, value: object, key: str = key, agree: Callable = agree,  # type: ignore[type-arg]
                          first: Sentence = s) -> bool:  # fmt: skip
                    return any(key in keys(t.node) and agree(value, keys(t.node)[key])
                               and _dates_comparable(key, first, t, 1.0, story)
                               for t in story.per_article[article])  # fmt: skip

                lone = _lone_dissent(story, node, matches, against, agree, gives)
                # dates of different events stand in loosely related sentences: the odd one must state the same fact
                if lone is not None and lone.sim >= ALIGN_MIN:
                    agreeing = [m.sentence for m in matches if m is not lone]
                    note = f"{key}: {shown(lone.value)} vs {shown(values)}"
                    lone_found.setdefault((lone.sentence.node.id, key), _divergence(
                        _date_kind(key), [lone.sentence], [*node.members, *agreeing], note,
                        max_listed=opts.max_listed))  # fmt: skip
                continue
            odd_seen.update((m.node.id, key) for m in node.members)
            note = f"{key}: {shown(values)} vs {shown(consensus[0].value)}"
            out.append(_divergence(_date_kind(key), node.members, [m.sentence for m in consensus], note,
                                   max_listed=opts.max_listed))  # fmt: skip
    return out + [d for k, d in lone_found.items() if k not in odd_seen]


def _date_kind(key: str) -> str:
    """Which one of a run of things ("the second time", "the 76th minute", "a fifth straight win") and a game's score
    are figures; the rest, an ordinal of a calendar period among them ("a sixth consecutive month", "the 14th
    century"), are dates."""
    if key == "score" or (key.startswith("ordinal:") and key.removeprefix("ordinal:") not in _CALENDAR_PERIODS):
        return "numeric_conflict"
    return "date_conflict"


_CALENDAR_PERIODS = frozenset({"day", "week", "month", "quarter", "season", "year", "decade", "century"})


def _share_value(a: object, b: object) -> bool:
    return bool(a & b)  # type: ignore[operator]


def _close_value(a: object, b: object) -> bool:
    """Two lengths of time agree within 5%: months are 30 days, so "18 months" is "a year and a half"."""
    return any(abs(x - y) <= 0.05 * max(x, y) for x in a for y in b)  # type: ignore[attr-defined,operator]


def _nested(a: object, b: object) -> bool:
    """Calendar days (years, scores) agree when one sentence's are among the other's: one may name fewer of them, but
    "by May 1 and May 31" does not agree with "by May 10 and May 31" for sharing the 31st, nor "agreed in 2025 to
    spend 5% by 2030" with "... by 2035" for sharing 2025."""
    assert isinstance(a, frozenset)
    assert isinstance(b, frozenset)
    return a <= b or b <= a


def _same_weekdays(a: object, b: object) -> bool:
    """Two sentences' weekdays agree: each weekday against the other's weekday said of the same thing.

    A sentence may date two events ("accused on Wednesday after Monday's debate"), so weekdays are
    paired by the words around them (:func:`claims.weekday_context`); a weekday with no such
    partner is not compared. When nothing pairs, sharing any weekday is agreement.
    """
    assert isinstance(a, frozenset)
    assert isinstance(b, frozenset)
    verdicts = []
    for day, near in a:
        overlap, same = max(((len(near & other_near), day == other) for other, other_near in b), default=(0, False))
        if overlap:
            verdicts.append(same)
    if verdicts:
        return all(verdicts)
    return bool({day for day, _ in a} & {day for day, _ in b})


def _shown(values: object) -> str:
    assert isinstance(values, frozenset)
    return "/".join(sorted(map(str, values)))


def _shown_scores(values: object) -> str:
    assert isinstance(values, frozenset)
    return "/".join(f"{a}-{b}" for a, b in sorted(values))


def _shown_weekdays(days: object) -> str:
    assert isinstance(days, frozenset)
    return "/".join(sorted({day for day, _ in days}))


def _consensus(matches: list[_Match], agree: Callable[[object, object], bool]) -> list[_Match]:
    """The largest group of matches whose values agree with the first of the group (the others' shared value)."""
    best: list[_Match] = []
    for value in dict.fromkeys(m.value for m in matches):
        group = [n for n in matches if agree(value, n.value)]
        if len(group) > len(best):
            best = group
    return best


def _dates_comparable(key: str, s: Sentence, t: Sentence, sim: float, story: AlignedStory) -> bool:
    if key in ("weekday", "ago"):
        # "on Tuesday" or "two weeks ago" in Tuesday's paper and in Wednesday's can be different days of events
        a, b = story.published.get(s.article), story.published.get(t.article)
        if a and b and abs((a - b).total_seconds()) > SAME_NEWS_CYCLE_S:
            return False
    if key == "duration":
        # the same words around both durations, or two sentences stating the same fact ("took them for 18 months",
        # "stayed on the drugs for 12 months")
        return bool(s.facts.duration_context & t.facts.duration_context) or sim >= ALIGN_MIN
    if key.startswith("ordinal"):
        return True
    if key == "year" and not (s.facts.months and t.facts.months):
        # a bare year ("due to arrive in 2034") is compared only between two statements of the same fact: years
        # of background ("since 2010") stand in many loosely related sentences
        return sim >= ALIGN_MIN
    return sim >= DATE_ALIGN_MIN


# -- quotes -------------------------------------------------------------------------------
def _quote_words(quote: Quote, cache: dict[tuple[str, ...], frozenset[str]]) -> frozenset[str]:
    if quote.words not in cache:
        cache[quote.words] = frozenset(content_words(" ".join(quote.words)))
    return cache[quote.words]


def _reworded(a: object, b: object) -> bool:
    """Words changed inside one quote (not one quote a shortened version of the other, nor two quotes).

    ``a`` and ``b`` are a quote's normalised words (:func:`_wording`) and its speaker's surname
    ("" when unnamed). An ellipsis ("…") marks words the outlet left out ("we would be remiss …
    if we did not"): a quote whose pieces all stand, in order, in the other quote is shortened,
    not reworded. Spelling variants (British and American, hyphenation, curly apostrophes,
    initialisms) are not changes. Quotes linked into one group through a third (two fragments of
    a long statement, each quoted by another outlet) are compared too, so the two must keep
    ``QUOTE_SAME`` of the shorter one's words in order to be one quote, and words given to two
    different named speakers are two quotes (the same words are an attribution question).
    """
    assert isinstance(a, tuple)
    assert isinstance(b, tuple)
    (a_words, a_speaker), (b_words, b_speaker) = a, b
    if a_speaker and b_speaker and a_speaker != b_speaker:
        return False
    if a_words == b_words or _elided_from(a_words, b_words) or _elided_from(b_words, a_words):
        return False
    if _determiners_only(a_words, b_words):
        return False  # "That medicine was very bitter" and "The medicine was very bitter": a translation's choice
    matcher, kept, shorter = _kept_in_order(a_words, b_words)
    if kept < QUOTE_SAME * shorter:
        return False
    ops = matcher.get_opcodes()
    inner = [op for op in ops[1:-1] if op[0] != "equal"] if len(ops) > 2 else []
    if any(op[0] == "replace" for op in ops):
        return True
    return bool(inner)


def _determiners_only(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two wordings differ only in an article or a demonstrative put for another ("the" for "that")."""
    if len(a) != len(b):
        return False
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return bool(changed) and all(x in _DETERMINERS and y in _DETERMINERS for x, y in changed)


_DETERMINERS = frozenset({"the", "that", "this", "a", "an", "these", "those"})


def _kept_in_order(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[difflib.SequenceMatcher[str], int, int]:
    """Two quotes' words compared in order ("…" left out): the matcher, the words kept, the shorter one's length."""
    wa, wb = [w for w in a if w != "…"], [w for w in b if w != "…"]
    matcher = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    return matcher, sum(block.size for block in matcher.get_matching_blocks()), min(len(wa), len(wb))


def _figures_only_changed(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two wordings of a quote differ only in figures ("about 30 percent" for "about 50 percent")."""
    ops = difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes()
    changed = [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in ops if op != "equal"]
    return bool(changed) and all(x and y and all(_is_figure(w) for w in (*x, *y)) for x, y in changed)


def _is_figure(word: str) -> bool:
    return word[:1].isdigit() or word in NUMBER_WORDS


def _elided_from(quote: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether ``quote`` has an ellipsis and each of its pieces stands, in order, in ``other``."""
    if "…" not in quote:
        return False
    joined = " " + " ".join(w for w in other if w != "…") + " "
    position = 0
    for piece in " ".join(quote).split("…"):
        words = piece.split()
        if not words:
            continue
        found = joined.find(" " + " ".join(words) + " ", position)
        if found < 0:
            return False
        position = found + 1
    return True


_QUOTE_WORD = re.compile(r"…|\.\s?\.\s?\.|[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*")  # figures are words of a quote too


def _wording(quote: Quote, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """A quote's words as compared: lower case, spelling variants folded, "…" where words were left out
    or the outlet inserted its own in brackets."""
    if quote.text not in cache:
        plain = re.sub(r"\b(?:[A-Za-z]\.){2,}", lambda m: m.group().replace(".", ""), quote.text)
        plain = re.sub(r"\([^)]*\)|\[[^\]]*\]", " … ", plain)  # "(Libyan strongman Muammar)": the outlet's words
        # a sum in a symbol or in a word is the same sum: "€600 an hour" is "600 euros an hour"
        plain = _CURRENCY_SIGN.sub(lambda m: f"{m['sum']} {_CURRENCY_WORDS[m['sign']]}", plain)
        words = ["…" if w.startswith((".", "…")) else w.lower() for w in _QUOTE_WORD.findall(plain)]
        cache[quote.text] = tuple(_norm_words(tuple(words)))
    return cache[quote.text]


def _norm_words(words: tuple[str, ...]) -> list[str]:
    """Words with British and American spellings folded to one ("organisation", "defence", "colour"), and numbers
    in words as digits ("within two days" is "within 2 days")."""
    out: list[str] = []
    for w in words:
        if w in NUMBER_WORDS:
            out.append(str(NUMBER_WORDS[w]))
            continue
        if w in _QUOTE_SCALES and out and out[-1].isdigit():
            out[-1] = str(int(out[-1]) * _QUOTE_SCALES[w])  # "fifty thousand" is "50,000"
            continue
        if w[:1].isdigit():
            out.append(w.replace(",", ""))  # "50,000" and "50000"
            continue
        w = american_spelling(w.replace("’", "'").rstrip("'"))  # "victims'" is "victims" (a closing mark or not)
        out += [part for part in w.split("-") if part]
    return out


_CURRENCY_SIGN = re.compile(r"(?P<sign>[€$£¥])\s?(?P<sum>\d[\d,.]*)")
_CURRENCY_WORDS = {"€": "euros", "$": "dollars", "£": "pounds", "¥": "yen"}
_QUOTE_SCALES = {"thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}


def _passages(words: tuple[str, ...], n: int) -> frozenset[tuple[str, ...]]:
    """Every run of ``n`` consecutive words: two quotes share a passage of ``n`` words iff these sets meet."""
    return frozenset(words[i : i + n] for i in range(len(words) - n + 1))


def _same_venue(a: object, b: object) -> bool:
    """One venue named more or less fully is the same venue ("Fox News", "Fox News Sunday", "at Dreamforce
    conference", "at Salesforce's Dreamforce conference")."""
    assert isinstance(a, str)
    assert isinstance(b, str)
    if a in b or b in a or {a, b} <= _BEFORE_REPORTERS:
        return True
    if "in a speech" in (a, b) and ({a, b} - {"in a speech"}) <= _SPOKEN_AT:
        return True  # a speech is given at an event: "in his speech in Sömmerda", "at the rally in Sömmerda"
    words_a, words_b = _venue_words(a), _venue_words(b)
    return bool(words_a and words_b) and (words_a <= words_b or words_b <= words_a)


# remarks "to reporters" are most often made at a news conference or a briefing
_BEFORE_REPORTERS = frozenset({"in remarks to reporters", "in a news conference", "in a briefing"})


_SPOKEN_AT = frozenset({"in a rally", "in a hearing", "in a summit", "in a forum", "in a town hall",
                        "in a news conference", "in a briefing"})  # fmt: skip


def _venue_key(venue: str) -> str:
    """A venue as compared: lower case, one apostrophe, no leading "the" ("The Times'" and "the times'")."""
    return venue.lower().replace("’", "'").removeprefix("the ")


def _venue_words(venue: str) -> frozenset[str]:
    return frozenset(w.removesuffix("'s") for w in venue.split() if w not in ("at", "in", "on", "a", "an", "the"))


def _name_words(name: str) -> frozenset[str]:
    """The words of a speaker's name, lower case ("Cheuk Hau-yip" -> {cheuk, hau-yip}), generation suffix dropped."""
    words = [w.lower().strip(".,") for w in name.split() if w.lower().strip(".,") not in GENERATION]
    roles = [i for i, w in enumerate(words) if w in ROLE_WORDS]
    if roles and roles[-1] < len(words) - 1:
        words = words[roles[-1] + 1 :]  # "Defence Minister Yoav Gallant": the name follows the title
    return frozenset(w for w in words if w)  # "Martin Luther King Jr." keeps "king": nothing but "Jr." follows it


def _body_words(speaker: str) -> frozenset[str]:
    """The name of a body that speaks ("the Youth Demand spokesperson" -> {youth, demand})."""
    return frozenset(w.lower() for w in speaker.split()[1:] if w[:1].isupper() and w.lower() not in ROLE_WORDS)


def _same_speaker(a: object, b: object) -> bool:
    """Two renderings agree on who spoke unless they are the same words and the names share no word.

    A name may be given in full or by either part ("Cheuk Hau-yip", "Cheuk"; "Singh Jabarjung",
    "Jabarjung"), and two quotations that only share a phrase ("via Moscow and Paris") are two
    quotations, which two people may well have said.
    """
    assert isinstance(a, tuple)
    assert isinstance(b, tuple)
    (a_name, a_words), (b_name, b_words) = a, b
    if a_name & b_name:
        return True
    _, kept, shorter = _kept_in_order(a_words, b_words)
    return kept < QUOTE_SAME_WORDS * shorter


@functools.lru_cache(maxsize=4096)  # asked for every pair of quotes compared
def _surname(name: str) -> str:
    """A speaker's family name in lower case, "" for a pronoun or a description ("a spokesman")."""
    return family_name(name).lower() if name and name[0].isupper() else ""


def _people(story: AlignedStory) -> frozenset[str]:
    """The surnames, lower case, of the people the story names as speakers or with a title: "told Netanyahu" names
    whom something was said to, not an outlet it was said in."""
    out = {_surname(q.speaker) for s in story.sentences() for q in s.quotes}
    out |= {surname.lower() for s in story.sentences() for surname in s.facts.titles}
    return frozenset(out - {""})


def _quotes(story: AlignedStory, opts: Options, people: frozenset[str]) -> list[Divergence]:
    """Quotations lined up across outlets: reworded, given to another speaker, or said at another venue than the
    others say. A venue that is one of ``people`` (:func:`_people`) is whom it was said to, and is left out."""
    occurrences = [(s, q) for s in story.sentences() for q in s.quotes]
    distinct: dict[Quote, list[int]] = defaultdict(list)
    for i, (_, q) in enumerate(occurrences):
        distinct[q].append(i)
    entries = list(distinct)
    cache: dict[tuple[str, ...], frozenset[str]] = {}
    wordings: dict[str, tuple[str, ...]] = {}
    index: dict[str, list[int]] = defaultdict(list)
    for i, q in enumerate(entries):
        for w in _quote_words(q, cache):
            index[w].append(i)
    parent = list(range(len(entries)))
    grams: dict[tuple[str, int], frozenset[tuple[str, ...]]] = {}

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def aligned(i: int, j: int) -> bool:
        """Whether the sentences first carrying two quotes state the same thing."""
        a, b = occurrences[distinct[entries[i]][0]][0], occurrences[distinct[entries[j]][0]][0]
        return similarity(a.words, b.words) >= ALIGN_MIN

    def passages(quote: Quote, n: int) -> frozenset[tuple[str, ...]]:
        if (quote.text, n) not in grams:
            grams[quote.text, n] = _passages(_wording(quote, wordings), n)
        return grams[quote.text, n]

    for i, q in enumerate(entries):
        wq = _quote_words(q, cache)
        # linking each quote to an earlier variant is enough to connect all variants, so only the
        # first entries of each word's list are looked at (blocking: no all-pairs over variants)
        shared: Counter[int] = Counter(j for w in wq for j in index[w][:QUOTE_POSTINGS] if j < i)
        for j, count in sorted(shared.items()):
            if find(i) == find(j):
                continue  # already one quote through another variant
            r = entries[j]
            share = count / max(1, min(len(wq), len(_quote_words(r, cache))))
            same_speaker = bool(_surname(q.speaker)) and _surname(q.speaker) == _surname(r.speaker)
            # a quote standing alone, or said by "he", has no speaker to tell it from another's: its passages must
            unknown = not _surname(q.speaker) or not _surname(r.speaker)
            if count < 3 and not same_speaker and not (unknown and passages(q, 4) & passages(r, 4)):
                continue  # a short quote ("the fourth time I have been deported") is matched only to its speaker
            # a third of its words is enough for the same speaker, or for a quote with no speaker in a sentence that
            # says the same as the other's (one quotation translated twice: "utterly devastated" / "extremely sad")
            if share < QUOTE_SAME and not ((same_speaker or (unknown and aligned(i, j))) and share >= 0.3):
                continue
            # the same quote keeps a passage of three or more words as it was; two different
            # quotes of one speaker share words, not passages, unless the two sentences say the same
            size = 3 if (share >= QUOTE_SAME and count >= 3) or (same_speaker and aligned(i, j)) else 4
            if passages(q, size) & passages(r, size):
                parent[find(i)] = find(j)
    components: dict[int, list[int]] = defaultdict(list)
    for i in range(len(entries)):
        components[find(i)].append(i)
    out = []
    wording: list[tuple[tuple[str, ...], int, Divergence]] = []
    for members in sorted(components.values()):
        # each article's fullest rendering: one that also quotes a fragment elsewhere ("will not appear in court
        # today") is compared on its whole quote
        nodes = _one_per_article([occurrences[k] for i in members for k in distinct[entries[i]]],
                                 weight=lambda m: len(m[1].words))  # fmt: skip
        if len(nodes) < 2:
            continue
        said = [(s, (_wording(q, wordings), _surname(q.speaker))) for s, q in nodes]  # type: ignore[attr-defined]
        odd, rest = _odd_ones(said, lambda a, b: not _reworded(a, b))
        if odd:
            shown = {s.article: q.text for s, q in nodes}  # type: ignore[attr-defined]
            # a quotation whose only change is a figure misquotes the figure: a numeric conflict, said so
            kind = "numeric_conflict" if _figures_only_changed(odd[0][1][0], rest[0][1][0]) else "quote_wording"
            found = _divergence(kind, [s for s, _ in odd], [s for s, _ in rest],
                                f"{shown[odd[0][0].article]!r} vs {shown[rest[0][0].article]!r}",
                                max_listed=opts.max_listed)  # fmt: skip
            wording.append((tuple(sorted(s.article for s, _ in odd)), odd[0][0].index, found))
        named = [(s, (_name_words(q.speaker), _wording(q, wordings))) for s, q in nodes if _surname(q.speaker)]  # type: ignore[attr-defined]
        odd, rest = _odd_ones(named, _same_speaker)
        if not odd:
            # bodies against bodies ("the Metropolitan Police" vs "a Youth Demand spokesperson"); a person may speak
            # for a body, so a person against a body is no conflict
            bodies = [(s, (_body_words(q.speaker), _wording(q, wordings))) for s, q in nodes if is_body(q.speaker)]  # type: ignore[attr-defined]
            odd, rest = _odd_ones(bodies, _same_speaker)
        if odd:
            speaker = {s.article: q.speaker for s, q in nodes}  # type: ignore[attr-defined]
            out.append(_divergence("quote_attribution", [s for s, _ in odd], [s for s, _ in rest],
                                   f"said by {speaker[odd[0][0].article]} vs {speaker[rest[0][0].article]}",
                                   max_listed=opts.max_listed))  # fmt: skip
        placed = [(s, _venue_key(q.venue)) for s, q in nodes if q.venue and q.venue.lower() not in people]  # type: ignore[attr-defined]
        odd, rest = _odd_ones(placed, _same_venue)  # type: ignore[arg-type]
        if odd:
            venue = {s.article: q.venue for s, q in nodes if q.venue}  # type: ignore[attr-defined]
            out.append(_divergence("quote_attribution", [s for s, _ in odd], [s for s, _ in rest],
                                   f"said {venue[odd[0][0].article]} vs {venue[rest[0][0].article]}",
                                   max_listed=opts.max_listed))  # fmt: skip
    # one quotation over consecutive sentences, changed by the same outlets, is one finding
    wording.sort(key=lambda w: (w[0], w[1]))
    for i, (odd_articles, index, finding) in enumerate(wording):
        previous = wording[i - 1] if i else None
        if previous and previous[0] == odd_articles and index - previous[1] <= 2:
            continue
        out.append(finding)
    return out


def _reported_venues(story: AlignedStory, opts: Options, people: frozenset[str],
                     known: Sequence[Divergence]) -> list[Divergence]:  # fmt: skip
    """Where a statement was made, when outlets report the same statement in their own words.

    "Trump told NBC News that companies would be reimbursed" against "At a press conference, Trump
    said investors would get their money back": one statement, two venues. A sentence counts when it
    reports someone's words outside quotation marks (a speech verb) and names where; it is set against
    the sentence of each other outlet that states the same thing and reports it too, unless the two
    name different speakers (two people may say the same). A majority of at least three outlets
    decides, and a finding the quotation test already made (``known``) is not made twice.
    """
    venues: dict[int, str] = {}
    for node in story.nodes:
        # a sentence with quotations has its venue read already, with them
        if reports_speech(node.text) and (venue := node.facts.quotes[0].venue if node.facts.quotes
                                          else venue_of(node.text)):  # fmt: skip
            venues[node.id] = _venue_key(venue)
    venues = {k: v for k, v in venues.items() if v not in people}  # someone addressed ("told Netanyahu"), not a venue
    made = {(d.articles[0], d.evidence.get(d.articles[0], "")) for d in known}

    def reporter(node: Node) -> str:
        """The surname of who a sentence reports as speaking, "" when unnamed ("he told ...")."""
        return _surname(node.facts.speakers[0]) if node.facts.speakers else ""

    out: list[Divergence] = []
    seen: set[tuple[str, int]] = set()
    for node in story.nodes:
        if node.id not in venues:
            continue
        s = node.members[0]
        who = reporter(node)
        placed: list[tuple[Sentence, object]] = [(s, venues[node.id])]
        for t, _ in story.counterparts(s, ALIGN_MIN).values():
            if t.node.id in venues and not (who and (other := reporter(t.node)) and who != other):
                placed.append((t, venues[t.node.id]))
        if len({story.outlet[t.article] for t, _ in placed}) < 3:
            continue
        odd, rest = _odd_ones(placed, _same_venue)
        if not odd or odd[0][0] is not s or (s.article, s.index) in seen or (s.article, s.text) in made:
            continue
        seen.add((s.article, s.index))
        out.append(_divergence("quote_attribution", [s], [t for t, _ in rest],
                               f"said {odd[0][1]} vs {rest[0][1]}", max_listed=opts.max_listed))  # fmt: skip
    return out


# -- titles -------------------------------------------------------------------------------
GENERIC_ROLES = frozenset({"official", "aide", "officer", "leader", "head", "chief", "executive", "member", "vice"})


def _same_role(a: object, b: object) -> bool:
    """Titles agree when they share a role word of the same portfolio and rank, or when one is only a vague role.

    ``a`` and ``b`` hold the role words an article gives a person (all its sentences together: a
    person may hold two offices, "Representative" and "the committee's chairman"), each with what
    the role is of (:func:`claims.portfolio`) and its rank: "Foreign Secretary" and "Brexit
    Secretary" share the role word and still name two offices, as do "deputy director" and "director".
    """
    assert isinstance(a, frozenset)
    assert isinstance(b, frozenset)
    # a military rank ("Rear Admiral Daniel Hagari") is not the office held ("the chief military spokesperson"):
    # offices are compared when both give one, and a rank alone fits any office
    offices_a = frozenset(x for x in a if x[0] not in MILITARY_RANKS)
    offices_b = frozenset(x for x in b if x[0] not in MILITARY_RANKS)
    if offices_a and offices_b:
        a, b = offices_a, offices_b
    elif offices_a or offices_b:
        return True
    roles_a, roles_b = {r for r, _, _ in a}, {r for r, _, _ in b}
    # one vague role word ("a Disney executive", "the EU's foreign policy chief") fits any office of the same rank;
    # two together ("chief medical executive") name one
    vague_a = roles_a <= GENERIC_ROLES and len(roles_a) == 1
    vague_b = roles_b <= GENERIC_ROLES and len(roles_b) == 1
    if vague_a or vague_b:
        # ... except the same vague word at another rank: "deputy Hawks head" is not the Hawks head
        same_word = [(ra, rb) for r, _, ra in a for q, _, rb in b if r == q]
        return not same_word or any(ra == rb for ra, rb in same_word)
    return any(r == q and same_portfolio(pa, pb) and ra == rb for r, pa, ra in a for q, pb, rb in b)


MILITARY_RANKS = frozenset({"admiral", "general", "colonel"})  # not "captain" (of a team) nor "sergeant" (police)
RANKS = frozenset({"deputy", "vice", "assistant", "associate", "under"})  # "deputy director" is not the director


def _rank(title: str) -> frozenset[str]:
    return frozenset(w for w in role_words(title) | {w.lower() for w in title.split()} if w in RANKS)


def _main_roles(title: str) -> frozenset[str]:
    """The role words of a title less its rank ("Deputy Director" -> {director}); a rank alone is the role."""
    roles = role_words(title)
    return roles - RANKS or roles


# a title held before, or one not held yet ("the favourite to become Germany's next chancellor")
_PAST = re.compile(r"\b(?:former|ex|onetime|then|retired|late|previous|next|future|would-be|to become)\b", re.I)


def _titles(story: AlignedStory, opts: Options) -> list[Divergence]:
    """A person's title in one outlet against the others': conflicting when no role word is shared.

    A past title ("former governor") describes another time and is left out. People sharing a
    surname are told apart by the given name written before it ("Pilar Rodríguez", "Miguel Ángel
    Rodríguez"); a surname written alone goes to the one person of the story with that surname, and
    is left out when there are several.
    """
    mentions_of: list[tuple[Sentence, str, str, str]] = []  # (sentence, surname, given name or "", title)
    for s in story.sentences():
        for surname, title in s.facts.titles.items():
            if role_words(title):
                mentions_of.append((s, surname, _given_name(s.text, surname, title), title))
    given: dict[str, set[str]] = defaultdict(set)
    for _, surname, first, _ in mentions_of:
        if first:
            given[surname].add(first)
    by_person: dict[str, dict[str, list[tuple[Sentence, str]]]] = defaultdict(lambda: defaultdict(list))
    for s, surname, first, title in mentions_of:
        if not first and len(given[surname]) > 1:
            continue  # "Rodríguez" alone, in a story of two Rodríguezes
        first = first or next(iter(given[surname]), "")
        # a past title is compared with the past titles the others give ("former chancellor" against "former prime
        # minister"), never with a present one
        held = " (former)" if _PAST.search(title) else ""
        if held and not (_PAST.match(title) and len(title.split()) <= PAST_TITLE_WORDS):
            continue  # a past title is compared only when read clean: its marker first, a few words
        by_person[f"{first} {surname}".strip() + held][s.article].append((s, title))
    out = []
    for surname, per_article in sorted(by_person.items()):
        nodes: list[tuple[Sentence, object]] = []
        shown: dict[str, str] = {}
        for article, mentions in sorted(per_article.items()):
            roles = frozenset((r, portfolio(t), _rank(t)) for _, t in mentions for r in _main_roles(t))
            nodes.append((mentions[0][0], roles))
            shown[article] = mentions[0][1]
        odd, rest = _odd_ones(nodes, _same_role)
        if odd:
            note = f"{surname}: {shown[odd[0][0].article]} vs {shown[rest[0][0].article]}"
            out.append(_divergence("role_title", [s for s, _ in odd], [s for s, _ in rest], note,
                                   max_listed=opts.max_listed))  # fmt: skip
    return out


PAST_TITLE_WORDS = 4  # "former Florida attorney general"; a longer past title is most often misread


def _given_name(text: str, surname: str, title: str) -> str:
    """The given name written just before the surname a title is given to ("Pilar" of "Pilar Rodríguez,
    Madrid's chief prosecutor"), "" if none: of several mentions of the surname, the one nearest the title."""
    at = text.find(title.split()[0]) if title else -1
    mentions = sorted(re.finditer(rf"(?:([^\W\d_][\w.'’-]*)\s+)?{re.escape(surname)}\b", text),
                      key=lambda m: abs(m.start() - at) if at >= 0 else m.start())  # fmt: skip
    word = mentions[0].group(1) or "" if mentions else ""
    if word[:1].isupper() and not word.endswith((".", "'s", "’s")) and word.lower() not in ROLE_WORDS \
            and word.lower() not in STOPWORDS and word.lower() not in GENERATION:  # fmt: skip
        return word.lower()
    return ""


# -- ages ---------------------------------------------------------------------------------
def _ages(story: AlignedStory, opts: Options) -> list[Divergence]:
    """A person's age as one outlet gives it against the others ("Assange, 47," against "the 48-year-old")."""
    by_person: dict[str, list[tuple[Sentence, object]]] = defaultdict(list)
    for s in story.sentences():
        for surname, age in s.ages:
            by_person[surname].append((s, age))
    # a story about someone never named ("a 43-year-old man"): when every outlet gives one such age, it is his
    unnamed: dict[str, list[tuple[Sentence, int]]] = defaultdict(list)
    for s in story.sentences():
        if not s.ages and any(not name for name, _ in s.node.facts.ages):
            unnamed[s.article] += [(s, age) for name, age in s.node.facts.ages if not name]
    if len(unnamed) >= 3 and all(len({age for _, age in found}) == 1 for found in unnamed.values()):
        by_person[""] = [found[0] for found in unnamed.values()]
    else:
        # several unnamed people: told apart by what they are ("a 42-year-old woman and a 66-year-old man")
        described: dict[str, dict[str, list[tuple[Sentence, int]]]] = defaultdict(lambda: defaultdict(list))
        for s in story.sentences():
            for noun, age in aged_people(s.text):
                described[noun][s.article].append((s, age))
        for noun, per_article in described.items():
            if len(per_article) >= 3 and all(len({a for _, a in found}) == 1 for found in per_article.values()):
                by_person[f"the {noun}"] = [found[0] for found in per_article.values()]
    out = []
    for surname, mentions in sorted(by_person.items()):
        odd, rest = _odd_ones(_one_per_article(mentions), lambda a, b: a == b)
        if odd:
            note = f"age of {surname or 'the person not named'}: {odd[0][1]} vs {rest[0][1]}"  # "the man" if described
            out.append(_divergence("numeric_conflict", [s for s, _ in odd], [s for s, _ in rest], note,
                                   max_listed=opts.max_listed))  # fmt: skip
    return out


# -- omissions and uncorroborated claims --------------------------------------------------
def _figure_written(token: str, values: list[float]) -> bool:
    """Whether an article gives a figure token's value, rounded or not ("about 1.79%" for "#1.786%")."""
    try:
        value = float(token.lstrip("#").rstrip("%"))
    except ValueError:
        return False
    return any(abs(v - value) <= 0.01 * max(abs(value), 1e-9) for v in values)


def _states_otherwise(omission: Divergence, conflicts: Sequence[Divergence]) -> bool:
    """Whether the omitting article is the odd one of a conflict over the same sentences.

    It states the fact, differently ("nearly 5 million users" where the others say "more than 10 million").
    """
    gap = omission.articles[0]
    return any(
        c.articles[0] == gap and any(c.evidence.get(a) == text for a, text in omission.evidence.items() if a != gap)
        for c in conflicts
    )


def _quoted_share(s: Sentence) -> float:
    quoted = sum(len(q.words) for q in s.quotes)
    return quoted / max(1, len(s.text.split()))


def _omissions(story: AlignedStory, news: list[Article], readable: set[str], opts: Options, event_words: _EventWords,
               conflicts: Sequence[Divergence] = ()) -> list[Divergence]:  # fmt: skip
    """Facts stated by most comparable outlets that a full-length news article has nothing about.

    An omitted passage is one finding: facts that sit next to each other in the stating articles
    are merged. A quotation alone is colour, not a fact, and is not counted. An article that is
    the odd one of one of ``conflicts`` over the same sentences states the fact, differently.
    """
    news_ids = {a.id for a in news}
    if len({a.outlet for a in news}) < opts.omission_min_outlets + 1:
        return []
    lengths = {a.id: len(a.text.split()) for a in news}
    median = sorted(lengths.values())[len(lengths) // 2]
    gaps = [a for a in news if a.id in readable and lengths[a.id] >= opts.omission_min_length * median]
    comparable = _comparable_outlets(gaps, news, opts.omission_window_s)
    if not gaps:
        return []
    least = min(len(c) for c in comparable.values())
    sentences_with: Counter[str] = Counter()  # in how many news sentences of the story each word stands
    for a in news:
        for s in story.per_article[a.id]:
            sentences_with.update(s.words)
    vocabulary = {a.id: frozenset(w for s in story.per_article[a.id] for w in s.words) for a in gaps}
    figures = {a.id: [q.value for s in story.per_article[a.id] for q in s.facts.quantities] for a in gaps}
    found: dict[str, list[tuple[Node, dict[str, Sentence]]]] = defaultdict(list)
    for node in story.nodes:
        first = next((m for m in node.members if m.article in news_ids), None)
        if first is None or len(node.words) < 6 or _quoted_share(first) > 0.5 or _SPECULATION.search(node.text):
            continue
        stating = {m.article: m for m in node.members if m.article in news_ids}
        for article, (t, _) in story.counterparts(first, ALIGN_MIN).items():
            if article in news_ids:
                stating.setdefault(article, t)
        outlets = {story.outlet[a] for a in stating}
        if len(outlets) < max(opts.omission_min_outlets, opts.omission_share * least):
            continue
        if sum(t.index == 0 for t in stating.values()) >= 0.5 * len(stating):
            continue  # what most outlets open with is the event itself, which every report tells in its own words
        probes = list(dict.fromkeys([node, *(t.node for t in stating.values())]))[:7]
        statements = list(stating.values())
        # the words its statements share, and of them those the rest of the story hardly uses: what tells
        # this fact from the others (a name every report repeats, "Rudolph", tells nothing)
        core = Counter(w for p in probes for w in p.words)
        shared = {w for w, n in core.items() if n >= min(2, len(probes))}  # one probe: outlets wrote it alike
        in_statements = Counter(w for t in statements for w in t.words)
        distinct = {w for w in shared if sentences_with[w] - in_statements[w] <= OMISSION_ELSEWHERE}
        names = frozenset().union(*(p.entities for p in probes))
        marks = {w for w in distinct if w.startswith("#") or w in names}  # its own figures and names
        words = distinct - marks
        for gap in gaps:
            if gap.outlet in outlets:
                continue
            have = comparable[gap.id].among(outlets)
            if have < opts.omission_min_outlets or have < opts.omission_share * len(comparable[gap.id]):
                continue
            near = max(story.best_in(p, gap.id)[1] for p in probes)
            written = vocabulary[gap.id]
            if near >= ALIGN_MIN or (shared and len(shared & written) >= OMISSION_WORDS_WRITTEN * len(shared)):
                continue  # said in a sentence of its own, or in pieces (a fact split over two sentences)
            if marks:
                if len({m for m in marks if m in written or _figure_written(m, figures[gap.id])}) >= 0.5 * len(marks):
                    continue
            elif len(words) >= 2:
                if len(words & written) >= 0.5 * len(words):
                    continue
            elif near >= RELATED_MIN:
                continue
            found[gap.id].append((node, stating))
    out = []
    for gap_id, facts in found.items():
        for group in _adjacent_groups(facts):
            node, stating = max(group, key=lambda f: (len(f[1]), -f[0].id))
            evidence = [stating[a] for a in sorted(stating, key=lambda a: (story.outlet[a], a))]
            omission = _divergence("omission", [], evidence, f"{gap_id} leaves out: {node.text[:80]}", lead=[gap_id],
                                   max_listed=opts.max_listed)  # fmt: skip
            if not _states_otherwise(omission, conflicts):
                out.append(omission)
    return out + _dropped_words(story, news, gaps, comparable, vocabulary, opts, event_words.event)


OMISSION_ELSEWHERE = 0  # other sentences of the story a word of a fact may stand in and still tell the fact apart
OMISSION_WORDS_WRITTEN = 0.6  # share of a fact's shared words an article writes somewhere to have stated it
_NOT_A_VERB_AFTER = "has|have|had|was|were|is|are|be|been|being|will|would|can|could|should|must|may|might|did|does|do"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*")
DROPS_EXAMINED = 24  # stating outlets examined for one word and one article (large stories)
EVERYDAY_ZIPF = 5.0  # a word this common in English (Zipf scale: 5 is once per 100,000 words) is wording, not a fact


def _thing_words(s: Sentence, cache: dict[int, frozenset[str]]) -> frozenset[str]:
    """The outlet's own lower-case words of a sentence that can name a thing (no -ing, -ed or -ly form)."""
    if s.node.id not in cache:
        lower = " ".join(t for t in _TOKEN.findall(unquoted(s.text)) if t[:1].islower())
        cache[s.node.id] = frozenset(w for w in content_words(lower) if not w.endswith(("ing", "ed", "ly")))
    return cache[s.node.id]


def _dropped_words(story: AlignedStory, news: list[Article], gaps: list[Article], comparable: dict[str, _Peers],
                   vocabulary: dict[str, frozenset[str]], opts: Options,
                   event: frozenset[str]) -> list[Divergence]:  # fmt: skip
    """A thing most comparable outlets name that a full-length article never names, dropped from its own sentences.

    A fact can be one noun inside sentences that otherwise match ("... when Hamas militants
    attacked southern Israel and seized hostages" against "... with an attack by Hamas militants
    on communities in southern Israel"), too small for the sentence-level test. Counted when the
    word names part of the event (:func:`_event_words`: the outlets open their reports with it; a
    "form" or a "city" dropped from a sentence is wording, not a fact), is written in lower case
    (a thing, not a name) and never after an auxiliary (not a verb),
    the comparable outlets' share of :class:`Options` use it in their own words, the article never
    writes it (quotations included), and in ``omission_min_outlets`` of those outlets a sentence
    with the word is aligned with a sentence of the article that puts nothing of its own in its
    place: dropped, not paraphrased ("won five in a row" for "won their fifth straight game").
    """
    news_nodes = {s.node.id for a in news for s in story.per_article[a.id]}
    cache: dict[int, frozenset[str]] = {}
    where: dict[str, dict[str, list[Sentence]]] = defaultdict(lambda: defaultdict(list))
    for a in news:
        for s in story.per_article[a.id]:
            for w in _thing_words(s, cache):
                where[w][a.outlet].append(s)
    least = min(len(c) for c in comparable.values())
    common = [w for w, per in where.items() if len(per) >= max(opts.omission_min_outlets, opts.omission_share * least)]
    # a dropped word matters when it names part of the event and is not one of the language's everyday words
    # ("city", "form", "first", "ever"), which outlets drop and add as wording
    common = [w for w in common if _stem(w) in event and zipf_frequency(w, "en") < EVERYDAY_ZIPF]
    verbs: dict[str, bool] = {}
    stating_in: dict[tuple[str, int], int] = {}  # (word, pool) -> outlets of the pool using the word
    aligned: dict[int, list[Node]] = {}  # node -> the news sentences that say the same, most similar first

    def aligned_with(node: Node) -> list[Node]:
        if node.id not in aligned:
            aligned[node.id] = [n for n, sim in story.neighbours[node.id] if sim >= ALIGN_MIN and n.id in news_nodes]
        return aligned[node.id]

    out = []
    for gap in gaps:
        written = vocabulary[gap.id]  # every word of the article, quotations included
        peers = comparable[gap.id]
        need = max(opts.omission_min_outlets, opts.omission_share * len(peers))
        mine_by_node = {s.node.id: s for s in story.per_article[gap.id]}
        dropped: dict[str, dict[str, Sentence]] = {}
        for w in common:
            if w in written:
                continue  # the usual case: everyone's common words are this article's too
            per = where[w]
            if (w, id(peers.pool)) not in stating_in:
                stating_in[w, id(peers.pool)] = sum(1 for o in per if o in peers.pool)
            if stating_in[w, id(peers.pool)] - (peers.own in per) < need:
                continue
            if w not in verbs:
                after_auxiliary = re.compile(rf"\b(?:{_NOT_A_VERB_AFTER})\s+(?:\w+ly\s+)?{re.escape(w)}s?\b", re.I)
                verbs[w] = any(after_auxiliary.search(s.text) for sents in per.values() for s in sents)
            if verbs[w]:
                continue
            drops: dict[str, Sentence] = {}
            examined = 0
            for outlet in sorted(per):
                if outlet not in peers:
                    continue
                examined += 1
                if examined > DROPS_EXAMINED:
                    break
                for t in per[outlet]:
                    same = aligned_with(t.node)
                    mine = next((mine_by_node[n.id] for n in same if n.id in mine_by_node), None)
                    if mine is None:
                        continue
                    # what the others say in the passage, without this article's own wording of it
                    theirs = set(t.words).union(*(n.words for n in same if n is not mine.node))
                    if not {x for x in mine.words - theirs if not x.startswith("#")}:
                        drops[outlet] = t
                        break
            if len(drops) >= opts.omission_min_outlets:
                dropped[w] = drops
        for w, drops in dropped.items():
            evidence = [drops[o] for o in sorted(drops)]
            out.append(_divergence("omission", [], evidence, f"{gap.id} never mentions {w!r}: {evidence[0].text[:80]}",
                                   lead=[gap.id], max_listed=opts.max_listed))  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class _Peers:
    """The outlets comparable with one article: a pool shared by many articles, less the article's own outlet.

    Sharing the pool keeps a story of thousands of articles from holding a set of thousands of
    outlets for each of them.
    """

    pool: frozenset[str]
    own: str

    def __contains__(self, outlet: object) -> bool:
        return outlet != self.own and outlet in self.pool

    def __len__(self) -> int:
        return len(self.pool) - (self.own in self.pool)

    def among(self, outlets: set[str]) -> int:
        """How many of ``outlets`` are comparable."""
        return sum(1 for o in outlets if o in self)


def _comparable_outlets(gaps: list[Article], news: list[Article], window_s: float) -> dict[str, _Peers]:
    """For each article, the other outlets with a news article published within the window (all, if times are unknown).

    Articles are sorted by time once and each window is cut out by bisection, so this is not a
    comparison of every article with every other.
    """
    untimed = {a.outlet for a in news if a.published_at is None}
    timed = sorted((a.published_at.timestamp(), a.outlet) for a in news if a.published_at is not None)
    stamps = [t for t, _ in timed]
    everyone = frozenset(a.outlet for a in news)
    span = stamps[-1] - stamps[0] if stamps else 0.0
    pools: dict[tuple[int, int], frozenset[str]] = {}
    out: dict[str, _Peers] = {}
    for gap in gaps:
        if gap.published_at is None or span <= window_s:
            out[gap.id] = _Peers(everyone, gap.outlet)
            continue
        t = gap.published_at.timestamp()
        lo, hi = bisect.bisect_left(stamps, t - window_s), bisect.bisect_right(stamps, t + window_s)
        if (lo, hi) not in pools:
            pools[lo, hi] = frozenset({o for _, o in timed[lo:hi]} | untimed)
        out[gap.id] = _Peers(pools[lo, hi], gap.outlet)
    return out


def _adjacent_groups(
    facts: list[tuple[Node, dict[str, Sentence]]],
) -> list[list[tuple[Node, dict[str, Sentence]]]]:
    """Facts one article leaves out, grouped when they stand next to each other in some stating article."""
    parent = list(range(len(facts)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in itertools.combinations(range(len(facts)), 2):
        a, b = facts[i][1], facts[j][1]
        if any(abs(a[x].index - b[x].index) <= 1 for x in a.keys() & b.keys()):
            parent[find(i)] = find(j)
    groups: dict[int, list[tuple[Node, dict[str, Sentence]]]] = defaultdict(list)
    for i, fact in enumerate(facts):
        groups[find(i)].append(fact)
    return list(groups.values())


def _uncorroborated(story: AlignedStory, news: list[Article], event_words: _EventWords) -> list[Divergence]:
    """Substantive claims about the event that only one outlet makes, at most ``MAX_UNCORROBORATED`` per article.

    A candidate is a sentence no other outlet states: no aligned sentence, and most of its words
    used by no other outlet. It must be about the event, naming ``MIN_EVENT_WORDS`` of the
    words the outlets open their reports with (:func:`_event_words`); background and asides
    are skipped. The candidates are ranked as claims (:func:`_claim_worth`), and only the
    weightiest of each article is reported: a long article of real coverage has many details
    nobody else gives, and a reader needs the one that matters. Two outlets are enough, as
    for a reader comparing two reports; the cap and the event test keep the longer of two texts
    from being flagged wholesale.
    """
    if len({a.outlet for a in news}) < 2:
        return []
    used_by: dict[str, set[str]] = defaultdict(set)
    for s in story.sentences():
        for w in s.words | _duration_tokens(s):
            used_by[w].add(s.outlet)
    event = event_words.event
    out = []
    for article in news:
        found: list[tuple[float, int, Sentence]] = []
        for s in story.per_article[article.id][1:]:  # the lede restates the event
            novel = [w for w in s.words | _duration_tokens(s) if used_by[w] == {s.outlet}]
            worth = _claim_worth(s, novel)
            if not worth or len(event_words.stems(s.text) & event) < MIN_EVENT_WORDS:
                continue
            if max((sim for _, sim in story.counterparts(s, RELATED_MIN).values()), default=0.0) >= ALIGN_MIN:
                continue
            found.append((-worth, s.index, s))
        found.sort(key=lambda f: f[:2])
        for _, _, s in found[:MAX_UNCORROBORATED]:
            out.append(_divergence("uncorroborated", [s], [], f"only {article.outlet}: {s.text[:80]}"))
    return out


def _claim_worth(s: Sentence, novel: list[str]) -> float:
    """How much a sentence reads as a checkable claim of the outlet's own (0: not a claim).

    Surface cues any news text has, whatever its subject: a figure, date or duration (more if no
    other outlet gives it); a source the claim is attributed to ("told reporters", "reportedly",
    "added that"); a reported action or plan ("agreed to", "plans to"); a named actor; and the
    share of words only this outlet uses. A sentence that is neither attributed to a source nor
    gives a figure or a rank of its own is most often the outlet's analysis or colour ("The two
    orders leave the airline with a narrower mix of jets"), not a claim, and scores nothing.
    Questions, weighing of possibilities, quotations and speech set off by a pronoun ("Low pay,
    she said, drives ...") or of an unnamed group ("They said they want ...") are the speaker's
    view or colour, not a claim of the outlet.
    """
    plain = [w for w in s.words if not w.startswith("#")]
    if len(plain) < 7 or _SPECULATION.search(s.text) or _quoted_share(s) > 0.5 or s.text[:1] in "\"“‘'":
        return 0.0
    if _PRONOUN_SPEECH.search(s.text):
        return 0.0
    # a duration nobody else gives ("within 24 hours") weighs in the ranking but does not make the sentence new
    own = [w for w in novel if not w.startswith("#d")]
    facts = s.facts
    figure = any(not q.quoted for q in facts.quantities) or bool(facts.durations or facts.days or facts.ordinals)
    sourced = bool(_SOURCED.search(s.text))
    acted = bool(_ATTRIBUTED.search(s.text))
    # what is to happen, or was done, by someone's account is news; how something happened is most often colour
    planned = bool(_PLAN.search(s.text))
    # a reported plan or action with its source may reuse the story's words around a new fact ("NASA said it
    # expects to issue the first task order ... in 2020"): it needs fewer words of its own
    share = NOVEL_SHARE_REPORTED if sourced and planned else NOVEL_SHARE
    if len(own) < 3 or len(own) < share * len(s.words):
        return 0.0
    novel_figure = any(w.startswith("#") for w in novel)
    ranked = bool(_RANK.search(s.text))  # "sits in third place": a standing, as checkable as a figure
    if not (sourced or novel_figure or ranked):
        return 0.0  # neither attributed to a source nor a new figure: most often the outlet's own analysis
    if not (sourced or acted):
        return 0.0  # a figure with no one to report it or nothing done is most often background or colour
    named = any(w in s.node.entities for w in s.words)
    return (2.0 * novel_figure + 1.0 * figure + 1.5 * sourced + 0.75 * acted + PLAN_WEIGHT * planned + 0.5 * named
            + len(novel) / max(1, len(s.words)))  # fmt: skip


class _EventWords:
    """A story's sentence stems, each computed once, and its event words (:func:`_event_words`), made on first use.

    Omissions and uncorroborated claims both test sentences against the event words.
    """

    def __init__(self, story: AlignedStory, news: list[Article]) -> None:
        self._story, self._news = story, news
        self._stems: dict[str, frozenset[str]] = {}

    def stems(self, text: str) -> frozenset[str]:
        if text not in self._stems:
            self._stems[text] = _stems(text)
        return self._stems[text]

    @functools.cached_property
    def event(self) -> frozenset[str]:
        return _event_words(self._story, self._news, self.stems)


def _event_words(story: AlignedStory, news: list[Article], stems_of: Callable[[str], frozenset[str]]) -> frozenset[str]:
    """What the story is about: stems of the words of any outlet's title and first two sentences that 2+ outlets use.

    A claim about the event names some of them; a sentence naming none is background or an
    aside ("Copper futures rose 1.1 per cent") however specific it is. Any outlet's opening
    counts (a feature may open on colour), as long as another outlet uses the word somewhere.
    """
    opening: set[str] = set()
    used: dict[str, set[str]] = defaultdict(set)
    for article in news:
        sents = story.per_article[article.id]
        opening |= _stems(article.title or "").union(*(stems_of(s.text) for s in sents[:2]))
        for w in frozenset().union(*(stems_of(s.text) for s in sents)):
            used[w].add(article.outlet)
    return frozenset(w for w in opening if len(used[w]) >= 2)


def _stems(text: str) -> frozenset[str]:
    """Content words cut to a crude stem, so that word forms meet ("dropped", "drops" -> "drop")."""
    return frozenset(_stem(word) for word in content_words(text)) - _HOW_REPORTED


@functools.lru_cache(maxsize=65536)  # a vocabulary's worth: the same words recur in every story
def _stem(word: str) -> str:
    w = _SUFFIX.sub("", word)
    w = w if len(w) >= 3 else word
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiousl":
        w = w[:-1]  # "dropp" -> "drop", but "call" stays
    return w[:6]


def _duration_tokens(s: Sentence) -> frozenset[str]:
    """Durations as figure tokens ("#d63875" for "175 years"), to tell whether another outlet gives the same one."""
    return frozenset(f"#d{d:g}" for d, _ in s.facts.durations)


MAX_UNCORROBORATED = 1
MIN_EVENT_WORDS = 2  # stems of the story's event (:func:`_event_words`) a claim about it names
PLAN_WEIGHT = 1.0  # in the ranking of one article's candidates, a plan or an action taken (:data:`_PLAN`)
NOVEL_SHARE_REPORTED = 0.3  # ... for a sourced plan or action (:data:`_PLAN`)
_PLAN = re.compile(
    r"\b(?:will|would|plans?|planned|expects?|expected|intends?|is to|are to|aims?|is set to|has asked|"
    r"had asked|opened|launched|filed|ordered|banned|agreed)\b",
    re.IGNORECASE,
)
NOVEL_SHARE = 0.45  # share of a sentence's words no other outlet uses, for it to be a claim only one makes
_SUFFIX = re.compile(r"(?:’s|'s|ing|ed|es|s|ly)$")
_HOW_REPORTED = frozenset({"accord", "report", "announ", "confir", "statem"})  # how a thing is told, not what
_RANK = re.compile(rf"\b(?:{'|'.join(ORDINALS)})\b", re.IGNORECASE)
_SOURCED = re.compile(
    r"\b(?:said|says|told|added|reported|reportedly|according to|announced|confirmed|revealed|found|testified|"
    r"disclosed|estimated)\b",
    re.IGNORECASE,
)
# "She added that ..." continues the attribution to the person the article has just named and is a
# reported claim; "they" is most often a group never named ("They said they want a voice ...")
_PRONOUN_SPEECH = re.compile(
    r"^they\s+(?:said|say|told|added|argued)\b|,\s*(?:he|she|they)\s+(?:said|says|added)\s*,", re.IGNORECASE
)


# -- framing ------------------------------------------------------------------------------
def _framing(story: AlignedStory, news: list[Article]) -> list[Divergence]:
    """Wording an outlet uses for the story's actors and events that the others do not (:mod:`.framing`)."""
    return [_divergence("framing", [f.sentence], f.others, f.note) for f in framing(story, news)]


# -- first reports ------------------------------------------------------------------------
def _first_reports(story: AlignedStory, opts: Options) -> list[Divergence]:
    """Which outlet stated a checkable claim first, and who followed: one finding per leading outlet.

    A claim counts when it carries a figure, a date or a quote, was stated by at least three
    outlets (or by every outlet of a two-outlet story), and its first outlet published it
    ``first_report_lead_s`` or more before any other; the finding shows that outlet's first such
    claim and lists the others' times for it.
    """
    needed = min(3, len(story.outlets))
    if needed < 2:
        return []
    leads: dict[str, list[tuple[datetime, Node, list[tuple[str, datetime, Sentence]]]]] = defaultdict(list)
    done: set[int] = set()
    for node in story.nodes:
        if node.id in done or not (node.facts.quantities or node.facts.quotes or _date_keys(node.facts)):
            continue
        stating: dict[str, Sentence] = {}
        for m in node.members:
            stating.setdefault(m.article, m)
        for article, (t, _) in story.counterparts(node.members[0], ALIGN_MIN).items():
            stating.setdefault(article, t)
        done |= {t.node.id for t in stating.values()}
        first_by_outlet: dict[str, tuple[datetime, Sentence]] = {}
        for article, s in stating.items():
            when = story.published[article]
            outlet = story.outlet[article]
            if when is not None and (outlet not in first_by_outlet or when < first_by_outlet[outlet][0]):
                first_by_outlet[outlet] = (when, s)
        if len(first_by_outlet) < needed:
            continue
        order = sorted(first_by_outlet.items(), key=lambda p: (p[1][0], p[0]))
        (lead, (t0, _)), (_, (t1, _)) = order[0], order[1]
        if (t1 - t0).total_seconds() >= opts.first_report_lead_s:
            leads[lead].append((t0, node, [(o, w, s) for o, (w, s) in order]))
    out = []
    for lead, claims in sorted(leads.items()):
        claims.sort(key=lambda c: (c[0], c[1].id))
        t0, _, order = claims[0]
        followers = ", ".join(f"{o} (+{_hours(w - t0)})" for o, w, _ in order[1:6])
        note = f"first: {lead} at {t0:%Y-%m-%d %H:%M} UTC with {len(claims)} claim(s); then {followers}"
        out.append(_divergence("first_report", [order[0][2]], [s for _, _, s in order[1:]], note))
    return out


def _hours(delta: object) -> str:
    seconds = delta.total_seconds()  # type: ignore[attr-defined]
    return f"{seconds / 3600:.1f} h"


# -- revisions ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class _Revised:
    article: str
    start: int
    end: int
    text: str
    words: frozenset[str]
    facts: Facts


def _read_revision(article_id: str, text: str) -> list[_Revised]:
    return [_Revised(article_id, a, b, t, frozenset(content_words(t)), read(t)) for a, b, t in sentences(text)]


def _stealth_edits(revisions: dict[str, list[str]]) -> list[Divergence]:
    out = []
    for article_id, texts in sorted(revisions.items()):
        for old_text, new_text in itertools.pairwise(texts):
            old, new = _read_revision(article_id, old_text), _read_revision(article_id, new_text)
            new_texts = {s.text for s in new}
            old_texts = {s.text for s in old}
            edits: list[tuple[_Revised, _Revised]] = []
            for s in old:
                if s.text in new_texts:
                    continue
                best = max(new, key=lambda t: similarity(s.words, t.words), default=None)
                if best is None or best.text in old_texts:
                    continue
                changed = (
                    {q.value for q in s.facts.quantities} != {q.value for q in best.facts.quantities}
                    or {q.text for q in s.facts.quotes} != {q.text for q in best.facts.quotes}
                    or _date_keys(s.facts) != _date_keys(best.facts)
                )
                if changed:
                    edits.append((s, best))
            if edits:
                # figures first: the edit a reader most needs to see
                edits.sort(
                    key=lambda e: {q.value for q in e[0].facts.quantities} == {q.value for q in e[1].facts.quantities}
                )
                first_old, first_new = edits[0]
                note = "; ".join(f"{o.text!r} -> {n.text!r}" for o, n in edits)
                out.append(_divergence("stealth_edit", [first_new], [], note, before={article_id: first_old.text}))  # type: ignore[list-item]
    return out
