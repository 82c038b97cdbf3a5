"""Thin Scrapy adapters around the plain-Python stages of :mod:`pipelines`.

``ExtractStage`` turns a :class:`~pipelines.models.RawPage` into an Article (or drops it with a
counted, named reason); ``StoreStage`` upserts it. Their order is the number in
``ITEM_PIPELINES``. Each stored article is also reported as one JSON line on stdout, which the
parent process reads to show progress.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from pipelines.extract import extract_article
from pipelines.models import Article, ExtractionStatus, RawPage
from pipelines.store import Store, open_store

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from pipelines.config import Config


logger = logging.getLogger(__name__)


def emit(event: str, **fields: Any) -> None:
    """One progress event for the parent process (a JSON line on stdout)."""
    sys.stdout.write(json.dumps({"event": event, **fields}, default=str) + "\n")
    sys.stdout.flush()


class ExtractStage:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.config: Config = crawler.settings["NEWSWATCH_CONFIG"]

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Article:
        if not isinstance(item, RawPage):
            raise DropItem(f"unexpected item {type(item).__name__}")
        outlet = self.config.outlet(item.outlet)
        stats = self.crawler.stats
        assert stats is not None
        try:
            result = extract_article(item, language=outlet.language)
        except Exception as exc:  # a bug must cost one page, never the crawl; counted and logged with the URL
            stats.inc_value("newswatch/extraction/error")
            logger.exception("%s (%s): extraction failed", item.url, item.outlet)
            emit("dropped", outlet=item.outlet, url=item.url, reason=f"error: {exc!r}")
            raise DropItem(f"{item.url} ({item.outlet}): error: {exc!r}") from exc
        stats.inc_value(f"newswatch/extraction/{result.status.value}")
        # per outlet too: pipelines.health flags an outlet whose pages stop giving articles
        stats.inc_value(f"newswatch/outlet/{item.outlet}/extraction/{result.status.value}")
        if result.status is not ExtractionStatus.OK or result.article is None:
            emit("dropped", outlet=item.outlet, url=item.url, reason=f"{result.status.value}: {result.reason}")
            raise DropItem(f"{item.url} ({item.outlet}): {result.status.value}: {result.reason}")
        return result.article


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

    def process_item(self, item: Article) -> Article:
        assert self.store is not None
        assert self.crawler.stats is not None
        outcome = self.store.upsert(item)
        self.crawler.stats.inc_value(f"newswatch/store/{outcome.value}")
        self.crawler.stats.inc_value(f"newswatch/outlet/{item.outlet}/{outcome.value}")
        emit("stored", outlet=item.outlet, url=item.url, outcome=outcome.value)
        return item
