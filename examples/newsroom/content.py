"""Load the newsroom's content and render what each outlet publishes at a simulated time."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

HERE = Path(__file__).parent
DAY_ONE = datetime(2025, 7, 7, tzinfo=UTC)
LAST_DAY = 4


def day_end(day: int) -> datetime:
    """The simulated clock at the end of day ``day`` (day 1 is 2025-07-07, UTC)."""
    return DAY_ONE + timedelta(days=day) - timedelta(seconds=1)


@dataclass(frozen=True)
class NewsroomOutlet:
    slug: str
    name: str
    language: str
    country: str
    timezone: str
    template: str
    metadata: str
    feed: str
    sections: tuple[str, ...]
    robots_disallow: tuple[str, ...] = ()
    crawl_delay_s: float = 0

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def canonical_base(self) -> str:
        """Pages declare canonical URLs on the outlet's public domain, as real sites do."""
        return f"https://www.{self.slug.replace('-', '')}.example"

    @property
    def feed_path(self) -> str:
        return "/atom.xml" if self.feed == "atom" else "/feed.xml"


@dataclass(frozen=True)
class NewsroomArticle:
    outlet: NewsroomOutlet
    slug: str
    title: str
    description: str
    section: str
    authors: tuple[str, ...]
    published: datetime
    story: str
    body: str
    wire: str = ""
    revisions: tuple[tuple[datetime, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.outlet.slug}/{self.slug}"

    @property
    def path(self) -> str:
        local = self.published.astimezone(self.outlet.zone)
        return f"/{self.section}/{local:%Y/%m/%d}/{self.slug}"

    @property
    def canonical(self) -> str:
        return self.outlet.canonical_base + self.path

    def body_at(self, now: datetime) -> tuple[str, datetime | None]:
        """The text served at ``now`` and when it was last modified (None if never)."""
        body, modified = self.body, None
        for at, text in self.revisions:
            if at <= now:
                body, modified = text, at
        return body, modified

    @property
    def final_body(self) -> str:
        return self.revisions[-1][1] if self.revisions else self.body


@dataclass
class Newsroom:
    """Every outlet and article, and the rendering of what is visible at a given time."""

    outlets: dict[str, NewsroomOutlet]
    articles: list[NewsroomArticle]
    wire_name: str = ""
    _env: jinja2.Environment = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "xml.j2"), default=True),
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
        )
        self._env.filters["fmt"] = lambda dt, pattern: dt.strftime(pattern)
        self._env.filters["rfc822"] = format_datetime
        self._env.filters["iso"] = lambda dt: dt.isoformat()

    def visible(self, outlet: str, now: datetime) -> list[NewsroomArticle]:
        """The outlet's published articles at ``now``, newest first."""
        items = [a for a in self.articles if a.outlet.slug == outlet and a.published <= now]
        return sorted(items, key=lambda a: a.published, reverse=True)

    def find(self, outlet: str, path: str, now: datetime) -> NewsroomArticle | None:
        for article in self.visible(outlet, now):
            if article.path == path.rstrip("/"):
                return article
        return None

    def render(self, outlet_slug: str, path: str, now: datetime, origin: str) -> tuple[int, str, str] | None:
        """``(status, content type, body)`` for a path of an outlet at time ``now``.

        ``origin`` is where the outlet is served (``http://127.0.0.1:8701``): feeds, sitemaps
        and robots.txt link there, while pages declare canonical URLs on the public domain.
        """
        outlet = self.outlets[outlet_slug]
        ctx_outlet = {**self._outlet_context(outlet), "origin": origin}
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", self._robots(outlet, origin)
        if path == outlet.feed_path:
            kind = "application/atom+xml" if outlet.feed == "atom" else "application/rss+xml"
            body = self._env.get_template(f"feed.{outlet.feed}.xml.j2").render(
                outlet=ctx_outlet,
                articles=[self._summary(a) for a in self.visible(outlet.slug, now)[:50]],
                updated=self._updated(outlet.slug, now),
            )
            return 200, f"{kind}; charset=utf-8", body
        if path == "/news-sitemap.xml":
            body = self._env.get_template("news-sitemap.xml.j2").render(
                outlet=ctx_outlet, articles=[self._summary(a) for a in self.visible(outlet.slug, now)]
            )
            return 200, "application/xml; charset=utf-8", body
        if path in ("/", "") or path.strip("/") in outlet.sections:
            section = path.strip("/")
            items = [a for a in self.visible(outlet.slug, now) if not section or a.section == section]
            body = self._env.get_template(f"{outlet.template}.index.html.j2").render(
                outlet=ctx_outlet,
                heading=section.replace("-", " ").title() or "Latest",
                articles=[self._summary(a) for a in items[:30]],
                year=2025,
            )
            return 200, "text/html; charset=utf-8", body
        article = self.find(outlet.slug, path, now)
        if article is None:
            return None
        return 200, "text/html; charset=utf-8", self.render_article(article, now)

    def render_article(self, article: NewsroomArticle, now: datetime) -> str:
        outlet = article.outlet
        body, modified = article.body_at(now)
        published = article.published.astimezone(outlet.zone)
        modified_local = modified.astimezone(outlet.zone) if modified else None
        ctx = {
            "title": article.title,
            "description": article.description,
            "authors": list(article.authors),
            "section": article.section,
            "path": article.path,
            "canonical": article.canonical,
            "published": published,
            "modified": modified_local,
            "published_iso": published.isoformat(),
            "modified_iso": modified_local.isoformat() if modified_local else "",
            "paragraphs": [p.strip() for p in body.split("\n\n") if p.strip()],
        }
        related = [{"title": a.title, "path": a.path} for a in self.visible(outlet.slug, now) if a is not article][:4]
        return self._env.get_template(f"{outlet.template}.article.html.j2").render(
            outlet=self._outlet_context(outlet),
            article=ctx,
            jsonld=self._jsonld(article, ctx),
            related=related,
            year=2025,
        )

    def _jsonld(self, article: NewsroomArticle, ctx: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.description,
            "datePublished": ctx["published_iso"],
            "mainEntityOfPage": {"@type": "WebPage", "@id": article.canonical},
            "url": article.canonical,
            "articleSection": article.section,
            "inLanguage": article.outlet.language,
            "publisher": {"@type": "Organization", "name": article.outlet.name},
        }
        if ctx["modified_iso"]:
            data["dateModified"] = ctx["modified_iso"]
        if article.authors:
            data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
        return data

    def _summary(self, article: NewsroomArticle) -> dict[str, Any]:
        return {
            "title": article.title,
            "description": article.description,
            "path": article.path,
            "canonical": article.canonical,
            "published": article.published.astimezone(article.outlet.zone),
            "authors": list(article.authors),
            "section": article.section,
        }

    def _updated(self, outlet: str, now: datetime) -> datetime:
        visible = self.visible(outlet, now)
        return visible[0].published if visible else DAY_ONE

    @staticmethod
    def _outlet_context(outlet: NewsroomOutlet) -> dict[str, Any]:
        return {
            "name": outlet.name,
            "slug": outlet.slug,
            "language": outlet.language,
            "timezone": outlet.timezone,
            "sections": list(outlet.sections),
            "feed_path": outlet.feed_path,
            "feed_type": "application/atom+xml" if outlet.feed == "atom" else "application/rss+xml",
            "home": "/",
        }

    @staticmethod
    def _robots(outlet: NewsroomOutlet, origin: str) -> str:
        lines = ["User-agent: *"]
        lines += [f"Disallow: {path}" for path in outlet.robots_disallow] or ["Disallow:"]
        if outlet.crawl_delay_s:
            lines.append(f"Crawl-delay: {outlet.crawl_delay_s:g}")
        lines.append(f"Sitemap: {origin}/news-sitemap.xml")
        return "\n".join(lines) + "\n"


def load_newsroom(root: Path = HERE) -> Newsroom:
    """Read ``outlets.toml``, ``wire/`` and ``articles/`` into a :class:`Newsroom`."""
    spec = tomllib.loads((root / "outlets.toml").read_text(encoding="utf-8"))
    outlets = {
        o["slug"]: NewsroomOutlet(
            slug=o["slug"],
            name=o["name"],
            language=o["language"],
            country=o["country"],
            timezone=o["timezone"],
            template=o["template"],
            metadata=o["metadata"],
            feed=o["feed"],
            sections=tuple(o["sections"]),
            robots_disallow=tuple(o.get("robots_disallow", ())),
            crawl_delay_s=float(o.get("crawl_delay_s", 0)),
        )
        for o in spec["outlet"]
    }
    wires = {p.stem: tomllib.loads(p.read_text(encoding="utf-8")) for p in sorted((root / "wire").glob("*.toml"))}
    articles = []
    for path in sorted((root / "articles").glob("*/*.toml")):
        outlet = outlets[path.parent.name]
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        wire = data.get("wire", "")
        body = wires[wire]["body"] if wire else data["body"]
        articles.append(
            NewsroomArticle(
                outlet=outlet,
                slug=path.stem,
                title=data["title"],
                description=data.get("description", ""),
                section=data["section"],
                authors=tuple(data.get("authors", ())),
                published=_utc(data["published"]),
                story=data["story"],
                body=body,
                wire=wire,
                revisions=tuple((_utc(r["at"]), r["body"]) for r in data.get("revision", ())),
            )
        )
    return Newsroom(outlets=outlets, articles=articles, wire_name=spec.get("wire", {}).get("name", ""))


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"{value} has no UTC offset")
    return value.astimezone(UTC)
