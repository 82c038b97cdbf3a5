"""Incremental crawling: validators and seen URLs persist across runs; revisits by article age."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler import run_crawl
from crawler.state import RevisitPolicy, SQLiteCrawlState, Validators, update_health
from examples.newsroom import NewsroomServer
from examples.newsroom.groundtruth import planted
from pipelines.config import CrawlConfig, load_config
from pipelines.store import open_store
from pipelines.urls import article_id

T0 = datetime(2025, 7, 8, 12, 0, tzinfo=UTC)


def _config(server: NewsroomServer, tmp_path: Path, revisit: str) -> Path:
    path = server.write_config(tmp_path / "newswatch.toml")
    path.write_text(path.read_text().replace('revisit = "every_run"', f'revisit = "{revisit}"'))
    return path


def test_an_unchanged_feed_costs_one_304_and_no_parsing(newsroom_server: NewsroomServer, tmp_path: Path) -> None:
    path = _config(newsroom_server, tmp_path, "schedule")
    first = run_crawl(path)
    before = len(newsroom_server.hits())
    second = run_crawl(path)
    hits = newsroom_server.hits()[before:]
    discovery = [h for h in hits if h.path != "/robots.txt"]
    outlets = newsroom_server.newsroom.outlets
    assert first.count("new") > 0
    # one feed and one sitemap per outlet, each answered 304; no article asked for again
    assert len(discovery) == 2 * len(outlets)
    assert {h.status for h in discovery} == {304}
    assert second.count("new") == 0
    for slug in outlets:
        assert second.outlet_stats[slug]["not_modified"] == 2
        assert "skipped" not in second.outlet_stats[slug]  # nothing parsed, so no candidate even looked at


def test_a_changed_article_becomes_a_revision_and_an_unchanged_one_costs_a_304(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    path = _config(newsroom_server, tmp_path, "every_run")
    newsroom_server.set_day(2)
    seen_on_day_two = {
        (slug, a.path) for slug in newsroom_server.newsroom.outlets
        for a in newsroom_server.newsroom.visible(slug, newsroom_server.now)
        if not any(a.path.startswith(d) for d in a.outlet.robots_disallow)
    }  # fmt: skip
    run_crawl(path)
    before = len(newsroom_server.hits())
    same_day = run_crawl(path)
    asked_again = [h for h in newsroom_server.hits()[before:] if (h.outlet, h.path) in seen_on_day_two]
    # nothing changed: every article revisited costs a conditional GET answered 304
    assert len(asked_again) == len(seen_on_day_two)
    assert {h.status for h in asked_again} == {304}
    assert same_day.count("unchanged") == len(seen_on_day_two)
    newsroom_server.set_day(4)
    second = run_crawl(path)
    edit = next(d for d in planted()["divergence"] if d["type"] == "stealth_edit")
    edited = next(a for a in newsroom_server.newsroom.articles if a.id == edit["articles"][0])
    assert second.count("revised") == 1
    store = open_store(load_config(path))
    try:
        revisions = store.revisions(article_id(edited.canonical))
    finally:
        store.close()
    assert [r.revision for r in revisions] == [1, 2]
    assert revisions[1].diff is not None
    assert not revisions[1].diff.is_empty


def test_the_revisit_schedule_follows_the_article_age() -> None:
    policy = RevisitPolicy("schedule", (900, 3600, 10_800, 86_400, 259_200), 604_800)
    born = T0
    assert policy.next_visit(born, born + timedelta(minutes=1)) == born + timedelta(minutes=15)
    assert policy.next_visit(born, born + timedelta(minutes=15)) == born + timedelta(hours=1)
    assert policy.next_visit(born, born + timedelta(hours=2)) == born + timedelta(hours=3)
    assert policy.next_visit(born, born + timedelta(days=2)) == born + timedelta(days=3)
    assert policy.next_visit(born, born + timedelta(days=3, seconds=1)) is None  # then stop
    short = RevisitPolicy("schedule", (900, 3600, 86_400), stop_age_s=7200)
    assert short.next_visit(born, born + timedelta(minutes=20)) == born + timedelta(hours=1)
    assert short.next_visit(born, born + timedelta(hours=1, seconds=1)) is None  # 1 day is past the stop age
    assert RevisitPolicy("never").next_visit(born, born) is None
    assert RevisitPolicy("every_run").next_visit(born, born + timedelta(days=99)) == born + timedelta(days=99)


def test_the_sqlite_state_keeps_seen_urls_due_revisits_and_validators(tmp_path: Path) -> None:
    state = SQLiteCrawlState(tmp_path / "state.db", RevisitPolicy())
    try:
        record = state.record_fetch("https://x.example/a", "x", T0, T0 - timedelta(minutes=5), Validators('"e1"', ""))
        state.record_fetch("https://x.example/old", "x", T0, T0 - timedelta(days=30), Validators())
        assert record.next_visit == T0 + timedelta(minutes=10)
        assert state.due("x", T0 + timedelta(minutes=5), 10) == []
        (due,) = state.due("x", T0 + timedelta(minutes=11), 10)
        assert due.url == "https://x.example/a"
        assert state.seen("https://x.example/old").next_visit is None  # too old to revisit
        assert state.validators("https://x.example/a").headers() == {"If-None-Match": '"e1"'}
        again = state.record_fetch("https://x.example/a", "x", T0 + timedelta(minutes=11), None, Validators())
        assert again.visits == 2
        assert again.first_seen == T0
        assert again.next_visit == T0 - timedelta(minutes=5) + timedelta(hours=1)
    finally:
        state.close()
    reopened = SQLiteCrawlState(tmp_path / "state.db")
    try:
        assert reopened.seen("https://x.example/a").visits == 2
    finally:
        reopened.close()


def test_outlet_health_backs_off_exponentially_after_repeated_failure() -> None:
    crawl = CrawlConfig(outlet_failures_before_backoff=2, outlet_backoff_s=60, outlet_backoff_max_s=200)
    from crawler.state import OutletHealth

    health = OutletHealth("x")
    health = update_health(health, True, "timeout", T0, crawl)
    assert health.failures == 1
    assert health.backoff_until is None
    health = update_health(health, True, "timeout", T0, crawl)
    assert health.backoff_until == T0 + timedelta(seconds=60)
    health = update_health(health, True, "timeout", T0, crawl)
    assert health.backoff_until == T0 + timedelta(seconds=120)
    health = update_health(health, True, "timeout", T0, crawl)
    assert health.backoff_until == T0 + timedelta(seconds=200)  # capped
    health = update_health(health, False, "", T0, crawl)
    assert (health.failures, health.backoff_until, health.last_success) == (0, None, T0)
