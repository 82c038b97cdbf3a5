"""Read feeds and sitemaps into candidate article URLs.

feedparser reads RSS 0.9x/1.0/2.0 and Atom and tolerates the broken feeds real outlets
publish; sitemaps are small enough XML for lxml with entity resolution and network access off.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urljoin

import feedparser
from lxml import etree

from pipelines.dates import parse_datetime

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


@dataclass(frozen=True, slots=True)
class Discovered:
    """What one feed or sitemap yielded: articles, nested sitemaps, and a problem if any."""

    candidates: tuple[Candidate, ...] = ()
    sitemaps: tuple[str, ...] = ()
    problem: str = ""


def parse_feed(body: bytes, url: str) -> Discovered:
    """Entries of an RSS or Atom feed; a feed feedparser cannot read at all names the problem."""
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    candidates = []
    for entry in parsed.entries:
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
    if not candidates and parsed.bozo:
        problem = f"not a readable feed: {parsed.get('bozo_exception', 'unknown error')}"
    return Discovered(candidates=tuple(candidates), problem=problem)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, recover=True, huge_tree=False)


def parse_sitemap(body: bytes, url: str) -> Discovered:
    """URLs of a sitemap (with Google News title and date) or the sitemaps of a sitemap index."""
    try:
        root = etree.fromstring(body, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        return Discovered(problem=f"not a readable sitemap: {exc}")
    if root is None:
        return Discovered(problem="not a readable sitemap: empty document")
    kind = etree.QName(root).localname
    if kind == "sitemapindex":
        locs = [_text(node, "loc") for node in root if _local(node) == "sitemap"]
        return Discovered(sitemaps=tuple(urljoin(url, loc) for loc in locs if loc))
    if kind != "urlset":
        return Discovered(problem=f"not a sitemap: root element is <{kind}>")
    candidates = []
    for node in root:
        if _local(node) != "url" or not (loc := _text(node, "loc")):
            continue
        news = node.find(f"{{{NEWS_NS}}}news")
        title, published = "", None
        if news is not None:
            title = (news.findtext(f"{{{NEWS_NS}}}title") or "").strip()
            published = parse_datetime(news.findtext(f"{{{NEWS_NS}}}publication_date") or "")
        published = published or parse_datetime(_text(node, "lastmod"))
        candidates.append(Candidate(url=urljoin(url, loc), source=url, title=title, published=published))
    return Discovered(candidates=tuple(candidates))


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _text(node: etree._Element, name: str) -> str:
    for child in node:
        if _local(child) == name:
            return (child.text or "").strip()
    return ""
