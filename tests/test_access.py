"""Pages that cannot be read whole are recognised and stored as such, never as an article's full text."""

from __future__ import annotations

from pathlib import Path

from crawler import run_crawl
from pipelines.config import load_config
from pipelines.models import AccessState
from pipelines.store import open_store
from tests.edgeserver import EdgeServer, edge_config

PAGES = {
    "/paywall": AccessState.PAYWALL,
    "/consent": AccessState.CONSENT_WALL,
    "/blocked": AccessState.BOT_BLOCK,
    "/soft404": AccessState.SOFT_404,
    "/truncated": AccessState.TRUNCATED,
    "/a/fine": AccessState.FULL,
}


def test_access_states_are_recognised_and_stored(tmp_path: Path) -> None:
    with EdgeServer(list(PAGES)) as server:
        path = edge_config(tmp_path, {"edge": server})
        result = run_crawl(path)
        origin = server.origin
    store = open_store(load_config(path))
    try:
        states = {a.url.removeprefix(origin): a.access_state for a in store.articles()}
    finally:
        store.close()
    assert states == PAGES
    blocked = result.outlet_stats["edge"]["blocked"]
    assert blocked == {state.value: 1 for state in PAGES.values() if state is not AccessState.FULL}
