"""Kibana saved objects: stable ids, references that resolve, fields that exist in the REAL index mappings
(read from the test node), and the import command.

Kibana itself cannot run here (no Docker engine, no Kibana package), so the import is tested against a small
fake HTTP server on 127.0.0.1 that checks what Kibana checks: the ``kbn-xsrf`` header and a multipart form with
the NDJSON in its ``file`` field. Everything else is checked against the real Elasticsearch node.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest

from newswatch.kibana import NDJSON, KibanaError, import_saved_objects, saved_objects, to_ndjson
from pipelines.store.elastic import KINDS, TIME_FIELDS
from tests.conftest import EsEndpoint, elastic_store

ROOT = Path(__file__).resolve().parent.parent
STABLE_IDS = [
    "newswatch-articles",
    "newswatch-revisions",
    "newswatch-claims",
    "newswatch-divergences",
    "newswatch-all-articles",
    "newswatch-uncorroborated",
    "newswatch-latest-edits",
    "newswatch-coverage-over-time",
    "newswatch-divergences-by-type",
    "newswatch-overview",
]
DATE_TYPES = {"date", "date_nanos"}
AGGREGATABLE = {"keyword", "date", "date_nanos", "integer", "long", "float", "double", "boolean"}


def shipped() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NDJSON.read_text(encoding="utf-8").splitlines()]


def test_the_shipped_ndjson_is_what_the_code_builds_with_stable_ids() -> None:
    assert NDJSON.read_bytes() == to_ndjson(saved_objects()), "regenerate deploy/kibana/newswatch.ndjson"
    assert [o["id"] for o in shipped()] == STABLE_IDS
    for o in shipped():
        assert {"type", "id", "attributes", "references"} <= set(o)


def test_every_reference_resolves_inside_the_file() -> None:
    objects = {(o["type"], o["id"]): o for o in saved_objects("newswatch", ["gaza-ceasefire"])}
    for (kind, id_), o in objects.items():
        for ref in o["references"]:
            assert (ref["type"], ref["id"]) in objects, f"{kind}/{id_} refers to missing {ref}"
    dashboard = objects[("dashboard", "newswatch-overview")]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    names = {r["name"] for r in dashboard["references"]}
    assert {f"{p['panelIndex']}:{p['panelRefName']}" for p in panels} == names
    assert {p["type"] for p in panels} == {"lens", "search"}
    assert ("search", "newswatch-watch-gaza-ceasefire") in objects


def kql_fields(query: str) -> set[str]:
    return set(re.findall(r"([A-Za-z_][\w.]*)\s*(?::|[<>]=?)", query))


def test_every_field_the_objects_use_exists_in_the_real_mappings_with_a_fitting_type(
    es_node: EsEndpoint, es_prefix: str, tmp_path: Path
) -> None:
    store = elastic_store(es_node, es_prefix, tmp_path / "spool")
    caps: dict[str, dict[str, str]] = {}
    for kind in KINDS:
        alias = store._idx(kind)
        fields = store.client.field_caps(index=alias, fields="*")["fields"]
        caps[alias] = {name: next(iter(types)) for name, types in fields.items() if not name.startswith("_")}
    store.close()
    objects = saved_objects(es_prefix, ["gaza-ceasefire"])
    views = {o["id"]: o["attributes"] for o in objects if o["type"] == "index-pattern"}

    def fields_of(view_id: str) -> dict[str, str]:
        return caps[views[view_id]["title"]]

    checked = 0
    for view_id, attributes in views.items():
        kind = attributes["title"].removeprefix(es_prefix + "-")
        assert attributes["timeFieldName"] == TIME_FIELDS[kind]
        assert fields_of(view_id)[attributes["timeFieldName"]] in DATE_TYPES
        checked += 1
    for o in objects:
        if o["type"] == "search":
            view = o["references"][0]["id"]
            source = json.loads(o["attributes"]["kibanaSavedObjectMeta"]["searchSourceJSON"])
            for column in o["attributes"]["columns"]:
                assert column in fields_of(view), f"{o['id']}: column {column} not in {views[view]['title']}"
                checked += 1
            for field, _ in o["attributes"]["sort"]:
                assert fields_of(view)[field] in AGGREGATABLE, f"{o['id']}: cannot sort on {field}"
                checked += 1
            for field in kql_fields(source["query"]["query"]):
                assert fields_of(view)[field] in AGGREGATABLE, f"{o['id']}: query field {field}"
                checked += 1
        elif o["type"] == "lens":
            state = o["attributes"]["state"]
            for layer_id, layer in state["datasourceStates"]["formBased"]["layers"].items():
                (ref,) = [r for r in o["references"] if r["name"] == f"indexpattern-datasource-layer-{layer_id}"]
                for column in layer["columns"].values():
                    field = column["sourceField"]
                    if field == "___records___":
                        continue
                    actual = fields_of(ref["id"])[field]
                    if column["operationType"] == "date_histogram":
                        assert actual in DATE_TYPES, f"{o['id']}: date_histogram on {field} ({actual})"
                    elif column["operationType"] == "terms":
                        assert actual in AGGREGATABLE, f"{o['id']}: terms on {field} ({actual})"
                    checked += 1
    assert checked >= 25


# -- import -------------------------------------------------------------------------------------
class FakeKibana(BaseHTTPRequestHandler):
    """Answers like Kibana's import API, refusing what Kibana refuses; records what it received."""

    received: ClassVar[list[dict[str, Any]]]
    refuse_ids: ClassVar[set[str]]

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self._answer(*self._check())

    def _check(self) -> tuple[int, dict[str, Any]]:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("kbn-xsrf") is None:
            return (400, {"statusCode": 400, "message": "Request must contain a kbn-xsrf header."})
        path = re.sub(r"^/s/[a-z0-9_-]+(?=/)", "", self.path)  # a space: /s/<id>/api/...
        if not path.startswith("/api/saved_objects/_import?") or "overwrite=true" not in path:
            return (404, {"message": f"unexpected {self.path}"})
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data; boundary="):
            return (415, {"message": "Unsupported Media Type"})
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        files = [p for p in message.iter_parts() if p.get_param("name", header="content-disposition") == "file"]
        if len(files) != 1 or not files[0].get_filename("").endswith(".ndjson"):
            return (400, {"message": "[request body.file]: expected an .ndjson file"})
        objects = [json.loads(line) for line in files[0].get_payload(decode=True).decode().splitlines() if line]
        self.received.append({"path": self.path, "objects": objects, "auth": self.headers.get("Authorization")})
        errors = [
            {"id": o["id"], "type": o["type"], "error": {"type": "missing_references"}}
            for o in objects
            if o["id"] in self.refuse_ids
        ]
        return 200, {"success": not errors, "successCount": len(objects) - len(errors), "errors": errors}

    def _answer(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_kibana() -> Iterator[tuple[str, type[FakeKibana]]]:
    handler = type("Handler", (FakeKibana,), {"received": [], "refuse_ids": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    server.server_close()


def test_the_import_command_posts_the_ndjson_as_kibana_requires(
    fake_kibana: tuple[str, type[FakeKibana]], tmp_path: Path
) -> None:
    url, handler = fake_kibana
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "kibana", "import", "--url", url],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "NEWSWATCH_KIBANA_API_KEY": "c2VjcmV0OmtleQ==", "COLUMNS": "200"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert f"{len(STABLE_IDS)} saved objects imported" in done.stdout
    (request,) = handler.received
    assert [o["id"] for o in request["objects"]] == STABLE_IDS
    assert request["auth"] == "ApiKey c2VjcmV0OmtleQ=="
    assert "c2VjcmV0OmtleQ" not in done.stdout + done.stderr


def test_a_config_adds_one_saved_search_per_watch_and_its_index_prefix(
    fake_kibana: tuple[str, type[FakeKibana]], demo_config: Any
) -> None:
    url, handler = fake_kibana
    from newswatch.cli import main

    assert main(["kibana", "import", "--url", url, "--space", "news", "--config", str(demo_config.path)]) == 0
    (request,) = handler.received
    assert request["path"].startswith("/s/news/api/saved_objects/_import")
    assert "newswatch-watch-gaza-ceasefire" in [o["id"] for o in request["objects"]]


def test_objects_kibana_refuses_are_reported_by_id(fake_kibana: tuple[str, type[FakeKibana]]) -> None:
    url, handler = fake_kibana
    handler.refuse_ids = {"newswatch-overview"}
    with pytest.raises(KibanaError, match="dashboard/newswatch-overview: missing_references"):
        import_saved_objects(url, to_ndjson(saved_objects()))


def test_an_unreachable_kibana_is_a_clear_error() -> None:
    from newswatch.esnode import free_port

    with pytest.raises(KibanaError, match="cannot reach Kibana"):
        import_saved_objects(f"http://127.0.0.1:{free_port()}", b"{}\n", timeout_s=5)
