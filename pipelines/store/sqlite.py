"""The embedded default store: one SQLite file, full-text search with FTS5.

Enough for a single machine watching a few hundred outlets; WAL mode lets a report read while
a crawl writes. Datetimes are stored as ISO 8601 UTC text, which sorts correctly.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.errors import StoreError
from pipelines.models import (
    AccessState,
    Article,
    Claim,
    Divergence,
    OutboxMessage,
    Revision,
    RevisionDiff,
    StoreOutcome,
)
from pipelines.query import QueryError, from_fts5_text, fts5_text, to_fts5
from pipelines.revisions import diff_texts
from pipelines.store.base import HIGHLIGHT, INTERVALS, SearchHit
from pipelines.store.codec import claim_from_json, claim_to_json, divergence_from_json, divergence_to_json

__all__ = ["HIGHLIGHT", "SQLiteStore"]

_FTS_CJK_VERSION = 1  # PRAGMA user_version from which the full-text index sets CJK characters apart

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
    duplicate_of TEXT NOT NULL DEFAULT '',
    published_precision TEXT NOT NULL DEFAULT '',
    modified_offset TEXT NOT NULL DEFAULT '',
    modified_source TEXT NOT NULL DEFAULT '',
    signature TEXT NOT NULL DEFAULT '',
    syndicated_from TEXT NOT NULL DEFAULT ''
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
CREATE TABLE IF NOT EXISTS divergences (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    watch TEXT NOT NULL DEFAULT '',
    story TEXT NOT NULL DEFAULT '',
    severity REAL NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS divergences_watch ON divergences (watch, last_seen);
CREATE TABLE IF NOT EXISTS outbox (
    id TEXT PRIMARY KEY,
    watch TEXT NOT NULL,
    created_at TEXT NOT NULL,
    subject TEXT NOT NULL,
    recipients TEXT NOT NULL,
    message BLOB NOT NULL,
    divergences TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_watch ON outbox (watch, created_at);
CREATE TABLE IF NOT EXISTS outbox_sent (
    message_id TEXT NOT NULL REFERENCES outbox (id),
    recipient TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (message_id, recipient)
);
CREATE TABLE IF NOT EXISTS claims (
    story TEXT NOT NULL,
    id TEXT NOT NULL,
    outlets INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (story, id)
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
    " published_source, modified_at, fetched_at, language, text, access_state, source, revision,"
    " published_precision, modified_offset, modified_source, signature, syndicated_from, duplicate_of"
)
# columns added to ``articles`` after the first release, with their definitions (added in place to older files)
_ADDED_ARTICLE_COLUMNS = {
    "published_precision": "TEXT NOT NULL DEFAULT ''",
    "modified_offset": "TEXT NOT NULL DEFAULT ''",
    "modified_source": "TEXT NOT NULL DEFAULT ''",
    "signature": "TEXT NOT NULL DEFAULT ''",
    "syndicated_from": "TEXT NOT NULL DEFAULT ''",
    "story": "TEXT NOT NULL DEFAULT ''",
    "watches": "TEXT NOT NULL DEFAULT '[]'",
}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def _iso_precise(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


_OUTBOX = "id, watch, created_at, subject, recipients, message, divergences"


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
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        with self._db:
            for name, definition in _ADDED_ARTICLE_COLUMNS.items():
                if name not in columns:
                    self._db.execute(f"ALTER TABLE articles ADD COLUMN {name} {definition}")
            self._db.execute("CREATE INDEX IF NOT EXISTS articles_story ON articles (story)")
        if self._db.execute("PRAGMA user_version").fetchone()[0] < _FTS_CJK_VERSION:
            self._reindex_cjk()

    def _reindex_cjk(self) -> None:
        """Index again, with each Han or kana character set apart, what a store written before that indexed
        with whole CJK clauses as single words (only the rows that have such characters change)."""
        with self._db:
            stale = [
                (fts5_text(title), fts5_text(text), rowid)
                for rowid, title, text in self._db.execute("SELECT rowid, title, text FROM articles_fts")
                if fts5_text(title) != title or fts5_text(text) != text
            ]
            self._db.executemany("UPDATE articles_fts SET title = ?, text = ? WHERE rowid = ?", stale)
            self._db.execute(f"PRAGMA user_version = {_FTS_CJK_VERSION}")

    # -- writing ---------------------------------------------------------------------------
    def upsert(self, article: Article) -> StoreOutcome:
        with self._db:
            return self._upsert(article)

    def upsert_many(self, articles: Sequence[Article]) -> list[StoreOutcome]:
        with self._db:  # one transaction: one fsync for the whole batch
            ids = [a.id for a in articles]
            if len(set(ids)) != len(ids):  # an article twice: each text must see the one before
                return [self._upsert(a) for a in articles]
            known: set[str] = set()
            for i in range(0, len(ids), 500):  # below SQLite's limit on bound variables
                chunk = ids[i : i + 500]
                rows = self._db.execute(f"SELECT id FROM articles WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
                known.update(row[0] for row in rows)
            self._insert_new([a for a in articles if a.id not in known])
            return [self._upsert(a) if a.id in known else StoreOutcome.NEW for a in articles]

    def _insert_new(self, articles: list[Article]) -> None:
        """New articles in three statements (executemany), not three per article."""
        if not articles:
            return
        rows = [(a, a.content_hash, _iso(a.fetched_at)) for a in articles]
        columns = _COLUMNS.replace(", duplicate_of", "")
        marks = ", ".join("?" * (columns.count(",") + 3))  # the columns, content_hash, first_seen_at
        self._db.executemany(
            f"INSERT INTO articles ({columns}, content_hash, first_seen_at) VALUES ({marks})",
            [(*_values(a, 1), digest, now) for a, digest, now in rows],
        )
        self._db.executemany(
            "INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)",
            [(a.id, fts5_text(a.title), fts5_text(a.text)) for a in articles],
        )
        self._db.executemany(
            "INSERT INTO revisions (article_id, revision, content_hash, title, text, fetched_at, diff)"
            " VALUES (?, 1, ?, ?, ?, ?, '')",
            [(a.id, digest, a.title, a.text, now) for a, digest, now in rows],
        )

    def _upsert(self, article: Article) -> StoreOutcome:
        row = self._db.execute(
            "SELECT content_hash, revision, text FROM articles WHERE id = ?", (article.id,)
        ).fetchone()
        now = _iso(article.fetched_at)
        digest = article.content_hash  # hashing the whole text: once per article
        if row is None:
            self._write(article, digest, revision=1, first_seen=now)
            self._add_revision(article, digest, 1)
            return StoreOutcome.NEW
        old_hash, old_revision, old_text = row
        diff = diff_texts(old_text, article.text) if old_hash != digest else None
        if diff is None or diff.is_empty:
            # the same words (re-flowed, other punctuation): not a revision
            self._db.execute("UPDATE articles SET fetched_at = ? WHERE id = ?", (now, article.id))
            return StoreOutcome.UNCHANGED
        self._write(article, digest, revision=old_revision + 1, first_seen=None)
        self._add_revision(article, digest, old_revision + 1, diff)
        return StoreOutcome.REVISED

    def _write(self, a: Article, digest: str, *, revision: int, first_seen: str | None) -> None:
        values = _values(a, revision)
        if first_seen is not None:
            self._db.execute(
                f"INSERT INTO articles ({_COLUMNS.replace(', duplicate_of', '')}, content_hash, first_seen_at)"
                f" VALUES ({', '.join('?' * (len(values) + 2))})",
                (*values, digest, first_seen),
            )
        else:
            assignments = ", ".join(f"{c.strip()} = ?" for c in _COLUMNS.split(",")[1:-1])
            self._db.execute(
                f"UPDATE articles SET {assignments}, content_hash = ? WHERE id = ?",
                (*values[1:], digest, a.id),
            )
        if first_seen is None:  # a new article has no text indexed yet (this delete scans the index)
            self._db.execute("DELETE FROM articles_fts WHERE article_id = ?", (a.id,))
        self._db.execute(
            "INSERT INTO articles_fts (article_id, title, text) VALUES (?, ?, ?)",
            (a.id, fts5_text(a.title), fts5_text(a.text)),
        )

    def _add_revision(self, a: Article, digest: str, revision: int, diff: RevisionDiff | None = None) -> None:
        self._db.execute(
            "INSERT INTO revisions (article_id, revision, content_hash, title, text, fetched_at, diff)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                a.id,
                revision,
                digest,
                a.title,
                a.text,
                _iso(a.fetched_at),
                json.dumps(diff.to_json(), ensure_ascii=False) if diff else "",
            ),
        )

    def mark_duplicate(self, article_id: str, duplicate_of: str, syndicated_from: str = "") -> None:
        with self._db:
            self._db.execute(
                "UPDATE articles SET duplicate_of = ?, syndicated_from = COALESCE(NULLIF(?, ''), syndicated_from)"
                " WHERE id = ?",
                (duplicate_of, syndicated_from, article_id),
            )

    def label(self, article_ids: Sequence[str], *, story: str | None = None, watch: str | None = None) -> None:
        with self._db:
            for article_id in article_ids:
                if story is not None:
                    self._db.execute("UPDATE articles SET story = ? WHERE id = ?", (story, article_id))
                if watch is not None:
                    self._db.execute(
                        "UPDATE articles SET watches = json_insert(watches, '$[#]', ?) WHERE id = ?"
                        " AND NOT EXISTS (SELECT 1 FROM json_each(articles.watches) WHERE value = ?)",
                        (watch, article_id, watch),
                    )

    def record_run(self, kind: str, started_at: datetime, stats: dict[str, Any]) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO runs (kind, started_at, finished_at, stats) VALUES (?, ?, ?, ?)",
                (kind, _iso(started_at), _iso(datetime.now(UTC)), json.dumps(stats, default=str)),
            )

    def prune_revisions(self, before: datetime) -> int:
        with self._db:
            cursor = self._db.execute(
                "DELETE FROM revisions WHERE fetched_at < ?"
                " AND revision < (SELECT a.revision FROM articles a WHERE a.id = revisions.article_id)",
                (_iso(before),),
            )
        return cursor.rowcount

    # -- divergences -----------------------------------------------------------------------
    def upsert_divergences(self, divergences: Sequence[Divergence], seen_at: datetime) -> int:
        seen = _iso(seen_at)
        new = 0
        with self._db:
            for d in divergences:
                row = self._db.execute("SELECT first_seen FROM divergences WHERE id = ?", (d.id,)).fetchone()
                first = row[0] if row else seen
                new += row is None
                self._db.execute(
                    "INSERT OR REPLACE INTO divergences (id, type, watch, story, severity, first_seen, last_seen, body)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (d.id, d.type, d.watch, d.story, d.severity, first, seen, json.dumps(divergence_to_json(d))),
                )
        return new

    def divergences(
        self, *, watch: str | None = None, kind: str | None = None, since: datetime | None = None
    ) -> list[Divergence]:
        rows = self._db.execute(
            "SELECT body, first_seen, last_seen FROM divergences"
            " WHERE (? IS NULL OR watch = ?) AND (? IS NULL OR type = ?) AND (? IS NULL OR last_seen >= ?)"
            " ORDER BY severity DESC, type, id",
            (watch, watch, kind, kind, _iso(since), _iso(since)),
        ).fetchall()
        return [divergence_from_json(json.loads(body), first_seen=_dt(f), last_seen=_dt(la)) for body, f, la in rows]

    # -- claims ----------------------------------------------------------------------------
    def upsert_claims(self, story: str, claims: Sequence[Claim], seen_at: datetime) -> int:
        seen = _iso(seen_at)
        new = 0
        with self._db:
            for c in claims:
                row = self._db.execute(
                    "SELECT first_seen FROM claims WHERE story = ? AND id = ?", (story, c.id)
                ).fetchone()
                new += row is None
                self._db.execute(
                    "INSERT OR REPLACE INTO claims (story, id, outlets, first_seen, last_seen, body)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (story, c.id, len(c.outlets), row[0] if row else seen, seen, json.dumps(claim_to_json(c))),
                )
        return new

    def claims(self, story: str) -> list[Claim]:
        rows = self._db.execute(
            "SELECT body FROM claims WHERE story = ? ORDER BY outlets DESC, id", (story,)
        ).fetchall()
        return [claim_from_json(json.loads(body)) for (body,) in rows]

    # -- digest outbox ---------------------------------------------------------------------
    def outbox_add(self, message: OutboxMessage) -> bool:
        with self._db:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO outbox (id, watch, created_at, subject, recipients, message, divergences)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    message.id,
                    message.watch,
                    _iso_precise(message.created_at),
                    message.subject,
                    json.dumps(list(message.recipients)),
                    message.message,
                    json.dumps(message.divergences),
                ),
            )
        return cursor.rowcount == 1

    def outbox_mark_sent(self, message_id: str, recipient: str, at: datetime) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR IGNORE INTO outbox_sent (message_id, recipient, sent_at) VALUES (?, ?, ?)",
                (message_id, recipient, _iso(at)),
            )

    def outbox_pending(self) -> list[OutboxMessage]:
        rows = self._db.execute(f"SELECT {_OUTBOX} FROM outbox ORDER BY created_at, id").fetchall()
        return [m for m in map(self._outbox_message, rows) if m.pending]

    def outbox_last(self, watch: str) -> OutboxMessage | None:
        row = self._db.execute(
            f"SELECT {_OUTBOX} FROM outbox WHERE watch = ? ORDER BY created_at DESC, id DESC LIMIT 1", (watch,)
        ).fetchone()
        return self._outbox_message(row) if row else None

    def _outbox_message(self, row: tuple[Any, ...]) -> OutboxMessage:
        id_, watch, created, subject, recipients, message, divergences = row
        sent = self._db.execute("SELECT recipient, sent_at FROM outbox_sent WHERE message_id = ?", (id_,)).fetchall()
        return OutboxMessage(
            id=id_,
            watch=watch,
            created_at=datetime.fromisoformat(created),
            subject=subject,
            recipients=tuple(json.loads(recipients)),
            message=bytes(message),
            divergences=json.loads(divergences),
            sent={r: datetime.fromisoformat(at) for r, at in sent},
        )

    # -- reading ---------------------------------------------------------------------------
    def get(self, article_id: str) -> Article | None:
        row = self._db.execute(f"SELECT {_COLUMNS} FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def articles(
        self,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        story: str | None = None,
        watch: str | None = None,
    ) -> list[Article]:
        where, params = _filters(outlet, since, until, story=story, watch=watch)
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
        return [SearchHit(_article(row[:-2]), from_fts5_text(row[-2]), -row[-1]) for row in rows]

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
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
        bucket = {
            "hour": "strftime('%Y-%m-%dT%H:00:00+00:00', a.published_at)",
            "day": "date(a.published_at) || 'T00:00:00+00:00'",
            "week": "date(a.published_at, 'weekday 0', '-6 days') || 'T00:00:00+00:00'",
        }[interval]
        where, params = _filters(outlet, since, until, prefix="a.", story=story)
        where = (where + " AND" if where else "WHERE") + " a.published_at IS NOT NULL"
        source = "articles a"
        if query is not None:
            source = "articles_fts JOIN articles a ON a.id = articles_fts.article_id"
            where += " AND articles_fts MATCH ?"
            params.append(to_fts5(query))
        try:
            rows = self._db.execute(
                f"SELECT a.outlet, {bucket} AS bucket, count(*) FROM {source} {where}"
                " GROUP BY a.outlet, bucket ORDER BY a.outlet, bucket",
                params,
            ).fetchall()
        except sqlite3.OperationalError as exc:
            raise QueryError(f"cannot search for {query!r}: {exc}") from exc
        out: dict[str, list[tuple[datetime, int]]] = {}
        for outlet_id, when, count in rows:
            out.setdefault(outlet_id, []).append((datetime.fromisoformat(when), count))
        return out

    def runs(self, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT kind, started_at, finished_at, stats FROM runs WHERE ? IS NULL OR kind = ?"
            " ORDER BY id DESC LIMIT ?",
            (kind, kind, limit),
        ).fetchall()
        return [{"kind": r[0], "started_at": r[1], "finished_at": r[2], "stats": json.loads(r[3])} for r in rows]

    def flush(self) -> None:
        """Nothing to do: every write is committed before it returns."""

    def close(self) -> None:
        self._db.close()


def _values(a: Article, revision: int) -> tuple[Any, ...]:
    """An article's row in the order of ``_COLUMNS`` (without duplicate_of)."""
    return (
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
        a.published_precision,
        a.modified_offset,
        a.modified_source,
        a.signature,
        a.syndicated_from,
    )


def _filters(
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    prefix: str = "",
    story: str | None = None,
    watch: str | None = None,
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if story is not None:
        clauses.append(f"{prefix}story = ?")
        params.append(story)
    if watch is not None:
        clauses.append(f"EXISTS (SELECT 1 FROM json_each({prefix or 'articles.'}watches) WHERE value = ?)")
        params.append(watch)
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
        published_precision,
        modified_offset,
        modified_source,
        signature,
        syndicated_from,
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
        published_precision=published_precision,
        modified_offset=modified_offset,
        modified_source=modified_source,
        signature=signature,
        syndicated_from=syndicated_from,
    )
