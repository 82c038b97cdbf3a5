"""Downloader middlewares: one HTTP concern each.

``SafeAddressMiddleware`` refuses URLs that are not http(s) or whose host resolves to a
private, loopback, link-local or otherwise non-public address, unless the host belongs to an
outlet whose config sets ``allow_private_network``. Redirects come back through the
middleware chain as new requests, so every hop is checked.
"""

from __future__ import annotations

import ipaddress
import socket
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest, NotConfigured

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


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
