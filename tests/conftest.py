"""Shared fixtures: the demo newsroom served for real on 127.0.0.1, and configs pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from examples.newsroom import Newsroom, NewsroomServer, load_newsroom
from pipelines.config import Config, load_config


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
