"""Store and crawl-state writes in batches: what each page gets back, what a failure costs, and that a
batch of fetches is remembered exactly as the same fetches one at a time would be (SQLite and Redis)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis

from crawler.item_pipelines import Batcher
from crawler.state import Fetch, RedisCrawlState, RevisitPolicy, SQLiteCrawlState, Validators

T0 = datetime(2025, 7, 7, 8, 0, tzinfo=UTC)


def test_a_batch_goes_when_full_and_each_item_gets_its_own_result() -> None:
    calls: list[list[int]] = []

    async def write(items: list[int]) -> list[int | Exception]:
        calls.append(items)
        return [i * 10 for i in items]

    async def main() -> list[int]:
        batcher = Batcher(write, size=3, wait_s=60)  # only a full batch can go before the minute is up
        results = await asyncio.gather(*(batcher.add(i) for i in range(6)))
        await batcher.drain()
        return results

    assert asyncio.run(main()) == [0, 10, 20, 30, 40, 50]
    assert calls == [[0, 1, 2], [3, 4, 5]]


def test_a_partial_batch_goes_after_its_wait_and_on_drain() -> None:
    calls: list[list[str]] = []

    async def write(items: list[str]) -> list[str | Exception]:
        calls.append(items)
        return [s.upper() for s in items]

    async def main() -> tuple[list[str], str]:
        batcher = Batcher(write, size=100, wait_s=0.01)
        timed = await asyncio.gather(batcher.add("a"), batcher.add("b"))  # resolved by the timer alone
        pending = asyncio.ensure_future(Batcher(write, size=100, wait_s=3600).add("c"))
        await asyncio.sleep(0)  # let the add register (scheduling, not timing)
        assert not pending.done()
        pending.cancel()
        drained = Batcher(write, size=100, wait_s=3600)
        task = asyncio.ensure_future(drained.add("d"))
        await asyncio.sleep(0)
        await drained.drain()  # a closing crawl does not wait out the timer
        return timed, await task

    timed, drained = asyncio.run(main())
    assert timed == ["A", "B"]
    assert drained == "D"
    assert ["a", "b"] in calls


def test_a_failure_reaches_only_the_items_it_concerns() -> None:
    async def write(items: list[int]) -> list[int | Exception]:
        if 99 in items and len(items) > 2:
            raise RuntimeError("the whole batch failed")
        return [ValueError(f"bad {i}") if i < 0 else i for i in items]

    async def main() -> list[object]:
        batcher = Batcher(write, size=2, wait_s=60)
        return await asyncio.gather(batcher.add(1), batcher.add(-2), return_exceptions=True)

    ok, bad = asyncio.run(main())
    assert ok == 1
    assert isinstance(bad, ValueError)
    assert str(bad) == "bad -2"

    async def whole() -> list[object]:
        batcher = Batcher(write, size=3, wait_s=60)
        return await asyncio.gather(batcher.add(5), batcher.add(99), batcher.add(7), return_exceptions=True)

    assert all(isinstance(r, RuntimeError) for r in asyncio.run(whole()))


def _fetches() -> list[Fetch]:
    return [
        Fetch("https://x.example/a", "x", T0, T0 - timedelta(minutes=5), Validators('"e1"', "")),
        Fetch("https://x.example/old", "x", T0, T0 - timedelta(days=30), Validators()),
        Fetch("https://x.example/a", "x", T0 + timedelta(minutes=11), None, Validators()),  # twice in one batch
    ]


def _one_at_a_time(state: SQLiteCrawlState | RedisCrawlState) -> list:
    return [state.record_fetch(f.url, f.outlet, f.fetched_at, f.published_at, f.validators) for f in _fetches()]


def test_a_batch_of_fetches_is_remembered_as_the_same_fetches_one_by_one_sqlite(tmp_path: Path) -> None:
    batched = SQLiteCrawlState(tmp_path / "batched.db", RevisitPolicy())
    single = SQLiteCrawlState(tmp_path / "single.db", RevisitPolicy())
    try:
        records = batched.record_fetches(_fetches())
        assert records == _one_at_a_time(single)
        assert records[2].visits == 2  # the second fetch of the batch saw the first
        for url in ("https://x.example/a", "https://x.example/old"):
            assert batched.seen(url) == single.seen(url)
        assert batched.validators("https://x.example/a").etag == '"e1"'
    finally:
        batched.close()
        single.close()


@pytest.mark.parametrize("prefix", ["batch-test"])
def test_a_batch_of_fetches_is_remembered_as_the_same_fetches_one_by_one_redis(redis_url: str, prefix: str) -> None:
    client = redis.Redis.from_url(redis_url)
    batched = RedisCrawlState(client, prefix + "-b", RevisitPolicy())
    single = RedisCrawlState(client, prefix + "-s", RevisitPolicy())
    try:
        records = batched.record_fetches(_fetches())
        assert records == _one_at_a_time(single)
        assert batched.seen("https://x.example/a") == single.seen("https://x.example/a")
        assert [s.url for s in batched.due("x", T0 + timedelta(hours=2), 10)] == [
            s.url for s in single.due("x", T0 + timedelta(hours=2), 10)
        ]
    finally:
        for key in client.scan_iter(prefix + "-*"):
            client.delete(key)
        batched.close()
