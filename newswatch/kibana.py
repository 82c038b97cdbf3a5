"""Kibana saved objects for the Elasticsearch store, and their import through Kibana's API.

The objects are built here (``saved_objects``) and shipped as ``deploy/kibana/newswatch.ndjson``
(a test keeps the two identical): data views for articles, revisions, claims and divergences,
a saved search over all articles and one per watch, the latest uncorroborated claims, the
latest edits, two Lens charts and a dashboard. Ids are fixed, so a re-import (``overwrite=true``)
updates the same objects instead of adding copies.

``import_saved_objects`` posts NDJSON to ``/api/saved_objects/_import`` as multipart form data
with the ``kbn-xsrf`` header Kibana requires.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import urllib3

from pipelines.config import slugify
from pipelines.errors import NewswatchError

NDJSON = Path(__file__).resolve().parent.parent / "deploy" / "kibana" / "newswatch.ndjson"
CORE_MIGRATION_VERSION = "8.8.0"  # the saved-object format these are written in; Kibana migrates them forward
DATA_VIEWS = {  # kind -> (time field, display name)
    "articles": ("published_at", "newswatch articles"),
    "revisions": ("fetched_at", "newswatch revisions (edits)"),
    "claims": ("first_seen", "newswatch claims"),
    "divergences": ("first_seen", "newswatch divergences"),
}


class KibanaError(NewswatchError):
    """Kibana refused the import or could not be reached."""


def _view_id(prefix: str, kind: str) -> str:
    return f"{prefix}-{kind}"


def _data_view(prefix: str, kind: str) -> dict[str, Any]:
    time_field, name = DATA_VIEWS[kind]
    return {
        "type": "index-pattern",
        "id": _view_id(prefix, kind),
        "attributes": {
            "title": f"{prefix}-{kind}",  # the alias: survives `newswatch es migrate`
            "name": name,
            "timeFieldName": time_field,
            "fields": "[]",
            "fieldFormatMap": json.dumps({"url": {"id": "url"}}) if kind in ("articles", "revisions") else "{}",
            "runtimeFieldMap": "{}",
            "typeMeta": "{}",
        },
        "references": [],
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": "8.0.0",
        "managed": False,
    }


def _search(
    prefix: str, id_: str, title: str, kind: str, columns: list[str], sort: str, query: str = ""
) -> dict[str, Any]:
    source = {
        "query": {"query": query, "language": "kuery"},
        "filter": [],
        "indexRefName": "kibanaSavedObjectMeta.searchSourceJSON.index",
    }
    return {
        "type": "search",
        "id": id_,
        "attributes": {
            "title": title,
            "description": "",
            "columns": columns,
            "sort": [[sort, "desc"]],
            "kibanaSavedObjectMeta": {"searchSourceJSON": json.dumps(source)},
        },
        "references": [
            {
                "name": "kibanaSavedObjectMeta.searchSourceJSON.index",
                "type": "index-pattern",
                "id": _view_id(prefix, kind),
            }
        ],
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": "8.0.0",
        "managed": False,
    }


def _lens_bars(
    prefix: str, id_: str, title: str, kind: str, x: dict[str, Any], breakdown: str, series: str
) -> dict[str, Any]:
    """A stacked bar chart: count of documents over ``x``, split by the top values of ``breakdown``."""
    layer = "layer1"
    columns = {
        "x": x,
        "count": {
            "label": "Count",
            "dataType": "number",
            "operationType": "count",
            "isBucketed": False,
            "scale": "ratio",
            "sourceField": "___records___",
        },
        "split": {
            "label": f"Top values of {breakdown}",
            "dataType": "string",
            "operationType": "terms",
            "sourceField": breakdown,
            "isBucketed": True,
            "scale": "ordinal",
            "params": {"size": 20, "orderBy": {"type": "column", "columnId": "count"}, "orderDirection": "desc"},
        },
    }
    state = {
        "visualization": {
            "preferredSeriesType": series,
            "legend": {"isVisible": True, "position": "right"},
            "layers": [
                {
                    "layerId": layer,
                    "layerType": "data",
                    "seriesType": series,
                    "xAccessor": "x",
                    "accessors": ["count"],
                    "splitAccessor": "split",
                }
            ],
        },
        "query": {"query": "", "language": "kuery"},
        "filters": [],
        "datasourceStates": {
            "formBased": {"layers": {layer: {"columns": columns, "columnOrder": ["x", "split", "count"]}}}
        },
    }
    return {
        "type": "lens",
        "id": id_,
        "attributes": {"title": title, "description": "", "visualizationType": "lnsXY", "state": state},
        "references": [
            {"name": f"indexpattern-datasource-layer-{layer}", "type": "index-pattern", "id": _view_id(prefix, kind)}
        ],
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": "8.9.0",
        "managed": False,
    }


def _dashboard(prefix: str, panels: list[tuple[str, str, dict[str, int]]]) -> dict[str, Any]:
    panel_json, references = [], []
    for n, (kind, object_id, grid) in enumerate(panels, start=1):
        index = str(n)
        panel_json.append(
            {
                "type": kind,
                "gridData": {**grid, "i": index},
                "panelIndex": index,
                "embeddableConfig": {"enhancements": {}},
                "panelRefName": f"panel_{index}",
            }
        )
        references.append({"name": f"{index}:panel_{index}", "type": kind, "id": object_id})
    return {
        "type": "dashboard",
        "id": f"{prefix}-overview",
        "attributes": {
            "title": "newswatch overview",
            "description": "Coverage over time by outlet, divergences by type and outlet, uncorroborated claims, edits",
            "panelsJSON": json.dumps(panel_json),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-30d",
            "timeTo": "now",
            "refreshInterval": {"pause": True, "value": 60000},
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})
            },
        },
        "references": references,
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
        "typeMigrationVersion": "8.9.0",
        "managed": False,
    }


def saved_objects(prefix: str = "newswatch", watches: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every saved object for indices under ``prefix``; one extra saved search per watch name."""
    objects = [_data_view(prefix, kind) for kind in DATA_VIEWS]
    article_columns = ["outlet", "title", "language", "access_state", "url"]
    objects.append(
        _search(
            prefix, f"{prefix}-all-articles", "newswatch: all articles", "articles", article_columns, "published_at"
        )
    )
    for watch in watches:
        objects.append(
            _search(
                prefix,
                f"{prefix}-watch-{slugify(watch)}",
                f"newswatch: watch {watch}",
                "articles",
                article_columns,
                "published_at",
                query=f'watches : "{watch}"',
            )
        )
    uncorroborated = _search(prefix, f"{prefix}-uncorroborated", "newswatch: latest uncorroborated claims",
                             "divergences", ["watch", "outlets", "note", "evidence.sentence", "urls"], "first_seen",
                             query='type : "uncorroborated"')  # fmt: skip
    edit_columns = ["outlet", "title", "revision", "diff_summary", "url"]
    edits = _search(prefix, f"{prefix}-latest-edits", "newswatch: latest edits", "revisions", edit_columns,
                    "fetched_at", query="revision > 1")  # fmt: skip
    coverage = _lens_bars(
        prefix,
        f"{prefix}-coverage-over-time",
        "Coverage over time by outlet",
        "articles",
        {
            "label": "published_at",
            "dataType": "date",
            "operationType": "date_histogram",
            "sourceField": "published_at",
            "isBucketed": True,
            "scale": "interval",
            "params": {"interval": "auto", "includeEmptyRows": True},
        },
        "outlet",
        "bar_stacked",
    )
    by_type = _lens_bars(
        prefix,
        f"{prefix}-divergences-by-type",
        "Divergences by type and outlet",
        "divergences",
        {
            "label": "Top values of type",
            "dataType": "string",
            "operationType": "terms",
            "sourceField": "type",
            "isBucketed": True,
            "scale": "ordinal",
            "params": {"size": 12, "orderBy": {"type": "alphabetical"}, "orderDirection": "asc"},
        },
        "outlets",
        "bar_horizontal_stacked",
    )
    objects += [uncorroborated, edits, coverage, by_type]
    objects.append(
        _dashboard(
            prefix,
            [
                ("lens", coverage["id"], {"x": 0, "y": 0, "w": 48, "h": 14}),
                ("lens", by_type["id"], {"x": 0, "y": 14, "w": 24, "h": 16}),
                ("search", uncorroborated["id"], {"x": 24, "y": 14, "w": 24, "h": 16}),
                ("search", edits["id"], {"x": 0, "y": 30, "w": 48, "h": 16}),
            ],
        )
    )
    return objects


def to_ndjson(objects: Iterable[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(o, sort_keys=True, ensure_ascii=False) + "\n" for o in objects).encode("utf-8")


@dataclass(frozen=True)
class ImportResult:
    success_count: int
    errors: list[dict[str, Any]]


def import_saved_objects(
    url: str,
    ndjson: bytes,
    *,
    space: str | None = None,
    api_key: str | None = None,
    username: str | None = None,
    password: str | None = None,
    ca_certs: str | None = None,
    timeout_s: float = 60.0,
) -> ImportResult:
    """POST the objects to Kibana's import API with ``overwrite=true``; KibanaError if any is refused."""
    base = url.rstrip("/") + (f"/s/{space}" if space else "")
    headers = {"kbn-xsrf": "true"}  # Kibana refuses API writes without it (CSRF protection)
    if api_key:
        headers["Authorization"] = f"ApiKey {api_key}"
    elif username:
        headers |= urllib3.make_headers(basic_auth=f"{username}:{password or ''}")
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(total=timeout_s),
        retries=urllib3.Retry(total=3, backoff_factor=0.5, status_forcelist=(502, 503, 504), allowed_methods=None),
        ca_certs=ca_certs,
    )
    try:
        response = http.request(
            "POST",
            f"{base}/api/saved_objects/_import?overwrite=true",
            fields={"file": ("newswatch.ndjson", ndjson, "application/ndjson")},
            headers=headers,
        )
    except urllib3.exceptions.HTTPError as exc:
        raise KibanaError(f"cannot reach Kibana at {url}: {exc}") from exc
    try:
        body = json.loads(response.data or b"{}")
    except ValueError:
        body = {}
    if response.status != 200:
        message = body.get("message") or response.data[:300].decode("utf-8", "replace")
        raise KibanaError(f"Kibana at {url} answered {response.status}: {message}")
    errors = list(body.get("errors") or [])
    if not body.get("success", False) or errors:
        shown = "; ".join(
            f"{e.get('type')}/{e.get('id')}: {e.get('error', {}).get('type', e.get('error'))}" for e in errors[:5]
        )
        raise KibanaError(f"Kibana refused {len(errors)} saved object(s): {shown or body}")
    return ImportResult(int(body.get("successCount", 0)), errors)


def credentials_from_env() -> dict[str, str | None]:
    """Kibana credentials from the environment (never from the command line, where ps would show them)."""
    return {
        "api_key": os.environ.get("NEWSWATCH_KIBANA_API_KEY") or None,
        "username": os.environ.get("NEWSWATCH_KIBANA_USERNAME") or None,
        "password": os.environ.get("NEWSWATCH_KIBANA_PASSWORD") or None,
    }
