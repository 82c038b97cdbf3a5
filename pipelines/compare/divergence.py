"""Find where the outlets covering one story disagree, each finding backed by the exact sentences.

The method, in one pass over a story:

1. Copies (wire text republished by several outlets) are found with MinHash and set aside: a
   copy is not an independent source.
2. Every sentence is read for checkable facts (:mod:`pipelines.compare.claims`).
3. Sentences are aligned across articles by their content words, through an inverted index
   (no all-pairs comparison): for each sentence, its best counterpart in every other article.
4. Aligned facts are grouped (the same figure, the same quote, the same person's title) and
   compared; the outlet that departs from the others is the divergent one. With only two
   outlets, both are named.
5. Facts nearly everyone states but one full article leaves out are omissions; substantive
   claims nobody else states are uncorroborated; revisions that change a figure, a quote or a
   date are stealth edits.

Every divergence has a stable id computed from its type, articles and evidence, so the same
finding keeps its id across runs.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from pipelines.compare.claims import Facts, Quantity, Quote, content_words, entities, read, role_words
from pipelines.models import AccessState, Article, Divergence
from pipelines.sentences import sentences
from pipelines.syndication import find_copies
from pipelines.wordlists import STOPWORDS

ALIGN_MIN = 0.34  # cosine of content-word sets for two sentences to say the same thing
RELATED_MIN = 0.18  # below this, an article has nothing like the sentence
DATE_ALIGN_MIN = 0.3  # dates differ legitimately between loosely related sentences (follow-up days)
QUOTE_SAME = 0.5  # share of the shorter quote's words for two quotes to be the same quote
SAME_NEWS_CYCLE_S = 18 * 3600
MAX_POSTINGS = 200  # words in more sentences than this do not propose candidates (blocking)
SEVERITY = {
    "numeric_conflict": 0.9, "quote_attribution": 0.8, "quote_wording": 0.7, "date_conflict": 0.7,
    "role_title": 0.5, "stealth_edit": 0.8, "omission": 0.4, "uncorroborated": 0.3, "framing": 0.3,
}  # fmt: skip
_CLAIM_VERBS = re.compile(
    r"\b(said|says|told|reported|according to|announced|plans?|will|would|offered|confirmed|claimed|"
    r"revealed|agreed|ordered|approved|rejected)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True, eq=False)  # identity: two sentences are never "the same" node
class Sentence:
    article: str
    index: int
    start: int
    end: int
    text: str
    words: frozenset[str]
    facts: Facts


@dataclass(frozen=True)
class StoryAnalysis:
    divergences: tuple[Divergence, ...]
    copies: dict[str, str]

    def by_type(self) -> Counter[str]:
        return Counter(d.type for d in self.divergences)


def analyse_story(articles: Sequence[Article], revisions: dict[str, list[str]] | None = None) -> StoryAnalysis:
    """Every divergence among ``articles`` (one story); ``revisions`` maps article id -> texts, oldest first."""
    copies = find_copies(list(articles))
    independent = [a for a in articles if a.id not in copies and not a.duplicate_of]
    readable = {a.id for a in independent if a.access_state is AccessState.FULL}
    per_article = {a.id: _read_article(a) for a in independent}
    aligner = _Aligner(per_article)
    aligner.published = {a.id: a.published_at for a in independent}
    found: list[Divergence] = []
    found += _numeric(aligner)
    found += _dates(aligner)
    found += _quotes(aligner)
    found += _titles(per_article)
    lengths = {a.id: len(a.text.split()) for a in independent}
    found += _omissions(aligner, readable, lengths)
    found += _uncorroborated(aligner)
    found += _framing(aligner)
    if revisions:
        found += _stealth_edits(revisions)
    unique = {d.id: d for d in found}
    return StoryAnalysis(divergences=tuple(unique.values()), copies=copies)


# -- reading and aligning -----------------------------------------------------------------
def _read_article(article: Article) -> list[Sentence]:
    out = []
    for index, (start, end, text) in enumerate(sentences(article.text)):
        facts = read(text, previous_speaker="")
        resolved = []
        for quote in facts.quotes:
            # pronouns and role references ("she", "the coach") stay unresolved: guessing who they
            # mean would invent attribution conflicts
            resolved.append(quote)
        facts = Facts(**{**{f: getattr(facts, f) for f in facts.__dataclass_fields__}, "quotes": tuple(resolved)})
        out.append(Sentence(article.id, index, start, end, text, frozenset(content_words(text)), facts))
    return out


class _Aligner:
    """Best counterpart of each sentence in every other article, found through an inverted index."""

    def __init__(self, per_article: dict[str, list[Sentence]]) -> None:
        self.per_article = per_article
        self.articles = list(per_article)
        self.published: dict[str, object] = {}
        postings: dict[str, list[Sentence]] = defaultdict(list)
        for sents in per_article.values():
            for s in sents:
                for w in s.words:
                    postings[w].append(s)
        self.best: dict[tuple[str, int], dict[str, tuple[Sentence, float]]] = {}
        self.candidates: dict[tuple[str, int], dict[str, list[tuple[Sentence, float]]]] = {}
        for sents in per_article.values():
            for s in sents:
                scores: dict[tuple[str, int], int] = Counter()
                for w in s.words:
                    plist = postings[w]
                    if len(plist) > MAX_POSTINGS:
                        continue
                    for t in plist:
                        if t.article != s.article:
                            scores[(t.article, t.index)] += 1
                best: dict[str, tuple[Sentence, float]] = {}
                near: dict[str, list[tuple[Sentence, float]]] = defaultdict(list)
                for (art, idx), shared in scores.items():
                    t = per_article[art][idx]
                    sim = shared / math.sqrt(len(s.words) * len(t.words))
                    if sim > best.get(art, (None, 0.0))[1]:
                        best[art] = (t, sim)
                    if sim >= RELATED_MIN:
                        near[art].append((t, sim))
                self.best[(s.article, s.index)] = best
                self.candidates[(s.article, s.index)] = {
                    art: sorted(pairs, key=lambda p: -p[1])[:3] for art, pairs in near.items()
                }

    def match(self, s: Sentence, other: str) -> tuple[Sentence | None, float]:
        return self.best[(s.article, s.index)].get(other, (None, 0.0))

    def related_pairs(self, minimum: float) -> Iterable[tuple[Sentence, Sentence, float]]:
        """Each sentence with its best counterpart in every other article, above ``minimum``."""
        for (art, idx), best in self.best.items():
            s = self.per_article[art][idx]
            for other, (t, sim) in best.items():
                if sim >= minimum and art < other:
                    yield s, t, sim

    def aligned_pairs(self, minimum: float = ALIGN_MIN) -> Iterable[tuple[Sentence, Sentence, float]]:
        """Mutually best sentence pairs across articles (each pair once)."""
        for (art, idx), best in self.best.items():
            s = self.per_article[art][idx]
            for other, (t, sim) in best.items():
                if sim < minimum or art >= other:
                    continue
                back, _ = self.match(t, art)
                if back is s:
                    yield s, t, sim


# -- grouping helper ----------------------------------------------------------------------
class _Groups:
    """Union-find over (article, key) nodes: which facts in different articles are the same fact."""

    def __init__(self) -> None:
        self.parent: dict[object, object] = {}

    def find(self, x: object) -> object:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: object, b: object) -> None:
        self.parent[self.find(a)] = self.find(b)

    def components(self) -> list[list[object]]:
        out: dict[object, list[object]] = defaultdict(list)
        for x in self.parent:
            out[self.find(x)].append(x)
        return list(out.values())


def _divergence(kind: str, odd: Sequence[Sentence], others: Sequence[Sentence], note: str,
                before: dict[str, str] | None = None) -> Divergence:  # fmt: skip
    ordered = list(odd) + [s for s in others if s.article not in {o.article for o in odd}]
    seen: dict[str, Sentence] = {}
    for s in ordered:
        seen.setdefault(s.article, s)
    # the note names what differs (e.g. "weekday" vs "duration" in the same sentences)
    key = kind + "|" + note + "|" + "|".join(f"{a}:{' '.join(s.text.split())}" for a, s in sorted(seen.items()))
    return Divergence(
        id=hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:16],
        type=kind,
        articles=tuple(seen),
        evidence={a: s.text for a, s in seen.items()},
        spans={a: (s.start, s.end) for a, s in seen.items()},
        severity=SEVERITY[kind],
        note=note,
        before=before or {},
    )


def _odd_ones(nodes: list[tuple[Sentence, object]], agree: Callable[[object, object], bool]) -> tuple[list, list]:  # type: ignore[type-arg]
    """Split nodes into (divergent, majority): a node is divergent when it disagrees with most others.

    Nodes with equal values are compared once (stories with many outlets repeat the same figure
    or quote many times), so the cost grows with the number of distinct values, not of outlets.
    """
    if len(nodes) < 2:
        return [], []
    groups: dict[object, list[int]] = defaultdict(list)
    for i, (_, value) in enumerate(nodes):
        groups[_hashable(value)].append(i)
    keys = list(groups)
    values = {k: nodes[groups[k][0]][1] for k in keys}
    disagree_with = {k: sum(len(groups[o]) for o in keys if o != k and not agree(values[k], values[o])) for k in keys}
    if not any(disagree_with.values()):
        return [], []
    if len(nodes) == 2:
        return [nodes[0]], [nodes[1]]
    half = (len(nodes) - 1) / 2
    odd = [nodes[i] for k in keys if disagree_with[k] > half for i in groups[k]]
    rest = [nodes[i] for k in keys if disagree_with[k] <= half for i in groups[k]]
    return (odd, rest) if rest else ([], [])


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return id(value)
    return value


def _one_per_article(members: list[object]) -> list[tuple[Sentence, object]]:
    seen: dict[str, tuple[Sentence, object]] = {}
    for m in sorted(members, key=lambda m: (m[0].article, m[0].index)):  # type: ignore[index]
        seen.setdefault(m[0].article, m)  # type: ignore[index]
    return list(seen.values())


# -- figures ------------------------------------------------------------------------------
def _comparable(a: Quantity, b: Quantity) -> bool:
    return a.same_thing(b)


def _consensus(matches: list, agree: Callable[[object, object], bool]) -> list:  # type: ignore[type-arg]
    """The largest group of matches whose values agree with each other (the others' shared figure)."""
    best: list = []  # type: ignore[type-arg]
    for m in matches:
        group = [n for n in matches if agree(m[1], n[1])]
        if len(group) > len(best):
            best = group
    return best


def _same_subject(s: Sentence, t: Sentence) -> bool:
    """Unless both sentences name someone or somewhere, and not the same: then they are about different things."""
    a, b = entities(s.text), entities(t.text)
    return not (a and b) or bool(a & b)


def _agree_numbers(a: Quantity, b: Quantity) -> bool:
    if a.understates(b) or b.understates(a):
        return False
    if a.overlaps(b):
        return True
    return abs(a.value - b.value) <= 0.02 * max(a.value, b.value)


def _numeric(aligner: _Aligner) -> list[Divergence]:
    """Each figure against the same figure in the other articles: flag it when most of them disagree."""
    out = []
    for art, sents in aligner.per_article.items():
        for s in sents:
            for q in s.facts.quantities:
                matches: list[tuple[Sentence, Quantity, float]] = []
                for pairs in aligner.candidates[(art, s.index)].values():
                    found = [(t, r, sim) for t, sim in pairs if _same_subject(s, t)
                             for r in t.facts.quantities if q.same_thing(r)]  # fmt: skip
                    if found:
                        matches.append(max(found, key=lambda m: (len(q.unit & m[1].unit), m[2])))
                against = [m for m in matches if not _agree_numbers(q, m[1])]
                if not against:
                    continue
                agreeing_among = sum(1 for a in against for b in against if a is not b and _agree_numbers(a[1], b[1]))
                two_way = len(matches) == 1 and len(aligner.articles) == 2 and against[0][2] >= ALIGN_MIN
                if two_way or (
                    len(against) >= 2
                    and len(against) > len(matches) / 2
                    and agreeing_among >= len(against) * (len(against) - 1) / 2
                ):
                    kind = "understated" if q.high == float("inf") else "contradicts"
                    others = ", ".join(sorted({m[1].text for m in against}))
                    out.append(_divergence("numeric_conflict", [s], [m[0] for m in against],
                                           f"{q.text} ({kind}) vs {others}"))  # fmt: skip
    return out


# -- dates and durations ------------------------------------------------------------------
def _date_keys(facts: Facts) -> dict[str, frozenset[object]]:
    keys: dict[str, frozenset[object]] = {}
    if facts.weekdays:
        keys["weekday"] = facts.weekdays
    if facts.months:
        keys["month"] = facts.months
    if facts.durations:
        keys["duration"] = frozenset(round(d, 1) for d, _ in facts.durations)
    for n, unit in facts.ordinals:
        keys[f"ordinal:{unit}"] = frozenset([n])
    if facts.years and facts.months:
        keys["year"] = facts.years
    return keys


def _dates(aligner: _Aligner) -> list[Divergence]:
    """Each date, weekday or duration against its counterparts in the other articles."""
    out = []
    for art, sents in aligner.per_article.items():
        for s in sents:
            for key, values in _date_keys(s.facts).items():
                matches: list[tuple[Sentence, frozenset[object], float]] = []
                for pairs in aligner.candidates[(art, s.index)].values():
                    found = [(t, _date_keys(t.facts)[key], sim) for t, sim in pairs
                             if key in _date_keys(t.facts) and _dates_comparable(key, s, t, sim, aligner)]  # fmt: skip
                    if found:
                        matches.append(max(found, key=lambda m: m[2]))
                against = _consensus([m for m in matches if not values & m[1]], lambda a, b: bool(a & b))
                if not against:
                    continue
                two_way = len(matches) == 1 and len(aligner.articles) == 2
                if two_way or (len(against) >= 2 and len(against) > len(matches) / 2):
                    shown = lambda v: "/".join(sorted(map(str, v)))  # noqa: E731
                    note = f"{key}: {shown(values)} vs {shown(against[0][1])}"
                    out.append(_divergence("date_conflict", [s], [m[0] for m in against], note))
    return out


def _dates_comparable(key: str, s: Sentence, t: Sentence, sim: float, aligner: _Aligner) -> bool:
    if key == "weekday":
        # "on Tuesday" in Tuesday's paper and in Wednesday's can be different days of events
        a, b = aligner.published.get(s.article), aligner.published.get(t.article)
        if a and b and abs((a - b).total_seconds()) > SAME_NEWS_CYCLE_S:
            return False
    if key in ("duration",) or key.startswith("ordinal"):
        return bool(s.facts.duration_context & t.facts.duration_context) or key.startswith("ordinal")
    return sim >= DATE_ALIGN_MIN


# -- quotes -------------------------------------------------------------------------------
@functools.lru_cache(maxsize=65536)
def _quote_words(words: tuple[str, ...]) -> frozenset[str]:
    return frozenset(content_words(" ".join(words)))


def _same_quote(a: Quote, b: Quote) -> bool:
    wa, wb = _quote_words(a.words), _quote_words(b.words)
    shared = len(wa & wb)
    if shared >= 3 and _surname(a.speaker) and _surname(a.speaker) == _surname(b.speaker):
        return True  # the same named speaker saying something this close is the same quote
    return shared >= 3 and shared / max(1, min(len(wa), len(wb))) >= QUOTE_SAME


def _reworded(a: Quote, b: Quote) -> bool:
    """Words changed inside the quote (not one quote a shortened version of the other)."""
    ops = difflib.SequenceMatcher(a=_norm_words(a.words), b=_norm_words(b.words), autojunk=False).get_opcodes()
    inner = [op for op in ops[1:-1] if op[0] != "equal"] if len(ops) > 2 else []
    if any(op[0] == "replace" for op in ops):
        return True
    return bool(inner)


def _norm_words(words: tuple[str, ...]) -> list[str]:
    return [w.replace("’", "'").replace("ise", "ize").replace("our", "or") for w in words]


def _surname(name: str) -> str:
    return name.split()[-1].lower() if name and name[0].isupper() else ""


def _quotes(aligner: _Aligner) -> list[Divergence]:
    nodes_all = [(s, q) for sents in aligner.per_article.values() for s in sents for q in s.facts.quotes]
    index: dict[str, list[int]] = defaultdict(list)
    for i, (_, q) in enumerate(nodes_all):
        for w in set(q.words):
            if len(w) > 3:
                index[w].append(i)
    groups = _Groups()
    for i, (s, q) in enumerate(nodes_all):
        groups.find(i)
        for j in {j for w in set(q.words) if len(w) > 3 for j in index[w] if j > i}:
            t, r = nodes_all[j]
            if t.article != s.article and _same_quote(q, r):
                groups.union(i, j)
    out = []
    for members in groups.components():
        nodes = _one_per_article([nodes_all[i] for i in members])  # type: ignore[index]
        if len(nodes) < 2:
            continue
        odd, rest = _odd_ones(nodes, lambda a, b: not _reworded(a, b))
        if odd:
            out.append(_divergence("quote_wording", [s for s, _ in odd], [s for s, _ in rest],
                                   f"{odd[0][1].text!r} vs {rest[0][1].text!r}"))  # fmt: skip
        named = [(s, q) for s, q in nodes if _surname(q.speaker)]
        odd, rest = _odd_ones(named, lambda a, b: _surname(a.speaker) == _surname(b.speaker))
        if odd:
            out.append(_divergence("quote_attribution", [s for s, _ in odd], [s for s, _ in rest],
                                   f"said by {odd[0][1].speaker} vs {rest[0][1].speaker}"))  # fmt: skip
        placed = [(s, q) for s, q in nodes if q.venue]
        odd, rest = _odd_ones(placed, lambda a, b: a.venue.lower() == b.venue.lower())
        if odd:
            out.append(_divergence("quote_attribution", [s for s, _ in odd], [s for s, _ in rest],
                                   f"said {odd[0][1].venue} vs {rest[0][1].venue}"))  # fmt: skip
    return out


# -- titles -------------------------------------------------------------------------------
def _roles(title: str) -> frozenset[str]:
    return role_words(title)


GENERIC_ROLES = frozenset({"official", "aide", "officer", "leader", "head", "executive", "member", "vice"})


def _same_role(a: str, b: str) -> bool:
    """Titles agree when they share a role word, or when one is only a vague role ("official", "aide")."""
    ra, rb = _roles(a), _roles(b)
    return bool(ra & rb) or ra <= GENERIC_ROLES or rb <= GENERIC_ROLES


def _titles(per_article: dict[str, list[Sentence]]) -> list[Divergence]:
    by_person: dict[str, list[tuple[Sentence, str]]] = defaultdict(list)
    for sents in per_article.values():
        for s in sents:
            for surname, title in s.facts.titles.items():
                by_person[surname].append((s, title))
    out = []
    for surname, mentions in by_person.items():
        nodes = _one_per_article([(s, t) for s, t in mentions if _roles(t)])  # type: ignore[misc]
        odd, rest = _odd_ones(nodes, _same_role)
        if odd:
            out.append(_divergence("role_title", [s for s, _ in odd], [s for s, _ in rest],
                                   f"{surname}: {odd[0][1]} vs {rest[0][1]}"))  # fmt: skip
    return out


# -- omissions and uncorroborated claims --------------------------------------------------
def _omissions(aligner: _Aligner, readable: set[str], lengths: dict[str, int]) -> list[Divergence]:
    articles = aligner.articles
    if len(articles) < 3:
        return []
    median = sorted(lengths.values())[len(lengths) // 2]
    out: dict[tuple[str, str], Divergence] = {}
    for art, sents in aligner.per_article.items():
        for s in sents:
            if len(s.words) < 6:
                continue
            stating = {other: t for other, (t, sim) in aligner.best[(art, s.index)].items() if sim >= ALIGN_MIN}
            missing = [a for a in articles if a != art and a not in stating]
            if len(missing) != 1 or len(stating) + 1 < max(3, len(articles) - 1):
                continue
            (gap,) = missing
            if gap not in readable or lengths[gap] < 0.6 * median:
                continue
            near = max([aligner.match(s, gap)[1]] + [aligner.match(t, gap)[1] for t in stating.values()])
            if near >= RELATED_MIN:
                continue
            key = (gap, min([f"{art}:{s.index}"] + [f"{t.article}:{t.index}" for t in stating.values()]))
            if key not in out:
                div = _divergence("omission", [], [s, *stating.values()], f"{gap} leaves out: {s.text[:80]}")
                out[key] = Divergence(**{**div.__dict__, "articles": (gap, *div.articles)})
    return list(out.values())


def _uncorroborated(aligner: _Aligner) -> list[Divergence]:
    """Substantive claims whose specific words appear in no other article of the story."""
    if len(aligner.articles) < 3:  # with two versions, "only one says it" is too weak to flag
        return []
    vocabulary: dict[str, Counter[str]] = {a: Counter(w for s in sents for w in s.words)
                                           for a, sents in aligner.per_article.items()}  # fmt: skip
    out = []
    for art, sents in aligner.per_article.items():
        elsewhere = Counter()
        for other, words in vocabulary.items():
            if other != art:
                elsewhere.update(words.keys())
        for s in sents[1:]:
            if len(s.words) < 7 or not _CLAIM_VERBS.search(s.text) or not entities(s.text):
                continue  # a claim of fact names who or what it is about
            quoted = sum(len(q.words) for q in s.facts.quotes)
            if quoted > 0.5 * len(s.text.split()):
                continue  # a quotation alone is colour, not a claim of fact
            novel = [w for w in s.words if not elsewhere[w]]
            best = max((sim for _, sim in aligner.best[(art, s.index)].values()), default=0.0)
            if len(novel) >= 3 and len(novel) >= 0.45 * len(s.words) and best < ALIGN_MIN:
                out.append(_divergence("uncorroborated", [s], [], f"only {art}: {s.text[:80]}"))
    return out


# -- framing ------------------------------------------------------------------------------
PRIOR_STRENGTH = 500.0  # a0 of the Dirichlet prior, in words
FRAMING_Z = 2.0  # z-score of the log-odds ratio an outlet's word must reach to count as its own framing
_LOWER_WORD = re.compile(r"(?<![A-Za-z'’-])[a-z][a-z'’-]{4,}")


_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’(?![A-Za-z])")


def _unquoted(text: str) -> str:
    """The outlet's own words: quotations are the speaker's framing, not the outlet's."""
    return _QUOTED.sub(" ", text)


def _framing(aligner: _Aligner) -> list[Divergence]:
    """Words one outlet uses for the story that the others do not, ranked statistically.

    The log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008)
    compares each article's word counts with the other articles' together; the prior is the
    whole story's counts, so a word is distinctive only if this outlet uses it clearly more
    than its share. Names are left out (capitalised words): framing is in the common words
    ("terrorists" against "militants", "onslaught" against "offensive").
    """
    if len(aligner.articles) < 3:
        return []
    counts = {
        a: Counter(
            w.lower() for s in sents for w in _LOWER_WORD.findall(_unquoted(s.text)) if w.lower() not in STOPWORDS
        )
        for a, sents in aligner.per_article.items()
    }
    total = Counter()
    for c in counts.values():
        total.update(c)
    prior_size = sum(total.values())
    out = []
    for art, mine in counts.items():
        others = total - mine
        n_mine, n_others = sum(mine.values()), sum(others.values())
        for word, k in mine.items():
            if k < 2 or (others[word] > 0 and others[word] * n_mine >= k * n_others):
                continue
            alpha = PRIOR_STRENGTH * total[word] / prior_size
            a0 = PRIOR_STRENGTH
            delta = math.log((k + alpha) / (n_mine + a0 - k - alpha)) - math.log(
                (others[word] + alpha) / (n_others + a0 - others[word] - alpha)
            )
            z = delta / math.sqrt(1 / (k + alpha) + 1 / (others[word] + alpha))
            if z < FRAMING_Z:
                continue
            sentence = next(
                s for s in aligner.per_article[art] if re.search(rf"\b{re.escape(word)}\b", _unquoted(s.text))
            )
            counterparts = [t for t, sim in aligner.best[(art, sentence.index)].values() if sim >= RELATED_MIN]
            out.append(_divergence("framing", [sentence], counterparts[:3], f"{word!r} (z={z:.1f})"))
    return out


# -- revisions ----------------------------------------------------------------------------
def _values(s: Sentence) -> set[float]:
    return {q.value for q in s.facts.quantities}


def _stealth_edits(revisions: dict[str, list[str]]) -> list[Divergence]:
    out = []
    for article_id, texts in revisions.items():
        for old_text, new_text in itertools.pairwise(texts):
            old = [Sentence(article_id, i, a, b, t, frozenset(content_words(t)), read(t))
                   for i, (a, b, t) in enumerate(sentences(old_text))]  # fmt: skip
            new = [Sentence(article_id, i, a, b, t, frozenset(content_words(t)), read(t))
                   for i, (a, b, t) in enumerate(sentences(new_text))]  # fmt: skip
            new_texts = {s.text for s in new}
            edits: list[tuple[Sentence, Sentence]] = []
            for s in old:
                if s.text in new_texts:
                    continue
                best = max(new, key=lambda t: len(s.words & t.words) / math.sqrt(len(s.words) * len(t.words) or 1),
                           default=None)  # fmt: skip
                if best is None or best.text in {o.text for o in old}:
                    continue
                changed = (
                    _values(s) != _values(best)
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
                out.append(_divergence("stealth_edit", [first_new], [], note, before={article_id: first_old.text}))
    return out
