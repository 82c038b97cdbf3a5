"""Select what a digest shows: the watch's stories, their findings, and what changed since the last digest.

The first step of ``reports``: a :class:`Digest` is built from a comparison (the watch's articles),
the divergences found among them, the engine's claim x outlet matrix of each story
(:func:`pipelines.compare.matrix.claim_matrix`), and the previous digest recorded for the watch in
the outbox. Every value is already in display form (strings, times in the watch's zone), so the
templates only lay it out and the JSON archive is exactly what the reader saw.

State: each finding is ``new`` (its id was not in the previous digest), ``changed`` (same id, but
what a reader sees, its fingerprint, differs), ``unchanged``, or ``resolved`` (told last time, its
articles still in the period, not found any more). Findings whose articles left the period are
dropped silently: out of sight is not resolved.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pipelines.compare import CellState, ClaimMatrix, Comparison, matrix_of
from pipelines.compare.align import AlignedStory
from pipelines.config import WatchConfig
from pipelines.models import Article, Divergence, OutboxMessage
from pipelines.stories import assign_stories, story_of
from reports.chart import Chart, Point, timeline_chart

TYPE_LABELS = {
    "numeric_conflict": "Figures that disagree",
    "date_conflict": "Dates and durations that disagree",
    "quote_wording": "A quote worded differently",
    "quote_attribution": "A quote given to a different speaker or place",
    "role_title": "A person's title differs",
    "omission": "Left out by one outlet",
    "uncorroborated": "Stated by one outlet only",
    "stealth_edit": "Changed after publication, without a note",
    "framing": "Distinctive wording",
    "first_report": "Reported first",
}
# which section of a story each finding type belongs to
SECTIONS = {
    "numeric_conflict": "conflicts", "date_conflict": "conflicts", "role_title": "conflicts",
    "quote_wording": "quotes", "quote_attribution": "quotes",
    "uncorroborated": "uncorroborated", "omission": "omissions", "stealth_edit": "edits",
    "framing": "framing", "first_report": "firsts",
}  # fmt: skip
CONFLICTING = {"numeric_conflict", "date_conflict", "role_title", "quote_wording", "quote_attribution"}
MATRIX_ROWS = 30  # claims per story in the matrix: those in a finding first, then the most shared
FIRST_FOLLOWERS = 3  # outlets named after the first one; the rest are counted
FIRST_CLAIMS = 5  # shared claims per story for which "who had it first" is shown
STATES = ("new", "changed", "unchanged", "resolved")
_TOKEN = re.compile(r"\S+\s*")
_TERM = re.compile(r"^'(.+?)'")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$")


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of words; ``mark`` is True where it differs from the sentence it is compared with."""

    text: str
    mark: bool = False


@dataclass(frozen=True)
class Evidence:
    """One outlet's sentence backing a finding, with its link and time."""

    outlet: str
    sentence: str
    url: str
    published: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Finding:
    """One divergence as a reader sees it. ``outlet`` is the outlet that departs (or omits, or edited)."""

    id: str
    type: str
    label: str
    state: str
    note: str
    outlet: str
    first_seen: str
    evidence: tuple[Evidence, ...]  # the departing outlet's sentence first (none for an omission)
    others: tuple[Evidence, ...] = ()  # the other outlets' sentences (conflicts, omissions, framing)
    before: tuple[Segment, ...] = ()  # stealth edits: the sentence before and after, words marked
    after: tuple[Segment, ...] = ()
    more_edits: int = 0
    term: str = ""  # framing: the outlet's distinctive word


@dataclass(frozen=True)
class Cell:
    """One outlet's relation to one claim: states, contradicts, omits, unique, or '' (not covered)."""

    mark: str
    url: str = ""
    sentence: str = ""


@dataclass(frozen=True)
class MatrixRow:
    text: str
    url: str
    cells: tuple[Cell, ...]  # in the order of the story's outlets


@dataclass(frozen=True)
class FirstReport:
    outlet: str
    what: str
    url: str
    published: str
    lead: str  # how long before the next outlet, e.g. "2 h 10 min before Capital Signal"
    claim: bool = True  # ``what`` is a sentence the outlet wrote (shown in quotation marks), not the story


@dataclass(frozen=True)
class ArticleRow:
    outlet: str
    title: str
    url: str
    published: str
    revision: int
    copy_of: str  # the outlet whose text this republishes ('' for an original)


@dataclass(frozen=True)
class StorySection:
    id: str
    title: str
    outlets: tuple[str, ...]
    article_count: int
    matrix: tuple[MatrixRow, ...]
    matrix_more: int
    conflicts: tuple[Finding, ...]
    quotes: tuple[Finding, ...]
    uncorroborated: tuple[Finding, ...]
    omissions: tuple[tuple[str, tuple[Finding, ...]], ...]  # per omitting outlet
    edits: tuple[Finding, ...]
    framing: tuple[Finding, ...]
    firsts: tuple[FirstReport, ...]
    chart: Chart | None
    counts: dict[str, int]  # findings per state
    articles: tuple[ArticleRow, ...] = ()  # in publication order

    @property
    def findings(self) -> list[Finding]:
        grouped = [f for _, fs in self.omissions for f in fs]
        return [*self.conflicts, *self.quotes, *self.uncorroborated, *grouped, *self.edits, *self.framing]

    @property
    def has_news(self) -> bool:
        return bool(self.counts["new"] or self.counts["changed"])


@dataclass(frozen=True)
class Digest:
    """Everything a digest shows, in display form; ``fingerprints`` is what its readers are told."""

    id: str
    watch: str
    query: str
    timezone: str
    generated_at: str
    period: str
    outlet_count: int
    article_count: int
    story_count: int
    divergence_count: int
    counts: dict[str, int]
    previous_at: str  # when the previous digest was made ('' for the first)
    stories: tuple[StorySection, ...]
    resolved: tuple[Finding, ...]
    fingerprints: dict[str, str] = field(repr=False)

    @property
    def first(self) -> bool:
        return not self.previous_at

    @property
    def nothing_new(self) -> bool:
        return not self.first and not (self.counts["new"] or self.counts["changed"] or self.counts["resolved"])

    @property
    def charts(self) -> list[Chart]:
        return [s.chart for s in self.stories if s.chart]

    @property
    def summary(self) -> str:
        """The one line an editor reads first."""
        stats = (
            f"{_n(self.outlet_count, 'outlet')}, {_n(self.article_count, 'article')}, "
            f"{_n(self.story_count, 'story', 'stories')}, {_n(self.divergence_count, 'divergence')}"
        )
        if self.first:
            return f"{stats}; first digest of this watch."
        if self.nothing_new:
            return f"Nothing new since the digest of {self.previous_at}: {stats}, all as reported then."
        c = self.counts
        return f"{stats}; since the digest of {self.previous_at}: {c['new']} new, {c['changed']} changed, " \
               f"{c['resolved']} resolved."  # fmt: skip

    @property
    def subject(self) -> str:
        c = self.counts
        if self.nothing_new:
            news = "nothing new"
        elif self.first:
            news = _n(self.divergence_count, "divergence")
        else:
            news = f"{c['new']} new, {c['changed']} changed, {c['resolved']} resolved"
        return f"[newswatch] {self.watch}: {news} ({_n(self.story_count, 'story', 'stories')}, " \
               f"{_n(self.article_count, 'article')})"  # fmt: skip

    def to_json(self) -> str:
        data = asdict(self)
        for story, section in zip(data["stories"], self.stories, strict=True):
            if section.chart:
                story["chart"] = {k: v for k, v in story["chart"].items() if k != "png"}
        data |= {"summary": self.summary, "subject": self.subject, "nothing_new": self.nothing_new}
        return json.dumps(data, ensure_ascii=False, indent=1, default=str)


def build_digest(
    comparison: Comparison,
    divergences: Sequence[Divergence],
    watch: WatchConfig,
    outlet_names: dict[str, str],
    *,
    now: datetime,
    previous: OutboxMessage | None = None,
    known: Iterable[Divergence] = (),
    since: datetime | None = None,
    stories: dict[str, str] | None = None,
    matrices: Mapping[str, ClaimMatrix] | None = None,
) -> Digest:
    """The digest of ``watch``: its stories and findings, each finding marked against ``previous``.

    ``known`` are stored findings of the watch (to show those resolved since ``previous``);
    ``stories`` maps article id -> story id (grouped here when not given); ``matrices`` maps story
    id -> the engine's claim x outlet matrix of that story (built here from the story's articles
    and ``divergences`` when not given).
    """
    zone = ZoneInfo(watch.timezone)
    view = _View(comparison, outlet_names, zone)
    stories = dict(stories) if stories is not None else assign_stories(
        [a for a in comparison.articles if not a.duplicate_of])  # fmt: skip
    for a in comparison.articles:
        if a.duplicate_of:
            stories[a.id] = stories.get(a.duplicate_of, a.duplicate_of)
    told = previous.divergences if previous else None
    states = {d.id: _state(d, told) for d in divergences}
    current = {d.id for d in divergences}
    in_period = set(view.by_id)
    gone = [d for d in known if told is not None and d.id in told and d.id not in current]
    # a finding's id covers every outlet's sentence, so one more outlet stating the figure gives it a new
    # id: a "new" finding with the same departing sentence as a told one that is gone is that one, changed
    gone_by_key = {_continuity(d): d.id for d in gone}
    continued = set()
    for d in divergences:
        if states[d.id] == "new" and told is not None and _continuity(d) in gone_by_key:
            states[d.id] = "changed"
            continued.add(gone_by_key[_continuity(d)])
    resolved = [
        view.finding(d, "resolved")
        for d in sorted(gone, key=lambda d: (-d.severity, d.type, d.id))
        if d.id not in continued and in_period.intersection(d.articles)
    ]
    by_story: dict[str, list[Divergence]] = defaultdict(list)
    for d in divergences:
        by_story[d.story or story_of(d.articles, stories)].append(d)
    articles_by_story: dict[str, list[Article]] = defaultdict(list)
    for a in comparison.articles:
        articles_by_story[stories.get(a.id, "")].append(a)
    sections = [
        view.story(story_id, articles, by_story[story_id], states, (matrices or {}).get(story_id))
        for story_id, articles in articles_by_story.items()
    ]
    # stories with findings first, most severe first; then by size
    sections.sort(key=lambda s: (-sum(s.counts[k] for k in ("new", "changed")), -len(s.findings),
                                 -s.article_count, s.title))  # fmt: skip
    counts = {state: sum(1 for s in states.values() if s == state) for state in STATES}
    counts["resolved"] = len(resolved)
    fingerprints = {d.id: d.fingerprint for d in divergences}
    key = "|".join([watch.name, previous.id if previous else "", *(f"{i}:{fingerprints[i]}:{states[i]}"
                                                                  for i in sorted(fingerprints))])  # fmt: skip
    return Digest(
        id=hashlib.sha256(key.encode()).hexdigest()[:32],
        watch=watch.name,
        query=watch.query,
        timezone=watch.timezone,
        generated_at=_local(now, zone),
        period=(f"{_local(since, zone)} to {_local(now, zone)}" if since else f"until {_local(now, zone)}"),
        outlet_count=len({a.outlet for a in comparison.articles}),
        article_count=len(comparison.articles),
        story_count=len(sections),
        divergence_count=len(divergences),
        counts=counts,
        previous_at=_local(previous.created_at, zone) if previous else "",
        stories=tuple(sections),
        resolved=tuple(resolved),
        fingerprints=fingerprints,
    )


def _continuity(d: Divergence) -> tuple[str, str, str]:
    """What stays the same while a finding gains or loses supporting outlets: its type, the departing
    article and its sentence (an omission: the omitting article and what it leaves out)."""
    head = d.articles[0] if d.articles else ""
    return d.type, head, _norm(d.evidence.get(head, "")) or d.note


def _state(d: Divergence, told: dict[str, str] | None) -> str:
    if told is None or d.id not in told:
        return "new"
    return "changed" if told[d.id] != d.fingerprint else "unchanged"


def word_diff(a: str, b: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Both sentences cut into runs of words, the runs that differ marked (difflib on words).

    Words are compared without case and surrounding punctuation, so a quote's curly or straight
    quotation marks are not a difference; the spaces after a marked run stay unmarked.
    """
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    matcher = difflib.SequenceMatcher(a=[_word(t) for t in ta], b=[_word(t) for t in tb], autojunk=False)
    out_a: list[Segment] = []
    out_b: list[Segment] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        for out, tokens in ((out_a, ta[i1:i2]), (out_b, tb[j1:j2])):
            if tokens:
                text = "".join(tokens)
                if op == "equal":
                    out.append(Segment(text))
                else:
                    core = text.rstrip()
                    out.append(Segment(core, True))
                    if len(core) < len(text):
                        out.append(Segment(text[len(core) :]))
    return tuple(out_a), tuple(out_b)


def _word(token: str) -> str:
    return _EDGE_PUNCT.sub("", token.strip().lower())


def _closest(sentence: str, candidates: Sequence[str]) -> int:
    """Index of the candidate sharing the most words with ``sentence`` (what a side-by-side compares)."""
    words = {_word(t) for t in _TOKEN.findall(sentence)}

    def overlap(other: str) -> float:
        theirs = {_word(t) for t in _TOKEN.findall(other)}
        return len(words & theirs) / (len(words | theirs) or 1)

    return max(range(len(candidates)), key=lambda i: overlap(candidates[i]), default=0)


def _plain(text: str) -> tuple[Segment, ...]:
    return (Segment(text),)


def _marked(text: str, term: str) -> tuple[Segment, ...]:
    """The sentence with every occurrence of ``term`` marked (framing)."""
    if not term:
        return _plain(text)
    parts = re.split(rf"(\b{re.escape(term)}\b)", text, flags=re.IGNORECASE)
    return tuple(Segment(p, i % 2 == 1) for i, p in enumerate(parts) if p)


class _View:
    """Turns records into display rows for one digest (outlet names, local times, links)."""

    def __init__(self, comparison: Comparison, names: dict[str, str], zone: ZoneInfo) -> None:
        self.by_id = {a.id: a for a in comparison.articles}
        self.names = names
        self.zone = zone

    def outlet(self, outlet_id: str) -> str:
        return self.names.get(outlet_id, outlet_id)

    def _evidence(self, d: Divergence, article_id: str, segments: tuple[Segment, ...] | None = None) -> Evidence:
        article = self.by_id.get(article_id)
        sentence = d.evidence.get(article_id, "")
        return Evidence(
            outlet=self.outlet(article.outlet if article else d.outlets.get(article_id, article_id)),
            sentence=sentence,
            url=article.url if article else d.urls.get(article_id, ""),
            published=_local(article.published_at, self.zone) if article else "",
            segments=segments if segments is not None else _plain(sentence),
        )

    def finding(self, d: Divergence, state: str) -> Finding:
        head, *rest = d.articles or ("",)
        outlet_of = lambda a: self.outlet(self.by_id[a].outlet if a in self.by_id else d.outlets.get(a, a))  # noqa: E731
        common = {"id": d.id, "type": d.type, "label": TYPE_LABELS.get(d.type, d.type), "state": state,
                  "note": d.note, "outlet": outlet_of(head),
                  "first_seen": _local(d.first_seen, self.zone) if d.first_seen else ""}  # fmt: skip
        others = self._others(d, rest, exclude={outlet_of(head)})
        if d.type in CONFLICTING and others:
            # the closest of the other versions goes first, its differences from the departing one marked
            closest = _closest(d.evidence.get(head, ""), [e.sentence for e in others])
            mine, theirs = word_diff(d.evidence.get(head, ""), others[closest].sentence)
            others = (replace(others[closest], segments=theirs), *others[:closest], *others[closest + 1 :])
            return Finding(**common, evidence=(self._evidence(d, head, mine),), others=others)
        if d.type == "omission":
            return Finding(**common, evidence=(), others=others)
        if d.type == "stealth_edit":
            old = d.before.get(head, "")
            before, after = word_diff(old, d.evidence.get(head, ""))
            edits = d.note.count("' -> '") or 1
            return Finding(**common, evidence=(self._evidence(d, head),), before=before, after=after,
                           more_edits=max(0, edits - 1))  # fmt: skip
        if d.type == "framing":
            match = _TERM.match(d.note)
            term = match[1] if match else ""
            mine = _marked(d.evidence.get(head, ""), term)
            return Finding(**common, evidence=(self._evidence(d, head, mine),), others=others[:2], term=term)
        return Finding(**common, evidence=(self._evidence(d, head),), others=others)

    def _distinct(self, article_ids: Sequence[str], exclude: set[str]) -> list[str]:
        """One article per outlet (the first), skipping outlets in ``exclude``."""
        seen, out = set(exclude), []
        for a in article_ids:
            name = self.outlet(self.by_id[a].outlet) if a in self.by_id else a
            if name not in seen:
                seen.add(name)
                out.append(a)
        return out

    def _others(self, d: Divergence, article_ids: Sequence[str], exclude: set[str]) -> tuple[Evidence, ...]:
        return tuple(self._evidence(d, a) for a in self._distinct(article_ids, exclude))

    def story(self, story_id: str, articles: list[Article], divergences: list[Divergence], states: dict[str, str],
              matrix: ClaimMatrix | None = None) -> StorySection:  # fmt: skip
        ordered = sorted(articles, key=lambda a: (a.published_at or a.fetched_at, a.id))
        outlet_ids = sorted({a.outlet for a in articles}, key=lambda o: self.outlet(o).lower())
        order = sorted(divergences, key=lambda d: (STATES.index(states[d.id]), -d.severity, d.id))
        findings = [self.finding(d, states[d.id]) for d in order]
        section: dict[str, list[Finding]] = defaultdict(list)
        for f in findings:
            section[SECTIONS.get(f.type, "conflicts")].append(f)
        omissions: dict[str, list[Finding]] = defaultdict(list)
        for f in section["omissions"]:
            omissions[f.outlet].append(f)
        independent = [a for a in ordered if not a.duplicate_of]
        if matrix is None:
            copies = {a.id: a.duplicate_of for a in articles if a.duplicate_of}
            matrix = matrix_of(AlignedStory(independent), divergences, copies, articles)
        rows, more = self._matrix(outlet_ids, matrix)
        title = (independent or ordered)[0].title
        return StorySection(
            id=story_id,
            title=title,
            outlets=tuple(self.outlet(o) for o in outlet_ids),
            article_count=len(articles),
            matrix=rows,
            matrix_more=more,
            conflicts=tuple(section["conflicts"]),
            quotes=tuple(section["quotes"]),
            uncorroborated=tuple(section["uncorroborated"]),
            omissions=tuple((outlet, tuple(fs)) for outlet, fs in sorted(omissions.items())),
            edits=tuple(section["edits"]),
            framing=tuple(section["framing"]),
            firsts=self._firsts(independent, matrix, section["firsts"]),
            chart=self._chart(story_id, outlet_ids, articles),
            counts={state: sum(1 for f in findings if f.state == state) for state in STATES},
            articles=tuple(self._row(a) for a in ordered),
        )

    def _row(self, a: Article) -> ArticleRow:
        original = self.by_id.get(a.duplicate_of)
        copy_of = self.outlet(original.outlet) if original else (a.duplicate_of and "another outlet")
        return ArticleRow(self.outlet(a.outlet), a.title, a.url, _local(a.published_at, self.zone), a.revision,
                          copy_of)  # fmt: skip

    def _matrix(self, outlet_ids: list[str], matrix: ClaimMatrix) -> tuple[tuple[MatrixRow, ...], int]:
        """The engine's claim x outlet matrix in display form: claims in a finding first, then the most shared."""
        ordered = sorted(matrix.claims, key=lambda c: (not c.divergences, -c.sources))
        rows = []
        for claim in ordered[:MATRIX_ROWS]:
            cells = []
            for outlet in outlet_ids:
                cell = claim.cells.get(outlet)
                article = self.by_id.get(cell.article) if cell else None
                url = article.url if article else ""
                cells.append(Cell(cell.state.value, url, cell.sentence) if cell else Cell(""))
            first = next((c for c in claim.cells.values() if c.sentence), None)
            source = self.by_id.get(first.article) if first else None
            rows.append(MatrixRow(claim.text, source.url if source else "", tuple(cells)))
        return tuple(rows), len(ordered) - len(rows)

    def _firsts(self, independent: list[Article], matrix: ClaimMatrix, found: list[Finding]
                ) -> tuple[FirstReport, ...]:  # fmt: skip
        """Who had the story first, and who first stated its most shared claims."""
        out = []
        dated = [a for a in independent if a.published_at]
        if dated:
            first = dated[0]
            later = next((a for a in dated if a.outlet != first.outlet), None)
            out.append(FirstReport(self.outlet(first.outlet), "the story: " + first.title, first.url,
                                   _local(first.published_at, self.zone), self._lead(first, later),
                                   claim=False))  # fmt: skip
        shared = sorted((c for c in matrix.claims if c.sources > 1), key=lambda c: -c.sources)[:FIRST_CLAIMS]
        story_first = dated[0].outlet if dated else ""
        for claim in shared:
            timed = sorted(
                ((cell.published_at, outlet, cell) for outlet, cell in claim.cells.items()
                 if cell.published_at and cell.state is not CellState.OMITS),
                key=lambda t: (t[0], t[1]),
            )  # fmt: skip
            if len(timed) < 2 or timed[0][1] == story_first:
                continue  # only where someone other than the story's first reporter had the claim first
            (when, outlet, cell), later_one = timed[0], next((t for t in timed if t[1] != timed[0][1]), None)
            lead = f"{_duration(later_one[0] - when)} before {self.outlet(later_one[1])}" if later_one else ""
            article = self.by_id.get(cell.article)
            out.append(FirstReport(self.outlet(outlet), cell.sentence, article.url if article else "",
                                   _local(when, self.zone), lead))  # fmt: skip
        out += [self._engine_first(f) for f in found]
        return tuple(out)

    @staticmethod
    def _engine_first(f: Finding) -> FirstReport:
        """The engine's first report of a claim: when the first outlet had it, and who followed (by name)."""
        lead = f.evidence[0] if f.evidence else None
        followers = [e for e in f.others if e.outlet != f.outlet]
        then = ", ".join(
            f"{e.outlet} ({e.published})" if e.published else e.outlet for e in followers[:FIRST_FOLLOWERS]
        )
        if len(followers) > FIRST_FOLLOWERS:
            then += f" and {len(followers) - FIRST_FOLLOWERS} more"
        return FirstReport(f.outlet, lead.sentence if lead else f.note, lead.url if lead else "",
                           lead.published if lead and lead.published else f.first_seen,
                           f"then {then}" if then else "")  # fmt: skip

    def _lead(self, first: Article, later: Article | None) -> str:
        if not later or not later.published_at or not first.published_at:
            return ""
        return f"{_duration(later.published_at - first.published_at)} before {self.outlet(later.outlet)}"

    def _chart(self, story_id: str, outlet_ids: list[str], articles: list[Article]) -> Chart | None:
        lanes = []
        for outlet in outlet_ids:
            points = [Point(a.published_at, copy=bool(a.duplicate_of), revised=a.revision > 1)
                      for a in articles if a.outlet == outlet and a.published_at]  # fmt: skip
            lanes.append((self.outlet(outlet), points))
        return timeline_chart(story_id, lanes, self.zone)


def _norm(sentence: str) -> str:
    return " ".join(sentence.split())


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if value else "undated"


def _duration(delta: Any) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{hours // 24} days"


def _n(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"
