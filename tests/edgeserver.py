"""A purpose-built site on 127.0.0.1 with one resource per crawler edge case.

Every request is recorded with the server's own clock (:attr:`EdgeServer.hits`), so tests assert
what the server saw: which paths, in which order, with which gaps, and which headers.

Resources (``/feed.xml``, ``/second-feed.xml`` and ``/private/feed.xml`` list :attr:`EdgeServer.feed`
paths; robots.txt disallows ``/private/``, or answers :attr:`robots_status` when that is not 200):

- ``/a/<name>``: an ordinary article with an ETag
- ``/retry-after/<seconds>/<name>``: 503 with ``Retry-After: <seconds>`` on the first hit, then the article
- ``/retry-date/<seconds>/<name>``: 429 with ``Retry-After`` as an HTTP-date that far ahead, then the article
- ``/flaky/<n>/<name>``: 500 for the first ``n`` hits, then the article
- ``/down/...``: always 500
- ``/slow/<name>``: answers after :attr:`slow_s` seconds
- ``/loop/<n>``: redirects to ``/loop/<n+1>`` forever
- ``/gzip-bomb``: 20 MB of zeros, gzip-compressed to a few kB
- ``/huge``: a 50 MB page with its Content-Length; ``/huge-stream``: 50 MB without one
- ``/bad-encoding``: Shift_JIS bytes declared as UTF-8
- ``/huge-feed.xml``: a feed of 100,000 entries
- ``/paywall``, ``/consent``, ``/blocked`` (403), ``/soft404``, ``/truncated``: pages that cannot be read whole
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARAGRAPHS = [
    "The regional council approved the new transport budget on Tuesday after a debate that lasted most of the day "
    "and drew dozens of residents to the public gallery of the town hall.",
    "Officials said the plan would add four bus routes, extend the evening service on weekdays and repair the "
    "bridges on the northern ring road, which engineers have called a priority for years.",
    "Opposition members argued that the money should have gone to the rural districts first, where buses run only "
    "twice a day and many older residents have no other way to reach the clinic.",
    "The council leader said the first works would start in the spring and promised a public report on progress "
    "every three months, adding that the budget could be revised next year.",
]


def article_html(name: str, extra: str = "", title: str = "") -> str:
    title = title or f"Council approves transport budget ({name})"
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f'<meta property="og:title" content="{title}"></head><body><header><a href="/">Home</a></header>'
        f"<article><h1>{title}</h1><p class='byline'>By Ana Ruiz</p>{body}{extra}</article></body></html>"
    )


@dataclass(frozen=True)
class EdgeHit:
    method: str
    path: str
    status: int
    at: float  # the server's time.time() when the request arrived
    headers: dict[str, str]


class EdgeServer:
    def __init__(
        self,
        feed: list[str] | None = None,
        crawl_delay_s: float = 0,
        slow_s: float = 3.0,
        titles: dict[str, str] | None = None,
        sitemap_ages_days: tuple[int, ...] = (0, 10, 40),
        robots_status: int = 200,
    ) -> None:
        self.feed = feed or []
        self.robots_status = robots_status
        self.titles = titles or {}
        self.sitemap_ages_days = sitemap_ages_days
        self.search_results: list[str] = []
        self.crawl_delay_s = crawl_delay_s
        self.slow_s = slow_s
        self.hits: list[EdgeHit] = []
        self.counts: Counter[str] = Counter()
        self.sent_dates: dict[str, float] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> EdgeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def paths(self, prefix: str = "") -> list[EdgeHit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    # -- answers ---------------------------------------------------------------------------------
    def answer(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        with self._lock:
            self.counts[path] += 1
            count = self.counts[path]
        parts = path.strip("/").split("/")
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            if self.robots_status != 200:
                return self.robots_status, {"Content-Type": "text/plain"}, b"unavailable"
            text = "User-agent: *\nDisallow: /private/\n"
            if self.crawl_delay_s:
                text += f"Crawl-delay: {self.crawl_delay_s:g}\n"
            return 200, {"Content-Type": "text/plain"}, text.encode()
        if path in ("/feed.xml", "/private/feed.xml", "/second-feed.xml"):
            return self._conditional(self._rss(self.feed), "application/rss+xml", headers)
        if path.startswith("/search.xml"):
            return 200, {"Content-Type": "application/rss+xml"}, self._rss(self.search_results)
        if path == "/sitemap-index.xml":
            return 200, {"Content-Type": "application/xml"}, self._sitemap_index()
        if parts[0] == "sitemaps":
            day = parts[1].removesuffix(".xml")
            urls = f"<url><loc>{self.origin}/a/story-of-{day}</loc><lastmod>{day}</lastmod></url>"
            body = f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'
            return 200, {"Content-Type": "application/xml"}, body.encode()
        if path == "/section":
            links = [
                "/news/2025/07/08/council-approves-budget",
                "/news/regional-council-debates-the-transport-plan",
                "/video/watch-the-council-debate-in-full",
                "/about",
                "/contact",
                "https://elsewhere.example/news/2025/07/08/other-site-story",
            ]
            anchors = "".join(f'<li><a href="{link}">A headline for {link}</a></li>' for link in links)
            return 200, html, f"<html><body><nav><a href='/'>Home</a></nav><ul>{anchors}</ul></body></html>".encode()
        if path == "/home":
            head = (
                '<link rel="alternate" type="application/rss+xml" title="All news" href="/feed.xml">'
                '<link rel="alternate" type="text/html" hreflang="de" href="/de/">'
                '<link rel="stylesheet" href="/style.css">'
            )
            return 200, html, f"<html><head>{head}</head><body><h1>Home</h1></body></html>".encode()
        if parts[0] == "news":
            return self._article(parts[-1], headers)
        if path == "/huge-feed.xml":
            items = [f"/a/entry?i={i % 3}" for i in range(100_000)]
            return 200, {"Content-Type": "application/rss+xml"}, self._rss(items)
        if parts[0] == "a":
            return self._article(parts[-1], headers)
        if parts[0] == "retry-after" and count == 1:
            return 503, {"Retry-After": parts[1], **html}, b"<html><body>busy</body></html>"
        if parts[0] == "retry-date" and count == 1:
            when = time.time() + float(parts[1])
            with self._lock:
                self.sent_dates[path] = float(int(when))
            return 429, {"Retry-After": formatdate(when, usegmt=True), **html}, b"<html><body>slow down</body></html>"
        if parts[0] == "flaky" and count <= int(parts[1]):
            return 500, html, b"<html><body>oops</body></html>"
        if parts[0] == "down":
            return 500, html, b"<html><body>down</body></html>"
        if parts[0] == "slow":
            time.sleep(self.slow_s)  # the server being slow is the edge case itself
        if parts[0] in ("retry-after", "retry-date", "flaky", "slow"):
            return self._article(parts[-1], headers)
        if parts[0] == "loop":
            return 302, {"Location": f"/loop/{int(parts[1]) + 1}"}, b""
        if path == "/gzip-bomb":
            bomb = gzip.compress(b"\0" * 20_000_000, compresslevel=9)
            return 200, {"Content-Encoding": "gzip", **html}, bomb
        if path == "/huge":
            return 200, html, ("stream", 50_000_000, True)
        if path == "/huge-stream":
            return 200, html, ("stream", 50_000_000, False)
        if path == "/bad-encoding":
            text = "東京で新しい交通予算が承認されました。" * 40
            return 200, html, f"<html><body><article><p>{text}</p></article></body></html>".encode("shift_jis")
        if path == "/paywall":
            teaser = f"<p>{PARAGRAPHS[0]}</p><div class='paywall'>Subscribe to continue reading this article.</div>"
            ld = '<script type="application/ld+json">{"@type":"NewsArticle","isAccessibleForFree":false}</script>'
            page = article_html("paywall", ld).replace("".join(f"<p>{p}</p>" for p in PARAGRAPHS), teaser)
            return 200, html, page.encode()
        if path == "/consent":
            page = (
                "<html><head><title>Before you continue</title></head><body><div class='consent'><h1>We value your "
                "privacy</h1><p>We and our partners use cookies to store and access information on your device. "
                "Click Accept all to consent, or manage your choices.</p><button>Accept all</button>"
                "<button>Reject all</button></div></body></html>"
            )
            return 200, html, page.encode()
        if path == "/blocked":
            page = (
                "<html><head><title>Access denied</title></head><body><h1>Are you a robot?</h1><p>Please complete "
                "the CAPTCHA below to verify you are human.</p></body></html>"
            )
            return 403, html, page.encode()
        if path == "/soft404":
            page = article_html("gone", title="Page not found").replace(
                "<article>", "<article><p>Sorry, the page you are looking for could not be found.</p>"
            )
            return 200, html, page.encode()
        if path == "/truncated":
            ld = (
                '<script type="application/ld+json">{"@type":"NewsArticle","wordCount":1800,'
                '"headline":"Council approves transport budget"}</script>'
            )
            return 200, html, article_html("truncated", ld).encode()
        return 404, html, b"<html><body>not here</body></html>"

    def _article(self, name: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        return self._conditional(article_html(name).encode(), "text/html; charset=utf-8", headers)

    @staticmethod
    def _conditional(body: bytes, content_type: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        if headers.get("if-none-match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": content_type, "ETag": etag}, body

    def _sitemap_index(self) -> bytes:
        import datetime as dt

        today = dt.datetime.now(dt.UTC).date()
        entries = ""
        for age in self.sitemap_ages_days:
            day = (today - dt.timedelta(days=age)).isoformat()
            entries += f"<sitemap><loc>{self.origin}/sitemaps/{day}.xml</loc><lastmod>{day}</lastmod></sitemap>"
        return f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</sitemapindex>'.encode()

    def _rss(self, paths: list[str]) -> bytes:
        items = "".join(
            f"<item><title>{self.titles.get(p, f'Story {i}')}</title>"
            f"<link>{p if '://' in p else self.origin + p}</link></item>"
            for i, p in enumerate(paths)
        )
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Edge</title>{items}</channel></rss>'.encode()


def _handler(server: EdgeServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            at = time.time()
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, out, body = server.answer(self.path, headers)
            with server._lock:
                server.hits.append(EdgeHit("GET", self.path, status, at, headers))
            self.send_response(status)
            for key, value in out.items():
                self.send_header(key, value)
            try:
                if isinstance(body, tuple):  # ("stream", size, with_length)
                    _, size, with_length = body
                    if with_length:
                        self.send_header("Content-Length", str(size))
                    else:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    self.end_headers()
                    chunk = b"<p>" + b"x" * 65_530 + b"</p>"
                    for _ in range(size // len(chunk)):
                        self.wfile.write(chunk)
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up on a body too large: that is the point

        def log_message(self, *args: object) -> None:
            return

    return Handler


def edge_config(
    tmp_path: Any, servers: dict[str, EdgeServer], crawl: dict[str, Any] | None = None, name: str = "newswatch.toml"
) -> Any:
    """A config with one outlet per server (feed ``/feed.xml``), private addresses allowed."""
    settings = {
        "download_delay_s": 0,
        "retry_backoff_s": 0.2,
        "timeout_s": 5,
        "extract_processes": 0,
        **(crawl or {}),
    }
    lines = ['data_dir = "state"', "[crawl]"]
    for key, value in settings.items():
        lines.append(f"{key} = {_toml(value)}")
    for outlet, server in servers.items():
        lines += [
            "[[outlet]]",
            f'name = "{outlet}"',
            f'homepage = "{server.origin}/"',
            f'feeds = ["{server.origin}/feed.xml"]',
            "allow_private_network = true",
        ]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)
