"""Crawl state that outlives a run: seen URLs and their revisits, validators, outlet health, run stats.

One interface, :class:`CrawlState`, two implementations: :class:`SQLiteCrawlState` (a file in
``data_dir``, the default) and :class:`RedisCrawlState` (shared by several workers when
``crawl.redis_url`` is set; its seen records expire on their own). Plain Python: the Scrapy
components receive an instance through the settings and call it; ``newswatch status`` reads it.

Revisits follow :class:`RevisitPolicy`: an article is fetched again (conditionally) when its age
passes each of ``revisit_ages_s`` and never after ``revisit_stop_age_s``.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from pipelines.errors import StoreError

if TYPE_CHECKING:
    from typing import Self

    import redis

    from pipelines.config import Config, CrawlConfig


@dataclass(frozen=True, slots=True)
class RevisitPolicy:
    """When a seen article is fetched again."""

    mode: str = "schedule"  # schedule, every_run, never
    ages_s: tuple[float, ...] = (900, 3600, 10_800, 86_400, 259_200)
    stop_age_s: float = 604_800

    @classmethod
    def from_config(cls, crawl: CrawlConfig) -> RevisitPolicy:
        return cls(crawl.revisit, tuple(crawl.revisit_ages_s), crawl.revisit_stop_age_s)

    def next_visit(self, born: datetime, fetched_at: datetime) -> datetime | None:
        """The next revisit after a fetch at ``fetched_at`` of an article born at ``born`` (None: done)."""
        if self.mode == "never":
            return None
        if self.mode == "every_run":
            return fetched_at
        for age in self.ages_s:
            mark = born + timedelta(seconds=age)
            if mark > fetched_at and age <= self.stop_age_s:
                return mark
        return None


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a resource, to ask it next time whether it changed."""

    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True, slots=True)
class Fetch:
    """One fetch of an article, to remember: when, what the page said its publication date was, validators."""

    url: str
    outlet: str
    fetched_at: datetime
    published_at: datetime | None = None
    validators: Validators = Validators()


@dataclass(frozen=True, slots=True)
class SeenUrl:
    """An article URL fetched before, and when it is due again (None: never)."""

    url: str
    outlet: str
    first_seen: datetime
    last_fetched: datetime
    next_visit: datetime | None
    visits: int = 1
    published_at: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.next_visit is not None and self.next_visit <= now


@dataclass(frozen=True, slots=True)
class OutletHealth:
    """How an outlet has been doing across runs."""

    outlet: str
    failures: int = 0  # runs in a row in which nothing could be fetched
    last_error: str = ""
    backoff_until: datetime | None = None
    last_success: datetime | None = None

    def backed_off(self, now: datetime) -> bool:
        return self.backoff_until is not None and self.backoff_until > now


@dataclass(frozen=True, slots=True)
class OutletRun:
    """One outlet's figures for one run."""

    outlet: str
    started_at: datetime
    duration_s: float
    stats: dict[str, Any] = field(default_factory=dict)


class CrawlState(Protocol):
    """What the crawler remembers between runs."""

    policy: RevisitPolicy

    def seen(self, url: str) -> SeenUrl | None: ...

    def record_fetch(
        self, url: str, outlet: str, fetched_at: datetime, published_at: datetime | None, validators: Validators
    ) -> SeenUrl:
        """Remember a fetch of an article and schedule its next visit."""
        ...

    def record_fetches(self, fetches: Sequence[Fetch]) -> list[SeenUrl]:
        """:meth:`record_fetch` for each, in order, in one write (one transaction, one round trip)."""
        ...

    def due(self, outlet: str, now: datetime, limit: int) -> list[SeenUrl]:
        """Seen articles of an outlet whose revisit is due, oldest due first."""
        ...

    def validators(self, url: str) -> Validators: ...

    def save_validators(self, url: str, validators: Validators) -> None: ...

    def health(self, outlet: str) -> OutletHealth: ...

    def save_health(self, health: OutletHealth) -> None: ...

    def record_outlet_run(self, run: OutletRun) -> None: ...

    def outlet_runs(self, outlet: str | None = None, limit: int = 50) -> list[OutletRun]: ...

    def watch_started(self, name: str) -> datetime | None: ...

    def start_watch(self, name: str, at: datetime) -> None: ...

    def close(self) -> None: ...


def open_state(config: Config) -> CrawlState:
    """The state the config names: Redis when ``crawl.redis_url`` is set, else the SQLite file."""
    policy = RevisitPolicy.from_config(config.crawl)
    if config.crawl.redis_url:
        return RedisCrawlState.from_url(config.crawl.redis_url, config.crawl.redis_prefix, policy)
    return SQLiteCrawlState(config.state_path, policy)


def born_at(first_seen: datetime, published_at: datetime | None) -> datetime:
    """An article's age counts from its publication, or from when we first saw it if that is earlier or unknown."""
    if published_at is None or published_at > first_seen:
        return first_seen
    return published_at


def update_health(
    health: OutletHealth, failed: bool, error: str, now: datetime, crawl: CrawlConfig | None = None
) -> OutletHealth:
    """The outlet's health after a run; repeated failure backs it off, exponentially."""
    if not failed:
        return OutletHealth(health.outlet, 0, "", None, now)
    failures = health.failures + 1
    backoff_until = None
    threshold = crawl.outlet_failures_before_backoff if crawl else 3
    if failures >= threshold:
        base = crawl.outlet_backoff_s if crawl else 3600.0
        cap = crawl.outlet_backoff_max_s if crawl else 86_400.0
        backoff_until = now + timedelta(seconds=min(cap, base * 2 ** (failures - threshold)))
    return OutletHealth(health.outlet, failures, error, backoff_until, health.last_success)


def next_seen(policy: RevisitPolicy, before: SeenUrl | None, fetch: Fetch) -> SeenUrl:
    """What is known of an article after ``fetch``, given what was known before (None: a new URL)."""
    first = before.first_seen if before else fetch.fetched_at
    published = fetch.published_at or (before.published_at if before else None)
    return SeenUrl(
        fetch.url,
        fetch.outlet,
        first,
        fetch.fetched_at,
        policy.next_visit(born_at(first, published), fetch.fetched_at),
        (before.visits + 1) if before else 1,
        published,
    )


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _dt(value: str | bytes | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.decode() if isinstance(value, bytes) else value)


_SCHEMA = """
CREATE TABLE IF NOT EXISTS seen (
    url TEXT PRIMARY KEY,
    outlet TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_fetched TEXT NOT NULL,
    next_visit TEXT,
    visits INTEGER NOT NULL,
    published_at TEXT
);
CREATE INDEX IF NOT EXISTS seen_due ON seen (outlet, next_visit);
CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT NOT NULL, last_modified TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS health (
    outlet TEXT PRIMARY KEY, failures INTEGER NOT NULL, last_error TEXT NOT NULL,
    backoff_until TEXT, last_success TEXT
);
CREATE TABLE IF NOT EXISTS outlet_runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, outlet TEXT NOT NULL, started_at TEXT NOT NULL,
    duration_s REAL NOT NULL, stats TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outlet_runs_outlet ON outlet_runs (outlet, id);
CREATE TABLE IF NOT EXISTS watches (name TEXT PRIMARY KEY, started_at TEXT NOT NULL);
"""


class SQLiteCrawlState:
    """:class:`CrawlState` in one SQLite file (one crawl at a time on one machine)."""

    def __init__(self, path: Path | str, policy: RevisitPolicy | None = None) -> None:
        self.path = Path(path)
        self.policy = policy or RevisitPolicy()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=30)
            self._db.execute("PRAGMA journal_mode = WAL")
            # WAL with synchronous NORMAL survives a crash of the process (not of the machine) and
            # spares an fsync per fetched page
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot open the crawl state at {self.path}: {exc}") from exc

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self  # a live connection: Scrapy's copies of the settings share it

    def seen(self, url: str) -> SeenUrl | None:
        row = self._db.execute(
            "SELECT url, outlet, first_seen, last_fetched, next_visit, visits, published_at FROM seen WHERE url = ?",
            (url,),
        ).fetchone()
        return _seen_row(row) if row else None

    def record_fetch(
        self, url: str, outlet: str, fetched_at: datetime, published_at: datetime | None, validators: Validators
    ) -> SeenUrl:
        return self.record_fetches([Fetch(url, outlet, fetched_at, published_at, validators)])[0]

    def record_fetches(self, fetches: Sequence[Fetch]) -> list[SeenUrl]:
        known = self._seen_many(list({f.url for f in fetches}))
        records = []
        for fetch in fetches:  # in order: a URL fetched twice in the batch counts both visits
            known[fetch.url] = next_seen(self.policy, known.get(fetch.url), fetch)
            records.append(known[fetch.url])
        with self._db:  # one transaction for the batch: a commit per page was most of the crawl state's cost
            self._db.executemany(
                "INSERT OR REPLACE INTO seen VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (r.url, r.outlet, _iso(r.first_seen), _iso(r.last_fetched), _iso(r.next_visit), r.visits,
                     _iso(r.published_at))
                    for r in known.values()
                ],
            )  # fmt: skip
            self._db.executemany(
                "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)",
                [(f.url, f.validators.etag, f.validators.last_modified) for f in fetches if f.validators],
            )
        return records

    def _seen_many(self, urls: list[str]) -> dict[str, SeenUrl]:
        found: dict[str, SeenUrl] = {}
        for i in range(0, len(urls), 500):  # below SQLite's limit on bound variables
            chunk = urls[i : i + 500]
            rows = self._db.execute(
                "SELECT url, outlet, first_seen, last_fetched, next_visit, visits, published_at FROM seen"
                f" WHERE url IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((row[0], _seen_row(row)) for row in rows)
        return found

    def due(self, outlet: str, now: datetime, limit: int) -> list[SeenUrl]:
        rows = self._db.execute(
            "SELECT url, outlet, first_seen, last_fetched, next_visit, visits, published_at FROM seen"
            " WHERE outlet = ? AND next_visit IS NOT NULL AND next_visit <= ? ORDER BY next_visit LIMIT ?",
            (outlet, _iso(now), limit),
        ).fetchall()
        return [_seen_row(row) for row in rows]

    def validators(self, url: str) -> Validators:
        row = self._db.execute("SELECT etag, last_modified FROM validators WHERE url = ?", (url,)).fetchone()
        return Validators(*row) if row else Validators()

    def save_validators(self, url: str, validators: Validators) -> None:
        with self._db:
            if validators:
                self._db.execute(
                    "INSERT OR REPLACE INTO validators VALUES (?, ?, ?)",
                    (url, validators.etag, validators.last_modified),
                )
            else:
                self._db.execute("DELETE FROM validators WHERE url = ?", (url,))

    def health(self, outlet: str) -> OutletHealth:
        row = self._db.execute(
            "SELECT failures, last_error, backoff_until, last_success FROM health WHERE outlet = ?", (outlet,)
        ).fetchone()
        if row is None:
            return OutletHealth(outlet)
        return OutletHealth(outlet, row[0], row[1], _dt(row[2]), _dt(row[3]))

    def save_health(self, health: OutletHealth) -> None:
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO health VALUES (?, ?, ?, ?, ?)",
                (health.outlet, health.failures, health.last_error, _iso(health.backoff_until),
                 _iso(health.last_success)),
            )  # fmt: skip

    def record_outlet_run(self, run: OutletRun) -> None:
        with self._db:
            self._db.execute(
                "INSERT INTO outlet_runs (outlet, started_at, duration_s, stats) VALUES (?, ?, ?, ?)",
                (run.outlet, _iso(run.started_at), run.duration_s, json.dumps(run.stats, default=str)),
            )

    def outlet_runs(self, outlet: str | None = None, limit: int = 50) -> list[OutletRun]:
        rows = self._db.execute(
            "SELECT outlet, started_at, duration_s, stats FROM outlet_runs WHERE ? IS NULL OR outlet = ?"
            " ORDER BY id DESC LIMIT ?",
            (outlet, outlet, limit),
        ).fetchall()
        return [OutletRun(r[0], datetime.fromisoformat(r[1]), r[2], json.loads(r[3])) for r in rows]

    def watch_started(self, name: str) -> datetime | None:
        row = self._db.execute("SELECT started_at FROM watches WHERE name = ?", (name,)).fetchone()
        return _dt(row[0]) if row else None

    def start_watch(self, name: str, at: datetime) -> None:
        with self._db:
            self._db.execute("INSERT OR IGNORE INTO watches VALUES (?, ?)", (name, _iso(at)))

    def close(self) -> None:
        self._db.close()


def _seen_row(row: Iterable[Any]) -> SeenUrl:
    url, outlet, first, last, next_visit, visits, published = row
    return SeenUrl(url, outlet, _dt(first), _dt(last), _dt(next_visit), visits, _dt(published))  # type: ignore[arg-type]


def _key(url: str) -> str:
    return hashlib.sha1(url.encode(), usedforsecurity=False).hexdigest()


class RedisCrawlState:
    """:class:`CrawlState` in Redis, shared by every worker of a distributed crawl.

    Seen records are hashes that expire a while after their last revisit is over, so the store
    does not grow forever; due revisits are a sorted set per outlet scored by due time.
    """

    RUNS_KEPT = 500

    def __init__(self, client: redis.Redis, prefix: str, policy: RevisitPolicy | None = None) -> None:
        self.redis = client
        self.prefix = prefix
        self.policy = policy or RevisitPolicy()
        # a seen record outlives its last revisit by long enough that a feed still listing the
        # article does not make it look new again
        self.seen_ttl_s = int(max(self.policy.stop_age_s * 4, 30 * 86_400))

    @classmethod
    def from_url(cls, url: str, prefix: str, policy: RevisitPolicy | None = None) -> RedisCrawlState:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        try:
            client.ping()
        except redis.RedisError as exc:
            raise StoreError(f"cannot reach Redis at {url}: {exc}") from exc
        return cls(client, prefix, policy)

    def k(self, *parts: str) -> str:
        return ":".join((self.prefix, *parts))

    def __deepcopy__(self, memo: dict[int, Any]) -> Self:
        return self  # a live connection: Scrapy's copies of the settings share it

    def seen(self, url: str) -> SeenUrl | None:
        return _seen_hash(self.redis.hgetall(self.k("seen", _key(url))))

    def record_fetch(
        self, url: str, outlet: str, fetched_at: datetime, published_at: datetime | None, validators: Validators
    ) -> SeenUrl:
        return self.record_fetches([Fetch(url, outlet, fetched_at, published_at, validators)])[0]

    def record_fetches(self, fetches: Sequence[Fetch]) -> list[SeenUrl]:
        urls = list({f.url for f in fetches})
        read = self.redis.pipeline(transaction=False)
        for url in urls:
            read.hgetall(self.k("seen", _key(url)))
        known = {url: seen for url, seen in zip(urls, map(_seen_hash, read.execute()), strict=True) if seen}
        records = []
        for fetch in fetches:  # in order: a URL fetched twice in the batch counts both visits
            known[fetch.url] = next_seen(self.policy, known.get(fetch.url), fetch)
            records.append(known[fetch.url])
        pipe = self.redis.pipeline()
        for record in records:
            key = self.k("seen", _key(record.url))
            pipe.delete(key)
            pipe.hset(key, mapping={k: v for k, v in _flat(asdict(record)).items() if v != ""})
            pipe.expire(key, self.seen_ttl_s)
            if record.next_visit is not None:
                pipe.zadd(self.k("due", record.outlet), {record.url: record.next_visit.timestamp()})
            else:
                pipe.zrem(self.k("due", record.outlet), record.url)
        for fetch in fetches:
            if fetch.validators:
                self._validators_to(pipe, fetch.url, fetch.validators)
        pipe.execute()
        return records

    def due(self, outlet: str, now: datetime, limit: int) -> list[SeenUrl]:
        urls = self.redis.zrangebyscore(self.k("due", outlet), "-inf", now.timestamp(), start=0, num=limit)
        out = []
        for raw in urls:
            url = raw.decode()
            seen = self.seen(url)
            if seen is None:  # expired: nothing to revisit any more
                self.redis.zrem(self.k("due", outlet), url)
            else:
                out.append(seen)
        return out

    def validators(self, url: str) -> Validators:
        data = self.redis.hgetall(self.k("validators", _key(url)))
        if not data:
            return Validators()
        return Validators(data.get(b"etag", b"").decode(), data.get(b"last_modified", b"").decode())

    def save_validators(self, url: str, validators: Validators) -> None:
        if not validators:
            self.redis.delete(self.k("validators", _key(url)))
            return
        pipe = self.redis.pipeline()
        self._validators_to(pipe, url, validators)
        pipe.execute()

    def _validators_to(self, pipe: redis.client.Pipeline, url: str, validators: Validators) -> None:
        key = self.k("validators", _key(url))
        pipe.hset(key, mapping={"etag": validators.etag, "last_modified": validators.last_modified})
        pipe.expire(key, self.seen_ttl_s)

    def health(self, outlet: str) -> OutletHealth:
        raw = self.redis.get(self.k("health", outlet))
        if not raw:
            return OutletHealth(outlet)
        d = json.loads(raw)
        return OutletHealth(outlet, d["failures"], d["last_error"], _dt(d["backoff_until"]), _dt(d["last_success"]))

    def save_health(self, health: OutletHealth) -> None:
        self.redis.set(self.k("health", health.outlet), json.dumps(_flat(asdict(health))))

    def record_outlet_run(self, run: OutletRun) -> None:
        key = self.k("outlet_runs")
        data = json.dumps({**_flat(asdict(replace(run, stats={}))), "stats": run.stats}, default=str)
        pipe = self.redis.pipeline()
        pipe.lpush(key, data)
        pipe.ltrim(key, 0, self.RUNS_KEPT - 1)
        pipe.execute()

    def outlet_runs(self, outlet: str | None = None, limit: int = 50) -> list[OutletRun]:
        out = []
        for raw in self.redis.lrange(self.k("outlet_runs"), 0, self.RUNS_KEPT - 1):
            d = json.loads(raw)
            if outlet is None or d["outlet"] == outlet:
                out.append(OutletRun(d["outlet"], datetime.fromisoformat(d["started_at"]), d["duration_s"], d["stats"]))
            if len(out) >= limit:
                break
        return out

    def watch_started(self, name: str) -> datetime | None:
        raw = self.redis.hget(self.k("watches"), name)
        return _dt(raw)

    def start_watch(self, name: str, at: datetime) -> None:
        self.redis.hsetnx(self.k("watches"), name, _iso(at) or "")

    def close(self) -> None:
        self.redis.close()


def _seen_hash(data: dict[bytes, bytes]) -> SeenUrl | None:
    """A seen record from its Redis hash (None: no such record)."""
    if not data:
        return None
    d = {key.decode(): value.decode() for key, value in data.items()}
    return SeenUrl(
        d["url"],
        d["outlet"],
        _dt(d["first_seen"]),  # type: ignore[arg-type]
        _dt(d["last_fetched"]),  # type: ignore[arg-type]
        _dt(d.get("next_visit")),
        int(d["visits"]),
        _dt(d.get("published_at")),
    )


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    return {k: (_iso(v) if isinstance(v, datetime) else ("" if v is None else v)) for k, v in data.items()}
