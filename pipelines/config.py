"""The configuration file (``newswatch.toml``), validated into typed objects before any work.

Every component receives the slice it needs as an argument; nothing reads configuration
globally. A file that cannot be used raises :class:`~pipelines.errors.ConfigError` naming the
file, the key and the problem.

Relative paths in the file are taken relative to the file's own folder, so a config works
from whichever directory it is run.
"""

from __future__ import annotations

import os
import re
import tomllib
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
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise ValueError(f"{value!r} is not an email address")
    return value


def slugify(name: str) -> str:
    """A short stable identifier from a display name ("The Daily X" -> "the-daily-x")."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


HttpUrl = Annotated[str, AfterValidator(_http_url)]
TimeZone = Annotated[str, AfterValidator(_timezone)]
Email = Annotated[str, AfterValidator(_email)]


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

    @model_validator(mode="after")
    def _needs_a_source(self) -> OutletConfig:
        if not (self.feeds or self.sitemaps or self.sections):
            raise ValueError("an outlet needs at least one of feeds, sitemaps or sections")
        if not self.id:
            object.__setattr__(self, "id", slugify(self.name))
        return self


class WatchConfig(_Strict):
    """A story someone follows: the query that selects its articles and who gets the digest."""

    name: str = Field(min_length=1)
    query: str = Field(min_length=1)
    recipients: tuple[Email, ...] = ()
    schedule: str = "0 7 * * *"
    timezone: TimeZone = "UTC"

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        if len(value.split()) != 5:
            raise ValueError(f"{value!r} is not a cron expression of five fields (minute hour day month weekday)")
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

    @property
    def identity(self) -> str:
        return f"{self.user_agent} (+{self.contact_url})"


class SmtpConfig(_Strict):
    """The mail server digests go through; the password comes from the environment."""

    host: str = "localhost"
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str = ""
    password_env: str = "NEWSWATCH_SMTP_PASSWORD"
    sender: Email = "newswatch@localhost.localdomain"
    timeout_s: float = Field(default=30.0, gt=0)


class ReportConfig(_Strict):
    """Where rendered reports are archived."""

    dir: Path = Path("reports")


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
        return self

    def resolve(self, path: Path) -> Path:
        """A path from the file, made absolute against the file's folder."""
        return path if path.is_absolute() else (self.path.parent / path)

    @property
    def store_path(self) -> Path:
        return self.resolve(self.data_dir) / self.store.path

    @property
    def report_dir(self) -> Path:
        return self.resolve(self.report.dir)

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
    """Read and validate a config file, or raise ConfigError naming file, key and problem."""
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "file not found (pass --config or set NEWSWATCH_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"not valid TOML: {exc}") from None
    return parse_config(raw, path)


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
