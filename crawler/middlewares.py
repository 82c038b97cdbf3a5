"""Downloader middlewares: one HTTP concern each, ordered by their numbers in the settings.

- ``SafeAddressMiddleware``: the SSRF guard (below).
- ``RobotsTxtMiddleware``: Scrapy's, with every request that waited for a host's robots.txt
  judged by it, and a robots.txt the server failed to give (5xx) read as "disallow all".
- ``CrawlDelayMiddleware``: robots.txt Crawl-delay as the floor of a host's delay.
- ``PausingRetryMiddleware``: retries after Retry-After or exponential backoff, pausing the
  outlet's whole download slot.
- ``ConditionalGetMiddleware``: validators from the crawl state, so unchanged resources cost a 304.
- ``OutletStatsMiddleware``: requests, statuses and bytes per outlet.

``SafeAddressMiddleware`` refuses URLs that are not http(s) or whose host resolves to a
private, loopback, link-local or otherwise non-public address, unless the host belongs to an
outlet whose config sets ``allow_private_network``. Redirects come back through the
middleware chain as new requests, so every hop is checked.
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from time import monotonic
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxtMiddleware
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    NotConfigured,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.asyncio import call_later
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

from crawler.state import Validators

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector
    from twisted.python.failure import Failure

    from crawler.state import CrawlState

logger = logging.getLogger(__name__)


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        return tuple(sorted({info[4][0] for info in socket.getaddrinfo(host, None)}))
    except (socket.gaierror, UnicodeError):
        return ()


def non_public_address(host: str) -> str | None:
    """The first address of ``host`` that is not a public one, or None if all are public."""
    for address in _resolve(host):
        ip = ipaddress.ip_address(address.split("%")[0])
        if not ip.is_global or ip.is_multicast:
            return address
    return None


class SafeAddressMiddleware:
    """Refuse non-http(s) URLs and non-public addresses (SSRF guard), per request and hop."""

    def __init__(self, allowed_hosts: frozenset[str], stats: StatsCollector) -> None:
        self.allowed_hosts = allowed_hosts
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        hosts = crawler.settings.getlist("NEWSWATCH_PRIVATE_HOSTS_ALLOWED")
        if crawler.settings.getbool("NEWSWATCH_ALLOW_ALL_PRIVATE"):
            raise NotConfigured("every private address allowed")
        assert crawler.stats is not None
        return cls(frozenset(hosts), crawler.stats)

    def process_request(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("http", "https"):
            self.stats.inc_value("newswatch/refused/scheme")
            raise IgnoreRequest(f"refused {request.url}: only http and https are fetched")
        host = (parts.hostname or "").lower()
        if parts.netloc.lower() in self.allowed_hosts:
            return
        address = non_public_address(host)
        if address is not None:
            self.stats.inc_value("newswatch/refused/private_address")
            raise IgnoreRequest(
                f"refused {request.url}: {host} resolves to non-public address {address}"
                " (set allow_private_network = true on the outlet to allow it)"
            )


def slot_key(crawler: Crawler, request: Request) -> str:
    assert crawler.engine is not None
    return crawler.engine.downloader.get_slot_key(request)


class SlotPauses:
    """Pause one download slot (one outlet host) until a moment, without blocking the others.

    Scrapy's downloader leaves a slot's queue alone while ``slot.latercall`` is pending; setting
    it to a timer that fires at the end of the pause holds every request of that slot, while
    other slots keep downloading. A slot dropped by Scrapy's idle-slot cleanup during a long
    pause gets the pause back when its next request arrives (:meth:`reapply`).
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.until: dict[str, float] = {}

    def pause(self, key: str, seconds: float) -> None:
        until = monotonic() + seconds
        if self.until.get(key, 0.0) >= until:
            return
        self.until[key] = until
        self._hold(key)

    def reapply(self, request: Request) -> None:
        key = slot_key(self.crawler, request)
        if self.until.get(key, 0.0) > monotonic():
            self._hold(key, request)

    def _hold(self, key: str, request: Request | None = None) -> None:
        assert self.crawler.engine is not None
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None and request is not None:
            _, slot = downloader._get_slot(request)
        if slot is None:
            return
        remaining = self.until[key] - monotonic()
        if remaining <= 0:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(remaining, downloader._latercall, slot)


def retry_after_s(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not value:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class PausingRetryMiddleware(RetryMiddleware):
    """Retry transient failures after pausing the outlet's whole download slot.

    A 429 or 503 with Retry-After (seconds or an HTTP-date) pauses the slot that long (capped
    by ``retry_after_max_s``); other transient failures (timeouts, refused or lost connections,
    5xx, 429 without the header) pause it exponentially longer per attempt: ``retry_backoff_s``,
    twice that, ... up to ``retry_backoff_max_s``. Replaces Scrapy's RetryMiddleware, which
    retries at once.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        self.pauses = SlotPauses(crawler)
        self.backoff_s = crawler.settings.getfloat("NEWSWATCH_RETRY_BACKOFF_S")
        self.backoff_max_s = crawler.settings.getfloat("NEWSWATCH_RETRY_BACKOFF_MAX_S")
        self.retry_after_max_s = crawler.settings.getfloat("NEWSWATCH_RETRY_AFTER_MAX_S")
        assert crawler.stats is not None
        self.stats = crawler.stats
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        self.pauses.reapply(request)

    def _response_downloaded(self, response: Response, request: Request) -> None:
        # Scrapy sends this before the slot dispatches its next request: pausing here holds
        # back every queued request of the outlet, not only the ones after the retry
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return
        if request.meta.get("retry_times", 0) >= request.meta.get("max_retry_times", self.max_retry_times):
            return
        self._pause(request, self._wait(request, response))

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        return response if retry is None else retry

    def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if retry is not None:
            self._pause(request, self._wait(request, None))
        return retry

    def _wait(self, request: Request, response: Response | None) -> float:
        outlet = request.meta.get("outlet", "?")
        if response is not None and response.status in (429, 503):
            wait = retry_after_s(response.headers.get("Retry-After"))
            if wait is not None:
                wait = min(wait, self.retry_after_max_s)
                self.stats.inc_value(f"newswatch/retry_after/{outlet}")
                logger.info("%s (%s): %d, Retry-After %.1f s: the outlet is paused", request.url, outlet,
                            response.status, wait)  # fmt: skip
                return wait
        self.stats.inc_value(f"newswatch/backoff/{outlet}")
        return min(self.backoff_max_s, self.backoff_s * 2 ** request.meta.get("retry_times", 0))

    def _pause(self, request: Request, wait: float) -> None:
        if wait > 0:
            self.pauses.pause(slot_key(self.crawler, request), wait)


class RobotsTxtMiddleware(ScrapyRobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, with two corrections.

    - Every request that arrives while a host's robots.txt is being fetched waits on one
      Deferred; Scrapy (2.14) hands the parser to the first waiter only and ``None`` ("no rules:
      allow") to the others, so with several requests queued for a new host (distributed
      workers, several feeds of one outlet) a disallowed page could be fetched. Each waiter here
      reads the parser stored once the fetch is done.
    - A robots.txt answered with a server error is read as "disallow everything" for this run
      (RFC 9309, 2.3.1.4: the rules are unknown, so nothing is crawled); a 4xx means there are no
      rules, as before.
    """

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        stored = self._parsers.get(urlparse_cached(request).netloc, parser)
        return parser if isinstance(stored, Deferred) else stored

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self._stats.inc_value("newswatch/robots_unavailable")
            logger.warning("%s answered %s: nothing on %s is fetched this run", response.url, response.status, netloc)
            response = response.replace(body=DISALLOW_ALL)
        await super()._parse_robots(response, netloc, request)


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class CrawlDelayMiddleware:
    """Honour robots.txt ``Crawl-delay``: it becomes the floor of that host's download delay.

    The delay is read when Scrapy's robots.txt middleware has parsed the file (its
    ``robots_parsed`` signal) and put back after AutoThrottle adjusts the slot, which could
    otherwise lower it. The slot's jitter is switched off, so no gap is shorter than the delay.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.floors: dict[str, float] = {}
        self.user_agent = crawler.settings["USER_AGENT"]
        assert crawler.stats is not None
        self.stats = crawler.stats
        crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(self._response_downloaded, signal=signals.response_downloaded)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        if not crawler.settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("robots.txt is not obeyed")
        return cls(crawler)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        delay = getattr(robotparser, "crawl_delay", lambda _ua: None)(self.user_agent)
        if delay:
            key = slot_key(self.crawler, request)
            self.floors[key] = float(delay)
            self.stats.set_value(f"newswatch/crawl_delay/{request.meta.get('outlet', key)}", float(delay))

    def process_request(self, request: Request) -> None:
        key = slot_key(self.crawler, request)
        if key in self.floors:
            assert self.crawler.engine is not None
            _, slot = self.crawler.engine.downloader._get_slot(request)
            self._floor(slot, self.floors[key])

    def _response_downloaded(self, response: Response, request: Request) -> None:
        key = request.meta.get("download_slot")
        if key in self.floors:
            assert self.crawler.engine is not None
            slot = self.crawler.engine.downloader.slots.get(key)
            if slot is not None:
                self._floor(slot, self.floors[key])

    @staticmethod
    def _floor(slot: Any, delay: float) -> None:
        if slot.delay < delay:
            slot.delay = delay
        slot.jitter = 0.0


class ConditionalGetMiddleware:
    """Ask only for what changed: If-None-Match / If-Modified-Since from the crawl state.

    Requests marked ``meta["conditional"]`` (feeds, sitemaps, section pages, revisited
    articles) carry the validators the server gave last time; a 304 reaches the spider, which
    then parses nothing. Validators of feeds and sitemaps are saved only when the crawl finishes
    normally: a crawl killed or stopped midway has not fetched every article its feeds listed,
    and a 304 next time would hide those articles for good. Those of articles are saved once
    the article is stored (by the state stage), so a crash between fetch and store cannot turn
    into a 304 for a page never stored.
    """

    def __init__(self, state: CrawlState, stats: StatsCollector) -> None:
        self.state = state
        self.stats = stats
        self.pending: dict[str, Validators] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        state = crawler.settings.get("NEWSWATCH_STATE")
        if state is None:
            raise NotConfigured("no crawl state")
        assert crawler.stats is not None
        middleware = cls(state, crawler.stats)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_closed(self, reason: str) -> None:
        if reason == "finished":
            for key, validators in self.pending.items():
                self.state.save_validators(key, validators)
        self.pending.clear()

    def process_request(self, request: Request) -> None:
        if not request.meta.get("conditional") or request.meta.get("retry_times"):
            return
        key = request.meta.get("state_key", request.url)
        for name, value in self.state.validators(key).headers().items():
            request.headers.setdefault(name, value)

    def process_response(self, request: Request, response: Response) -> Response:
        if not request.meta.get("conditional"):
            return response
        if response.status == 304:
            self.stats.inc_value(f"newswatch/outlet/{request.meta.get('outlet', '?')}/not_modified")
        elif response.status == 200:
            validators = Validators(
                (response.headers.get("ETag") or b"").decode("latin-1"),
                (response.headers.get("Last-Modified") or b"").decode("latin-1"),
            )
            if request.meta.get("kind") == "article":
                request.meta["validators"] = validators
            else:
                self.pending[request.meta.get("state_key", request.url)] = validators
        return response


class OutletStatsMiddleware:
    """Count what each outlet cost: requests, responses by status, bytes (every attempt)."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        assert crawler.stats is not None
        return cls(crawler.stats)

    def process_request(self, request: Request) -> None:
        outlet = request.meta.get("outlet")
        if outlet:
            self.stats.inc_value(f"newswatch/outlet/{outlet}/requests")

    def process_response(self, request: Request, response: Response) -> Response:
        outlet = request.meta.get("outlet")
        if outlet:
            self.stats.inc_value(f"newswatch/outlet/{outlet}/status/{response.status}")
            self.stats.inc_value(f"newswatch/outlet/{outlet}/bytes", len(response.body))
        return response


def error_kind(failure: Failure) -> str:
    """A short, stable name for why a request failed (stats keys, logs, ``newswatch status``)."""
    exc = failure.value
    message = str(exc).lower()
    if isinstance(exc, HttpError):
        return f"http_{exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        if "redirection" in message:
            return "redirect_loop"
        if "decompress" in message or "max size" in message:
            return "decompression_bomb"
        if "robots" in message:
            return "robots_forbidden"
        if "refused" in message and "resolves" in message:
            return "private_address"
        if "only http" in message:
            return "scheme"
        return "ignored"
    if isinstance(exc, DownloadCancelledError) or "maxsize" in message or "max size" in message:
        return "page_too_large"
    if isinstance(exc, (DownloadTimeoutError, TimeoutError)) or "timeout" in type(exc).__name__.lower():
        return "timeout"
    if isinstance(exc, DownloadConnectionRefusedError):
        return "connection_refused"
    if isinstance(exc, CannotResolveHostError):
        return "dns"
    if isinstance(exc, ResponseDataLossError) or "dataloss" in type(exc).__name__.lower():
        return "truncated_response"
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(exc).__name__).lower().removesuffix("_error") or "error"
