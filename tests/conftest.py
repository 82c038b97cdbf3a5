"""Shared fixtures: the demo newsroom served for real on 127.0.0.1, and configs pointing at it."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from examples.newsroom import Newsroom, NewsroomServer, load_newsroom
from newswatch.esnode import ElasticsearchNode, NodeOptions
from pipelines.config import Config, load_config
from pipelines.store.elastic import ElasticStore
from tests.pgserver import PostgresError, PostgresServer


@pytest.fixture(scope="session")
def newsroom() -> Newsroom:
    return load_newsroom()


@pytest.fixture
def newsroom_server(newsroom: Newsroom) -> Iterator[NewsroomServer]:
    """A newsroom of its own for each test, so clocks and request logs do not leak between tests."""
    with NewsroomServer(newsroom) as server:
        yield server


@pytest.fixture
def demo_config(newsroom_server: NewsroomServer, tmp_path: Path) -> Config:
    return load_config(newsroom_server.write_config(tmp_path / "newswatch.toml"))


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port for this test session (tests/run.sh installs it).

    A missing redis-server is a failure, not a skip: distributed mode is part of what is tested.
    """
    import shutil
    import socket
    import subprocess
    import time

    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (tests/run.sh installs the Debian package redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    workdir = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
               "--dir", str(workdir)]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as server:
        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start on port {port}")
                time.sleep(0.05)  # polling a condition with a deadline, not a timed wait
        client.close()
        try:
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for this test session (Debian's package; tests/run.sh installs it).

    A server that cannot start is a failure, not a skip: the PostgreSQL job store is part of what is tested."""
    try:
        with PostgresServer() as server:
            yield server
    except PostgresError as exc:
        pytest.fail(str(exc))


# -- Elasticsearch: one real node per test run -----------------------------------------------
@dataclass
class EsEndpoint:
    """Where the test node listens; ``node`` is None when ES_URL points at a node we do not own."""

    url: str
    node: ElasticsearchNode | None


@pytest.fixture(scope="session")
def es_node() -> Iterator[EsEndpoint]:
    """A real Elasticsearch node for the whole run: ``$ES_URL`` if set, else one started here.

    A node that cannot be started is an error, never a skip: the tests that need it fail."""
    if url := os.environ.get("ES_URL"):
        yield EsEndpoint(url.rstrip("/"), None)
        return
    node = ElasticsearchNode(NodeOptions())
    try:
        node.start()
        yield EsEndpoint(node.url, node)
    finally:
        node.stop(remove=True)


@pytest.fixture
def es_prefix(es_node: EsEndpoint) -> Iterator[str]:
    """A fresh index prefix per test (its indices and templates are dropped afterwards)."""
    prefix = "nwt" + uuid.uuid4().hex[:12]
    yield prefix
    client = Elasticsearch(es_node.url, request_timeout=60)
    try:
        ElasticStore(client, prefix=prefix, spool_dir=Path(tempfile.gettempdir())).drop()
    finally:
        client.close()


@pytest.fixture
def killable_node(es_node: EsEndpoint) -> Iterator[ElasticsearchNode]:
    """The run's node when we own it (restarted by the test), else one of our own."""
    if es_node.node is not None:
        yield es_node.node
        es_node.node.start()  # whatever happened, later tests get their node back
        return
    with ElasticsearchNode(NodeOptions()) as node:
        yield node


def elastic_store(es_node: EsEndpoint, prefix: str, spool_dir: Path, **options: object) -> ElasticStore:
    return ElasticStore(Elasticsearch(es_node.url, request_timeout=60), prefix=prefix, spool_dir=spool_dir, **options)  # type: ignore[arg-type]
