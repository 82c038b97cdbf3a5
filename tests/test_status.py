"""``newswatch status`` shows each outlet's last run and health from the crawl state."""

from __future__ import annotations

import json
from pathlib import Path

from crawler import run_crawl
from tests.edgeserver import EdgeServer, edge_config
from tests.test_cli import newswatch


def test_status_shows_each_outlets_last_run_and_health(tmp_path: Path) -> None:
    with EdgeServer(["/a/one", "/a/two", "/paywall"]) as good, EdgeServer() as bad:
        path = edge_config(tmp_path, {"good": good, "bad": bad}, {"retry_times": 0})
        path.write_text(path.read_text().replace(f"{bad.origin}/feed.xml", f"{bad.origin}/down/feed.xml"))
        run_crawl(path)
        run_crawl(path)  # the second run: the feed is unchanged (304) and the bad outlet fails again
    shown = newswatch("status", "--json", "--config", str(path))
    assert shown.returncode == 0, shown.stderr
    rows = {row["outlet"]: row for row in json.loads(shown.stdout)["outlets"]}
    assert rows["good"]["not_modified"] == 1
    assert rows["good"]["new"] == 0
    assert rows["good"]["failing_runs"] == 0
    assert rows["bad"]["errors"] == {"http_500": 1}
    assert rows["bad"]["failing_runs"] == 2
    assert "http_500" in rows["bad"]["last_error"]
    table = newswatch("status", "--config", str(path))
    assert table.returncode == 0
    assert "failing 2x" in table.stdout
    assert "good" in table.stdout


def test_status_counts_new_articles_blocked_pages_and_bytes(tmp_path: Path) -> None:
    with EdgeServer(["/a/one", "/a/two", "/paywall"]) as good:
        path = edge_config(tmp_path, {"good": good})
        run_crawl(path)
    rows = json.loads(newswatch("status", "--json", "--config", str(path)).stdout)["outlets"]
    (row,) = rows
    assert row["new"] == 3
    assert row["blocked"] == {"paywall": 1}
    assert row["requests"] == 4  # the feed and three articles (robots.txt is not the outlet's content)
    assert row["bytes"] > 3000
