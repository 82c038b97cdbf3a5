"""The Scrapy project: discover articles in feeds and sitemaps and fetch them, politely.

Discovery and fetching only; everything after a fetched page is plain Python in
:mod:`pipelines`, reached through the thin item-pipeline adapters in
:mod:`crawler.item_pipelines`. A crawl always runs in a child process (Scrapy's reactor cannot
be restarted in one process): :func:`crawler.run.run_crawl`.
"""

from __future__ import annotations

from crawler.run import CrawlResult, run_crawl

__all__ = ["CrawlResult", "run_crawl"]
