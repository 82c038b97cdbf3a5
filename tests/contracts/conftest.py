"""One store fixture, parametrized over every backend: the contract tests run on each.

The Elasticsearch parameter talks to the real node of the test run (``es_node``); each test
gets indices of its own under a fresh prefix.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.store import SQLiteStore, Store
from tests.conftest import elastic_store


@pytest.fixture(params=["sqlite", "elasticsearch"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store
    if request.param == "elasticsearch":
        s = elastic_store(request.getfixturevalue("es_node"), request.getfixturevalue("es_prefix"), tmp_path / "spool")
    else:
        s = SQLiteStore(tmp_path / "db" / "newswatch.db")
    yield s
    s.close()
