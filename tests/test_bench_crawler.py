"""The crawler's benches run on folders and sites the tests make themselves."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"


def test_bench_feeds_parses_any_folder_and_names_failures(tmp_path: Path) -> None:
    data = tmp_path / "feeds"
    (data / "site").mkdir(parents=True)
    for name in ("rss1.rdf", "feed.json", "google-news-sitemap.xml", "sitemap-index.xml"):
        shutil.copy(FIXTURES / name, data / "site" / name)
    (data / "site" / "broken.xml").write_bytes(b"<html><body>moved</body></html>")
    result = subprocess.run(
        [sys.executable, "-m", "bench.feeds", "--data", str(data)],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=True,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["files"] == 5
    assert figures["items"] == 2 + 2 + 1
    assert figures["sitemaps"] == 2
    assert figures["failures"] == 1
    assert "site/broken.xml" in result.stdout


def test_bench_crawl_measures_our_crawler_on_the_scaled_newsroom() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.crawl", "--copies", "1", "--skip-newsplease"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=True,
    )  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    assert figures["article_pages"] == 64
    assert figures["pages"] == 64  # every article page crawled, extracted and stored
    assert figures["pages_per_s"] > 0
    assert figures["peak_rss_mb"] > 0
    assert figures["cpu_s_per_page"] > 0
