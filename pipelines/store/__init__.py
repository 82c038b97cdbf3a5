"""Stores: one interface (:class:`Store`), an embedded SQLite default, Elasticsearch for clusters."""

from __future__ import annotations

from pipelines.config import Config
from pipelines.errors import StoreError
from pipelines.store.base import SearchHit, Store
from pipelines.store.sqlite import SQLiteStore

__all__ = ["SQLiteStore", "SearchHit", "Store", "open_store"]


def open_store(config: Config) -> Store:
    """The store the config names."""
    if config.store.backend == "sqlite":
        return SQLiteStore(config.store_path)
    raise StoreError(
        f"{config.path}: store.backend = {config.store.backend!r} is not available in this version;"
        " use the default 'sqlite'"
    )
