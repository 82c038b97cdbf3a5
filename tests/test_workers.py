"""What the crawl process and its extraction workers load: each only its own half of the job."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from scrapy.exceptions import DropItem

from crawler.item_pipelines import EXTRACT_BATCH_SIZE, ExtractStage, PageResult
from crawler.workers import WorkerError, extract_article, extract_articles, start_pool
from pipelines.config import Config
from pipelines.extract import extract_article as extract_here  # imported at collection, as the other extraction tests
from pipelines.models import Extraction, ExtractionStatus, RawPage
from tests.stagecrawler import StageCrawler

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    return {name.split(".")[0] for name in json.loads(out.stdout)}


def test_the_crawl_entry_module_imports_no_scrapy_so_each_worker_that_reimports_it_stays_small() -> None:
    # multiprocessing re-imports the parent's main module (crawler.process) in every worker
    loaded = _modules_after("import crawler.process")
    assert "scrapy" not in loaded
    assert "twisted" not in loaded
    assert "trafilatura" not in loaded


def test_the_crawl_process_does_not_load_the_extraction_code_its_workers_run() -> None:
    loaded = _modules_after("import crawler.item_pipelines, crawler.spiders.news, crawler.settings")
    assert "scrapy" in loaded
    assert "trafilatura" not in loaded
    assert "numpy" not in loaded


def test_a_worker_of_the_pool_extracts_a_page() -> None:
    body = " ".join(f"Sentence number {i} of the council's budget story, told at length." for i in range(30))
    html = f"<html><head><title>Budget vote</title></head><body><article><h1>Budget vote</h1><p>{body}</p></article>"
    page = RawPage(
        url="https://x.example/a", final_url="https://x.example/a", status=200, html=html, outlet="x",
        fetched_at=datetime(2026, 1, 2, tzinfo=UTC),
    )  # fmt: skip
    pool = start_pool(1)
    try:
        in_worker = pool.submit(extract_article, page, language="en").result(timeout=120)
    finally:
        pool.shutdown()
    here = extract_here(page, language="en")
    assert in_worker.status is ExtractionStatus.OK
    assert in_worker == here


def test_a_page_that_breaks_extraction_in_a_worker_costs_only_itself_and_its_traceback_comes_back() -> None:
    body = " ".join(f"Sentence number {i} of the harbour story, told at length." for i in range(30))
    good = RawPage(
        url="https://x.example/a", final_url="https://x.example/a", status=200, outlet="x",
        html=f"<html><body><article><h1>Harbour</h1><p>{body}</p></article></body></html>",
        fetched_at=datetime(2026, 1, 2, tzinfo=UTC),
    )  # fmt: skip
    broken = dataclasses.replace(good, url="https://x.example/b", html=None)  # type: ignore[arg-type]
    pool = start_pool(1)
    try:
        results = pool.submit(extract_articles, [(good, "en"), (broken, ""), (good, "")]).result(timeout=120)
    finally:
        pool.shutdown()
    first, failed, last = results
    assert isinstance(first, Extraction)
    assert first.status is ExtractionStatus.OK
    assert isinstance(last, Extraction)
    assert last.status is ExtractionStatus.OK
    assert isinstance(failed, WorkerError)
    assert failed.error.startswith("AttributeError(")
    assert "extract_article" in failed.traceback


def test_the_extract_stage_hands_pages_to_its_workers_in_batches_and_drops_only_the_broken_one(
    demo_config: Config,
) -> None:
    config = demo_config.model_copy(update={"crawl": demo_config.crawl.model_copy(update={"extract_processes": 1})})
    stage = ExtractStage(StageCrawler(config))  # type: ignore[arg-type]
    outlet = config.outlets[0].id
    body = "".join(f"<p>Paragraph {i}: the council met on Tuesday and voted on the budget.</p>" for i in range(8))
    pages = [
        RawPage(
            url=f"https://x.example/{i}",
            final_url=f"https://x.example/{i}",
            status=200,
            outlet=outlet,
            html=f"<html><body><article><h1>Budget {i}</h1>{body}</article></body></html>",
            fetched_at=datetime(2026, 1, 2, tzinfo=UTC),
        )
        for i in range(EXTRACT_BATCH_SIZE + 2)
    ]
    pages[3] = dataclasses.replace(pages[3], html=None)  # type: ignore[arg-type]  # extraction raises on it

    async def crawl() -> list[object]:
        stage.open_spider()
        try:
            return await asyncio.gather(*(stage.process_item(p) for p in pages), return_exceptions=True)
        finally:
            await stage.close_spider()

    results = asyncio.run(crawl())
    dropped = [r for r in results if isinstance(r, DropItem)]
    assert len(dropped) == 1
    assert "https://x.example/3" in str(dropped[0])
    assert "AttributeError" in str(dropped[0])
    extracted = [r for r in results if isinstance(r, PageResult)]
    assert len(extracted) == len(pages) - 1
    assert all(r.extraction.status is ExtractionStatus.OK for r in extracted)
    assert stage.crawler.stats.values["newswatch/extraction/ok"] == len(pages) - 1
    assert stage.crawler.stats.values["newswatch/extraction/error"] == 1
