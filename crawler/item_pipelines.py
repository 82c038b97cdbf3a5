"""Thin Scrapy adapters around the plain-Python stages of :mod:`pipelines`, one stage each.

``ExtractStage`` turns a :class:`~pipelines.models.RawPage` into an extraction (in a pool of
worker processes, so extraction never blocks the crawl loop and uses every core; pages go to a
worker a few at a time, see :data:`EXTRACT_BATCH_SIZE`);
``StoreStage`` upserts the article; ``StateStage`` remembers the fetch in the crawl state
(next revisit, validators) and drops what was not an article with its counted, named reason.
Their order is the number in ``ITEM_PIPELINES``. Each stored article is also reported as one
JSON line on stdout, which the parent process reads to show progress.

The store and the state are written in batches (:class:`Batcher`): one transaction, bulk
request or Redis round trip for up to :data:`BATCH_SIZE` pages, or for what came within
:data:`BATCH_WAIT_S`; a page goes on to the next stage only once its batch is written, so
the state never remembers a page the store has not kept. Store writes run in a thread of their
own (SQLite and the Elasticsearch client release the GIL while they work), so the crawl loop
goes on fetching meanwhile.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from scrapy.exceptions import DropItem

from crawler.state import Fetch, Validators
from crawler.workers import WorkerError, extract_article, extract_articles, start_pool
from pipelines.errors import StoreError
from pipelines.models import AccessState, Article, Extraction, ExtractionStatus, RawPage, StoreOutcome
from pipelines.store import Store, open_store
from pipelines.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.state import CrawlState, SeenUrl
    from pipelines.config import Config


logger = logging.getLogger(__name__)

# pages per store or state write; a batch also goes when its first page has waited BATCH_WAIT_S
BATCH_SIZE = 64
BATCH_WAIT_S = 0.1
# pages per hand-over to an extraction worker; a batch also goes when its first page has waited
# EXTRACT_BATCH_WAIT_S (a page costs a worker about 5 ms: 8 keep both workers busy and cost the
# crawl process 20 us a page instead of 150 us one at a time)
EXTRACT_BATCH_SIZE = 8
EXTRACT_BATCH_WAIT_S = 0.02

T = TypeVar("T")
R = TypeVar("R")


def emit(event: str, **fields: Any) -> None:
    """One progress event for the parent process (a JSON line on stdout)."""
    emit_all([{"event": event, **fields}])


def emit_all(events: Sequence[dict[str, Any]]) -> None:
    """Several progress events in one write (one wake-up of the parent, not one per page)."""
    sys.stdout.write("".join(json.dumps(e, default=str) + "\n" for e in events))
    sys.stdout.flush()


class Batcher(Generic[T, R]):
    """Gathers items for one call of ``write``: a batch goes when it holds ``size`` items or when its
    first item has waited ``wait_s``. :meth:`add` returns the item's own result once its batch is
    written; ``write`` returns one result per item, an exception for an item that failed (raised to
    that item's caller only)."""

    def __init__(self, write: Callable[[list[T]], Awaitable[list[R | Exception]]], size: int, wait_s: float) -> None:
        self.write = write
        self.size = size
        self.wait_s = wait_s
        self._waiting: list[tuple[T, asyncio.Future[R]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._writes: set[asyncio.Task[None]] = set()  # held: the loop keeps only weak references to tasks

    async def add(self, item: T) -> R:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[R] = loop.create_future()
        self._waiting.append((item, future))
        if len(self._waiting) >= self.size:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.wait_s, self._flush)
        return await future

    async def drain(self) -> None:
        """Write what is waiting now and wait for every write under way."""
        self._flush()
        while self._writes:
            await asyncio.gather(*self._writes)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._waiting = self._waiting, []
        if batch:
            task = asyncio.ensure_future(self._write(batch))
            self._writes.add(task)
            task.add_done_callback(self._writes.discard)

    async def _write(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self.write([item for item, _ in batch])
        except Exception as exc:  # the whole write failed: each item of the batch fails with it
            results = [exc] * len(batch)
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():  # cancelled (the crawl is stopping)
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)


def one_by_one(write: Callable[[T], R], items: Sequence[T]) -> list[R | Exception]:
    """Each item written on its own, after its batch failed: a bad item fails alone (its exception is its
    result, counted and logged by the item's own failure in Scrapy)."""
    results: list[R | Exception] = []
    for item in items:
        try:
            results.append(write(item))
        except Exception as exc:
            results.append(exc)
    return results


@dataclass(slots=True)
class PageResult:
    """A fetched page on its way through the stages: what extraction and the store made of it."""

    page: RawPage
    extraction: Extraction
    outcome: StoreOutcome | None = None


class ExtractStage:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config: Config = crawler.settings["NEWSWATCH_CONFIG"]
        self.pool: Executor | None = None
        # pages go to the workers a few at a time (see crawler.workers.extract_articles)
        self.batcher: Batcher[tuple[RawPage, str], Extraction] = Batcher(
            self._extract_in_pool, EXTRACT_BATCH_SIZE, EXTRACT_BATCH_WAIT_S
        )

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.config.crawl.extract_processes > 0:
            self.pool = start_pool(self.config.crawl.extract_processes)

    async def close_spider(self) -> None:
        await self.batcher.drain()
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    async def _extract_in_pool(self, batch: list[tuple[RawPage, str]]) -> list[Extraction | Exception]:
        assert self.pool is not None
        results = await asyncio.wrap_future(self.pool.submit(extract_articles, batch))
        return list(results)

    async def process_item(self, item: Any) -> PageResult:
        if not isinstance(item, RawPage):
            raise DropItem(f"unexpected item {type(item).__name__}")
        stats = self.crawler.stats
        assert stats is not None
        try:
            outlet = self.config.outlet(item.outlet)
            language = outlet.language
        except KeyError:  # an article found by a watch's query feed on a site not configured
            language = ""
        try:
            if self.pool is not None:
                result = await self.batcher.add((item, language))
            else:
                result = extract_article(item, language=language)
        except Exception as exc:  # a bug must cost one page, never the crawl; counted and logged with the URL
            stats.inc_value("newswatch/extraction/error")
            stats.inc_value(f"newswatch/outlet/{item.outlet}/errors/extraction")
            if isinstance(exc, WorkerError):
                logger.error("%s (%s): extraction failed in a worker:\n%s", item.url, item.outlet, exc.traceback)
            else:
                logger.exception("%s (%s): extraction failed", item.url, item.outlet)
            error = exc.error if isinstance(exc, WorkerError) else repr(exc)
            emit("dropped", outlet=item.outlet, url=item.url, reason=f"error: {error}")
            raise DropItem(f"{item.url} ({item.outlet}): error: {error}") from exc
        stats.inc_value(f"newswatch/extraction/{result.status.value}")
        # per outlet too: pipelines.health flags an outlet whose pages stop giving articles
        stats.inc_value(f"newswatch/outlet/{item.outlet}/extraction/{result.status.value}")
        if result.status is not ExtractionStatus.OK or result.article is None:
            stats.inc_value(f"newswatch/outlet/{item.outlet}/dropped/{result.status.value}")
            emit("dropped", outlet=item.outlet, url=item.url, reason=f"{result.status.value}: {result.reason}")
        elif result.article.access_state is not AccessState.FULL:
            stats.inc_value(f"newswatch/outlet/{item.outlet}/blocked/{result.article.access_state.value}")
        return PageResult(item, result)


class StoreStage:
    """Upsert the articles, a batch at a time, in a thread that alone uses the store."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config: Config = crawler.settings["NEWSWATCH_CONFIG"]
        self.store: Store | None = None
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="store")
        self.batcher = Batcher(self._write, BATCH_SIZE, BATCH_WAIT_S)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    async def open_spider(self) -> None:
        # opened in the writer thread: a SQLite connection belongs to the thread that made it
        self.store = await asyncio.wrap_future(self.writer.submit(open_store, self.config))

    async def close_spider(self) -> None:
        await self.batcher.drain()
        if self.store is not None:
            await asyncio.wrap_future(self.writer.submit(self.store.close))
        self.writer.shutdown()

    async def process_item(self, item: PageResult) -> PageResult:
        if item.extraction.article is None:
            return item
        item.outcome = await self.batcher.add(item.extraction.article)
        return item

    async def _write(self, articles: list[Article]) -> list[StoreOutcome | Exception]:
        outcomes = await asyncio.wrap_future(self.writer.submit(self._upsert, articles))
        stats = self.crawler.stats
        assert stats is not None
        events = []
        for article, outcome in zip(articles, outcomes, strict=True):
            if isinstance(outcome, Exception):
                continue
            stats.inc_value(f"newswatch/store/{outcome.value}")
            stats.inc_value(f"newswatch/outlet/{article.outlet}/{outcome.value}")
            events.append(
                {"event": "stored", "outlet": article.outlet, "url": article.url, "outcome": outcome.value,
                 "access": article.access_state.value}
            )  # fmt: skip
        if events:
            emit_all(events)
        return outcomes

    def _upsert(self, articles: list[Article]) -> list[StoreOutcome | Exception]:
        """In the writer thread: the batch in one write; if that fails, what each article did."""
        assert self.store is not None
        try:
            return list(self.store.upsert_many(articles))
        except StoreError as exc:
            if exc.written is not None:  # the store dealt with each article: these were kept, the rest refused
                return [exc.written.get(a.id, exc) for a in articles]
            batch_error = exc
        # nothing was written (a rolled-back transaction): one at a time, so a bad article costs only itself
        logger.warning("a batch of %d articles failed (%s); storing them one by one", len(articles), batch_error)
        return one_by_one(self.store.upsert, articles)


class StateStage:
    """Remember the fetch (next revisit, validators) once the page has been dealt with."""

    def __init__(self, crawler: Crawler, state: CrawlState) -> None:
        self.crawler = crawler
        self.state = state
        self.batcher = Batcher(self._write, BATCH_SIZE, BATCH_WAIT_S)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings["NEWSWATCH_STATE"])

    async def close_spider(self) -> None:
        await self.batcher.drain()

    async def process_item(self, item: PageResult) -> PageResult:
        page, extraction = item.page, item.extraction
        published = extraction.article.published_at if extraction.article else None
        await self.batcher.add(
            Fetch(
                canonical_url(page.url),
                page.outlet,
                page.fetched_at,
                published or page.feed_published,
                Validators(page.etag, page.last_modified),
            )
        )
        if extraction.article is None:
            raise DropItem(f"{page.url} ({page.outlet}): {extraction.status.value}: {extraction.reason}")
        return item

    async def _write(self, fetches: list[Fetch]) -> list[SeenUrl | Exception]:
        try:
            return list(self.state.record_fetches(fetches))
        except Exception as exc:  # a rolled-back batch: one at a time, so a bad record costs only itself
            logger.warning("a batch of %d fetches could not be recorded (%s); recording them one by one",
                           len(fetches), exc)  # fmt: skip
        return one_by_one(lambda fetch: self.state.record_fetches([fetch])[0], fetches)
