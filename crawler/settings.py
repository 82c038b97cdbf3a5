"""Scrapy settings built from our validated :class:`~pipelines.config.Config`."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from pipelines.config import Config


def private_hosts_allowed(config: Config) -> list[str]:
    """host:port of every URL of outlets that explicitly allow private networks."""
    hosts: set[str] = set()
    for outlet in config.outlets:
        if outlet.allow_private_network:
            for url in (outlet.homepage, *outlet.feeds, *outlet.sitemaps, *outlet.sections):
                hosts.add(urlsplit(url).netloc.lower())
    return sorted(hosts)


def build_settings(config: Config) -> dict[str, Any]:
    crawl = config.crawl
    return {
        "BOT_NAME": "newswatch",
        "USER_AGENT": crawl.identity,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": 16,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay_s,
        "DOWNLOAD_TIMEOUT": crawl.timeout_s,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_page_bytes // 2,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle and crawl.download_delay_s > 0,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay_s, 0.1),
        "REDIRECT_MAX_TIMES": 5,
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.SafeAddressMiddleware": 50},
        "ITEM_PIPELINES": {
            "crawler.item_pipelines.ExtractStage": 300,
            "crawler.item_pipelines.StoreStage": 400,
        },
        "NEWSWATCH_PRIVATE_HOSTS_ALLOWED": private_hosts_allowed(config),
    }
