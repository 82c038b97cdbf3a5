"""A watch's articles are split into stories; each story is analysed alone and its id is stored on its findings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.jobs import analyse_watch
from pipelines.compare import compare
from pipelines.models import Article
from pipelines.store import SQLiteStore

T0 = datetime(2025, 3, 4, 9, 0, tzinfo=UTC)
STORM = [
    "The storm that hit Porthaven damaged about 140 homes along the coast, Mayor Ana Ruiz said on Tuesday.",
    "Nearly 300 homes along the Porthaven coast were damaged by the storm, Mayor Ana Ruiz said on Tuesday.",
    "Mayor Ana Ruiz said the storm damaged nearly 300 Porthaven homes on the coast on Tuesday.",
]
VOTE = [
    "The Elmbridge council approved the new library budget of 4 million pounds after a long debate on Monday.",
    "Elmbridge councillors approved a library budget of 9 million pounds on Monday after a long debate.",
    "After a long debate on Monday, the Elmbridge council approved its 9 million pound library budget.",
]


def articles() -> list[Article]:
    out = []
    for topic, (title, texts) in enumerate([("Porthaven storm damages homes", STORM),
                                            ("Elmbridge council passes library budget", VOTE)]):  # fmt: skip
        for n, text in enumerate(texts):
            out.append(Article(id=f"t{topic}-a{n}", outlet=f"outlet{n}", url=f"https://o{n}.example/{topic}",
                               canonical_url="", title=title, text=text, fetched_at=T0,
                               published_at=T0 + timedelta(hours=n + 5 * topic)))  # fmt: skip
    return out


def test_findings_are_made_within_each_story_and_stored_with_its_id(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        for article in articles():
            store.upsert(article)
        analysis = analyse_watch(store, compare("coast", articles()))
        assert len(analysis.stories) == 2
        conflicts = [d for d in analysis.divergences if d.type == "numeric_conflict"]
        assert {d.articles[0] for d in conflicts} == {"t0-a0", "t1-a0"}
        for d in conflicts:
            assert len({a.split("-")[0] for a in d.articles}) == 1, "no finding mixes two stories"
        stored = {d.id: d.story for d in store.divergences(kind="numeric_conflict")}
        assert set(stored.values()) == set(analysis.stories)
        again = analyse_watch(store, compare("coast", articles()))
        assert {d.id: d.story for d in again.divergences} == {d.id: d.story for d in analysis.divergences}
    finally:
        store.close()


def test_a_story_the_engine_fails_on_keeps_its_last_findings_and_the_others_go_on(
    tmp_path: Path, monkeypatch, caplog
) -> None:
    """Fault injection: the engine raising on one story stands for a bug no known input triggers any more."""
    import newswatch.jobs as jobs

    store = SQLiteStore(tmp_path / "db.sqlite")
    try:
        for article in articles():
            store.upsert(article)
        first = analyse_watch(store, compare("coast", articles()))
        storm = next(sid for sid, a in first.stories.items() if a.story and "t0-a0" in a.story.articles)
        before = {d.id for d in first.divergences if d.story == storm}
        assert before
        engine = jobs.analyse_story

        def failing(articles_, revisions):
            if any(a.id.startswith("t0-") for a in articles_):
                raise RuntimeError("engine bug")
            return engine(articles_, revisions)

        monkeypatch.setattr(jobs, "analyse_story", failing)
        again = analyse_watch(store, compare("coast", articles()))
        assert again.failed == (storm,)
        assert "could not be analysed" in caplog.text
        assert storm in caplog.text
        assert {d.id for d in again.divergences if d.story == storm} == before  # its last findings stand
        assert {d.articles[0] for d in again.divergences if d.type == "numeric_conflict"} == {"t0-a0", "t1-a0"}
    finally:
        store.close()
