"""The whole flow against the demo newsroom over real HTTP: crawl -> extract -> store -> compare -> report."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator

import pytest

from examples.newsroom import NewsroomServer
from examples.newsroom.groundtruth import planted
from newswatch.jobs import run_cycle
from pipelines.config import Config, load_config
from pipelines.health import outlet_health
from pipelines.store import open_store
from pipelines.urls import article_id


@pytest.fixture(scope="module")
def newsroom_server(newsroom) -> Iterator[NewsroomServer]:
    with NewsroomServer(newsroom) as server:
        yield server


@pytest.fixture(scope="module")
def demo_config(newsroom_server: NewsroomServer, tmp_path_factory: pytest.TempPathFactory) -> Config:
    return load_config(newsroom_server.write_config(tmp_path_factory.mktemp("e2e") / "newswatch.toml"))


@pytest.fixture(scope="module")
def two_days(newsroom_server: NewsroomServer, demo_config: Config):
    """A crawl at simulated day 2 and another at day 4, as the demo does (shared by this module's tests)."""
    newsroom_server.set_day(2)
    first = run_cycle(demo_config)
    newsroom_server.set_day(4)
    second = run_cycle(demo_config)
    return first, second


def test_the_demo_flow_stores_every_outlet_once_with_copies_and_revisions(
    two_days,
    newsroom_server: NewsroomServer,
    demo_config: Config,
) -> None:
    first, second = two_days
    newsroom = newsroom_server.newsroom
    fetchable = [a for a in newsroom.articles if not any(a.path.startswith(d) for d in a.outlet.robots_disallow)]
    store = open_store(demo_config)
    try:
        stored = store.articles()
        by_id = {a.id: a for a in stored}
        # every fetchable article stored exactly once, under its canonical id, from every outlet
        assert sorted(by_id) == sorted(article_id(a.canonical) for a in fetchable)
        assert {a.outlet for a in stored} == set(newsroom.outlets)
        assert second.crawl.count("unchanged") + second.crawl.count("revised") == first.crawl.count("new")
        # the wire story is stored twice (two outlets) and the later copy points at the earlier
        wire = [a for a in newsroom.articles if a.wire]
        copies = [by_id[article_id(a.canonical)] for a in wire]
        assert len(copies) == 2
        assert sum(1 for a in copies if a.duplicate_of) == 1
        assert {a.duplicate_of for a in copies if a.duplicate_of} <= {a.id for a in copies}
        # credited to the agency in their dateline; nothing else (the independent quake report) is a copy
        assert {a.syndicated_from for a in copies} == {"APW"}
        assert [a.id for a in stored if a.duplicate_of] == [a.id for a in copies if a.duplicate_of]
        assert all(a.signature.startswith("m1:") for a in stored)
        # every demo outlet extracts whole articles with their metadata: none is flagged
        health = outlet_health(store)
        assert {h.outlet for h in health} == set(newsroom.outlets)
        assert [h.summary() for h in health if not h.ok] == []
        # the edited article: its latest text stored, both revisions kept
        edit = next(d for d in planted()["divergence"] if d["type"] == "stealth_edit")
        edited_id = edit["articles"][0]
        edited = next(a for a in newsroom.articles if a.id == edited_id)
        current = by_id[article_id(edited.canonical)]
        assert current.revision == 2
        assert edit["evidence"][edited_id] in current.text
        revisions = store.revisions(current.id)
        assert [r.revision for r in revisions] == [1, 2]
        assert edit["before"][edited_id] in revisions[0].text
        assert second.crawl.count("revised") == 1
    finally:
        store.close()


def test_the_crawler_obeys_robots_and_identifies_itself(two_days, newsroom_server: NewsroomServer) -> None:
    hits = newsroom_server.hits()
    for slug, outlet in newsroom_server.newsroom.outlets.items():
        for prefix in outlet.robots_disallow:
            assert not [h for h in hits if h.outlet == slug and h.path.startswith(prefix)]
        assert any(h.outlet == slug and h.path == "/robots.txt" for h in hits)
    assert {h.user_agent for h in hits if h.path != "/robots.txt"} == {
        "newswatch-demo/0.1 (+https://github.com/newswatch/newswatch)"
    }
    article_hits = Counter(h.path for h in hits if h.path.count("/") >= 4)
    assert max(article_hits.values()) <= 2  # once per crawl, never twice within one


def test_the_report_names_every_outlet_with_the_central_numbers_and_escaped_markup(
    two_days,
    newsroom_server: NewsroomServer,
) -> None:
    _, second = two_days
    (watch,) = second.watches
    html = watch.paths["html"].read_text(encoding="utf-8")
    text = watch.paths["text"].read_text(encoding="utf-8")
    data = json.loads(watch.paths["json"].read_text(encoding="utf-8"))
    central = {a.outlet.name for a in newsroom_server.newsroom.articles if a.story == "ceasefire"}
    for name in central:
        assert name in text
        assert name in html
    for figure in ("57,575", "30,000", "60-day"):
        assert figure in text
    assert "&lt;i&gt;grand bargain&lt;/i&gt;" in html
    assert "<i>grand bargain</i>" not in html
    stories = data["stories"]
    central_story = max(stories, key=lambda s: len(s["outlets"]))
    assert len(central_story["outlets"]) == len(central)
    shared = [row for row in central_story["matrix"] if sum(c["mark"] == "states" for c in row["cells"]) >= 3]
    assert shared, "some claims are stated by several outlets"
    assert any(c["mark"] == "contradicts" for row in central_story["matrix"] for c in row["cells"])
    sections = ("conflicts", "quotes", "uncorroborated", "edits", "framing")
    kinds = {f["type"] for s in stories for key in sections for f in s[key]}
    kinds |= {f["type"] for s in stories for _, fs in s["omissions"] for f in fs}
    assert kinds >= {"numeric_conflict", "quote_attribution", "quote_wording", "date_conflict", "stealth_edit"}
    assert "Over 30,000 people" in html
    assert any(a["revision"] == 2 for s in stories for a in s["articles"])
    assert data["summary"] in text
    assert central_story["chart"]["alt"].startswith("Coverage timeline (Europe/London).")


def test_a_report_written_to_a_file_is_the_state_the_next_one_is_marked_against(two_days) -> None:
    first, second = two_days
    (before,), (after,) = first.watches, second.watches
    assert before.digest.summary.endswith("first digest of this watch.")
    # the day-4 report is marked against the day-2 one, though neither was emailed
    assert "since the digest of" in after.digest.summary
    assert after.digest.counts["new"] < len(after.analysis.divergences)
