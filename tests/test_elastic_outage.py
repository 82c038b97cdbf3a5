"""A crawl of the demo newsroom into Elasticsearch survives the node dying in the middle of it.

The crawl runs in its child process, as always; after a few articles are stored the node is
killed (SIGKILL, as a crash would). The crawler keeps going and spools what it cannot index;
the node is restarted on its data, the spool is replayed, and every article is in the index
exactly once, with one revision each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from elasticsearch import Elasticsearch

from crawler import run_crawl
from examples.newsroom import NewsroomServer
from newswatch.esnode import ElasticsearchNode
from pipelines.config import load_config
from pipelines.store.elastic import ElasticStore
from pipelines.urls import article_id


def test_a_node_killed_mid_crawl_loses_no_article_and_duplicates_none(
    killable_node: ElasticsearchNode, newsroom_server: NewsroomServer, tmp_path: Path, es_prefix: str
) -> None:
    text = newsroom_server.config_toml().replace("download_delay_s = 0", "download_delay_s = 0.2")
    text += f'\n[store]\nbackend = "elasticsearch"\nurl = "{killable_node.url}"\nindex_prefix = "{es_prefix}"\n'
    text += "retry_after_s = 1\n"
    path = tmp_path / "newswatch.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path)
    stored: list[dict[str, Any]] = []

    def on_event(event: dict[str, Any]) -> None:
        if event.get("event") == "stored":
            stored.append(event)
            if len(stored) == 5:
                killable_node.kill()

    result = run_crawl(config.path, on_event=on_event, timeout_s=600)
    assert result.count("new") >= 5
    assert result.count("spooled") > 0, "the outage must have happened during the crawl"
    spool = config.resolve(config.data_dir) / "es-spool"
    assert (spool / "spool.jsonl").exists()

    killable_node.start()
    store = ElasticStore.from_config(config)
    try:
        assert store.replay_spool() > 0
        assert store.replay_spool() == 0
        newsroom = newsroom_server.newsroom
        fetchable = [a for a in newsroom.articles if not any(a.path.startswith(d) for d in a.outlet.robots_disallow)]
        expected = sorted(article_id(a.canonical) for a in fetchable)
        stored_articles = store.articles()
        assert sorted(a.id for a in stored_articles) == expected
        assert all(a.revision == 1 for a in stored_articles)
        assert all(len(store.revisions(a.id)) == 1 for a in stored_articles)
        assert [r["kind"] for r in store.runs()] == ["crawl"]  # the crawl's own record, spooled too
    finally:
        store.close()
    client = Elasticsearch(killable_node.url)
    try:  # counted independently of the store's reading code
        client.indices.refresh(index=f"{es_prefix}-articles")
        assert client.count(index=f"{es_prefix}-articles")["count"] == len(expected)
        assert client.count(index=f"{es_prefix}-revisions")["count"] == 0  # no article has a second revision
    finally:
        client.close()
