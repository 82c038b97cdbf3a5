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
    distributed: dict[str, Any] = {}
    if crawl.redis_url:
        distributed = {
            "SCHEDULER": "crawler.distributed.RedisScheduler",
            "NEWSWATCH_REDIS_URL": crawl.redis_url,
            "NEWSWATCH_REDIS_PREFIX": crawl.redis_prefix,
        }
    return {
        "BOT_NAME": "newswatch",
        "USER_AGENT": crawl.identity,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS": crawl.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": crawl.download_delay_s,
        "DOWNLOAD_TIMEOUT": crawl.timeout_s,
        "DOWNLOAD_MAXSIZE": crawl.max_page_bytes,
        "DOWNLOAD_WARNSIZE": crawl.max_page_bytes // 2,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle and crawl.download_delay_s > 0,
        "AUTOTHROTTLE_START_DELAY": max(crawl.download_delay_s, 0.1),
        "REDIRECT_MAX_TIMES": crawl.max_redirects,
        "RETRY_TIMES": crawl.retry_times,
        "NEWSWATCH_RETRY_BACKOFF_S": crawl.retry_backoff_s,
        "NEWSWATCH_RETRY_BACKOFF_MAX_S": crawl.retry_backoff_max_s,
        "NEWSWATCH_RETRY_AFTER_MAX_S": crawl.retry_after_max_s,
        "RETRY_GIVE_UP_LOG_LEVEL": "WARNING",
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "STATS_CLASS": "crawler.runstats.PlainStatsCollector",
        # pages waiting for extraction wait here, in memory: Scrapy's 5 MB keeps the workers fed
        # (20 MB only held more pages: 20 MB more RSS in the bench)
        "SCRAPER_SLOT_MAX_ACTIVE_SIZE": 5_000_000,
        # an article page yields one item: Scrapy's default of 100 parallel item workers per
        # response costs more in task switching than it gains
        "CONCURRENT_ITEMS": 4,
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.SafeAddressMiddleware": 50,
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawler.middlewares.RobotsTxtMiddleware": 100,
            # after Scrapy's robots.txt middleware (100), which parses the Crawl-delay it reads
            "crawler.middlewares.CrawlDelayMiddleware": 110,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawler.middlewares.PausingRetryMiddleware": 550,
            "crawler.middlewares.ConditionalGetMiddleware": 580,
            # next to the download: every attempt (retries, redirects) is counted
            "crawler.middlewares.OutletStatsMiddleware": 950,
        },
        "ITEM_PIPELINES": {
            "crawler.item_pipelines.ExtractStage": 300,
            "crawler.item_pipelines.StoreStage": 400,
            "crawler.item_pipelines.StateStage": 500,
        },
        "NEWSWATCH_PRIVATE_HOSTS_ALLOWED": private_hosts_allowed(config),
        **distributed,
    }
