"""Politeness and resilience, judged by what purpose-built servers on 127.0.0.1 saw.

Gaps between requests are computed from the server's own arrival times; nothing here times
our code.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from crawler import run_crawl
from crawler.middlewares import retry_after_s
from crawler.state import SQLiteCrawlState
from pipelines.config import load_config
from tests.edgeserver import EdgeServer, edge_config

# the server stamps arrival; our client stamps dispatch: allow for the loopback hop
SLACK_S = 0.05
# a small delay between requests, so that an outlet's requests are still queued when one of them
# is told to wait (with no delay at all, Scrapy sends everything queued at once)
POLITE = {"concurrent_requests_per_domain": 1, "download_delay_s": 0.1, "autothrottle": False}


def test_retry_after_header_forms() -> None:
    from datetime import UTC, datetime

    now = datetime(2025, 7, 8, 12, 0, 0, tzinfo=UTC)
    assert retry_after_s("120", now) == 120
    assert retry_after_s(b"Tue, 08 Jul 2025 12:00:30 GMT", now) == 30
    assert retry_after_s("Tue, 08 Jul 2025 11:00:00 GMT", now) == 0
    assert retry_after_s("soon", now) is None
    assert retry_after_s(None, now) is None


def test_retry_after_seconds_pauses_the_whole_outlet_not_just_the_request(tmp_path: Path) -> None:
    feed = ["/a/one", "/a/two", "/a/three", "/a/four", "/a/five", "/retry-after/2/first"]
    with EdgeServer(feed) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, POLITE))
        hits = server.paths()
    (refused,) = [h for h in hits if h.status == 503]
    later = [h for h in hits if h.at > refused.at]
    assert [h.path for h in later if h.path == refused.path] == [refused.path]  # retried once
    assert later, "the outlet was asked again"
    assert min(h.at for h in later) >= refused.at + 2 - SLACK_S
    # the slot, not only the request, waited: other articles came after the pause too
    assert any(h.path.startswith("/a/") for h in later)
    assert result.count("new") == 6
    assert result.stats["newswatch/retry_after/edge"] == 1


def test_retry_after_http_date_delays_the_domain(tmp_path: Path) -> None:
    feed = ["/a/one", "/a/two", "/a/three", "/a/four", "/retry-date/3/first"]
    with EdgeServer(feed) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, POLITE))
        hits = server.paths()
        until = server.sent_dates["/retry-date/3/first"]
    (refused,) = [h for h in hits if h.status == 429]
    later = [h for h in hits if h.at > refused.at]
    assert later
    assert min(h.at for h in later) >= until - SLACK_S
    assert any(h.path.startswith("/a/") for h in later)
    assert result.count("new") == 5


def test_transient_errors_are_retried_with_exponential_backoff(tmp_path: Path) -> None:
    with EdgeServer(["/flaky/2/story"]) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"retry_backoff_s": 0.4, "retry_times": 3}))
        hits = server.paths("/flaky/")
    assert [h.status for h in hits] == [500, 500, 200]
    first_gap, second_gap = hits[1].at - hits[0].at, hits[2].at - hits[1].at
    assert first_gap >= 0.4 - SLACK_S
    assert second_gap >= 0.8 - SLACK_S  # doubled
    assert result.count("new") == 1


def test_an_error_that_outlasts_the_retries_is_named_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with EdgeServer(["/down/story", "/a/fine"]) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"retry_times": 1, "retry_backoff_s": 0.1}))
        down = server.paths("/down/")
    assert len(down) == 2
    assert result.stats["newswatch/outlet/edge/errors/http_500"] == 1
    assert result.count("new") == 1
    assert result.outlet_stats["edge"]["errors"] == {"http_500": 1}


def test_crawl_delay_from_robots_txt_spaces_the_requests(tmp_path: Path) -> None:
    with EdgeServer(["/a/one", "/a/two", "/a/three"], crawl_delay_s=0.6) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"concurrent_requests_per_domain": 4}))
        hits = [h for h in server.paths() if h.path != "/robots.txt"]
    assert len(hits) == 4  # the feed and three articles
    gaps = [b.at - a.at for a, b in itertools.pairwise(hits)]
    assert min(gaps) >= 0.6 - SLACK_S
    assert result.stats["newswatch/crawl_delay/edge"] == 0.6


def test_a_timeout_is_a_named_error_and_the_crawl_goes_on(tmp_path: Path) -> None:
    with EdgeServer(["/slow/story", "/a/fine"], slow_s=3) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"timeout_s": 0.5, "retry_times": 0}))
    assert result.stats["newswatch/outlet/edge/errors/timeout"] == 1
    assert result.count("new") == 1


def test_at_most_max_pages_per_outlet_are_fetched(tmp_path: Path) -> None:
    with EdgeServer([f"/a/story-{i}" for i in range(10)]) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"max_pages_per_outlet": 3}))
        articles = server.paths("/a/")
    assert len(articles) == 3
    assert result.count("new") == 3
    assert result.outlet_stats["edge"]["skipped"]["page_limit"] == 7


def test_an_outlet_that_keeps_failing_is_reported_and_backed_off(tmp_path: Path) -> None:
    with EdgeServer(["/a/one"]) as healthy, EdgeServer() as broken:
        broken.feed = []
        config_path = edge_config(
            tmp_path,
            {"healthy": healthy, "broken": broken},
            {"retry_times": 0, "outlet_failures_before_backoff": 2, "outlet_backoff_s": 3600},
        )
        text = config_path.read_text().replace(f"{broken.origin}/feed.xml", f"{broken.origin}/down/feed.xml")
        config_path.write_text(text)
        for _ in range(2):
            run_crawl(config_path)
        asked_before = len(broken.paths("/down/"))
        third = run_crawl(config_path)
        asked_after = len(broken.paths("/down/"))
    assert asked_before == 2
    assert asked_after == asked_before  # backed off: not asked at all on the third run
    assert third.outlet_stats["broken"]["backed_off"] == 1
    config = load_config(config_path)
    state = SQLiteCrawlState(config.state_path)
    try:
        health = state.health("broken")
        assert health.failures == 2
        assert health.backoff_until is not None
        assert "http_500" in health.last_error
        assert state.health("healthy").failures == 0
        runs = state.outlet_runs("broken")
        assert runs[-1].stats["errors"] == {"http_500": 1}
    finally:
        state.close()


def test_every_request_that_waited_for_robots_txt_is_judged_by_it(tmp_path: Path) -> None:
    # three feeds of one host are requested at once, before its robots.txt is known: each must wait for it
    with EdgeServer(["/a/one", "/private/secret"]) as server:
        path = edge_config(tmp_path, {"edge": server})
        feeds = f'"{server.origin}/feed.xml", "{server.origin}/second-feed.xml", "{server.origin}/private/feed.xml"'
        path.write_text(path.read_text().replace(f'feeds = ["{server.origin}/feed.xml"]', f"feeds = [{feeds}]"))
        result = run_crawl(path)
        seen = {h.path for h in server.paths()}
    assert "/private/feed.xml" not in seen
    assert "/private/secret" not in seen
    assert {"/feed.xml", "/second-feed.xml", "/a/one"} <= seen
    assert result.stats["robotstxt/forbidden"] == 2


def test_a_robots_txt_the_server_fails_to_give_means_nothing_is_fetched(tmp_path: Path) -> None:
    with EdgeServer(["/a/one"], robots_status=503) as server:
        result = run_crawl(edge_config(tmp_path, {"edge": server}, {"retry_times": 0}))
        seen = [h.path for h in server.paths()]
    assert set(seen) == {"/robots.txt"}
    assert result.stats["newswatch/robots_unavailable"] == 1
    assert result.count("new") == 0
