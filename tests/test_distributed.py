"""Distributed mode: workers share one request queue and one seen-URL store in a real Redis."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import redis

from crawler import CrawlResult, run_crawl
from crawler.state import RedisCrawlState, RevisitPolicy, Validators
from examples.newsroom import NewsroomServer

T0 = datetime(2025, 7, 8, 12, 0, tzinfo=UTC)


def _distributed_config(server: NewsroomServer, tmp_path: Path, redis_url: str, prefix: str) -> Path:
    path = server.write_config(tmp_path / "newswatch.toml")
    text = path.read_text().replace('revisit = "every_run"', 'revisit = "schedule"')
    # a short delay per outlet keeps the crawl going long enough for both workers to take part
    text = text.replace("download_delay_s = 0", "download_delay_s = 0.3\nautothrottle = false")
    text = text.replace("[crawl]", f'[crawl]\nredis_url = "{redis_url}"\nredis_prefix = "{prefix}"')
    path.write_text(text)
    return path


def test_two_workers_fetch_every_article_exactly_once_between_them(
    newsroom_server: NewsroomServer, tmp_path: Path, redis_url: str
) -> None:
    path = _distributed_config(newsroom_server, tmp_path, redis_url, "two-workers")
    results: list[CrawlResult] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(run_crawl(path, timeout_s=300))
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert not errors
    newsroom = newsroom_server.newsroom
    articles = {
        (a.outlet.slug, a.path) for a in newsroom.articles
        if a.published <= newsroom_server.now and not any(a.path.startswith(d) for d in a.outlet.robots_disallow)
    }  # fmt: skip
    fetched = Counter((h.outlet, h.path) for h in newsroom_server.hits() if (h.outlet, h.path) in articles)
    assert set(fetched) == articles
    assert set(fetched.values()) == {1}  # exactly once between the two workers
    assert sum(r.count("new") for r in results) == len(articles)
    assert all(r.count("new") > 0 for r in results), "both workers took part"


def test_the_redis_state_expires_seen_urls_and_schedules_revisits(redis_url: str) -> None:
    client = redis.Redis.from_url(redis_url)
    state = RedisCrawlState(client, "state-test", RevisitPolicy())
    try:
        state.record_fetch("https://x.example/a", "x", T0, T0 - timedelta(minutes=5), Validators('"e1"', ""))
        assert state.seen("https://x.example/a").next_visit == T0 + timedelta(minutes=10)
        assert state.due("x", T0, 10) == []
        assert [s.url for s in state.due("x", T0 + timedelta(minutes=11), 10)] == ["https://x.example/a"]
        assert state.validators("https://x.example/a").etag == '"e1"'
        ttl = client.ttl("state-test:seen:" + __import__("hashlib").sha1(b"https://x.example/a").hexdigest())
        assert 0 < ttl <= state.seen_ttl_s  # the seen record expires on its own
        client.delete("state-test:seen:" + __import__("hashlib").sha1(b"https://x.example/a").hexdigest())
        assert state.due("x", T0 + timedelta(minutes=11), 10) == []  # expired: nothing left to revisit
    finally:
        state.close()
