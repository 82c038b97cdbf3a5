"""The news spider: every configured outlet's feeds and sitemaps, then the articles they list."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.discovery import Candidate, Discovered, parse_feed, parse_sitemap
from pipelines.config import Config, OutletConfig
from pipelines.models import RawPage
from pipelines.urls import canonical_url

MAX_SITEMAP_DEPTH = 3


class NewsSpider(scrapy.Spider):
    """Discover and fetch the articles of the outlets in ``config``."""

    name = "news"

    def __init__(self, config: Config, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.scheduled: Counter[str] = Counter()
        # what feeds and sitemaps said about each URL, merged: the first to list a URL
        # schedules it, the others still add their title, date and authors
        self.candidates: dict[str, Candidate] = {}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for outlet in self.config.outlets:
            for url in outlet.feeds:
                yield self._request(url, outlet, self.parse_feed, kind="feed")
            for url in outlet.sitemaps:
                yield self._request(url, outlet, self.parse_sitemap, kind="sitemap", depth=0)

    def _request(self, url: str, outlet: OutletConfig, callback: Any, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=10 if meta.get("kind") != "article" else 0,
            # one download slot per host:port, so outlets sharing an address are throttled apart
            meta={"outlet": outlet.id, "download_slot": urlsplit(url).netloc, **meta},
        )

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        yield from self._follow(response, parse_feed(response.body, response.url))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        discovered = parse_sitemap(response.body, response.url)
        outlet = self.config.outlet(response.meta["outlet"])
        depth = response.meta.get("depth", 0)
        if depth < MAX_SITEMAP_DEPTH:
            for url in discovered.sitemaps:
                yield self._request(url, outlet, self.parse_sitemap, kind="sitemap", depth=depth + 1)
        yield from self._follow(response, discovered)

    def _follow(self, response: Response, discovered: Discovered) -> Iterator[scrapy.Request]:
        outlet = self.config.outlet(response.meta["outlet"])
        stats = self.crawler.stats
        if discovered.problem:
            self.logger.warning("%s (%s): %s", response.url, outlet.id, discovered.problem)
            stats.inc_value(f"newswatch/discovery_failed/{outlet.id}")
        for candidate in discovered.candidates:
            key = canonical_url(candidate.url)
            if key in self.candidates:
                self.candidates[key] = _merge(self.candidates[key], candidate)
                continue
            self.candidates[key] = candidate
            if self.scheduled[outlet.id] >= self.config.crawl.max_pages_per_outlet:
                stats.inc_value(f"newswatch/page_limit/{outlet.id}")
                break
            self.scheduled[outlet.id] += 1
            yield self._article_request(candidate, outlet)

    def _article_request(self, candidate: Candidate, outlet: OutletConfig) -> scrapy.Request:
        return self._request(candidate.url, outlet, self.parse_article, kind="article", candidate=candidate)

    def parse_article(self, response: Response) -> Iterator[RawPage]:
        outlet_id = response.meta["outlet"]
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("newswatch/skipped/not_text")
            self.logger.warning("%s (%s): not a text page, skipped", response.url, outlet_id)
            return
        candidate: Candidate = self.candidates.get(
            canonical_url(response.meta["candidate"].url), response.meta["candidate"]
        )
        yield RawPage(
            url=candidate.url,
            final_url=response.url,
            status=response.status,
            html=response.text,
            outlet=outlet_id,
            fetched_at=datetime.now(UTC),
            source=candidate.source,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            feed_title=candidate.title,
            feed_published=candidate.published,
            feed_authors=candidate.authors,
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        outlet_id = request.meta.get("outlet", "?")
        if failure.check(IgnoreRequest):
            # robots.txt or the address guard said no; both count their own stats
            self.logger.info("%s (%s): %s", request.url, outlet_id, failure.getErrorMessage())
            return
        kind = failure.type.__name__ if failure.type else "Error"
        self.crawler.stats.inc_value(f"newswatch/errors/{outlet_id}/{kind}")
        self.logger.warning("%s (%s): %s", request.url, outlet_id, failure.getErrorMessage())


def _merge(first: Candidate, other: Candidate) -> Candidate:
    """``first`` with the blanks filled from ``other``."""
    return replace(
        first,
        title=first.title or other.title,
        summary=first.summary or other.summary,
        published=first.published or other.published,
        authors=first.authors or other.authors,
    )
