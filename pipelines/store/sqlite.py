"""The embedded default store: one SQLite file, full-text search with FTS5.

Enough for a single machine watching a few hundred outlets; WAL mode lets a report read while
a crawl writes. Datetimes are stored as ISO 8601 UTC text, which sorts correctly.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.errors import StoreError
from pipelines.models import AccessState, Article, Revision, RevisionDiff, StoreOutcome
from pipelines.query import QueryError, to_fts5
from pipelines.revisions import diff_texts
from pipelines.store.base import SearchHit

HIGHLIGHT = ("«", "»")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    url TEXT NOT NULL,
    canonical_url TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    published_at TEXT,
    published_offset TEXT NOT NULL DEFAULT '',
    published_source TEXT NOT NULL DEFAULT '',
    modified_at TEXT,
    fetched_at TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    access_state TEXT NOT NULL DEFAULT 'full',
    source TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1,
    duplicate_of TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_outlet ON articles (outlet, published_at);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published_at);
CREATE TABLE IF NOT EXISTS revisions (
    article_id TEXT NOT NULL REFERENCES articles (id),
    revision INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (article_id, revision)
);
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5 (
    article_id UNINDEXED, title, text, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    stats TEXT NOT NULL
);
"""

_COLUMNS = (
    "id, outlet, url, canonical_url, title, description, authors, published_at, published_offset,"
    " published_source, modified_at, fetched_at, language, text, access_state, source, revision, duplicate_of"
)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SQLiteStore:
    """:class:`~pipelines.store.base.Store` on one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode = WAL")
            # durable against a crash of the process; an fsync per article would halve crawl throughput
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.executescript(_SCHEMA)
            self._migrate()
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the SQLite store at {self.path}: {exc}") from exc

    def _migrate(self) -> None:
        """Columns added after a store was created (additive only, so older files keep working)."""
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(revisions)")}
        if "diff" not in columns:
            with self._db:
                self._db.execute("ALTER TABLE revisions ADD COLUMN diff TEXT NOT NULL DEFAULT ''")

    # -- writing ---------------------------------------------------------------------------
    def upsert(self, article: Article) -> StoreOutcome:
        row = self._db.execute(
            "SELECT content_hash, revision, text FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        now = _iso(article.fetched_at)
        with self._db:
            if row is None:
                self._write(article, revision=1, first_seen=now)
                self._add_revision(article, 1)
                return StoreOutcome.NEW
            old_hash, old_revision, old_text = row
            diff = diff_texts(old_text, article.text) if old_hash != article.content_hash else None
            if diff is None or diff.is_empty:
                # the same words (re-flowed, other punctuation): not a revision
                self._db.execute("UPDATE articles SET fetched_at = ? WHERE id = ?", (now, article.id))
                return StoreOutcome.UNCHANGED
            self._write(article, revision=old_revision + 1, first_seen=None)
            self._add_revision(article, old_revision + 1, diff)
            return StoreOutcome.REVISED

    def _write(self, a: Article, *, revision: int, first_seen: str | None) -> None:
        values = (
            a.id,
            a.outlet,
            a.url,
            a.canonical_url,
            a.title,
            a.description,
            json.dumps(list(a.authors)),
            _iso(a.published_at),
            a.published_offset,
            a.published_source,
            _iso(a.modified_at),
            _iso(a.fetched_at),
            a.language,
            a.text,
            a.access_state.value,
            a.source,
            revision,
        )
        if first_seen is not None:
            self._db.execute(
                f"INSERT INTO articles ({_COLUMNS.replace(', duplicate_of', '')}, content_hash, first_seen_at)"
                f" VALUES ({', '.join('?' * (len(values) + 2))})",
                (*values, a.content_hash, first_seen),
            )
        else:
            assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:-1])
            self._db.execute(
                f"UPDATE articles SET {assignments}, content_hash = ? WHERE id = ?",
                (*values[1:], a.content_hash, a.id),
            )
        if first_seen is None:  # a new article has no text indexed yet (this delete scans the index)
            self._db.execute("DELETE FROM articles_fts WHERE article_id = ?", (a.id,))
        self._db.execute("INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)", (a.id, a.title, a.text))

    def _add_revision(self, a: Article, revision: int, diff: RevisionDiff | None = None) -> None:
        self._db.execute(
            "INSERT INTO revisions (article_id, revision, content_hash, title, text, fetched_at, diff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                a.id,
                revision,
                a.content_hash,
                a.title,
                a.text,
                _iso(a.fetched_at),
                json.dumps(diff.to_json(), ensure_ascii=False) if diff else "",
            ),
        )

    def mark_duplicate(self, article_id: str, duplicate_of: str) -> None:
        with self._db:
            self._db.execute("UPDATE articles SET duplicate_of = ? WHERE id = ?", (duplicate_of, article_id))

    def record_run(self, kind: str, started_at: datetime, stats: dict[str, Any]) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO runs (kind, started_at, finished_at, stats) VALUES (?, ?, ?, ?)",
                (kind, _iso(started_at), _iso(datetime.now(UTC)), json.dumps(stats, default=str)),
            )

    # -- reading ---------------------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(
        self, *, outlet: str | None = None, since: datetime | None = None, until: datetime | None = None
    ) -> list[Article]:
        where, params = _filters(outlet, since, until)
        rows = self._db.execute(f"SELECT {_COLUMNS} FROM articles {where} ORDER BY published_at, id", params).fetchall()
        return [_article(row) for row in rows]

    def revisions(self, article_id: str) -> list[Revision]:
        rows = self._db.execute(
            "SELECT article_id, revision, content_hash, title, text, fetched_at, diff FROM revisions"
            " WHERE article_id = ? ORDER BY revision",
            (article_id,),
        ).fetchall()
        return [
            Revision(
                r[0],
                r[1],
                r[2],
                r[3],
                r[4],
                datetime.fromisoformat(r[5]),
                RevisionDiff.from_json(json.loads(r[6])) if r[6] else None,
            )
            for r in rows
        ]

    def search(
        self,
        query: str,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        where, params = _filters(outlet, since, until, prefix="a.")
        where = where.replace("WHERE", "AND", 1)
        sql = (
            f"SELECT {', '.join('a.' + c.strip() for c in _COLUMNS.split(','))},"
            f" snippet(articles_fts, 2, '{HIGHLIGHT[0]}', '{HIGHLIGHT[1]}', '…', 16), bm25(articles_fts)"
            " FROM articles_fts JOIN articles a ON a.id = articles_fts.article_id"
            f" WHERE articles_fts MATCH ? {where} ORDER BY bm25(articles_fts) LIMIT ?"
        )
        try:
            rows = self._db.execute(sql, (to_fts5(query), *params, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot search for {query!r}: {exc}") from exc
        return [SearchHit(_article(row[:-2]), row[-2], -row[-1]) for row in rows]

    def runs(self, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT kind, started_at, finished_at, stats FROM runs WHERE ? IS NULL OR kind = ?"
            " ORDER BY id DESC LIMIT ?",
            (kind, kind, limit),
        ).fetchall()
        return [{"kind": r[0], "started_at": r[1], "finished_at": r[2], "stats": json.loads(r[3])} for r in rows]

    def close(self) -> None:
        self._db.close()


def _filters(
    outlet: str | None, since: datetime | None, until: datetime | None, prefix: str = ""
) -> tuple[str, list[Any]]:
    clauses, params = [], []
    if outlet:
        clauses.append(f"{prefix}outlet = ?")
        params.append(outlet)
    if since:
        clauses.append(f"{prefix}published_at >= ?")
        params.append(_iso(since))
    if until:
        clauses.append(f"{prefix}published_at < ?")
        params.append(_iso(until))
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


def _article(row: tuple[Any, ...]) -> Article:
    (
        id_,
        outlet,
        url,
        canonical,
        title,
        description,
        authors,
        published,
        offset,
        published_source,
        modified,
        fetched,
        language,
        text,
        access,
        source,
        revision,
        duplicate_of,
    ) = row
    return Article(
        id=id_,
        outlet=outlet,
        url=url,
        canonical_url=canonical,
        title=title,
        description=description,
        authors=tuple(json.loads(authors)),
        published_at=_dt(published),
        published_offset=offset,
        published_source=published_source,
        modified_at=_dt(modified),
        fetched_at=datetime.fromisoformat(fetched),
        language=language,
        text=text,
        access_state=AccessState(access),
        source=source,
        revision=revision,
        duplicate_of=duplicate_of,
    )
