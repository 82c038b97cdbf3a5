"""Distributed crawling: a Scrapy scheduler whose queue and duplicate filter live in Redis.

Several crawler processes (on one machine or many) started with the same ``crawl.redis_url``
share one request queue: whichever worker is free takes the next request, and a request
fingerprint already in the run's duplicate filter is never queued again, so each page is
fetched once between them. The seen-URL store across runs (with expiry for revisits) is
:class:`crawler.state.RedisCrawlState`.

A *run* is the time while at least one worker is alive: the first worker to join an empty
set of workers starts a new run (clears the previous run's queue and filter); the others
join it. Workers send a heartbeat; one that dies is forgotten after ``STALE_S``. A worker with
nothing to do stays until the queue is empty and no other worker is busy (a busy worker may
still queue what it finds), then closes.

Written on redis-py rather than scrapy-redis: its duplicate filter keeps fingerprints for
good (no runs, no expiry) and its spiders wait for URLs pushed from outside instead of
finishing; what is needed here is about 150 lines over Redis' atomic operations.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import socket
import time
from typing import TYPE_CHECKING

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import request_from_dict

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STALE_S = 120.0

# join a run atomically: forget dead workers; the first live worker starts a fresh run
_JOIN = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2] - ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[2] - ARGV[3])
local fresh = redis.call('ZCARD', KEYS[1]) == 0
if fresh then
  redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
return fresh and 1 or 0
"""

# take the next request and mark this worker busy in one step, so no other worker can see an
# empty queue and no busy worker in between
_POP = """
local item = redis.call('ZPOPMIN', KEYS[1])
if #item == 0 then return nil end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return item[1]
"""


class RedisScheduler:
    """Scrapy scheduler over a Redis sorted set (by priority) and a Redis set of fingerprints."""

    def __init__(self, crawler: Crawler, client: redis.Redis, prefix: str) -> None:
        self.crawler = crawler
        self.redis = client
        self.prefix = prefix
        self.worker = f"{socket.gethostname()}:{os.getpid()}"
        self.spider: Spider | None = None
        self.keys = {name: f"{prefix}:crawl:{name}" for name in ("workers", "queue", "seen", "busy")}
        self._join = client.register_script(_JOIN)
        self._pop = client.register_script(_POP)
        self._serial = 0
        assert crawler.stats is not None
        self.stats = crawler.stats
        crawler.signals.connect(self._idle, signal=signals.spider_idle)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        url = crawler.settings["NEWSWATCH_REDIS_URL"]
        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        return cls(crawler, client, crawler.settings.get("NEWSWATCH_REDIS_PREFIX", "newswatch"))

    # -- Scrapy's scheduler interface ------------------------------------------------------
    def open(self, spider: Spider) -> None:
        self.spider = spider
        k = self.keys
        fresh = self._join(
            keys=[k["workers"], k["queue"], k["seen"], k["busy"]], args=[self.worker, time.time(), STALE_S]
        )
        logger.info("worker %s %s the distributed run", self.worker, "started" if fresh else "joined")

    def close(self, reason: str) -> None:
        pipe = self.redis.pipeline()
        pipe.zrem(self.keys["workers"], self.worker)
        pipe.zrem(self.keys["busy"], self.worker)
        pipe.execute()
        self.redis.close()

    def has_pending_requests(self) -> bool:
        return bool(self.redis.zcard(self.keys["queue"]))

    def enqueue_request(self, request: Request) -> bool:
        if not request.dont_filter and not self.redis.sadd(self.keys["seen"], self._fingerprint(request)):
            self.stats.inc_value("scheduler/dupefilter/redis")
            return False
        self._serial += 1
        payload = pickle.dumps(request.to_dict(spider=self.spider), protocol=pickle.HIGHEST_PROTOCOL)
        # the member must be unique; the score orders by priority (higher first)
        member = f"{self.worker}|{self._serial}|".encode() + payload
        self.redis.zadd(self.keys["queue"], {member: -request.priority})
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self) -> Request | None:
        k = self.keys
        raw = self._pop(keys=[k["queue"], k["busy"], k["workers"]], args=[self.worker, time.time()])
        if raw is None:
            return None
        payload = raw.split(b"|", 2)[2]  # hostnames have no "|"
        self.stats.inc_value("scheduler/dequeued/redis")
        return request_from_dict(pickle.loads(payload), spider=self.spider)

    # -- staying alive while others work ---------------------------------------------------
    def _idle(self, spider: Spider) -> None:
        pipe = self.redis.pipeline()
        pipe.zrem(self.keys["busy"], self.worker)
        pipe.zadd(self.keys["workers"], {self.worker: time.time()})
        pipe.zremrangebyscore(self.keys["busy"], "-inf", time.time() - STALE_S)
        pipe.zcard(self.keys["queue"])
        pipe.zcard(self.keys["busy"])
        *_, queued, busy = pipe.execute()
        if queued or busy:
            raise DontCloseSpider(f"{queued} requests queued, {busy} workers busy")

    def _fingerprint(self, request: Request) -> str:
        # an article's identity is its canonical URL, so tracking variants of a link are one page
        key = request.meta.get("state_key")
        if key:
            return "u:" + hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        assert self.crawler.request_fingerprinter is not None
        return "r:" + self.crawler.request_fingerprinter.fingerprint(request).hex()
