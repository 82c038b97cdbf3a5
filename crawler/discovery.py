"""Read feeds, sitemaps, section pages and homepages into candidate article URLs.

feedparser reads RSS 0.9x/1.0/2.0 and Atom and tolerates the broken feeds real outlets
publish; JSON Feed is plain JSON; sitemaps are small enough XML for lxml with entity
resolution and network access off; section pages and homepages are read with lxml.html.
Everything here is plain functions over bytes, so ``bench/feeds.py`` and the tests call them
without Scrapy.
"""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.html
from lxml import etree
from scrapy.utils.gz import gunzip

from pipelines.dates import parse_datetime

# more entries than this in one feed are not read: the body is cut after the last kept entry,
# so a feed with millions of entries costs no more than one with the maximum
DEFAULT_MAX_ENTRIES = 5000
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
              "application/json")  # fmt: skip
_ENTRY_END = re.compile(rb"</(?:\w+:)?(?:item|entry)\s*>", re.IGNORECASE)
_URL_DATE = re.compile(r"(20\d\d|19\d\d)[-/_]?(0[1-9]|1[0-2])(?:[-/_]?(0[1-9]|[12]\d|3[01]))?")
# a path that looks like an article: a date in it, or a last segment of several hyphenated words
_ARTICLE_PATH = re.compile(
    r"/(19|20)\d\d/[01]?\d/|/(19|20)\d\d-[01]\d-[0-3]\d|[^/]*[a-z0-9]+(-[a-z0-9]+){3,}[^/]*/?$|\d{6,}"
)

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL that may be an article, with what the feed or sitemap said about it."""

    url: str
    source: str
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    authors: tuple[str, ...] = ()
    language: str = ""


@dataclass(frozen=True, slots=True)
class Discovered:
    """What one feed or sitemap yielded: articles, nested sitemaps (with their dates), feeds
    found on a page, and a problem if any (``kind: detail``, the kind a stable name)."""

    candidates: tuple[Candidate, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sitemap_dates: tuple[datetime | None, ...] = ()
    feeds: tuple[str, ...] = ()
    problem: str = ""

    @property
    def problem_kind(self) -> str:
        return self.problem.split(":", 1)[0] if self.problem else ""


def truncate_entries(body: bytes, max_entries: int) -> tuple[bytes, int]:
    """The feed cut after its ``max_entries``-th entry, and how many entries it has."""
    cut, count = None, 0
    for count, match in enumerate(_ENTRY_END.finditer(body), start=1):
        if count == max_entries:
            cut = match.end()
    if cut is None or count <= max_entries:
        return body, count
    return body[:cut], count


def parse_feed(body: bytes, url: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> Discovered:
    """Entries of an RSS, Atom or JSON feed; a feed that cannot be read at all names the problem."""
    if body.lstrip()[:1] == b"{":
        return parse_json_feed(body, url, max_entries)
    body, total = truncate_entries(body, max_entries)
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    candidates = []
    for entry in parsed.entries[:max_entries]:
        link = entry.get("link") or ""
        if not link.startswith(("http://", "https://")):
            link = urljoin(url, link) if link else ""
        if not link:
            continue
        # the raw string keeps the feed's UTC offset; feedparser's parsed tuple is UTC only
        published = parse_datetime(entry.get("published") or entry.get("updated"))
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        if published is None and stamp:
            published = datetime.fromtimestamp(calendar.timegm(stamp), UTC)
        authors = tuple(a.get("name", "") for a in entry.get("authors", ()) if a.get("name"))
        candidates.append(
            Candidate(
                url=link,
                source=url,
                title=entry.get("title", ""),
                summary=entry.get("summary", ""),
                published=published,
                authors=authors,
            )
        )
    problem = ""
    # feedparser also flags what is harmless (no Content-Type given to it, a charset override): a feed it
    # recognised with no entries yet is an empty feed, not a broken one
    benign = isinstance(
        parsed.get("bozo_exception"), (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    )
    if not candidates and parsed.bozo and not (parsed.get("version") and benign):
        problem = f"not_a_feed: {parsed.get('bozo_exception', 'unknown error')}"
    elif total > max_entries:
        problem = f"too_many_entries: {total} entries, the first {max_entries} read"
    return Discovered(candidates=tuple(candidates), problem=problem)


def parse_json_feed(body: bytes, url: str, max_entries: int = DEFAULT_MAX_ENTRIES) -> Discovered:
    """Items of a JSON Feed (jsonfeed.org 1.0 and 1.1)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return Discovered(problem=f"not_a_feed: not readable JSON: {exc}")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return Discovered(problem="not_a_feed: JSON without an items list")
    candidates = []
    for item in items[:max_entries]:
        if not isinstance(item, dict):
            continue
        link = str(item.get("url") or item.get("external_url") or "")
        if not link:
            continue
        authors = item.get("authors") or ([item["author"]] if isinstance(item.get("author"), dict) else [])
        candidates.append(
            Candidate(
                url=urljoin(url, link),
                source=url,
                title=str(item.get("title") or ""),
                summary=str(item.get("summary") or ""),
                published=parse_datetime(str(item.get("date_published") or item.get("date_modified") or "")),
                authors=tuple(str(a["name"]) for a in authors if isinstance(a, dict) and a.get("name")),
                language=str(item.get("language") or data.get("language") or ""),
            )
        )
    problem = ""
    if len(items) > max_entries:
        problem = f"too_many_entries: {len(items)} entries, the first {max_entries} read"
    return Discovered(candidates=tuple(candidates), problem=problem)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_sitemap(body: bytes, url: str, max_entries: int = 50_000) -> Discovered:
    """URLs of a sitemap (with Google News title, date and language) or the sitemaps of an index.

    ``max_entries`` defaults to the sitemap protocol's own limit of 50,000 URLs per file.
    """
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        return Discovered(problem=f"not_a_sitemap: {exc}")
    if root is None:
        return Discovered(problem="not_a_sitemap: empty document")
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        refs = [(_text(node, "loc"), _text(node, "lastmod")) for node in root if _local(node) == "sitemap"]
        refs = [(urljoin(url, loc), lastmod) for loc, lastmod in refs if loc][:max_entries]
        return Discovered(
            sitemaps=tuple(loc for loc, _ in refs),
            sitemap_dates=tuple(parse_datetime(lastmod) or date_in_url(loc) for loc, lastmod in refs),
        )
    if kind != "urlset":
        return Discovered(problem=f"not_a_sitemap: root element is <{kind}>")
    candidates = []
    total = 0
    for node in root:
        if _local(node) != "url" or not (loc := _text(node, "loc")):
            continue
        total += 1
        if total > max_entries:
            continue
        news = node.find(f"{{{NEWS_NS}}}news")
        title, published, language = "", None, ""
        if news is not None:
            title = (news.findtext(f"{{{NEWS_NS}}}title") or "").strip()
            published = parse_datetime(news.findtext(f"{{{NEWS_NS}}}publication_date") or "")
            language = (news.findtext(f"{{{NEWS_NS}}}publication/{{{NEWS_NS}}}language") or "").strip()
        published = published or parse_datetime(_text(node, "lastmod"))
        candidates.append(
            Candidate(url=urljoin(url, loc), source=url, title=title, published=published, language=language)
        )
    problem = f"too_many_entries: {total} URLs, the first {max_entries} read" if total > max_entries else ""
    return Discovered(candidates=tuple(candidates), problem=problem)


def parse_any(body: bytes, url: str, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = 50_000_000) -> Discovered:
    """A feed or sitemap of unknown kind (gzipped or not): sitemaps by their root element, JSON
    Feed by its first character, everything else through the feed parser."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=max_bytes)
        except (OSError, ValueError, EOFError) as exc:
            return Discovered(problem=f"decompression_bomb: {exc}")
    head = body.lstrip()[:2000]
    if re.search(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]", head):
        return parse_sitemap(body, url, max_entries=max(max_entries, 50_000))
    return parse_feed(body, url, max_entries)


def date_in_url(url: str) -> datetime | None:
    """A date written in a URL (``sitemap-2025-07-08.xml``, ``/2025/07/``), for dated sitemaps."""
    match = _URL_DATE.search(urlsplit(url).path)
    if not match:
        return None
    year, month, day = match.group(1), match.group(2), match.group(3) or "01"
    try:
        return datetime(int(year), int(month), int(day), tzinfo=UTC)
    except ValueError:
        return None


def discover_feeds(body: bytes | str, url: str) -> Discovered:
    """Feeds a page announces with ``<link rel="alternate" type="application/rss+xml" href=...>``."""
    try:
        tree = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError) as exc:
        return Discovered(problem=f"not_html: {exc}")
    feeds: list[str] = []
    for node in tree.iter("link"):
        rel = (node.get("rel") or "").lower().split()
        kind = (node.get("type") or "").lower().split(";")[0].strip()
        href = (node.get("href") or "").strip()
        if "alternate" in rel and kind in FEED_TYPES and href:
            link = urljoin(url, href)
            if link.startswith(("http://", "https://")) and link not in feeds:
                feeds.append(link)
    return Discovered(feeds=tuple(feeds))


def parse_section(
    body: bytes | str, url: str, allow: Sequence[str] = (), deny: Sequence[str] = (), max_links: int = 500
) -> Discovered:
    """Article links of a section page: same site, matching ``allow`` (or looking like an article
    when no pattern is given) and no ``deny`` pattern."""
    try:
        tree = lxml.html.fromstring(body)
    except (etree.ParserError, ValueError) as exc:
        return Discovered(problem=f"not_html: {exc}")
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    seen: set[str] = set()
    candidates = []
    for node in tree.iter("a"):
        href = (node.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:")):
            continue
        link = urljoin(url, href).split("#", 1)[0]
        parts = urlsplit(link)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").removeprefix("www.") != host:
            continue
        if link in seen or link.rstrip("/") == url.rstrip("/"):
            continue
        if not url_allowed(link, allow, deny) or (not allow and not _ARTICLE_PATH.search(parts.path)):
            continue
        seen.add(link)
        title = " ".join(node.text_content().split())
        candidates.append(Candidate(url=link, source=url, title=title))
        if len(candidates) >= max_links:
            break
    return Discovered(candidates=tuple(candidates))


def url_allowed(url: str, allow: Sequence[str] = (), deny: Sequence[str] = ()) -> bool:
    """Whether a URL passes an outlet's allow (any, or none given) and deny (none) patterns."""
    if any(re.search(pattern, url) for pattern in deny):
        return False
    return not allow or any(re.search(pattern, url) for pattern in allow)


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _text(node: etree._Element, name: str) -> str:
    for child in node:
        if _local(child) == name:
            return (child.text or "").strip()
    return ""
