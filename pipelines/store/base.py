"""The store interface every backend implements (SQLite now; Elasticsearch behind the same calls)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from pipelines.models import Article, Revision, StoreOutcome


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article matching a search, with a highlighted snippet of where it matched."""

    article: Article
    snippet: str
    score: float


class Store(Protocol):
    """Where articles and their revisions live; every write is an idempotent upsert."""

    def upsert(self, article: Article) -> StoreOutcome:
        """Insert a new article, or record a new revision when its text changed."""
        ...

    def get(self, article_id: str) -> Article | None: ...

    def articles(
        self, *, outlet: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[Article]: ...

    def revisions(self, article_id: str) -> list[Revision]: ...

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

    def mark_duplicate(self, article_id: str, duplicate_of: str) -> None:
        """Record that an article is a copy (wire/syndicated) of another."""
        ...

    def record_run(self, kind: str, started_at: datetime, stats: dict[str, Any]) -> None: ...

    def close(self) -> None: ...
