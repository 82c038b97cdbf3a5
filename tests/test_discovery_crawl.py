"""Discovery in a real crawl: sitemap indexes by date and backfill, section pages with allow/deny
patterns, feed autodiscovery, watch query feeds and watch-aware skipping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from crawler import run_crawl
from pipelines.config import load_config
from pipelines.store import open_store
from tests.edgeserver import EdgeServer

CRAWL = "[crawl]\ndownload_delay_s = 0\nextract_processes = 0\nretry_times = 0\n"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "newswatch.toml"
    path.write_text('data_dir = "state"\n' + text, encoding="utf-8")
    return path


def _outlet(server: EdgeServer, **keys: str) -> str:
    lines = ["[[outlet]]", 'name = "Edge"', 'id = "edge"', f'homepage = "{server.origin}/home"',
             "allow_private_network = true"]  # fmt: skip
    lines += [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def _days(server: EdgeServer) -> list[str]:
    return sorted(h.path.removeprefix("/sitemaps/").removesuffix(".xml") for h in server.paths("/sitemaps/"))


def test_a_sitemap_index_is_read_within_its_window_and_a_new_watch_backfills(tmp_path: Path) -> None:
    today = datetime.now(UTC).date()
    recent, older, oldest = (str(today - timedelta(days=d)) for d in (0, 10, 40))
    with EdgeServer() as server:
        outlet = _outlet(server, sitemaps=f'["{server.origin}/sitemap-index.xml"]')
        path = _write(tmp_path, CRAWL + "sitemap_window_days = 3\n" + outlet)
        run_crawl(path)
        assert _days(server) == [recent]
        watch = '[[watch]]\nname = "budget"\nquery = "budget"\nbackfill_days = 30\n'
        path.write_text(path.read_text() + watch)
        before = len(server.paths("/sitemaps/"))
        backfill = run_crawl(path)
        walked = [h.path for h in server.paths("/sitemaps/")[before:]]
        assert sorted(walked) == [f"/sitemaps/{older}.xml", f"/sitemaps/{recent}.xml"]  # 30 days back, not 40
        assert backfill.count("new") == 1  # the recent story was stored on the first run already
        after = len(server.paths("/sitemaps/"))
        run_crawl(path)  # the watch has started: back to the normal window
        assert [h.path for h in server.paths("/sitemaps/")[after:]] == [f"/sitemaps/{recent}.xml"]
    assert oldest not in _days(server)


def test_section_pages_give_article_links_within_the_allow_and_deny_patterns(tmp_path: Path) -> None:
    with EdgeServer() as server:
        outlet = _outlet(server, sections=f'["{server.origin}/section"]', deny_urls='["/video/"]')
        result = run_crawl(_write(tmp_path, CRAWL + outlet))
        fetched = sorted(h.path for h in server.paths("/news/") + server.paths("/video/") + server.paths("/about"))
    assert fetched == ["/news/2025/07/08/council-approves-budget", "/news/regional-council-debates-the-transport-plan"]
    assert result.count("new") == 2


def test_allow_patterns_restrict_section_links(tmp_path: Path) -> None:
    with EdgeServer() as server:
        outlet = _outlet(server, sections=f'["{server.origin}/section"]', allow_urls=r'["/news/\\d{4}/"]')
        run_crawl(_write(tmp_path, CRAWL + outlet))
        fetched = [h.path for h in server.paths("/news/")]
    assert fetched == ["/news/2025/07/08/council-approves-budget"]


def test_feeds_are_discovered_from_the_homepage(tmp_path: Path) -> None:
    with EdgeServer(["/a/one", "/a/two"]) as server:
        result = run_crawl(_write(tmp_path, CRAWL + _outlet(server, autodiscover="true")))
        asked = [h.path for h in server.paths() if h.path != "/robots.txt"]
    assert asked[:2] == ["/home", "/feed.xml"]
    assert sorted(asked[2:]) == ["/a/one", "/a/two"]
    assert result.count("new") == 2
    assert result.outlet_stats["edge"]["feeds_discovered"] == 1


def test_a_watch_query_feed_finds_coverage_and_files_it_under_its_outlet(tmp_path: Path) -> None:
    with EdgeServer() as server:
        server.search_results = ["/a/found-by-search"]
        watch = (
            '[[watch]]\nname = "budget"\nquery = \'budget OR "transport plan"\'\n'
            f'query_feeds = ["{server.origin}/search.xml?q={{query}}&lang=en"]\n'
        )
        path = _write(tmp_path, CRAWL + _outlet(server, feeds=f'["{server.origin}/feed.xml"]') + watch)
        result = run_crawl(path)
        (search,) = server.paths("/search.xml")
    assert search.path == "/search.xml?q=budget+OR+%22transport+plan%22&lang=en"
    assert result.count("new") == 1
    store = open_store(load_config(path))
    try:
        (article,) = store.articles()
    finally:
        store.close()
    assert article.outlet == "edge"
    assert article.url.endswith("/a/found-by-search")


def test_candidates_that_cannot_match_any_watch_are_skipped_when_asked(tmp_path: Path) -> None:
    titles = {"/a/truce": "Ceasefire talks resume in Doha", "/a/match": "Cup final goes to penalties"}
    with EdgeServer(list(titles), titles=titles) as server:
        watch = '[[watch]]\nname = "truce"\nquery = "ceasefire OR truce"\n'
        outlet = _outlet(server, feeds=f'["{server.origin}/feed.xml"]')
        result = run_crawl(_write(tmp_path, CRAWL + "skip_unmatched = true\n" + outlet + watch))
        fetched = [h.path for h in server.paths("/a/")]
    assert fetched == ["/a/truce"]
    assert result.outlet_stats["edge"]["skipped"] == {"unmatched": 1}
