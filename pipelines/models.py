"""The records that flow through newswatch, each defined once and used by every stage and store.

Identity is explicit: an article's id comes from its canonical URL, a revision's from its
content hash, a claim's from its normalised content, so re-runs upsert instead of duplicating.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class AccessState(enum.StrEnum):
    """Whether the whole article could be read (a page not fully read never 'omits' a fact)."""

    FULL = "full"
    PAYWALL = "paywall"
    CONSENT_WALL = "consent_wall"
    BOT_BLOCK = "bot_block"
    SOFT_404 = "soft_404"
    TRUNCATED = "truncated"


class ExtractionStatus(enum.StrEnum):
    """Outcome of turning a fetched page into an article; every outcome is counted."""

    OK = "ok"
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    NOT_HTML = "not_html"
    NOT_ARTICLE = "not_article"
    BAD_ENCODING = "bad_encoding"  # decoded with the wrong charset: the text would be garbage


class StoreOutcome(enum.StrEnum):
    """What storing an article did."""

    NEW = "new"
    UNCHANGED = "unchanged"
    REVISED = "revised"
    SPOOLED = "spooled"  # the store was unreachable: kept on disk, applied (exactly once) when it is back


@dataclass(frozen=True, slots=True)
class RawPage:
    """A fetched page and what discovery knew about it before the fetch."""

    url: str
    final_url: str
    status: int
    html: str
    outlet: str
    fetched_at: datetime
    source: str = ""
    content_type: str = "text/html"
    feed_title: str = ""
    feed_published: datetime | None = None
    feed_authors: tuple[str, ...] = ()
    etag: str = ""  # the HTTP validators of the response, to ask next time whether it changed
    last_modified: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """One article at one revision, as extracted and normalised.

    Datetimes are timezone-aware UTC; ``published_offset`` and ``modified_offset`` keep the
    offset the page gave (``+03:00``), because who reported first is judged in UTC but shown in
    local time; ``*_source`` says where each date came from (``jsonld``, ``meta``,
    ``time-element``, ``feed``, ``htmldate``, ``url``). ``published_precision`` is ``"time"``
    when the source gave a time of day and ``"day"`` when it gave only the calendar day (then
    the time is midnight UTC and must not be used to say who reported first).

    ``signature`` is the near-duplicate signature of the text (see :mod:`pipelines.syndication`);
    ``duplicate_of`` is the id of the earliest article of the group of copies this one belongs
    to, and ``syndicated_from`` the wire agency the text is credited to, when it is known.
    Fields are added with defaults only, so every store can read records written before them.
    """

    id: str
    outlet: str
    url: str
    canonical_url: str
    title: str
    text: str
    fetched_at: datetime
    description: str = ""
    authors: tuple[str, ...] = ()
    published_at: datetime | None = None
    published_offset: str = ""
    published_source: str = ""
    modified_at: datetime | None = None
    language: str = ""
    access_state: AccessState = AccessState.FULL
    source: str = ""
    revision: int = 1
    duplicate_of: str = ""
    published_precision: str = ""
    modified_offset: str = ""
    modified_source: str = ""
    signature: str = ""
    syndicated_from: str = ""

    @property
    def paragraphs(self) -> tuple[str, ...]:
        return tuple(p for p in self.text.split("\n") if p.strip())

    @property
    def word_count(self) -> int:
        return count_words(self.text)

    @property
    def duplicate_group(self) -> str:
        """The id shared by every copy of one text: the original's id (its own for an original)."""
        return self.duplicate_of or self.id

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True, slots=True)
class SentenceChange:
    """One sentence as it was and as it is now."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class RevisionDiff:
    """A readable diff between two texts of one article."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[SentenceChange, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def summary(self) -> str:
        """One line for reports and logs, e.g. ``1 sentence changed, 2 added``."""
        parts = [
            f"{len(items)} sentence{'s' if len(items) != 1 else ''} {verb}"
            for items, verb in ((self.changed, "changed"), (self.added, "added"), (self.removed, "removed"))
            if items
        ]
        return ", ".join(parts) or "no change"

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "removed": list(self.removed),
            "changed": [{"old": c.old, "new": c.new} for c in self.changed],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RevisionDiff:
        return cls(
            added=tuple(data.get("added", ())),
            removed=tuple(data.get("removed", ())),
            changed=tuple(SentenceChange(c["old"], c["new"]) for c in data.get("changed", ())),
        )


@dataclass(frozen=True, slots=True)
class Revision:
    """An earlier or current text of an article; kept forever so evidence survives edits."""

    article_id: str
    revision: int
    content_hash: str
    title: str
    text: str
    fetched_at: datetime
    diff: RevisionDiff | None = None  # what changed from the revision before (None for the first)


@dataclass(frozen=True, slots=True)
class Extraction:
    """An extracted article, or the named reason there is none."""

    status: ExtractionStatus
    article: Article | None = None
    reason: str = ""


@dataclass(frozen=True)
class Divergence:
    """One disagreement between outlets: its type, the articles involved (the divergent one first), their sentences.

    ``id`` is computed from the content, so the same finding keeps its id across runs and a
    digest can say what is new. ``spans`` are character offsets of each sentence in the text of
    the article's revision the finding was made on, so the evidence survives later edits.
    ``watch``, ``story``, ``outlets``, ``urls``, ``first_seen`` and ``last_seen`` are filled in
    when a finding is stored (the engine itself knows only articles and sentences).
    """

    id: str
    type: str
    articles: tuple[str, ...]
    evidence: dict[str, str]
    spans: dict[str, tuple[int, int]]
    severity: float
    note: str = ""
    before: dict[str, str] = field(default_factory=dict)
    watch: str = ""
    story: str = ""
    outlets: dict[str, str] = field(default_factory=dict)  # article id -> outlet id
    urls: dict[str, str] = field(default_factory=dict)  # article id -> URL
    revisions: dict[str, int] = field(default_factory=dict)  # article id -> revision the spans refer to
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    @property
    def fingerprint(self) -> str:
        """Hash of what a reader sees (evidence and note): a finding whose id stays but whose words change."""
        payload = self.note + "\x00" + "\x00".join(f"{k}={v}" for k, v in sorted(self.evidence.items()))
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class OutboxMessage:
    """A digest recorded in the store before it is sent, and marked per recipient after.

    ``id`` is stable for one watch, period and content: recording the same digest twice is a
    no-op, so a crashed run that renders it again cannot make a second copy. ``message`` is the
    complete RFC 5322 message as bytes, so a later retry sends exactly what was recorded.
    ``divergences`` maps the divergence ids the digest told its readers about to their
    fingerprints, so the next digest can mark each one new, changed or resolved.
    """

    id: str
    watch: str
    created_at: datetime
    subject: str
    recipients: tuple[str, ...]
    message: bytes
    divergences: dict[str, str] = field(default_factory=dict)
    sent: dict[str, datetime] = field(default_factory=dict)  # recipient -> when the server accepted it

    @property
    def pending(self) -> tuple[str, ...]:
        return tuple(r for r in self.recipients if r not in self.sent)


@dataclass(frozen=True, slots=True)
class Mention:
    """One outlet's sentence stating a claim, with where it sits in which revision."""

    article_id: str
    outlet: str
    url: str
    revision: int
    sentence: str
    start: int
    end: int
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim sentence (it holds a number or a quote) and the outlets that state it."""

    id: str
    kind: str
    text: str
    numbers: tuple[str, ...]
    mentions: tuple[Mention, ...] = field(default=())

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(sorted({m.outlet for m in self.mentions}))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def count_words(text: str) -> int:
    """Words of a text; a CJK run counts one word per two characters (it has no spaces)."""
    return len(text.split()) + len(_CJK.findall(text)) // 2


def content_hash(text: str) -> str:
    """Hash of a text with whitespace differences removed."""
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()
