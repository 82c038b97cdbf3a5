"""Revisions: a readable sentence diff, stored with each new revision; evidence offsets keep working."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipelines.models import Article, StoreOutcome
from pipelines.revisions import diff_texts
from pipelines.sentences import sentences
from pipelines.store import SQLiteStore
from pipelines.urls import article_id

T0 = datetime(2025, 7, 7, 12, 0, tzinfo=UTC)
FIRST = (
    "Roughly 140 trucks crossed into Gaza on Tuesday, officials said.\n"
    "The envoy will travel to Doha on Friday. Talks are expected to last two days.\n"
    "Aid groups said the numbers were far below what is needed."
)


def _article(text: str, hours: int = 0) -> Article:
    url = "https://n.example/truce"
    return Article(
        id=article_id(url),
        outlet="north",
        url=url,
        canonical_url=url,
        title="Trucks cross",
        text=text,
        fetched_at=T0 + timedelta(hours=hours),
    )


def test_a_changed_figure_shows_as_one_changed_sentence() -> None:
    diff = diff_texts(FIRST, FIRST.replace("Roughly 140", "Roughly 90"))
    assert [(c.old[:12], c.new[:12]) for c in diff.changed] == [("Roughly 140 ", "Roughly 90 t")]
    assert (diff.added, diff.removed) == ((), ())
    assert diff.summary() == "1 sentence changed"


def test_added_and_removed_sentences_are_listed_apart() -> None:
    new = (
        FIRST.replace(" Talks are expected to last two days.", "") + "\nHamas did not respond to a request for comment."
    )
    diff = diff_texts(FIRST, new)
    assert diff.removed == ("Talks are expected to last two days.",)
    assert diff.added == ("Hamas did not respond to a request for comment.",)
    assert not diff.changed


def test_whitespace_case_and_punctuation_are_no_change() -> None:
    reflowed = (
        FIRST.replace("\n", "\n\n").replace("officials said.", "officials  said!").replace("The envoy", "the envoy")
    )
    assert diff_texts(FIRST, reflowed).is_empty


def test_page_furniture_and_time_stamps_are_no_change() -> None:
    old = "Updated 10:32 a.m. EDT\n" + FIRST + "\nShare this article"
    new = (
        "Last updated: 11:05 a.m. EDT\n" + FIRST + "\nSign up for our morning newsletter\nREAD MORE: Aid convoy delayed"
    )
    assert diff_texts(old, new).is_empty
    # a real edit next to a changed stamp is listed alone
    diff = diff_texts(old, new.replace("Roughly 140", "Roughly 90"))
    assert [c.new[:10] for c in diff.changed] == ["Roughly 90"]
    assert (diff.added, diff.removed) == ((), ())


def test_a_furniture_only_change_does_not_make_a_stored_revision(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "s.db")
    try:
        assert store.upsert(_article(FIRST + "\nUpdated 10:32 a.m.")) is StoreOutcome.NEW
        furniture = _article("  " + FIRST.replace("\n", "\n\n") + "\nUpdated 11:05 a.m.\nFollow us on X", hours=2)
        assert store.upsert(furniture) is StoreOutcome.UNCHANGED
        assert store.get(furniture.id).revision == 1
        assert len(store.revisions(furniture.id)) == 1
    finally:
        store.close()


def test_a_new_revision_stores_its_diff_and_keeps_every_earlier_text(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "nw.db")
    try:
        first = _article(FIRST)
        assert store.upsert(first) is StoreOutcome.NEW
        # same words, other punctuation and spacing: not a revision
        assert store.upsert(replace(first, text=FIRST.replace("said.", "said!"), fetched_at=T0 + timedelta(hours=1)))
        assert len(store.revisions(first.id)) == 1
        edited = _article(FIRST.replace("Roughly 140", "About 90"), hours=24)
        assert store.upsert(edited) is StoreOutcome.REVISED
        revisions = store.revisions(first.id)
        assert [r.revision for r in revisions] == [1, 2]
        assert revisions[0].diff is None
        assert revisions[1].diff is not None
        assert [c.new for c in revisions[1].diff.changed] == [
            "About 90 trucks crossed into Gaza on Tuesday, officials said."
        ]
        # evidence stays valid: offsets taken in revision 1 still point at the same words
        start, end, sentence = next(sentences(revisions[0].text))
        assert (
            revisions[0].text[start:end]
            == sentence
            == "Roughly 140 trucks crossed into Gaza on Tuesday, officials said."
        )
        assert store.get(first.id).revision == 2
    finally:
        store.close()


def test_a_store_created_before_diffs_existed_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE revisions (article_id TEXT NOT NULL, revision INTEGER NOT NULL, content_hash TEXT NOT NULL,"
        " title TEXT NOT NULL, text TEXT NOT NULL, fetched_at TEXT NOT NULL, PRIMARY KEY (article_id, revision))"
    )
    db.commit()
    db.close()
    store = SQLiteStore(path)
    try:
        store.upsert(_article(FIRST))
        store.upsert(_article(FIRST + "\nA new closing sentence was added here.", hours=2))
        assert store.revisions(article_id("https://n.example/truce"))[1].diff.added == (
            "A new closing sentence was added here.",
        )
    finally:
        store.close()
