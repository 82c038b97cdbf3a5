"""The news spider: every configured outlet's feeds, sitemaps and sections, then the articles they list.

Per run and outlet: outlets backed off after repeated failure are skipped (and said so); feeds,
sitemaps and section pages are asked for conditionally (an unchanged one costs a 304 and is not
parsed); homepages are read for ``<link rel="alternate">`` feeds when ``autodiscover`` is on;
articles seen before are fetched again only when the revisit policy says they are due, then
conditionally; watches add their query feeds, and a new watch walks sitemap indexes back for
earlier coverage. Candidates pass the outlet's allow/deny patterns, optionally the watches'
terms, and the per-outlet page limit.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.utils.gz import gunzip
from twisted.python.failure import Failure

from crawler.discovery import (
    Candidate,
    Discovered,
    discover_feeds,
    parse_feed,
    parse_section,
    parse_sitemap,
    url_allowed,
)
from crawler.item_pipelines import emit
from crawler.middlewares import error_kind
from crawler.state import CrawlState
from pipelines.config import Config, OutletConfig
from pipelines.models import RawPage
from pipelines.query import could_match
from pipelines.urls import canonical_url

MAX_SITEMAP_DEPTH = 3
# statuses an article request hands to the spider instead of dropping: the extraction stage
# recognises paywalls and bot blocks in them; 304 is an unchanged revisit
ARTICLE_STATUSES = [304, 401, 403, 451]
DISCOVERY_STATUSES = [304]


class NewsSpider(scrapy.Spider):
    """Discover and fetch the articles of the outlets in ``config``."""

    name = "news"

    def __init__(self, config: Config, state: CrawlState, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.config = config
        self.state = state
        self.now = datetime.now(UTC)
        self.scheduled: Counter[str] = Counter()
        # what feeds and sitemaps said about each URL, merged: the first to list a URL
        # schedules it, the others still add their title, date and authors
        self.candidates: dict[str, Candidate] = {}
        self.hosts = _outlet_hosts(config)
        self.sitemap_window = timedelta(days=config.crawl.sitemap_window_days)
        self.backfilling = [w for w in config.watches if w.backfill_days and state.watch_started(w.name) is None]
        if self.backfilling:
            days = max(w.backfill_days for w in self.backfilling)
            self.sitemap_window = max(self.sitemap_window, timedelta(days=days))

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for outlet in self.config.outlets:
            health = self.state.health(outlet.id)
            if health.backed_off(self.now):
                self.crawler.stats.set_value(f"newswatch/outlet/{outlet.id}/backed_off", 1)
                self.logger.warning(
                    "%s: skipped, backed off until %s after %d failed runs (last error: %s)",
                    outlet.id, health.backoff_until, health.failures, health.last_error,
                )  # fmt: skip
                continue
            for url in outlet.feeds:
                yield self._request(url, outlet.id, self.parse_feed, kind="feed")
            for url in outlet.sitemaps:
                yield self._request(url, outlet.id, self.parse_sitemap, kind="sitemap", depth=0)
            for url in outlet.sections:
                yield self._request(url, outlet.id, self.parse_section, kind="section")
            if outlet.autodiscover:
                yield self._request(outlet.homepage, outlet.id, self.parse_homepage, kind="homepage")
            for seen in self.state.due(outlet.id, self.now, self.config.crawl.max_pages_per_outlet):
                candidate = Candidate(url=seen.url, source="revisit", published=seen.published_at)
                if self._claim(candidate, outlet.id, revisit=True):
                    yield self._article_request(candidate, outlet.id)
        for watch in self.config.watches:
            terms = quote_plus(watch.search_terms or watch.query)
            for template in watch.query_feeds:
                url = template.replace("{query}", terms)
                yield self._request(url, f"watch:{watch.name}", self.parse_feed, kind="query_feed")

    def closed(self, reason: str) -> None:
        for watch in self.backfilling:
            self.state.start_watch(watch.name, self.now)

    def _request(self, url: str, outlet: str, callback: Any, **meta: Any) -> scrapy.Request:
        kind = meta.get("kind")
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            priority=10 if kind != "article" else 0,
            # one download slot per host:port, so outlets sharing an address are throttled apart
            meta={
                "outlet": outlet,
                "download_slot": urlsplit(url).netloc,
                "conditional": True,
                "handle_httpstatus_list": ARTICLE_STATUSES if kind == "article" else DISCOVERY_STATUSES,
                **meta,
            },
        )

    # -- discovery ---------------------------------------------------------------------------
    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        yield from self._follow(response, parse_feed(response.body, response.url, self.config.crawl.max_feed_entries))

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz served as is, without Content-Encoding
            try:
                body = gunzip(body, max_size=self.config.crawl.max_page_bytes)
            except (OSError, ValueError, EOFError, gzip.BadGzipFile) as exc:
                yield from self._follow(response, Discovered(problem=f"decompression_bomb: {exc}"))
                return
        discovered = parse_sitemap(body, response.url)
        outlet = response.meta["outlet"]
        depth = response.meta.get("depth", 0)
        if depth < MAX_SITEMAP_DEPTH:
            dates = discovered.sitemap_dates or (None,) * len(discovered.sitemaps)
            for url, date in zip(discovered.sitemaps, dates, strict=True):
                if date is not None and date < self.now - self.sitemap_window:
                    self.crawler.stats.inc_value(f"newswatch/outlet/{outlet}/old_sitemaps_skipped")
                    continue
                yield self._request(url, outlet, self.parse_sitemap, kind="sitemap", depth=depth + 1)
        yield from self._follow(response, discovered)

    def parse_section(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        outlet = self.config.outlet(response.meta["outlet"])
        yield from self._follow(response, parse_section(response.body, response.url, outlet.allow_urls,
                                                         outlet.deny_urls))  # fmt: skip

    def parse_homepage(self, response: Response) -> Iterator[scrapy.Request]:
        if self._not_modified(response):
            return
        outlet = response.meta["outlet"]
        found = discover_feeds(response.body, response.url)
        configured = set(self.config.outlet(outlet).feeds)
        for url in found.feeds:
            if url not in configured:
                self.crawler.stats.inc_value(f"newswatch/outlet/{outlet}/feeds_discovered")
                yield self._request(url, outlet, self.parse_feed, kind="feed")

    def _not_modified(self, response: Response) -> bool:
        if response.status != 304:
            return False
        self.logger.debug("%s (%s): not modified", response.url, response.meta["outlet"])
        return True

    def _follow(self, response: Response, discovered: Discovered) -> Iterator[scrapy.Request]:
        source_outlet = response.meta["outlet"]
        stats = self.crawler.stats
        if discovered.problem:
            self.logger.warning("%s (%s): %s", response.url, source_outlet, discovered.problem)
            stats.inc_value(f"newswatch/outlet/{source_outlet}/errors/{discovered.problem_kind}")
        for candidate in discovered.candidates:
            outlet_id = self._outlet_of(candidate.url, source_outlet)
            if outlet_id is None:
                stats.inc_value(f"newswatch/outlet/{source_outlet}/skipped/unknown_site")
                continue
            if self._claim(candidate, outlet_id):
                yield self._article_request(candidate, outlet_id)

    def _outlet_of(self, url: str, source_outlet: str) -> str | None:
        """The outlet an article URL belongs to: the feed's own, or (for a watch's query feed) the
        configured outlet on that host, or the host itself as the outlet's name."""
        if not source_outlet.startswith("watch:"):
            return source_outlet
        netloc = urlsplit(url).netloc.lower()
        return self.hosts.get(netloc) or self.hosts.get(netloc.removeprefix("www.")) or netloc or None

    def _claim(self, candidate: Candidate, outlet_id: str, revisit: bool = False) -> bool:
        """Whether to fetch a candidate now; merges what several feeds said about one URL."""
        stats = self.crawler.stats
        key = canonical_url(candidate.url)
        if key in self.candidates:
            self.candidates[key] = _merge(self.candidates[key], candidate)
            return False
        self.candidates[key] = candidate
        outlet = self._outlet_config(outlet_id)
        if outlet is not None and not url_allowed(candidate.url, outlet.allow_urls, outlet.deny_urls):
            stats.inc_value(f"newswatch/outlet/{outlet_id}/skipped/denied_url")
            return False
        if not revisit:
            seen = self.state.seen(key)
            if seen is not None and not seen.due(self.now):
                stats.inc_value(f"newswatch/outlet/{outlet_id}/skipped/seen")
                return False
            if self.config.crawl.skip_unmatched and not self._may_match(candidate):
                stats.inc_value(f"newswatch/outlet/{outlet_id}/skipped/unmatched")
                return False
        if self.scheduled[outlet_id] >= self.config.crawl.max_pages_per_outlet:
            stats.inc_value(f"newswatch/outlet/{outlet_id}/skipped/page_limit")
            return False
        self.scheduled[outlet_id] += 1
        return True

    def _may_match(self, candidate: Candidate) -> bool:
        text = f"{candidate.title} {candidate.summary}".strip()
        if not text or not self.config.watches:
            return True  # nothing to judge by: fetch it
        return any(could_match(w.query, text) for w in self.config.watches)

    def _outlet_config(self, outlet_id: str) -> OutletConfig | None:
        try:
            return self.config.outlet(outlet_id)
        except KeyError:
            return None

    def _article_request(self, candidate: Candidate, outlet_id: str) -> scrapy.Request:
        return self._request(
            candidate.url,
            outlet_id,
            self.parse_article,
            kind="article",
            candidate=candidate,
            state_key=canonical_url(candidate.url),
        )

    # -- articles ----------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[RawPage]:
        outlet_id = response.meta["outlet"]
        candidate: Candidate = self.candidates.get(response.meta["state_key"], response.meta["candidate"])
        if response.status == 304:
            # unchanged since the last visit: schedule the next one, nothing to extract
            self.state.record_fetch(
                response.meta["state_key"], outlet_id, datetime.now(UTC), candidate.published,
                self.state.validators(response.meta["state_key"]),
            )  # fmt: skip
            emit("not_modified", outlet=outlet_id, url=candidate.url)
            return
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value(f"newswatch/outlet/{outlet_id}/errors/not_text")
            self.logger.warning("%s (%s): not_text: not a text page, skipped", response.url, outlet_id)
            return
        validators = response.meta.get("validators")
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
            etag=validators.etag if validators else "",
            last_modified=validators.last_modified if validators else "",
        )

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        outlet_id = request.meta.get("outlet", "?")
        kind = error_kind(failure)
        if failure.check(IgnoreRequest) and kind in ("robots_forbidden", "private_address", "scheme"):
            # robots.txt or the address guard said no; both count their own stats
            self.crawler.stats.inc_value(f"newswatch/outlet/{outlet_id}/refused/{kind}")
            self.logger.info("%s (%s): %s", request.url, outlet_id, failure.getErrorMessage())
            return
        self.crawler.stats.inc_value(f"newswatch/outlet/{outlet_id}/errors/{kind}")
        self.crawler.stats.inc_value(f"newswatch/errors/{kind}")
        self.logger.warning("%s (%s): %s: %s", request.url, outlet_id, kind, failure.getErrorMessage())
        if request.meta.get("kind") != "article":
            self.crawler.stats.set_value(f"newswatch/outlet/{outlet_id}/last_error", f"{kind}: {request.url}")


def _outlet_hosts(config: Config) -> dict[str, str]:
    hosts: dict[str, str] = {}
    for outlet in config.outlets:
        for url in (outlet.homepage, *outlet.feeds, *outlet.sitemaps, *outlet.sections):
            netloc = urlsplit(url).netloc.lower()
            hosts.setdefault(netloc, outlet.id)
            hosts.setdefault(netloc.removeprefix("www."), outlet.id)
    return hosts


def _merge(first: Candidate, other: Candidate) -> Candidate:
    """``first`` with the blanks filled from ``other``."""
    return replace(
        first,
        title=first.title or other.title,
        summary=first.summary or other.summary,
        published=first.published or other.published,
        authors=first.authors or other.authors,
        language=first.language or other.language,
    )
