"""Hostile inputs: each ends with a logged, named error for its URL while the crawl goes on."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler import run_crawl
from crawler.discovery import parse_feed
from pipelines.config import load_config
from tests.edgeserver import EdgeServer, edge_config

LIMITS = {"max_page_bytes": 1_000_000, "retry_times": 0, "max_redirects": 5}


def _crawl(tmp_path: Path, hostile: str) -> tuple[object, EdgeServer, str]:
    with EdgeServer([hostile, "/a/fine"]) as server:
        path = edge_config(tmp_path, {"edge": server}, LIMITS)
        result = run_crawl(path)
    log = (load_config(path).resolve(Path("state")) / "logs" / "crawl.log").read_text(encoding="utf-8")
    return result, server, log


@pytest.mark.parametrize(
    ("hostile", "kind"),
    [
        ("/loop/0", "redirect_loop"),
        ("/gzip-bomb", "decompression_bomb"),
        ("/huge", "page_too_large"),
        ("/huge-stream", "page_too_large"),
    ],
)
def test_a_hostile_response_is_a_named_error_and_the_crawl_goes_on(tmp_path: Path, hostile: str, kind: str) -> None:
    result, server, log = _crawl(tmp_path, hostile)
    assert result.stats[f"newswatch/outlet/edge/errors/{kind}"] == 1
    assert f"{kind}:" in log
    assert result.count("new") == 1  # the ordinary article next to it was stored
    if hostile.startswith("/loop"):
        assert len(server.paths("/loop/")) == LIMITS["max_redirects"] + 1  # then it stopped following


def test_a_page_in_a_broken_encoding_is_dropped_by_name(tmp_path: Path) -> None:
    result, _, _ = _crawl(tmp_path, "/bad-encoding")
    assert [d["reason"].split(":")[0] for d in result.dropped] == ["bad_encoding"]
    assert result.count("new") == 1


def test_a_feed_with_a_hundred_thousand_entries_is_cut_and_named(tmp_path: Path) -> None:
    with EdgeServer() as server:
        path = edge_config(tmp_path, {"edge": server}, {"max_page_bytes": 20_000_000, "max_feed_entries": 500})
        path.write_text(path.read_text().replace("/feed.xml", "/huge-feed.xml"))
        result = run_crawl(path)
        articles = server.paths("/a/")
    assert result.stats["newswatch/outlet/edge/errors/too_many_entries"] == 1
    assert len(articles) == 3  # the entries repeat three URLs: each fetched once
    assert result.count("new") == 3


def test_feed_entries_beyond_the_maximum_are_not_parsed() -> None:
    items = "".join(f"<item><title>t{i}</title><link>https://x.example/{i}</link></item>" for i in range(3000))
    found = parse_feed(f'<rss version="2.0"><channel>{items}</channel></rss>'.encode(), "https://x.example/f", 100)
    assert len(found.candidates) == 100
    assert found.problem == "too_many_entries: 3000 entries, the first 100 read"
