"""What the crawl process and its extraction workers load: each only its own half of the job."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from crawler.workers import extract_article, start_pool
from pipelines.models import ExtractionStatus, RawPage

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
    here = extract_article(page, language="en")
    assert in_worker.status is ExtractionStatus.OK
    assert in_worker == here
