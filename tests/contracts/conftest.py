"""One store fixture, parametrized over every backend: the contract tests run on each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pipelines.store import SQLiteStore, Store


@pytest.fixture(params=["sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = SQLiteStore(tmp_path / "db" / "newswatch.db")
    yield s
    s.close()
