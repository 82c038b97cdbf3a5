"""Indexing and query speed of both stores on the same synthetic articles.

    python bench/index.py [--docs 20000] [--batch 1000] [--queries 50] [--warmup 20000]

Builds ``--docs`` article records (deterministic pseudo-random text over a Zipf-like vocabulary,
about 400 words each, 40 outlets, stories of ~50 articles), indexes them into a fresh SQLite
store and into Elasticsearch (``$ES_URL``, else a node this script starts and stops) with
``upsert_many`` in batches (Elasticsearch after a warm-up of ``--warmup`` other articles: its JVM
compiles its hot paths over the first tens of thousands; the cold rate is printed too), labels
each story, then times searches and the fetch of one story's articles. Prints docs/s, the CPU
time per document (ours plus the node's, which moves less than wall-clock rates on a machine
shared with other work), p50/p95
latencies and the size on disk per store, the ratio between the stores, and as the last line one
JSON object with the figures (``es_docs_per_s``, ``sqlite_docs_per_s``, ...). Goals on the 2-core
reference machine: Elasticsearch >= 3,000 docs/s, SQLite >= 5,000 docs/s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from elasticsearch import Elasticsearch

from bench._common import finish
from newswatch.esnode import ElasticsearchNode, NodeOptions
from pipelines.models import Article
from pipelines.store import SQLiteStore, Store
from pipelines.store.elastic import ElasticStore
from pipelines.urls import article_id

T0 = datetime(2025, 7, 1, tzinfo=UTC)


def vocabulary(rng: random.Random, size: int = 6000) -> list[str]:
    letters = "etaoinshrdlucmfwypvbgkjqxz"
    words: set[str] = set()
    while len(words) < size:
        n = rng.choice((3, 4, 5, 5, 6, 6, 7, 8, 9, 10))
        words.add("".join(rng.choice(letters[: 10 + n]) for _ in range(n)))
    return sorted(words)


def make_articles(n: int, seed: int = 7) -> tuple[list[Article], dict[str, list[str]]]:
    """``n`` articles and ``{story: [article ids]}``; the same seed gives the same records."""
    rng = random.Random(seed)
    words = vocabulary(rng)
    weights = [1 / (rank + 1) for rank in range(len(words))]  # Zipf-like: a few words are everywhere
    outlets = [f"outlet-{i:02d}" for i in range(40)]
    stories: dict[str, list[str]] = {}
    articles = []
    for i in range(n):
        story = f"story-{i % max(1, n // 50):04d}"
        topic = random.Random(story).sample(words[200:], 12)  # each story has its own words
        body_words = rng.choices(words, weights=weights, k=380) + rng.choices(topic, k=30)
        rng.shuffle(body_words)
        sentences = [" ".join(body_words[j : j + 16]).capitalize() + "." for j in range(0, len(body_words), 16)]
        paragraphs = "\n".join(" ".join(sentences[j : j + 4]) for j in range(0, len(sentences), 4))
        outlet = outlets[i % len(outlets)]
        url = f"https://{outlet}.example/news/{i}"
        published = T0 + timedelta(minutes=rng.randrange(60 * 24 * 30))
        articles.append(
            Article(
                id=article_id(url),
                outlet=outlet,
                url=url,
                canonical_url=url,
                title=" ".join(rng.sample(topic, 4) + rng.choices(words[:500], k=4)).capitalize(),
                text=paragraphs,
                fetched_at=published + timedelta(minutes=20),
                published_at=published,
                authors=(f"Reporter {i % 97}",),
                language="en",
            )
        )
        stories.setdefault(story, []).append(articles[-1].id)
    return articles, stories


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def server_cpu_s(store: Store) -> float:
    """CPU seconds the Elasticsearch node has used so far (0 for an embedded store)."""
    if not isinstance(store, ElasticStore):
        return 0.0
    stats = store.client.nodes.stats(metric="process")
    return sum(n["process"]["cpu"]["total_in_millis"] for n in stats["nodes"].values()) / 1000


def run(
    store: Store, articles: list[Article], stories: dict[str, list[str]], args: argparse.Namespace
) -> dict[str, Any]:
    started, cpu, server = time.perf_counter(), time.process_time(), server_cpu_s(store)
    for i in range(0, len(articles), args.batch):
        store.upsert_many(articles[i : i + args.batch])
    store.flush()
    index_s = time.perf_counter() - started
    # CPU seconds spent, ours and the node's: on a shared machine wall-clock rates move with the neighbours' load
    cpu_s = time.process_time() - cpu + server_cpu_s(store) - server
    label_s = timed(lambda: [store.label(ids, story=story) for story, ids in stories.items()])
    store.flush()
    rng = random.Random(11)
    words = sorted({w for a in articles[:200] for w in a.title.lower().split()})
    queries = [" ".join(rng.sample(words, 2)) for _ in range(args.queries)]
    search = [timed(lambda q=q: store.search(q, limit=20)) for q in queries]
    picked = rng.sample(sorted(stories), min(args.queries, len(stories)))
    fetch = [timed(lambda s=s: store.articles(story=s)) for s in picked]
    assert all(len(store.articles(story=s)) == len(stories[s]) for s in picked[:3])
    return {
        "docs_per_s": round(len(articles) / index_s),
        "index_s": round(index_s, 2),
        "cpu_ms_per_doc": round(1000 * cpu_s / len(articles), 3),
        "label_s": round(label_s, 2),
        "search_p50_ms": round(1000 * percentile(search, 50), 1),
        "search_p95_ms": round(1000 * percentile(search, 95), 1),
        "story_p50_ms": round(1000 * percentile(fetch, 50), 1),
        "story_p95_ms": round(1000 * percentile(fetch, 95), 1),
    }


def print_row(name: str, figures: dict[str, Any]) -> None:
    print(
        f"{name:<14} {figures['docs_per_s']:>8,} docs/s  ({figures['index_s']} s, "
        f"{figures['cpu_ms_per_doc']} CPU ms/doc; labels {figures['label_s']} s)  "
        f"search p50 {figures['search_p50_ms']} ms p95 {figures['search_p95_ms']} ms  "
        f"story p50 {figures['story_p50_ms']} ms p95 {figures['story_p95_ms']} ms  "
        f"{figures['size_mb']} MB on disk"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=1000, help="articles per upsert_many call")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--heap-mb", type=int, default=1024, help="heap of the node this script starts")
    parser.add_argument("--warmup", type=int, default=20_000, help="articles indexed (and dropped) before measuring ES")
    args = parser.parse_args()
    articles, stories = make_articles(args.docs)
    text_mb = sum(len(a.text.encode()) for a in articles) / 1e6
    print(f"{len(articles):,} articles ({text_mb:.1f} MB of text) in {len(stories)} stories, batches of {args.batch}")
    figures: dict[str, Any] = {"docs": len(articles), "batch": args.batch, "es_warmup_docs": args.warmup}

    with tempfile.TemporaryDirectory() as folder:
        sqlite = SQLiteStore(Path(folder) / "bench.db")
        result = run(sqlite, articles, stories, args)
        sqlite.close()
        result["size_mb"] = round(sum(p.stat().st_size for p in Path(folder).glob("bench.db*")) / 1e6, 1)
    print_row("SQLite (FTS5)", result)
    figures |= {f"sqlite_{k}": v for k, v in result.items()}

    node = None
    url = os.environ.get("ES_URL")
    if not url:
        node = ElasticsearchNode(NodeOptions(heap_mb=args.heap_mb))
        started = time.perf_counter()
        node.start()
        print(f"started Elasticsearch at {node.url} in {time.perf_counter() - started:.0f} s")
        url = node.url
    try:
        with tempfile.TemporaryDirectory() as folder:
            client = Elasticsearch(url, request_timeout=120)
            if args.warmup:  # a fresh JVM compiles its hot paths over the first tens of thousands of documents
                warm = ElasticStore(client, prefix="benchwarm" + uuid.uuid4().hex[:8], spool_dir=Path(folder) / "w")
                warm_articles, _ = make_articles(args.warmup, seed=3)
                started = time.perf_counter()
                for i in range(0, len(warm_articles), args.batch):
                    warm.upsert_many(warm_articles[i : i + args.batch])
                warm.flush()
                cold = round(len(warm_articles) / (time.perf_counter() - started))
                warm.drop()
                figures["es_cold_docs_per_s"] = cold
                print(f"warm-up: {args.warmup:,} other articles into a fresh node at {cold:,} docs/s (a cold JVM)")
            es = ElasticStore(client, prefix="bench" + uuid.uuid4().hex[:8], spool_dir=Path(folder) / "spool")
            try:
                result = run(es, articles, stories, args)
                es.client.indices.flush(index=f"{es.prefix}-*")
                result["size_mb"] = round(sum(es.index_sizes().values()) / 1e6, 1)
                result["analyzer"] = es.analyzer
            finally:
                es.drop()
                es.close()
    finally:
        if node is not None:
            node.stop(remove=True)
    print_row("Elasticsearch", result)
    figures |= {f"es_{k}": v for k, v in result.items()}
    ratio = figures["es_docs_per_s"] / figures["sqlite_docs_per_s"]
    print(f"Elasticsearch indexes at {ratio:.2f}x the SQLite rate; goals: ES >= 3,000, SQLite >= 5,000 docs/s")
    cores = os.cpu_count() or 1
    print(f"load average when done: {os.getloadavg()[0]:.1f} on {cores} cores; CPU-bound ceilings on idle cores: "
          f"Elasticsearch {1000 * cores / figures['es_cpu_ms_per_doc']:,.0f} docs/s, "
          f"SQLite {1000 / figures['sqlite_cpu_ms_per_doc']:,.0f} docs/s")  # fmt: skip
    figures["load_avg_1m"] = round(os.getloadavg()[0], 1)
    figures["es_to_sqlite_ratio"] = round(ratio, 2)
    figures["median_search_ratio"] = round(figures["es_search_p50_ms"] / max(figures["sqlite_search_p50_ms"], 0.01), 2)
    finish(figures)


if __name__ == "__main__":
    main()
