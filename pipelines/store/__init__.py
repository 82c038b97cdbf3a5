"""Stores: one interface (:class:`Store`), an embedded SQLite default, Elasticsearch for clusters."""

from __future__ import annotations

from pipelines.config import Config
from pipelines.store.base import HIGHLIGHT, SearchHit, Store
from pipelines.store.sqlite import SQLiteStore

__all__ = ["HIGHLIGHT", "SQLiteStore", "SearchHit", "Store", "open_store"]


def open_store(config: Config) -> Store:
    """The store the config names."""
    if config.store.backend == "elasticsearch":
        # imported here: the SQLite default must not pay for the Elasticsearch client
        from pipelines.store.elastic import ElasticStore

        return ElasticStore.from_config(config)
    return SQLiteStore(config.store_path)
