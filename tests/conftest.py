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
