"""Framing: the words an outlet uses for a story's actors and events that the other outlets do not.

Its place in the flow: :func:`pipelines.compare.divergence.analyse_story` calls :func:`framing`
with the aligned story and its news articles (opinion set aside) and turns each result into a
``framing`` divergence. Two complementary measures, neither of them a list of loaded words:

* **Repeated wording** (Monroe, Colaresi and Quinn 2008, log-odds ratio with an informative
  Dirichlet prior): each article's word counts against the other articles' together, the prior
  being the whole story's counts, so a word is distinctive only if this outlet uses it clearly
  more than its share. It needs a word used at least twice.
* **Substituted labels**, for words an outlet uses once: the common noun an outlet attaches to a
  name ("the butchers of Hamas", "the Israeli onslaught", "the Netanyahu regime") is how it labels
  an actor or event. A label no other outlet uses anywhere in the story, standing where two or
  more other outlets, in their sentences aligned with this passage, attach another label to the
  same name ("Hamas militants", "Israel's military offensive") that this outlet never uses, is
  a substitution. One substituted label can be a paraphrase ("Hamas fighters"): an article is
  reported when it has a substitution and at least one more label of its own, or a repeated
  distinctive word. Names, quotations and words the outlets share are never framing.

The evidence is the sentence where the substitution is made with the strongest alignment (or,
for repeated words alone, the sentence where the outlet's wording departs most), next to the
other outlets' aligned sentences, those using the label it replaces first.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from pipelines.compare.align import ALIGN_MIN, RELATED_MIN, AlignedStory, Node, Sentence
from pipelines.models import Article
from pipelines.wordlists import DATE_WORDS, ROLE_WORDS, STOPWORDS

PRIOR_STRENGTH = 500.0  # a0 of the Dirichlet prior, in words
FRAMING_Z = 2.0  # z-score of the log-odds ratio an outlet's word must reach to count as its own framing
SUBSTITUTE_OUTLETS = 2  # other outlets that must attach the replaced label to the same name
SHOWN_OTHERS = 3  # other outlets' sentences shown next to the outlet's own

_LOWER_WORD = re.compile(r"(?<![A-Za-z'’-])[a-z][a-z'’-]{4,}")
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’(?![A-Za-z])")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[.,;:!?()—–]")
_POSSESSIVE = re.compile(r"['’]s$")
# after a label noun comes its verb, a relative pronoun, a preposition or punctuation; after a verb
# its object: a determiner, a pronoun, a name or "to" ("Trump told Netanyahu", "Hamas wants a ...")
_AFTER_NOUN = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "has",
        "have",
        "had",
        "will",
        "would",
        "who",
        "which",
        "that",
        "in",
        "on",
        "of",
        "at",
        "for",
        "with",
        "from",
    ]
)
_OBJECT = (STOPWORDS | {"a", "an", "the", "his", "her", "their", "its", "to", "him", "them", "it"}) - _AFTER_NOUN
NOT_NAMES = STOPWORDS | DATE_WORDS | ROLE_WORDS


@dataclass(frozen=True, slots=True)
class Framed:
    """One article's framing: the sentence that shows it, the others' aligned sentences and what it is."""

    sentence: Sentence
    others: tuple[Sentence, ...]
    note: str
    term: str  # the word to mark in the sentence


def unquoted(text: str) -> str:
    """The outlet's own words: quotations are the speaker's framing, not the outlet's."""
    return _QUOTED.sub(" ", text)


def fold(word: str) -> str:
    """Lower case, crude plural folding ("terrorists" and "terrorist" are one label)."""
    w = word.lower()
    return w[:-1] if w.endswith("s") and len(w) > 4 and not w.endswith("ss") else w


def _name_key(token: str) -> str:
    """What a name is compared by: its first five letters ("Israel", "Israeli", "Israel's" are one actor)."""
    return _POSSESSIVE.sub("", token).lower()[:5]


@dataclass(frozen=True, slots=True)
class _Label:
    name: str  # the name's key
    word: str  # folded
    surface: str  # as written


class _Labeller:
    """The common nouns a story's sentences attach to names, read once per distinct sentence."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.tokens = {node.id: _TOKEN.findall(unquoted(node.text)) for node in nodes}
        # a capitalised word at the start of a sentence is a name only if the story writes it so elsewhere
        self.mid_sentence = {
            _name_key(t) for ts in self.tokens.values() for i, t in enumerate(ts) if i and t[:1].isupper()
        }
        self._labels: dict[int, tuple[_Label, ...]] = {}

    def _is_name(self, token: str, position: int) -> bool:
        if not token[:1].isupper() or token.lower() in NOT_NAMES:
            return False
        return position > 0 or _name_key(token) in self.mid_sentence

    @staticmethod
    def _is_word(token: str) -> bool:
        return token[:1].islower() and token.lower() not in STOPWORDS

    @staticmethod
    def _is_noun(tokens: list[str], j: int) -> bool:
        """A lower-case word that reads as a noun here (no verb or adverb ending, not followed by an object)."""
        w = tokens[j]
        if not w[:1].islower() or w.lower() in STOPWORDS or len(w) < 4 or w.endswith(("ed", "ing", "ly")):
            return False
        following = tokens[j + 1] if j + 1 < len(tokens) else "."
        return not (following[:1].isupper() or following.lower() in _OBJECT)

    def labels(self, node: Node) -> tuple[_Label, ...]:
        """(name, word) pairs: "Hamas militants", "Israel's military offensive", "the butchers of Hamas"."""
        if node.id in self._labels:
            return self._labels[node.id]
        tokens = self.tokens[node.id]
        out: list[_Label] = []
        i = 0
        while i < len(tokens):
            if not self._is_name(tokens[i], i):
                i += 1
                continue
            key = _name_key(tokens[i])
            before = tokens[max(0, i - 3) : i]
            if len(before) == 3 and before[0].lower() == "the" and before[2] == "of" and self._is_word(before[1]):
                out.append(_Label(key, fold(tokens[i - 2]), tokens[i - 2]))
            j = i + 1
            while j < len(tokens) and self._is_name(tokens[j], j):
                j += 1  # the rest of a name of several words
            for k in (j, j + 1):  # the noun, or an adjective and its noun
                if k >= len(tokens) or not self._is_word(tokens[k]):
                    break
                if self._is_noun(tokens, k):
                    out.append(_Label(key, fold(tokens[k]), tokens[k]))
            i = j
        self._labels[node.id] = tuple(out)
        return self._labels[node.id]


@dataclass(frozen=True, slots=True)
class _Substitution:
    label: _Label
    sentence: Sentence
    replaced: tuple[str, ...]  # the others' labels for the same name (surface forms)
    others: tuple[tuple[float, Sentence], ...]  # the others' sentences carrying them, best aligned first


def framing(story: AlignedStory, news: Sequence[Article]) -> list[Framed]:
    """One finding per news article whose wording departs from the others' (needs three outlets)."""
    if len({a.outlet for a in news}) < 3:
        return []
    news_ids = {a.id for a in news}
    counts = {
        a.id: Counter(
            w.lower() for s in story.per_article[a.id] for w in _LOWER_WORD.findall(unquoted(s.text))
            if w.lower() not in STOPWORDS
        )
        for a in news
    }  # fmt: skip
    total: Counter[str] = Counter()
    for c in counts.values():
        total.update(c)
    size = sum(total.values())
    scores = _log_odds(counts, total)
    labeller = _Labeller([s.node for a in news for s in story.per_article[a.id]])
    used_by: dict[str, set[str]] = defaultdict(set)  # folded word -> outlets using it in their own voice
    for a in news:
        for s in story.per_article[a.id]:
            for token in labeller.tokens[s.node.id]:
                used_by[fold(token)].add(a.outlet)
    out = []
    for article in news:
        mine, z = counts[article.id], scores[article.id]
        n_mine = sum(mine.values())
        n_others = size - n_mine
        # a word used twice or more, scoring high, and used by the others less often than by this outlet
        flagged = sorted(
            (w for w, k in mine.items() if k >= 2 and z[w] >= FRAMING_Z and (total[w] - k) * n_mine < k * n_others),
            key=lambda w: (-z[w], w),
        )
        own = [
            (s, label)
            for s in story.per_article[article.id]
            for label in labeller.labels(s.node)
            if used_by[label.word] == {article.outlet}
        ]
        subs = [sub for s, label in own if (sub := _substitution(story, labeller, used_by, news_ids, s, label))]
        distinct = {label.word for _, label in own}
        if subs and (len(distinct) >= 2 or flagged):
            best = max(subs, key=lambda sub: (len({t.outlet for _, t in sub.others}), sum(x for x, _ in sub.others)))
            # the substitution shown goes first (the term a report marks), then repeated words, then other labels
            parts = [f"{x.label.surface!r} (others: {', '.join(map(repr, x.replaced))})" for x in [best, *subs]]
            parts += [f"{w!r} (z={z[w]:.1f})" for w in flagged[:5]]
            shown = {x.label.word for x in subs} | {fold(w) for w in flagged}
            own_labels = dict.fromkeys(repr(label.surface) for _, label in own if label.word not in shown)
            parts += [f"own labels: {', '.join(own_labels)}"] if own_labels else []
            note = ", ".join(dict.fromkeys(parts))
            out.append(Framed(best.sentence, _one_per_article(best.others), note, best.label.surface))
        elif flagged:
            out.append(_repeated(story, article, flagged, z, counts))
    return out


def _substitution(story: AlignedStory, labeller: _Labeller, used_by: dict[str, set[str]], news_ids: set[str],
                  s: Sentence, label: _Label) -> _Substitution | None:  # fmt: skip
    """Other outlets' labels for the same name in the passage aligned with ``s`` (it and its neighbours)."""
    passage = story.per_article[s.article][max(0, s.index - 1) : s.index + 2]
    replaced: dict[str, set[str]] = defaultdict(set)  # folded word -> outlets
    surface: dict[str, str] = {}
    carriers: dict[str, list[tuple[float, Sentence]]] = defaultdict(list)
    for p in passage:
        for article, (t, sim) in story.counterparts(p, ALIGN_MIN).items():
            if article not in news_ids or t.outlet == s.outlet:
                continue
            for other in labeller.labels(t.node):
                if other.name == label.name and other.word != label.word and s.outlet not in used_by[other.word]:
                    replaced[other.word].add(t.outlet)
                    surface.setdefault(other.word, other.surface)
                    carriers[other.word].append((sim, t))
    words = sorted(
        (w for w, outlets in replaced.items() if len(outlets) >= SUBSTITUTE_OUTLETS),
        key=lambda w: (-len(replaced[w]), w),
    )
    if not words:
        return None
    others = sorted(
        {id(t): (sim, t) for w in words for sim, t in carriers[w]}.values(), key=lambda p: (-p[0], p[1].article)
    )
    return _Substitution(label, s, tuple(surface[w] for w in words), tuple(others))


def _one_per_article(pairs: Sequence[tuple[float, Sentence]]) -> tuple[Sentence, ...]:
    seen: dict[str, Sentence] = {}
    for _, t in pairs:
        seen.setdefault(t.article, t)
    return tuple(seen.values())[:SHOWN_OTHERS]


def _log_odds(counts: dict[str, Counter[str]], total: Counter[str]) -> dict[str, dict[str, float]]:
    """Each article's z-scores of the log-odds ratio of its words against the other articles' together."""
    prior_size = sum(total.values())
    out: dict[str, dict[str, float]] = {}
    for art, mine in counts.items():
        n_mine = sum(mine.values())
        n_others = prior_size - n_mine
        scores: dict[str, float] = {}
        for word, k in mine.items():
            rest = total[word] - k
            alpha = PRIOR_STRENGTH * total[word] / prior_size
            odds_mine, odds_others = n_mine + PRIOR_STRENGTH - k - alpha, n_others + PRIOR_STRENGTH - rest - alpha
            if odds_mine <= 0 or odds_others <= 0:
                # the story's only word (the others write nothing outside quotes): nothing to set it against
                scores[word] = 0.0
                continue
            delta = math.log((k + alpha) / odds_mine) - math.log((rest + alpha) / odds_others)
            scores[word] = delta / math.sqrt(1 / (k + alpha) + 1 / (rest + alpha))
        out[art] = scores
    return out


def _repeated(story: AlignedStory, article: Article, flagged: list[str], scores: dict[str, float],
              counts: dict[str, Counter[str]]) -> Framed:  # fmt: skip
    """Shown where this outlet's own wording departs most from the others' (all its words, weighted by z)."""
    using = [s for s in story.per_article[article.id] if set(_LOWER_WORD.findall(unquoted(s.text))) & set(flagged)]
    sentence = max(
        using,
        key=lambda s: (
            sum(max(0.0, scores.get(w.lower(), 0.0)) for w in set(_LOWER_WORD.findall(unquoted(s.text)))),
            -s.index,
        ),
    )
    pairs = sorted(
        ((sim, t) for t, sim in story.counterparts(sentence, RELATED_MIN).values() if t.article in counts),
        key=lambda p: (-p[0], p[1].article),
    )
    note = ", ".join(f"{w!r} (z={scores[w]:.1f})" for w in flagged[:5])
    return Framed(sentence, _one_per_article(pairs), note, flagged[0])
