"""The SQLite store: idempotent upserts, revisions kept forever, full-text search."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.models import Article, StoreOutcome
from pipelines.query import QueryError
from pipelines.store import SQLiteStore
from pipelines.urls import article_id

T0 = datetime(2025, 7, 7, 12, 0, tzinfo=UTC)


def article(url: str, text: str, *, outlet: str = "north", title: str = "A title", hours: int = 0) -> Article:
    return Article(
        id=article_id(url),
        outlet=outlet,
        url=url,
        canonical_url=url,
        title=title,
        text=text,
        fetched_at=T0 + timedelta(hours=hours, minutes=5),
        published_at=T0 + timedelta(hours=hours),
        published_offset="-04:00",
        authors=("Jane Doe", "John Roe"),
    )


@pytest.fixture
def store(tmp_path: Path) -> SQLiteStore:
    s = SQLiteStore(tmp_path / "db" / "newswatch.db")
    yield s
    s.close()


def test_storing_the_same_article_twice_does_not_duplicate_it(store: SQLiteStore) -> None:
    a = article("https://n.example/a", "The truce holds.\nTalks go on.")
    assert store.upsert(a) is StoreOutcome.NEW
    assert store.upsert(replace(a, fetched_at=T0 + timedelta(days=1))) is StoreOutcome.UNCHANGED
    later = replace(a, text="The truce  holds.\n\nTalks go on.", fetched_at=T0 + timedelta(days=2))
    assert store.upsert(later) is StoreOutcome.UNCHANGED
    assert len(store.articles()) == 1
    stored = store.get(a.id)
    assert stored is not None
    assert stored.authors == ("Jane Doe", "John Roe")
    assert stored.published_at == a.published_at
    assert stored.published_offset == "-04:00"
    assert stored.fetched_at == T0 + timedelta(days=2)


def test_a_changed_text_becomes_a_new_revision_and_every_earlier_one_is_kept(store: SQLiteStore) -> None:
    a = article("https://n.example/a", "Roughly 140 trucks crossed on Tuesday.")
    store.upsert(a)
    assert store.upsert(replace(a, text="Roughly 90 trucks crossed on Tuesday.")) is StoreOutcome.REVISED
    assert store.upsert(replace(a, text="About 90 trucks crossed on Tuesday.")) is StoreOutcome.REVISED
    current = store.get(a.id)
    assert current is not None
    assert current.revision == 3
    assert current.text.startswith("About 90")
    history = store.revisions(a.id)
    assert [r.revision for r in history] == [1, 2, 3]
    assert history[0].text == "Roughly 140 trucks crossed on Tuesday."
    assert len({r.content_hash for r in history}) == 3


def test_search_finds_highlights_and_filters_by_outlet_and_time(store: SQLiteStore) -> None:
    store.upsert(article("https://n.example/a", "Netanyahu met Trump to discuss a grand bargain for Gaza.", hours=0))
    store.upsert(article("https://s.example/b", "A grand plan for the harbour.", outlet="south", hours=30))
    store.upsert(
        article("https://s.example/c", "The ceasefire in Gaza holds, officials said.", outlet="south", hours=50)
    )
    hits = store.search('"grand bargain"')
    assert [h.article.url for h in hits] == ["https://n.example/a"]
    assert "«grand» «bargain»" in hits[0].snippet or "«grand bargain»" in hits[0].snippet
    assert {h.article.url for h in store.search("gaza")} == {"https://n.example/a", "https://s.example/c"}
    assert [h.article.url for h in store.search("gaza", outlet="south")] == ["https://s.example/c"]
    assert [h.article.url for h in store.search("gaza", since=T0 + timedelta(hours=1))] == ["https://s.example/c"]
    assert [h.article.url for h in store.search("gaza", until=T0 + timedelta(hours=1))] == ["https://n.example/a"]
    assert [h.article.url for h in store.search("gaza -ceasefire")] == ["https://n.example/a"]
    assert {h.article.url for h in store.search("bargain OR harbour")} == {"https://n.example/a", "https://s.example/b"}
    assert {h.article.url for h in store.search("harb*")} == {"https://s.example/b"}


def test_search_text_is_never_read_as_sql_or_fts_syntax(store: SQLiteStore) -> None:
    store.upsert(article("https://n.example/a", "Officials said: 'no comment'; DROP TABLE articles."))
    assert len(store.search("comment'; DROP TABLE articles; --")) == 1
    assert len(store.articles()) == 1


def test_a_revised_article_is_found_by_its_new_words_only(store: SQLiteStore) -> None:
    a = article("https://n.example/a", "The vote is set for Thursday.")
    store.upsert(a)
    store.upsert(replace(a, text="No vote has been scheduled."))
    assert store.search("Thursday") == []
    assert len(store.search("scheduled")) == 1


def test_a_bad_query_raises_a_query_error(store: SQLiteStore) -> None:
    with pytest.raises(QueryError):
        store.search("(gaza OR")


def test_copies_are_marked_and_runs_recorded(store: SQLiteStore) -> None:
    a, b = article("https://n.example/a", "Wire text."), article("https://s.example/a", "Wire text.", outlet="south")
    store.upsert(a)
    store.upsert(b)
    store.mark_duplicate(b.id, a.id)
    assert store.get(b.id).duplicate_of == a.id
    store.record_run("crawl", T0, {"pages": 3})
    assert store.runs()[0]["stats"] == {"pages": 3}


def test_an_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    from pipelines.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        SQLiteStore(blocker / "db.sqlite")
