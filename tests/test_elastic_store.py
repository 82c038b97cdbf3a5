"""What only the Elasticsearch store does, against the real node of the test run: index design, optimistic
concurrency between two writers, the spool when the cluster is unreachable, migration, comparison queries."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from dataclasses import replace
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from elasticsearch import ApiError, BadRequestError, Elasticsearch

from newswatch.esnode import free_port
from pipelines.models import StoreOutcome
from pipelines.store import elastic
from pipelines.store.elastic import ElasticStore, IndexingError, UnavailableError
from tests.conftest import EsEndpoint, elastic_store
from tests.contracts.test_store import T0, article, digest


@pytest.fixture
def store(es_node: EsEndpoint, es_prefix: str, tmp_path: Path):
    s = elastic_store(es_node, es_prefix, tmp_path / "spool")
    yield s
    s.close()


def dead_store(prefix: str, spool: Path) -> ElasticStore:
    """A store whose cluster is unreachable: nothing listens on its port."""
    client = Elasticsearch(f"http://127.0.0.1:{free_port()}", request_timeout=5, max_retries=0)
    return ElasticStore(client, prefix=prefix, spool_dir=spool, retry_after_s=3600)


# -- index design ------------------------------------------------------------------------------
def test_each_kind_is_a_versioned_index_behind_an_alias_with_a_strict_mapping(store: ElasticStore) -> None:
    store.upsert(article("https://n.example/a", "Text."))
    store.upsert_divergences([], T0)
    client = store.client
    assert set(client.indices.get_alias(name=store.alias("articles"))) == {f"{store.prefix}-articles-000001"}
    mapping = client.indices.get_mapping(index=store.alias("articles"))[f"{store.prefix}-articles-000001"]["mappings"]
    assert mapping["dynamic"] == "strict"
    assert mapping["properties"]["title"]["fields"]["raw"]["type"] == "keyword"
    assert mapping["_meta"]["mapping_version"] == elastic.MAPPING_VERSION
    with pytest.raises(BadRequestError, match="strict_dynamic_mapping_exception"):
        client.index(index=store.alias("articles"), id="x", document={"id": "x", "invented_field": 1})


def test_english_analysis_is_used_only_where_the_cluster_has_it(store: ElasticStore) -> None:
    store.upsert(article("https://n.example/a", "Hostages were running."))
    try:
        store.client.indices.analyze(analyzer="english", text="running")
        has_english = True
    except ApiError:
        has_english = False  # the integ-test distribution: no analysis-common module
    expected = "english" if has_english else "standard"
    assert store.analyzer == expected
    tokens = store.client.indices.analyze(index=store.alias("articles"), field="text", text="Hostages were running")
    words = [t["token"] for t in tokens["tokens"]]
    assert words == (["hostag", "run"] if has_english else ["hostages", "were", "running"])


def test_a_refused_document_is_named_and_the_rest_of_the_batch_is_stored(store: ElasticStore) -> None:
    good = article("https://n.example/good", "Fine.")
    bad = replace(article("https://n.example/bad", "Fine too."), url="https://n.example/" + "x" * 40_000)
    with pytest.raises(IndexingError) as caught:
        store.upsert_many([good, bad])
    assert [e[1] for e in caught.value.errors] == [bad.id]
    assert "failed to parse field [url]" in caught.value.errors[0][2]
    assert len(str(caught.value)) < 1000
    assert store.get(good.id) is not None
    assert store.get(bad.id) is None
    (kept,) = caught.value.kept_in.read_text(encoding="utf-8").splitlines()  # nothing is lost
    assert json.loads(kept)["article"]["url"] == bad.url


# -- optimistic concurrency --------------------------------------------------------------------
def test_a_writer_that_lost_the_race_retries_on_the_newer_revision(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    first = elastic_store(es_node, es_prefix, tmp_path / "a")
    second = elastic_store(es_node, es_prefix, tmp_path / "b")
    a = article("https://n.example/a", "Version one.")
    first.upsert(a)
    interleaved = []

    def other_writer_gets_in_first(article_id: str) -> None:
        if not interleaved:  # only on the first attempt: between first's read and its write
            interleaved.append(article_id)
            assert second.upsert(replace(a, text="Version two, by the second worker.")) is StoreOutcome.REVISED

    first.before_commit = other_writer_gets_in_first
    assert first.upsert(replace(a, text="Version three, by the first worker.")) is StoreOutcome.REVISED
    assert first.stats["version_conflicts"] == 1
    history = first.revisions(a.id)
    assert [r.revision for r in history] == [1, 2, 3]
    assert [r.text.split(",")[0] for r in history] == ["Version one.", "Version two", "Version three"]
    first.close()
    second.close()


def test_two_stores_racing_on_one_article_lose_no_revision(es_node: EsEndpoint, es_prefix: str, tmp_path: Path) -> None:
    stores = [elastic_store(es_node, es_prefix, tmp_path / str(i)) for i in range(2)]
    base = article("https://n.example/a", "Version zero.")
    stores[0].upsert(base)
    start = threading.Barrier(2)
    outcomes: dict[int, list[StoreOutcome]] = {0: [], 1: []}

    def write(worker: int) -> None:
        start.wait()
        for n in range(8):
            text = f"Worker {worker} wrote version {n}."
            outcomes[worker].append(stores[worker].upsert(replace(base, text=text)))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert outcomes[0] + outcomes[1] == [StoreOutcome.REVISED] * 16
    history = stores[0].revisions(base.id)
    assert [r.revision for r in history] == list(range(1, 18))  # no number taken twice, none skipped
    texts = [r.text for r in history]
    assert sorted(texts[1:]) == sorted(f"Worker {w} wrote version {n}." for w in range(2) for n in range(8))
    for w in range(2):  # each worker's own writes appear in the order it made them
        mine = [t for t in texts if t.startswith(f"Worker {w}")]
        assert mine == [f"Worker {w} wrote version {n}." for n in range(8)]
    for s in stores:
        s.close()


# -- the spool ---------------------------------------------------------------------------------
def test_writes_made_while_the_cluster_is_unreachable_are_replayed_in_order_once(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    offline = dead_store(es_prefix, spool)
    a = article("https://n.example/a", "First text.")
    assert offline.upsert(a) is StoreOutcome.SPOOLED
    assert (
        offline.upsert_many([replace(a, text="Second text."), article("https://s.example/b", "B.")])
        == [StoreOutcome.SPOOLED] * 2
    )
    offline.mark_duplicate(article("https://s.example/b", "B.").id, a.id)
    assert offline.outbox_add(digest("m1")) is True
    assert offline.outbox_add(digest("m1")) is False  # already waiting in the spool: not recorded twice
    offline.outbox_mark_sent("m1", "desk@example.org", T0)
    offline.record_run("crawl", T0, {"pages": 2})
    with pytest.raises(UnavailableError, match="unreachable"):
        offline.articles()
    offline.close()  # cannot replay: keeps the spool
    assert offline.spool.pending()
    kept = tmp_path / "spool-copy.jsonl"
    shutil.copyfile(offline.spool.path, kept)

    online = elastic_store(es_node, es_prefix, spool)
    assert online.replay_spool() == 6
    assert not online.spool.pending()
    assert [r.text for r in online.revisions(a.id)] == ["First text.", "Second text."]
    b = online.get(article("https://s.example/b", "B.").id)
    assert b is not None
    assert b.duplicate_of == a.id
    (pending,) = online.outbox_pending()
    assert pending.pending == ("editor@example.org",)
    assert online.runs()[0]["stats"] == {"pages": 2}

    # a crash after applying but before the spool was removed: the same records come back
    shutil.copyfile(kept, spool / "spool.jsonl")
    assert online.replay_spool() == 6
    assert [r.text for r in online.revisions(a.id)] == ["First text.", "Second text."]
    assert len(online.articles()) == 2
    assert len(online.outbox_pending()) == 1
    online.close()


def test_while_anything_is_spooled_later_writes_queue_behind_it(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    offline = dead_store(es_prefix, spool)
    a = article("https://n.example/a", "Old words.")
    offline.upsert(a)
    offline.close()
    online = elastic_store(es_node, es_prefix, spool)
    # the first write after the outage replays the spool first, so it lands on top of it
    assert online.upsert(replace(a, text="New words.")) is StoreOutcome.REVISED
    assert [r.text for r in online.revisions(a.id)] == ["Old words.", "New words."]
    online.close()


def test_a_spooled_write_the_cluster_refuses_is_kept_aside_and_does_not_block_the_rest(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    spool = tmp_path / "spool"
    offline = dead_store(es_prefix, spool)
    bad = replace(article("https://n.example/bad", "Bad."), url="https://n.example/" + "x" * 40_000)
    good = article("https://n.example/good", "Good.")
    offline.upsert_many([good, bad])
    offline.upsert(article("https://n.example/later", "Later."))
    offline.client.close()
    online = elastic_store(es_node, es_prefix, spool)
    assert online.replay_spool() == 2
    assert not online.spool.pending()
    assert sorted(a.url for a in online.articles()) == ["https://n.example/good", "https://n.example/later"]
    (kept,) = (spool / "refused.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(kept)["article"]["url"] == bad.url
    online.close()


# -- migration ---------------------------------------------------------------------------------
def test_migrate_copies_into_the_next_version_and_swaps_the_alias(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = elastic_store(es_node, es_prefix, tmp_path / "spool")
    a = article("https://n.example/a", "The truce holds.")
    store.upsert(a)
    store.upsert(replace(a, text="The truce collapsed."))
    store.upsert(article("https://s.example/b", "Harbour news.", outlet="south"))
    store.outbox_add(digest("m1"))
    store.close()

    monkeypatch.setattr(elastic, "MAPPING_VERSION", elastic.MAPPING_VERSION + 1)  # a mapping change ships
    upgraded = elastic_store(es_node, es_prefix, tmp_path / "spool")
    moved = upgraded.migrate()
    assert moved["articles"] == (f"{es_prefix}-articles-000001", f"{es_prefix}-articles-000002")
    assert set(moved) == {"articles", "revisions", "outbox"}  # the kinds in use
    client = upgraded.client
    assert set(client.indices.get_alias(name=upgraded.alias("articles"))) == {f"{es_prefix}-articles-000002"}
    assert not client.indices.exists(index=f"{es_prefix}-articles-000001")
    meta = client.indices.get_mapping(index=f"{es_prefix}-articles-000002")[f"{es_prefix}-articles-000002"]
    assert meta["mappings"]["_meta"]["mapping_version"] == elastic.MAPPING_VERSION
    assert [h.article.url for h in upgraded.search("truce")] == [a.url]
    assert [r.text for r in upgraded.revisions(a.id)] == ["The truce holds.", "The truce collapsed."]
    assert [m.id for m in upgraded.outbox_pending()] == ["m1"]
    assert upgraded.upsert(replace(a, text="Talks resume.")) is StoreOutcome.REVISED  # writes go to the new index
    assert upgraded.get(a.id).revision == 3
    upgraded.close()


# -- comparison queries ------------------------------------------------------------------------
def test_significant_terms_show_the_words_one_outlet_uses_for_a_story(store: ElasticStore) -> None:
    texts = {
        "north": ["The massacre in the camp left families grieving.", "Witnesses described the massacre at dawn."],
        "south": ["The incident in the camp left families grieving.", "Witnesses described the incident at dawn."],
        "west": ["The incident at the camp is under investigation.", "Officials called it an incident."],
    }
    items = [
        article(f"https://{outlet}.example/{i}", text, outlet=outlet, hours=i)
        for outlet, lines in texts.items()
        for i, text in enumerate(lines)
    ]
    store.upsert_many(items)
    store.upsert(article("https://north.example/other", "A massacre of prices at the sales.", outlet="north"))
    store.label([a.id for a in items], story="camp")
    terms = [t for t, _ in store.significant_terms("camp", "north")]
    assert terms[0] == "massacre"
    assert "incident" not in terms
    assert "incident" in [t for t, _ in store.significant_terms("camp", "south")]


def test_similar_finds_the_same_story_in_other_outlets_within_the_window(store: ElasticStore) -> None:
    story = "Hamas and Israel agreed a sixty day truce in Gaza after talks in Doha mediated by Qatar and Egypt."
    a = article("https://n.example/a", story, hours=0)
    b = article("https://s.example/b", story.replace("agreed", "accepted"), outlet="south", hours=5)
    same_outlet = article("https://n.example/c", story, hours=6)
    late = article("https://w.example/d", story, outlet="west", hours=24 * 5)
    other = article("https://w.example/e", "The harbour authority opened a new ferry terminal.", outlet="west")
    store.upsert_many([a, b, same_outlet, late, other])
    assert [x.url for x, _ in store.similar(a.id)] == [b.url]
    assert {x.url for x, _ in store.similar(a.id, other_outlets=False)} == {b.url, same_outlet.url}
    assert {x.url for x, _ in store.similar(a.id, window=timedelta(days=7))} == {b.url, late.url}


# -- retries -----------------------------------------------------------------------------------
class FlakyProxy(BaseHTTPRequestHandler):
    """Forwards to the real node, but answers the first bulk requests with 429 and 503 (an overloaded cluster)."""

    upstream: ClassVar[str]
    failures: ClassVar[list[int]]
    seen: ClassVar[list[tuple[str, int]]]

    def log_message(self, *args: object) -> None:
        pass

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if "_bulk" in self.path and self.failures:
            status = self.failures.pop(0)
            self.seen.append((self.path, status))
            data = json.dumps(
                {"error": {"type": "es_rejected_execution_exception", "reason": "busy"}, "status": status}
            )
            return self._reply(status, {"Content-Type": "application/json"}, data.encode())
        self.seen.append((self.path, 200))
        connection = http.client.HTTPConnection(urlsplit(self.upstream).netloc, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        connection.request(self.command, self.path, body=body or None, headers=headers)
        response = connection.getresponse()
        data = response.read()
        keep = {k: v for k, v in response.getheaders() if k.lower() == "content-type"}
        connection.close()
        return self._reply(response.status, keep, data)

    def _reply(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for key, value in {**headers, "X-Elastic-Product": "Elasticsearch"}.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_HEAD(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()


def test_bulk_requests_refused_as_overloaded_are_retried_with_backoff(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    handler = type("Handler", (FlakyProxy,), {"upstream": es_node.url, "failures": [429, 503, 429], "seen": []})
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        client = Elasticsearch(f"http://127.0.0.1:{proxy.server_address[1]}", request_timeout=60)
        store = ElasticStore(client, prefix=es_prefix, spool_dir=tmp_path / "spool")
        items = [article(f"https://n.example/{i}", f"Text {i}.") for i in range(5)]
        assert store.upsert_many(items) == [StoreOutcome.NEW] * 5
        assert not store.spool.pending()  # retried, not given up and spooled
        assert [s for p, s in handler.seen if "_bulk" in p] == [429, 503, 429, 200]
        assert len(store.articles()) == 5
        store.close()
    finally:
        proxy.shutdown()
        proxy.server_close()
