"""The demo newsroom: fictional outlets, their articles, and a server for them on 127.0.0.1.

The demo, the tests and the benchmarks all crawl this newsroom. Content lives in TOML files
beside this module (see ``CONTENT.md``); :class:`Newsroom` loads it and renders pages, feeds,
sitemaps and robots.txt as seen at a simulated time; :mod:`examples.newsroom.server` serves it.
"""

from __future__ import annotations

from examples.newsroom.content import Newsroom, NewsroomArticle, NewsroomOutlet, load_newsroom
from examples.newsroom.server import NewsroomServer

__all__ = ["Newsroom", "NewsroomArticle", "NewsroomOutlet", "NewsroomServer", "load_newsroom"]
