"""What only the SQLite store does (the shared behaviour is in tests/contracts/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.store import SQLiteStore


def test_an_unwritable_location_is_a_store_error(tmp_path: Path) -> None:
    from pipelines.errors import StoreError

    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(StoreError, match="cannot open the SQLite store"):
        SQLiteStore(blocker / "db.sqlite")
