"""The store interface every backend implements: the embedded SQLite default and Elasticsearch.

One contract, one test suite (``tests/contracts/``) run against every implementation. Every
write is an idempotent upsert keyed by an explicit id (article id from the canonical URL,
divergence id from its content, digest id from its watch, period and content), so a re-run or a
retry after a crash updates instead of duplicating.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pipelines.models import Article, Claim, Divergence, OutboxMessage, Revision, StoreOutcome

HIGHLIGHT = ("«", "»")  # how every store marks the matched words in a search snippet
INTERVALS = ("hour", "day", "week")  # coverage buckets (UTC; weeks start on Monday)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article matching a search, with a highlighted snippet of where it matched."""

    article: Article
    snippet: str
    score: float


class Store(Protocol):
    """Where articles, their revisions, divergences, runs and the digest outbox live."""

    # -- articles and revisions -----------------------------------------------------------
    def upsert(self, article: Article) -> StoreOutcome:
        """Insert a new article, or record a new revision when its text changed."""
        ...

    def upsert_many(self, articles: Sequence[Article]) -> list[StoreOutcome]:
        """:meth:`upsert` for many articles at once (one transaction or bulk request), outcomes in order."""
        ...

    def get(self, article_id: str) -> Article | None: ...

    def articles(
        self,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        story: str | None = None,
        watch: str | None = None,
    ) -> list[Article]:
        """Stored articles (published at/after ``since``, before ``until``), oldest first, undated first."""
        ...

    def label(self, article_ids: Sequence[str], *, story: str | None = None, watch: str | None = None) -> None:
        """Put articles in a story (one per article; the latest wins) and/or add a watch that selected them."""
        ...

    def revisions(self, article_id: str) -> list[Revision]:
        """Every stored revision of an article, oldest first."""
        ...

    def search(
        self,
        query: str,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        """Articles matching a query in the watch query language, best first."""
        ...

    def mark_duplicate(self, article_id: str, duplicate_of: str, syndicated_from: str = "") -> None:
        """Record that an article is a copy (wire/syndicated) of another, and the agency its group is
        credited to when known (an empty ``syndicated_from`` keeps what the article has)."""
        ...

    def coverage(
        self,
        *,
        query: str | None = None,
        outlet: str | None = None,
        story: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        interval: str = "day",
    ) -> dict[str, list[tuple[datetime, int]]]:
        """Articles per outlet and time bucket (by publication, UTC), only non-empty buckets, oldest first."""
        ...

    # -- claims ---------------------------------------------------------------------------
    def upsert_claims(self, story: str, claims: Sequence[Claim], seen_at: datetime) -> int:
        """Store a story's aligned claims by id (first seen kept, as for divergences); returns how many were new."""
        ...

    def claims(self, story: str) -> list[Claim]:
        """Every claim stored for a story, the most widely stated first."""
        ...

    # -- divergences ----------------------------------------------------------------------
    def upsert_divergences(self, divergences: Sequence[Divergence], seen_at: datetime) -> int:
        """Store findings by id: a new one gets ``first_seen = seen_at``, a known one keeps its
        first_seen and gets ``last_seen = seen_at``. Returns how many were new."""
        ...

    def divergences(
        self, *, watch: str | None = None, kind: str | None = None, since: datetime | None = None
    ) -> list[Divergence]:
        """Stored findings (``since``: last seen at or after), most severe first."""
        ...

    # -- digest outbox --------------------------------------------------------------------
    def outbox_add(self, message: OutboxMessage) -> bool:
        """Record a digest before sending it; False (and no change) if its id is already there."""
        ...

    def outbox_mark_sent(self, message_id: str, recipient: str, at: datetime) -> None:
        """Record that the SMTP server accepted the digest for one recipient."""
        ...

    def outbox_pending(self) -> list[OutboxMessage]:
        """Digests with at least one recipient not yet marked sent, oldest first."""
        ...

    def outbox_last(self, watch: str) -> OutboxMessage | None:
        """The most recent digest recorded for a watch (what its readers were last told)."""
        ...

    # -- retention (the daemon's housekeeping) ---------------------------------------------
    def prune_revisions(self, before: datetime) -> int:
        """Delete revisions fetched before ``before``, except each article's current one (what the
        article is now is never forgotten); returns how many. Only called when retention is configured."""
        ...

    # -- runs -----------------------------------------------------------------------------
    def record_run(self, kind: str, started_at: datetime, stats: dict[str, Any]) -> None: ...

    def runs(self, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        """The most recent runs, newest first: ``{"kind", "started_at", "finished_at", "stats"}``."""
        ...

    def flush(self) -> None:
        """Make every accepted write durable where readers see it (a no-op for SQLite; for Elasticsearch
        it replays the on-disk spool of writes made while the cluster was unreachable)."""
        ...

    def close(self) -> None: ...
