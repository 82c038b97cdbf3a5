"""Thin Scrapy adapters around the plain-Python stages of :mod:`pipelines`, one stage each.

``ExtractStage`` turns a :class:`~pipelines.models.RawPage` into an extraction (in a pool of
worker processes, so extraction never blocks the crawl loop and uses every core);
``StoreStage`` upserts the article; ``StateStage`` remembers the fetch in the crawl state
(next revisit, validators) and drops what was not an article with its counted, named reason.
Their order is the number in ``ITEM_PIPELINES``. Each stored article is also reported as one
JSON line on stdout, which the parent process reads to show progress.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from crawler.state import Validators
from crawler.workers import extract_article, start_pool
from pipelines.models import AccessState, Extraction, ExtractionStatus, RawPage, StoreOutcome
from pipelines.store import Store, open_store
from pipelines.urls import canonical_url

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from crawler.state import CrawlState
    from pipelines.config import Config


logger = logging.getLogger(__name__)


def emit(event: str, **fields: Any) -> None:
    """One progress event for the parent process (a JSON line on stdout)."""
    sys.stdout.write(json.dumps({"event": event, **fields}, default=str) + "\n")
    sys.stdout.flush()


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        if self.config.crawl.extract_processes > 0:
            self.pool = start_pool(self.config.crawl.extract_processes)

    def close_spider(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

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
                result = await asyncio.wrap_future(self.pool.submit(extract_article, item, language=language))
            else:
                result = extract_article(item, language=language)
        except Exception as exc:  # a bug must cost one page, never the crawl; counted and logged with the URL
            stats.inc_value("newswatch/extraction/error")
            stats.inc_value(f"newswatch/outlet/{item.outlet}/errors/extraction")
            logger.exception("%s (%s): extraction failed", item.url, item.outlet)
            emit("dropped", outlet=item.outlet, url=item.url, reason=f"error: {exc!r}")
            raise DropItem(f"{item.url} ({item.outlet}): error: {exc!r}") from exc
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
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config: Config = crawler.settings["NEWSWATCH_CONFIG"]
        self.store: Store | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.store = open_store(self.config)

    def close_spider(self) -> None:
        if self.store is not None:
            self.store.close()

    def process_item(self, item: PageResult) -> PageResult:
        article = item.extraction.article
        if article is None:
            return item
        assert self.store is not None
        assert self.crawler.stats is not None
        outcome = self.store.upsert(article)
        item.outcome = outcome
        self.crawler.stats.inc_value(f"newswatch/store/{outcome.value}")
        self.crawler.stats.inc_value(f"newswatch/outlet/{article.outlet}/{outcome.value}")
        emit(
            "stored",
            outlet=article.outlet,
            url=article.url,
            outcome=outcome.value,
            access=article.access_state.value,
        )
        return item


class StateStage:
    """Remember the fetch (next revisit, validators) once the page has been dealt with."""

    def __init__(self, crawler: Crawler, state: CrawlState) -> None:
        self.crawler = crawler
        self.state = state

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings["NEWSWATCH_STATE"])

    def process_item(self, item: PageResult) -> PageResult:
        page, extraction = item.page, item.extraction
        published = extraction.article.published_at if extraction.article else None
        self.state.record_fetch(
            canonical_url(page.url),
            page.outlet,
            page.fetched_at,
            published or page.feed_published,
            Validators(page.etag, page.last_modified),
        )
        if extraction.article is None:
            raise DropItem(f"{page.url} ({page.outlet}): {extraction.status.value}: {extraction.reason}")
        return item
