"""The configuration file (``newswatch.toml``), validated into typed objects before any work.

Every component receives the slice it needs as an argument; nothing reads configuration
globally. A file that cannot be used raises :class:`~pipelines.errors.ConfigError` naming the
file, the key and the problem.

Relative paths in the file are taken relative to the file's own folder, so a config works
from whichever directory it is run.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipelines.errors import ConfigError

CONFIG_ENV = "NEWSWATCH_CONFIG"
DEFAULT_CONFIG = "newswatch.toml"


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def _timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a known time zone (use an IANA name like Europe/Berlin)") from None
    return value


def _email(value: str) -> str:
    # one bare address: no spaces, control characters, commas, brackets or quotes, so a configured
    # address can never smuggle a second recipient or a header line into a digest
    if not re.fullmatch(
        r"[^@\s\x00-\x1f\x7f,;:<>()\[\]\"\\]+@[^@\s\x00-\x1f\x7f,;:<>()\[\]\"\\]+\.[A-Za-z0-9-]+", value
    ):
        raise ValueError(f"{value!r} is not an email address")
    return value


def email_address(value: str) -> str:
    """``value`` if it is one bare email address, else ValueError."""
    return _email(value)


def _one_line(value: str) -> str:
    """A value that may end up in a mail header: control characters (CR, LF...) are refused."""
    if re.search(r"[\x00-\x1f\x7f]", value):
        raise ValueError(f"{value!r} contains a line break or another control character")
    return value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
    return value


def _query_template(value: str) -> str:
    if "{query}" not in value:
        raise ValueError(f"{value!r} has no {{query}} placeholder for the watch's search terms")
    _http_url(value.replace("{query}", "x"))
    return value


def _redis_url(value: str) -> str:
    if urlsplit(value).scheme not in ("redis", "rediss", "unix"):
        raise ValueError(f"{value!r} is not a Redis URL (redis://host:port/db)")
    return value


def slugify(name: str) -> str:
    """A short stable identifier from a display name ("The Daily X" -> "the-daily-x")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def crontab_fields(expr: str) -> dict[str, str]:
    """A five-field crontab line as APScheduler 3 ``CronTrigger`` keywords.

    Weekday numbers follow crontab (0 and 7 are Sunday); APScheduler 3 counts from Monday, so
    numbers are turned into names (``1-5`` -> ``mon-fri``) before they reach it.
    """
    minute, hour, day, month, weekday = expr.split()

    def name(part: str) -> str:
        base, _, step = part.partition("/")
        if step.isdigit() and re.fullmatch(r"\*|\d-\d", base):
            # a stepped weekday range counts from crontab's Sunday: spell the days out
            low, high = (0, 6) if base == "*" else map(int, base.split("-"))
            return ",".join(_WEEKDAYS[d] for d in range(low, high + 1, max(int(step), 1)) if d < len(_WEEKDAYS))
        return re.sub(r"\d+", lambda m: _WEEKDAYS[int(m[0])] if int(m[0]) < len(_WEEKDAYS) else m[0], part)

    return {
        "minute": minute,
        "hour": hour,
        "day": day,
        "month": month,
        "day_of_week": ",".join(name(p) for p in weekday.split(",")),
    }


HttpUrl = Annotated[str, AfterValidator(_http_url)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Email = Annotated[str, AfterValidator(_email)]
OneLine = Annotated[str, AfterValidator(_one_line)]
Regex = Annotated[str, AfterValidator(_regex)]
QueryTemplate = Annotated[str, AfterValidator(_query_template)]
RedisUrl = Annotated[str, AfterValidator(_redis_url)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OutletConfig(_Strict):
    """A news outlet: where to discover its articles and how to treat it."""

    name: str = Field(min_length=1)
    id: str = ""
    homepage: HttpUrl
    feeds: tuple[HttpUrl, ...] = ()
    sitemaps: tuple[HttpUrl, ...] = ()
    sections: tuple[HttpUrl, ...] = ()
    language: str = ""
    country: str = ""
    allow_private_network: bool = False
    # article links found on section pages (and in feeds and sitemaps) are kept when they match
    # one of allow_urls (every link when empty) and none of deny_urls; regular expressions
    allow_urls: tuple[Regex, ...] = ()
    deny_urls: tuple[Regex, ...] = ()
    # read the homepage's <link rel="alternate"> feeds as well as the configured ones
    autodiscover: bool = False

    @model_validator(mode="after")
    def _needs_a_source(self) -> OutletConfig:
        if not (self.feeds or self.sitemaps or self.sections or self.autodiscover):
            raise ValueError("an outlet needs at least one of feeds, sitemaps, sections or autodiscover = true")
        if not self.id:
            object.__setattr__(self, "id", slugify(self.name))
        return self


class WatchConfig(_Strict):
    """A story someone follows: the query that selects its articles and who gets the digest."""

    name: OneLine = Field(min_length=1)
    query: str = Field(min_length=1)
    recipients: tuple[Email, ...] = ()
    schedule: str = "0 7 * * *"
    timezone: TimeZone = "UTC"
    # search feeds beyond the configured outlets, e.g. "https://news.example/rss/search?q={query}";
    # {query} becomes search_terms (default: the watch's query), URL-encoded
    query_feeds: tuple[QueryTemplate, ...] = ()
    search_terms: str = ""
    # when the watch is new, walk sitemap indexes back this many days for earlier coverage
    backfill_days: int = Field(default=0, ge=0, le=3650)

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a cron expression of five fields (minute hour day month weekday)")
        from apscheduler.triggers.cron import CronTrigger  # only to check the fields; the daemon builds the trigger

        try:
            CronTrigger(**crontab_fields(value), timezone="UTC")
        except ValueError as exc:
            raise ValueError(f"{value!r} is not a valid cron expression: {exc}") from None
        return value


class StoreConfig(_Strict):
    """Where articles live: the embedded SQLite file by default, or an Elasticsearch cluster.

    A secured cluster is reached with an API key or a user and password, over https with the
    server certificate verified (against ``ca_certs`` when given, else the system's CAs). Secrets
    are never in the file itself: each comes from an environment variable or a file of its own.
    """

    backend: Literal["sqlite", "elasticsearch"] = "sqlite"
    path: Path = Path("newswatch.db")
    url: HttpUrl | None = None
    # -- Elasticsearch ------------------------------------------------------------------------
    index_prefix: str = Field(default="newswatch", pattern=r"^[a-z0-9][a-z0-9_-]{0,60}$")
    api_key_env: str = "NEWSWATCH_ES_API_KEY"  # an encoded API key (base64 id:key), if this variable is set
    api_key_file: Path | None = None
    username: str = ""
    password_env: str = "NEWSWATCH_ES_PASSWORD"
    password_file: Path | None = None
    ca_certs: Path | None = None  # PEM bundle of the CA that signed the cluster's certificate
    request_timeout_s: float = Field(default=30.0, gt=0)
    replicas: int = Field(default=0, ge=0, le=5)  # 0 suits one node; a cluster wants 1
    retry_after_s: float = Field(default=5.0, ge=0)  # how long writes go straight to the spool after a failure

    @model_validator(mode="after")
    def _url_for_elasticsearch(self) -> StoreConfig:
        if self.backend == "elasticsearch" and not self.url:
            raise ValueError("backend 'elasticsearch' needs url")
        if self.api_key_file and self.username:
            raise ValueError("give either api_key_file or username (basic auth), not both")
        if self.password_file and not self.username:
            raise ValueError("password_file needs username")
        return self


class CrawlConfig(_Strict):
    """Limits and manners of the crawler."""

    user_agent: str = "newswatch/0.1"
    contact_url: HttpUrl = "https://github.com/newswatch/newswatch"
    concurrent_requests_per_domain: int = Field(default=2, ge=1, le=32)
    download_delay_s: float = Field(default=0.5, ge=0)
    timeout_s: float = Field(default=20.0, gt=0)
    max_page_bytes: int = Field(default=5_000_000, ge=10_000)
    max_pages_per_outlet: int = Field(default=500, ge=1)
    autothrottle: bool = True
    concurrent_requests: int = Field(default=16, ge=1, le=512)
    # transient failures (timeouts, refused connections, 5xx, 429) are retried with exponential
    # backoff: retry_backoff_s, twice that, ... at most retry_backoff_max_s; the outlet's whole
    # download slot waits, not only the request
    retry_times: int = Field(default=3, ge=0, le=10)
    retry_backoff_s: float = Field(default=2.0, ge=0)
    retry_backoff_max_s: float = Field(default=300.0, ge=0)
    # a Retry-After longer than this is capped (a misconfigured server must not stall the crawl)
    retry_after_max_s: float = Field(default=3600.0, ge=0)
    max_redirects: int = Field(default=5, ge=0, le=20)
    max_feed_entries: int = Field(default=5000, ge=1)
    # revisits: "schedule" re-fetches an article (conditionally) when its age passes each of
    # revisit_ages_s and never after revisit_stop_age_s; "every_run" on every run; "never"
    revisit: Literal["schedule", "every_run", "never"] = "schedule"
    revisit_ages_s: tuple[float, ...] = (900, 3600, 10_800, 86_400, 259_200)
    revisit_stop_age_s: float = Field(default=604_800, gt=0)
    # an outlet failing this many runs in a row is backed off: skipped for outlet_backoff_s,
    # doubling per further failure up to outlet_backoff_max_s
    outlet_failures_before_backoff: int = Field(default=3, ge=1)
    outlet_backoff_s: float = Field(default=3600.0, ge=0)
    outlet_backoff_max_s: float = Field(default=86_400.0, ge=0)
    # skip candidates whose feed title and summary share no term with any watch query
    skip_unmatched: bool = False
    # child sitemaps of an index older than this are not read (backfill of a new watch widens it)
    sitemap_window_days: float = Field(default=3.0, gt=0)
    # extraction runs in this many worker processes beside the crawl loop (0: in the crawl process)
    extract_processes: int = Field(default=2, ge=0, le=64)
    # crawl state (seen URLs, validators, outlet health, run stats): SQLite in data_dir, or Redis
    # shared by several workers when redis_url is set
    state_path: Path = Path("crawl-state.db")
    redis_url: RedisUrl | None = None
    redis_prefix: str = Field(default="newswatch", min_length=1)

    @property
    def identity(self) -> str:
        return f"{self.user_agent} (+{self.contact_url})"

    @field_validator("revisit_ages_s")
    @classmethod
    def _increasing(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        if any(v <= 0 for v in value) or list(value) != sorted(set(value)):
            raise ValueError(f"{list(value)} must be positive ages in seconds, increasing (e.g. [900, 3600, 86400])")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> CrawlConfig:
        if self.retry_backoff_max_s < self.retry_backoff_s:
            raise ValueError(
                f"retry_backoff_max_s ({self.retry_backoff_max_s:g}) is below"
                f" retry_backoff_s ({self.retry_backoff_s:g})"
            )
        return self


class SmtpConfig(_Strict):
    """The mail server digests go through.

    The password is never in the file: it is read when sending from ``password_file`` or else the
    environment variable named by ``password_env``, and is never logged or shown.
    """

    host: OneLine = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: OneLine = ""
    password_env: str = "NEWSWATCH_SMTP_PASSWORD"
    password_file: Path | None = None
    ca_file: Path | None = None  # trust this CA (a private relay's); default: the system's
    sender: Email = "newswatch@localhost.localdomain"
    list_unsubscribe: OneLine = ""  # mailto: or https: URL for the List-Unsubscribe header
    timeout_s: float = Field(default=30.0, gt=0)
    attempts: int = Field(default=4, ge=1, le=20)  # per flush, for temporary failures (4xx, no connection)
    backoff_s: float = Field(default=2.0, ge=0)  # first wait between attempts, doubled each time

    @field_validator("list_unsubscribe")
    @classmethod
    def _unsubscribe_url(cls, value: str) -> str:
        if value and urlsplit(value).scheme not in ("mailto", "https", "http"):
            raise ValueError(f"{value!r} is not a mailto: or http(s) URL")
        return value

    def password(self) -> str:
        """The password, from the file or the environment ('' when neither is set)."""
        if self.password_file:
            try:
                return self.password_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConfigError("smtp", "password_file", f"cannot read {self.password_file}: {exc}") from None
        return os.environ.get(self.password_env, "")

    @classmethod
    def from_url(cls, url: str, **overrides: Any) -> SmtpConfig:
        """``smtp://[user@]host[:port]`` (no TLS), ``smtp+starttls://...`` or ``smtps://...`` (implicit TLS).

        A password in the URL is refused: it would show in the process list and the shell history.
        """
        parts = urlsplit(url)
        security = {"smtp": "none", "smtp+starttls": "starttls", "smtps": "ssl"}.get(parts.scheme)
        if security is None or not parts.hostname:
            raise ConfigError("--smtp-url", "", f"{url!r} is not smtp://HOST[:PORT], smtp+starttls:// or smtps://")
        if parts.password is not None:
            raise ConfigError("--smtp-url", "", f"put the password in ${cls().password_env}, not in the URL")
        try:
            port = parts.port or {"none": 25, "starttls": 587, "ssl": 465}[security]
        except ValueError:
            raise ConfigError("--smtp-url", "", f"{url!r} has no valid port") from None
        fields = {"host": parts.hostname, "port": port, "security": security, "username": parts.username or ""}
        try:
            return cls.model_validate({**fields, **overrides})
        except ValidationError as exc:
            error = exc.errors()[0]
            raise ConfigError("--smtp-url", _dotted({}, error["loc"]), _problem(error)) from None


class ReportConfig(_Strict):
    """Where rendered reports are archived."""

    dir: Path = Path("reports")


# -- daemon and schedule (``newswatch daemon`` and ``newswatch run-once``) -------------------
DEFAULT_CRAWL_GROUP = "default"


class CrawlGroupConfig(_Strict):
    """Outlets crawled together on their own interval (say, wire services every 15 minutes)."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    outlets: tuple[str, ...] = Field(min_length=1)
    interval_s: float = Field(ge=1)


class ScheduleConfig(_Strict):
    """When each job runs, in the daemon and from cron (``run-once``). An interval of 0 turns a job off.

    Digests follow each watch's own ``schedule`` (cron) and ``timezone``. Retention of 0 keeps forever.
    """

    crawl_interval_s: float = Field(default=3600, ge=1)
    crawl_timeout_s: float = Field(default=1800, gt=0)
    crawl_groups: tuple[CrawlGroupConfig, ...] = Field(default=(), alias="crawl_group")
    revisit_interval_s: float = Field(default=21600, ge=0)
    analyse_interval_s: float = Field(default=3600, ge=0)
    deliver_interval_s: float = Field(default=300, ge=0)
    housekeeping_interval_s: float = Field(default=86400, ge=0)
    misfire_grace_s: float = Field(default=3600, ge=1)
    revision_retention_days: float = Field(default=0, ge=0)
    report_retention_days: float = Field(default=90, ge=0)
    history_retention_days: float = Field(default=90, ge=0)
    log_max_bytes: int = Field(default=50_000_000, ge=10_000)
    log_backups: int = Field(default=3, ge=0, le=100)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _unique_groups(self) -> ScheduleConfig:
        seen: set[str] = set()
        for group in self.crawl_groups:
            if group.name == DEFAULT_CRAWL_GROUP:
                raise ValueError(f"crawl group name {DEFAULT_CRAWL_GROUP!r} is reserved for ungrouped outlets")
            if group.name in seen:
                raise ValueError(f"two crawl groups are named {group.name!r}")
            seen.add(group.name)
        return self


class DaemonConfig(_Strict):
    """The long-running daemon: its job store, its HTTP endpoint, how it starts and stops."""

    job_store_url: str = ""  # default: sqlite:///<data_dir>/jobs.sqlite
    job_store_password_env: str = ""  # fills the URL's password from this variable (or <NAME>_FILE)
    metrics_host: str = "127.0.0.1"
    metrics_port: int = Field(default=9464, ge=0, le=65535)  # 0: any free port
    metrics_enabled: bool = True
    max_workers: int = Field(default=4, ge=1, le=64)
    shutdown_grace_s: float = Field(default=60, ge=0)
    reload_check_s: float = Field(default=5, ge=0)  # 0: reload only on SIGHUP

    @field_validator("job_store_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if value and not re.match(r"^(sqlite|postgresql)(\+\w+)?://", value):
            raise ValueError(f"{_without_password(value)!r} is neither an sqlite:// nor a postgresql:// URL")
        return value


def _without_password(url: str) -> str:
    return re.sub(r"//([^:/@]*):[^@/]*@", r"//\1:***@", url)


class Config(_Strict):
    """The whole configuration; ``path`` is the file it came from."""

    path: Path
    data_dir: Path = Path(".newswatch")
    outlets: tuple[OutletConfig, ...] = Field(alias="outlet", min_length=1)
    watches: tuple[WatchConfig, ...] = Field(default=(), alias="watch")
    store: StoreConfig = StoreConfig()
    crawl: CrawlConfig = CrawlConfig()
    smtp: SmtpConfig = SmtpConfig()
    report: ReportConfig = ReportConfig()
    daemon: DaemonConfig = DaemonConfig()
    schedule: ScheduleConfig = ScheduleConfig()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _unique_names(self) -> Config:
        for kind, items in (("outlet", self.outlets), ("watch", self.watches)):
            seen: set[str] = set()
            for item in items:
                key = item.id if isinstance(item, OutletConfig) else item.name
                if key in seen:
                    raise ValueError(f"two {kind}s are named {key!r}")
                seen.add(key)
        grouped: dict[str, str] = {}
        known = {o.id for o in self.outlets}
        for group in self.schedule.crawl_groups:
            for outlet in group.outlets:
                if outlet not in known:
                    raise ValueError(f"crawl group {group.name!r} names outlet {outlet!r}, which is not configured")
                if outlet in grouped:
                    raise ValueError(f"outlet {outlet!r} is in crawl groups {grouped[outlet]!r} and {group.name!r}")
                grouped[outlet] = group.name
        return self

    @property
    def smtp_configured(self) -> bool:
        """Whether the file has an ``[smtp]`` section: only then are digests emailed (else archived)."""
        return "smtp" in self.model_fields_set

    def resolve(self, path: Path) -> Path:
        """A path from the file, made absolute against the file's folder."""
        return path if path.is_absolute() else (self.path.parent / path)

    @property
    def store_path(self) -> Path:
        return self.resolve(self.data_dir) / self.store.path

    @property
    def state_path(self) -> Path:
        return self.resolve(self.data_dir) / self.crawl.state_path

    @property
    def report_dir(self) -> Path:
        return self.resolve(self.report.dir)

    @property
    def data_path(self) -> Path:
        return self.resolve(self.data_dir)

    @property
    def job_store_url(self) -> str:
        """Where the daemon keeps its jobs and their run history."""
        return self.daemon.job_store_url or f"sqlite:///{self.data_path / 'jobs.sqlite'}"

    def crawl_groups(self) -> tuple[CrawlGroupConfig, ...]:
        """The configured groups, then every outlet in none of them as the default group."""
        grouped = {o for g in self.schedule.crawl_groups for o in g.outlets}
        rest = tuple(o.id for o in self.outlets if o.id not in grouped)
        default = (
            (CrawlGroupConfig(name=DEFAULT_CRAWL_GROUP, outlets=rest, interval_s=self.schedule.crawl_interval_s),)
            if rest
            else ()
        )
        return self.schedule.crawl_groups + default

    def outlet(self, outlet_id: str) -> OutletConfig:
        for outlet in self.outlets:
            if outlet.id == outlet_id:
                return outlet
        raise KeyError(outlet_id)

    def watch(self, name: str) -> WatchConfig:
        for watch in self.watches:
            if watch.name == name:
                return watch
        raise KeyError(name)


def find_config(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: the flag, else ``$NEWSWATCH_CONFIG``, else ./newswatch.toml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str]) -> Config:
    """Read and validate a config file (or a snapshot of one), or raise ConfigError naming file, key and problem."""
    path = Path(path)
    if path.name.endswith(SNAPSHOT_SUFFIX):
        return _load_snapshot(path)
    return parse_config(_read_toml(path), path)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "file not found (pass --config or set NEWSWATCH_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"not valid TOML: {exc}") from None


# -- snapshots: the last good config, frozen for the daemon's jobs ---------------------------
SNAPSHOT_SUFFIX = ".snapshot.json"


def snapshot_config(
    source: str | os.PathLike[str], dest: Path, check: Callable[[Config], None] | None = None
) -> Config:
    """Validate the config file and, only if it is good, freeze what was validated into ``dest``.

    The daemon's jobs (and the crawl processes they start) read the snapshot, not the file, so an
    edit that breaks the file cannot break a running daemon: it goes on with the last good config.
    The snapshot keeps the source path, so relative paths still resolve against the file's folder.
    ``check`` may refuse a valid config (raising ConfigError) before anything is written.
    """
    source = Path(source)
    raw = _read_toml(source)
    config = parse_config(raw, source)
    if check is not None:
        check(config)
    if not dest.name.endswith(SNAPSHOT_SUFFIX):
        raise ValueError(f"a config snapshot's name ends with {SNAPSHOT_SUFFIX}: {dest}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"source": str(config.path), "config": raw}, default=str, indent=1)
    # written whole then renamed, so a job never reads half a snapshot; 0600, as the file may be private
    tmp = dest.with_name(dest.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(payload)
    tmp.replace(dest)
    return config


def _load_snapshot(path: Path) -> Config:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        raw, source = data["config"], Path(data["source"])
    except FileNotFoundError:
        raise ConfigError(str(path), "", "config snapshot not found (is the daemon's data_dir intact?)") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(str(path), "", f"not a config snapshot: {exc}") from None
    return parse_config(raw, source)


def parse_config(raw: dict[str, Any], path: Path) -> Config:
    """Validate an already-parsed TOML document."""
    if "path" in raw:
        raise ConfigError(str(path), "path", "unknown key")
    try:
        return Config.model_validate({**raw, "path": path.resolve()})
    except ValidationError as exc:
        error = exc.errors()[0]
        raise ConfigError(str(path), _dotted(raw, error["loc"]), _problem(error)) from None


def _dotted(raw: dict[str, Any], loc: tuple[int | str, ...]) -> str:
    """``('outlet', 2, 'homepage')`` -> ``outlet[2].homepage`` (TOML's own names, 0-based)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part not in ("function-after", "function-before") and not str(part).startswith("function-"):
            out += f".{part}" if out else str(part)
    return out


def _problem(error: Any) -> str:
    message = str(error["msg"])
    message = message.removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown key (check its spelling)"
    if error["type"] == "missing":
        return "required key is missing"
    return message
