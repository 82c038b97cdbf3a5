"""What only the SQLite store does (the shared behaviour is in tests/contracts/)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pipelines.models import Article
from pipelines.store import SQLiteStore
from pipelines.syndication import signature
from tests.contracts.test_store import article


def test_an_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    from pipelines.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        SQLiteStore(blocker / "db.sqlite")


# the articles table as the first release created it, before the date sources, the signature and the agency
_FIRST_RELEASE_ARTICLES = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY, outlet TEXT NOT NULL, url TEXT NOT NULL, canonical_url TEXT NOT NULL, title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '', authors TEXT NOT NULL DEFAULT '[]', published_at TEXT,
    published_offset TEXT NOT NULL DEFAULT '', published_source TEXT NOT NULL DEFAULT '', modified_at TEXT,
    fetched_at TEXT NOT NULL, first_seen_at TEXT NOT NULL, language TEXT NOT NULL DEFAULT '', text TEXT NOT NULL,
    content_hash TEXT NOT NULL, access_state TEXT NOT NULL DEFAULT 'full', source TEXT NOT NULL DEFAULT '',
    revision INTEGER NOT NULL DEFAULT 1, duplicate_of TEXT NOT NULL DEFAULT ''
)
"""


def test_a_store_from_the_first_release_gains_the_new_article_columns_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(_FIRST_RELEASE_ARTICLES)
    db.execute(
        "INSERT INTO articles (id, outlet, url, canonical_url, title, fetched_at, first_seen_at, text, content_hash)"
        " VALUES ('old', 'north', 'https://n.example/a', 'https://n.example/a', 'Old', '2025-07-07T12:00:00+00:00',"
        " '2025-07-07T12:00:00+00:00', 'An article stored by the first release.', 'x')"
    )
    db.commit()
    db.close()
    store = SQLiteStore(path)
    try:
        old = store.get("old")
        assert old is not None
        assert (old.text, old.signature, old.syndicated_from, old.modified_source) == (
            "An article stored by the first release.",
            "",
            "",
            "",
        )
        new = Article(
            id="new",
            outlet="south",
            url="https://s.example/a",
            canonical_url="https://s.example/a",
            title="New",
            text="An article stored now.",
            fetched_at=datetime(2025, 7, 8, tzinfo=UTC),
            signature=signature("An article stored now."),
            syndicated_from="Reuters",
            published_precision="day",
        )
        store.upsert(new)
        assert store.get("new") == new
    finally:
        store.close()
    columns = {row[1] for row in sqlite3.connect(path).execute("PRAGMA table_info(articles)")}
    assert {"published_precision", "modified_offset", "modified_source", "signature", "syndicated_from"} <= columns


def test_a_store_indexed_before_cjk_splitting_is_reindexed_once_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SQLiteStore(path)
    jp = article("https://n.example/jp", "イスラエルとハマスの停戦合意が発効した。", title="停戦合意")
    en = article("https://s.example/en", "The truce holds.", outlet="south", title="Truce")
    store.upsert_many([jp, en])
    store.close()
    # as an earlier release left it: the text indexed as written, whole CJK clauses as single tokens
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE articles_fts SET title = ?, text = ? WHERE article_id = ?", (jp.title, jp.text, jp.id))
        db.execute("PRAGMA user_version = 0")
    assert db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH '\"停 戦\"'").fetchone() == (0,)
    db.close()

    store = SQLiteStore(path)
    try:
        assert [h.article.id for h in store.search("停戦")] == [jp.id]
        assert [h.article.id for h in store.search("truce")] == [en.id]
        assert len(store.articles()) == 2
    finally:
        store.close()
