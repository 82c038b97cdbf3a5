"""The command line on the Elasticsearch store: a whole run of the demo newsroom, search with highlights,
claims and divergences a Kibana dashboard can chart, migration and spool replay, all on the test run's node."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from examples.newsroom import NewsroomServer
from pipelines.config import Config, load_config
from pipelines.models import StoreOutcome
from pipelines.store import open_store
from pipelines.store.elastic import ElasticStore
from tests.conftest import EsEndpoint
from tests.contracts.test_store import article
from tests.test_cli import newswatch
from tests.test_elastic_store import dead_store


@pytest.fixture(scope="module")
def es_demo(es_node: EsEndpoint, newsroom, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Config]:
    """The demo newsroom crawled and reported once into Elasticsearch (shared by this module)."""
    prefix = "nwcli" + Path(tmp_path_factory.mktemp("x")).name[-6:].lower().replace("_", "")
    folder = tmp_path_factory.mktemp("es-demo")
    with NewsroomServer(newsroom) as server:
        text = server.config_toml() + f'\n[store]\nbackend = "elasticsearch"\nurl = "{es_node.url}"\n'
        text += f'index_prefix = "{prefix}"\n'
        (folder / "newswatch.toml").write_text(text, encoding="utf-8")
        config = load_config(folder / "newswatch.toml")
        run = newswatch("run", "--config", str(config.path))
        assert run.returncode == 0, run.stderr
        assert re.search(r"\d+ new, 0 revised", run.stdout)
        yield config
    store = ElasticStore.from_config(config)
    store.drop()
    store.close()


def test_search_on_elasticsearch_prints_highlighted_hits_filtered_by_outlet(es_demo: Config) -> None:
    config = str(es_demo.path)
    search = newswatch("search", "Witkoff", "--config", config, "--limit", "3")
    assert search.returncode == 0, search.stderr
    assert "3 hits" in search.stdout
    assert "Witkoff" in search.stdout
    narrowed = newswatch("search", "Witkoff", "--config", config, "--outlet", "capital-signal")
    assert "Capital Signal" in narrowed.stdout
    assert "Kingsway" not in narrowed.stdout
    none = newswatch("search", "zeppelin", "--config", config)
    assert none.returncode == 1
    store = open_store(es_demo)
    try:
        (hit,) = store.search('"grand bargain"', outlet="kingsway-post", limit=1)
        assert "«grand" in hit.snippet
    finally:
        store.close()


def test_a_run_leaves_labelled_articles_claims_and_divergences_for_kibana(es_demo: Config) -> None:
    store = open_store(es_demo)
    try:
        watch = "gaza-ceasefire"
        labelled = store.articles(watch=watch)
        assert labelled
        divergences = store.divergences(watch=watch)
        assert {d.type for d in divergences} >= {"numeric_conflict", "quote_attribution"}
        assert all(d.first_seen and d.story for d in divergences)
        # the central story: the one with the most findings; its articles, claims and coverage by its id
        central = max({d.story for d in divergences}, key=lambda s: sum(d.story == s for d in divergences))
        members = store.articles(story=central)
        assert len({a.outlet for a in members}) >= 7
        assert {a.id for a in members} <= {a.id for a in labelled}
        assert all(a in {m.id for m in members} for d in divergences if d.story == central for a in d.articles)
        claims = store.claims(central)
        assert any(len(c.outlets) >= 3 for c in claims)
        coverage = store.coverage(story=central)
        assert sum(n for series in coverage.values() for _, n in series) == len([a for a in members if a.published_at])
        assert isinstance(store, ElasticStore)
        framing = store.significant_terms(central, members[0].outlet)
        assert all(isinstance(term, str) for term, _ in framing)
        candidates = store.similar(labelled[0].id, window=timedelta(days=10))
        assert candidates
        assert all(a.outlet != labelled[0].outlet for a, _ in candidates)
    finally:
        store.close()


def test_es_replay_applies_what_was_spooled_during_an_outage(es_demo: Config, tmp_path: Path) -> None:
    spool = es_demo.resolve(es_demo.data_dir) / "es-spool"
    offline = dead_store(es_demo.store.index_prefix, spool)
    late = article("https://late.example/a", "Written while the cluster was down.", outlet="late")
    assert offline.upsert(late) is StoreOutcome.SPOOLED
    offline.close()
    done = newswatch("es", "replay", "--config", str(es_demo.path))
    assert done.returncode == 0, done.stderr
    assert "1 spooled write(s) applied" in done.stdout
    store = open_store(es_demo)
    try:
        assert store.get(late.id) is not None
    finally:
        store.close()


def test_es_migrate_moves_every_index_to_its_next_version(es_demo: Config) -> None:
    before = open_store(es_demo)
    count = len(before.articles())
    before.close()
    done = newswatch("es", "migrate", "--config", str(es_demo.path))
    assert done.returncode == 0, done.stderr
    prefix = es_demo.store.index_prefix
    assert f"articles: {prefix}-articles-000001 -> {prefix}-articles-000002" in done.stdout
    after = open_store(es_demo)
    try:
        assert len(after.articles()) == count
        assert after.search("Witkoff")
    finally:
        after.close()


def test_es_commands_refuse_a_sqlite_config(demo_config: Config) -> None:
    done = newswatch("es", "migrate", "--config", str(demo_config.path))
    assert done.returncode == 2
    assert "not 'elasticsearch'" in done.stderr
