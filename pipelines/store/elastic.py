"""The cluster store: :class:`~pipelines.store.base.Store` on Elasticsearch 9.

Six indices, each a versioned index behind an alias (``newswatch-articles`` ->
``newswatch-articles-000001``), created from composable index templates with explicit, strict
mappings (a crawler bug cannot invent fields); ``migrate`` copies an index into the next
version with the client's ``helpers.reindex`` and swaps the alias in one atomic request::

    articles     the current revision of each article (id from its canonical URL)
    revisions    earlier revisions (and each edit, for Kibana's "latest edits")
    claims       one document per claim and story, with the outlets stating it
    divergences  one document per finding: type, outlets, evidence spans and URLs, first/last seen
    outbox       digests recorded before they are sent, marked per recipient
    runs         what each crawl or report run did

Full text uses the ``english`` analyzer when every node has the analysis-common module, else
``standard`` (detected, never assumed: the integ-test distribution lacks it).

Revisions under concurrency: the article document is the commit point. A writer reads it
(with its ``_seq_no``/``_primary_term``), archives the outgoing revision as its own document
(idempotent: same id, same content), then replaces the article only if nobody wrote it
meanwhile (``if_seq_no``/``if_primary_term``); on a conflict it reads again and retries, so two
workers never lose an update. New articles are created with ``op_type=create`` for the same
reason.

Durability: bulk requests go through ``helpers.streaming_bulk`` with retries and backoff on
429/5xx; items that still fail are raised as :class:`IndexingError` naming each document.
When the cluster cannot be reached at all, writes go to a :class:`~pipelines.store.spool.Spool`
in the data folder and are replayed in order, exactly once, when it is back (at the next
write, read, ``flush()`` or ``replay_spool()``); until then every later write is spooled too,
so order is kept.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from elastic_transport import ConnectionError as TransportConnectionError
from elastic_transport import ConnectionTimeout, TlsError
from elasticsearch import ApiError, Elasticsearch, NotFoundError, helpers

from pipelines.config import Config, StoreConfig
from pipelines.errors import StoreError
from pipelines.models import Article, Claim, Divergence, OutboxMessage, Revision, RevisionDiff, StoreOutcome
from pipelines.query import QueryError, to_es
from pipelines.revisions import diff_texts
from pipelines.store.base import HIGHLIGHT, INTERVALS, SearchHit
from pipelines.store.codec import (
    article_from_json,
    article_to_json,
    claim_from_json,
    claim_to_json,
    divergence_from_json,
    divergence_to_json,
)
from pipelines.store.spool import Spool

logger = logging.getLogger(__name__)
logger.addHandler(logging.NullHandler())

MAPPING_VERSION = 1  # raise with every mapping change; `newswatch es migrate` moves the data over
KINDS = ("articles", "revisions", "claims", "divergences", "outbox", "runs")
RETRY_STATUS = (429, 502, 503, 504)
PAGE = 1000  # documents per page when reading everything (search_after)
MAX_ROUNDS = 20  # optimistic-concurrency retries per write before giving up


class IndexingError(StoreError):
    """Some documents of a bulk request were refused; ``errors`` holds ``(index, id, reason)`` for each."""

    def __init__(
        self,
        errors: list[tuple[str, str, str]],
        kept_in: Path | None = None,
        written: dict[str, StoreOutcome] | None = None,
    ) -> None:
        self.errors = errors
        self.kept_in = kept_in
        shown = "; ".join(f"{index}/{doc_id}: {reason}" for index, doc_id, reason in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        kept = f"; kept in {kept_in}" if kept_in else ""
        super().__init__(f"Elasticsearch refused {len(errors)} document(s): {shown}{more}{kept}", written)


class UnavailableError(StoreError):
    """The cluster cannot be reached (down, overloaded or blocking writes)."""


# -- mappings -----------------------------------------------------------------------------------
def _kw() -> dict[str, Any]:
    return {"type": "keyword"}


def _stored() -> dict[str, Any]:
    """A keyword kept for reading back (in _source) and display, never searched, sorted or aggregated:
    no inverted index, no doc values, so indexing does not pay for them."""
    return {"type": "keyword", "index": False, "doc_values": False}


def _text(raw: bool = False) -> dict[str, Any]:
    field: dict[str, Any] = {"type": "text", "analyzer": "newswatch_text"}
    if raw:
        field["fields"] = {"raw": {"type": "keyword", "ignore_above": 512}}
    return field


_DATE = {"type": "date"}
_INT = {"type": "integer"}
_OPAQUE = {"type": "object", "enabled": False}  # kept in _source for a faithful round trip, not indexed
_SPAN = {
    "properties": {
        "article_id": _kw(),
        "outlet": _kw(),
        "url": _kw(),
        "revision": _INT,
        "sentence": _text(),
        "start": _INT,
        "end": _INT,
    }
}

MAPPINGS: dict[str, dict[str, Any]] = {
    "articles": {
        "id": _kw(),
        "outlet": _kw(),
        "url": _kw(),
        "canonical_url": _kw(),
        "title": _text(raw=True),
        "description": _text(),
        "text": _text(),
        "authors": _kw(),
        "published_at": _DATE,
        "published_offset": _stored(),
        "published_source": _stored(),
        "published_precision": _stored(),
        "modified_at": _DATE,
        "modified_offset": _stored(),
        "modified_source": _stored(),
        "fetched_at": _DATE,
        "first_seen_at": _DATE,
        "revision_fetched_at": _DATE,
        "language": _kw(),
        "content_hash": _stored(),
        "access_state": _kw(),
        "source": _stored(),
        "revision": _INT,
        "word_count": _INT,
        "duplicate_of": _kw(),
        "syndication_group": _kw(),
        "syndicated_from": _kw(),  # the wire agency a copy's group is credited to
        "signature": _stored(),  # the MinHash signature, read back only
        "story": _kw(),
        "watches": _kw(),
        "diff": _OPAQUE,
        "spool_op": _stored(),
    },
    "revisions": {
        "article_id": _kw(),
        "revision": _INT,
        "content_hash": _kw(),
        "outlet": _kw(),
        "url": _kw(),
        "title": _text(raw=True),
        "text": {"type": "text", "index": False},
        "fetched_at": _DATE,
        "diff_summary": _kw(),
        "added": _text(),
        "removed": _text(),
        "diff": _OPAQUE,
    },
    "claims": {
        "id": _kw(),
        "story": _kw(),
        "kind": _kw(),
        "text": _text(),
        "numbers": _kw(),
        "outlets": _kw(),
        "outlet_count": _INT,
        "mentions": {"properties": {**_SPAN["properties"], "published_at": _DATE}},
        "first_published_at": _DATE,
        "first_seen": _DATE,
        "last_seen": _DATE,
        "record": _OPAQUE,
    },
    "divergences": {
        "id": _kw(),
        "type": _kw(),
        "watch": _kw(),
        "story": _kw(),
        "severity": {"type": "float"},
        "note": _text(),
        "articles": _kw(),
        "outlets": _kw(),
        "urls": _kw(),
        "evidence": {"properties": {**_SPAN["properties"], "before": _text()}},
        "first_seen": _DATE,
        "last_seen": _DATE,
        "record": _OPAQUE,
    },
    "outbox": {
        "id": _kw(),
        "watch": _kw(),
        "created_at": {"type": "date_nanos"},
        "subject": _text(),
        "recipients": _kw(),
        "pending": _kw(),
        "message": {"type": "binary"},
        "divergences": _OPAQUE,
        "sent": {"properties": {"recipient": _kw(), "sent_at": {"type": "date_nanos"}}},
    },
    "runs": {
        "id": _kw(),
        "kind": _kw(),
        "started_at": _DATE,
        "finished_at": {"type": "date_nanos"},
        "stats": _OPAQUE,
    },
}
TIME_FIELDS = {
    "articles": "published_at",
    "revisions": "fetched_at",
    "claims": "first_seen",
    "divergences": "first_seen",
    "outbox": "created_at",
    "runs": "started_at",
}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _doc_id(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode(), usedforsecurity=False).hexdigest()[:24]


def _unavailable(exc: BaseException) -> bool:
    """Whether an error means "try again later" (spool) rather than "this request is wrong" (raise)."""
    if isinstance(exc, TlsError):
        return False  # a certificate problem will not heal by waiting
    if isinstance(exc, TransportConnectionError | ConnectionTimeout):
        return True
    if isinstance(exc, ApiError):
        if exc.status_code in (*RETRY_STATUS, 500):
            return True
        return exc.status_code == 403 and "cluster_block_exception" in str(exc)
    return isinstance(exc, helpers.BulkIndexError) and all(
        _item_status(item) in (*RETRY_STATUS, 403) for item in exc.errors
    )


def _item_status(item: dict[str, Any]) -> int:
    (info,) = item.values()
    return int(info.get("status", 0))


# -- connection ---------------------------------------------------------------------------------
def _secret(env: str, file: Path | None, what: str) -> str:
    if file is not None:
        try:
            value = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise StoreError(f"cannot read the {what} file {file}: {exc.strerror}") from None
        if not value:
            raise StoreError(f"the {what} file {file} is empty")
        return value
    if not env:
        return ""
    if value := os.environ.get(env, "").strip():
        return value
    if path := os.environ.get(f"{env}_FILE"):  # how Docker and systemd hand over credentials
        return _secret("", Path(path), what)
    return ""


def connect(store: StoreConfig, base: Path | None = None) -> Elasticsearch:
    """A client for the configured cluster: API key or basic auth, TLS verified against ``ca_certs``."""
    if not store.url:
        raise StoreError("store.url is not set")

    def resolve(path: Path | None) -> Path | None:
        return path if path is None or path.is_absolute() or base is None else base / path

    options: dict[str, Any] = {
        "request_timeout": store.request_timeout_s,
        "max_retries": 2,
        "retry_on_timeout": True,
        "retry_on_status": RETRY_STATUS,
        "retry_backoff_base": 0.5,
        "retry_backoff_cap": 8.0,
    }
    api_key = _secret(store.api_key_env, resolve(store.api_key_file), "API key")
    if store.username:
        password = _secret(store.password_env, resolve(store.password_file), "password")
        if not password:
            raise StoreError(f"store.username is set but no password: set ${store.password_env} or store.password_file")
        options["basic_auth"] = (store.username, password)
    elif api_key:
        options["api_key"] = api_key
    if (api_key or store.username) and not store.url.startswith("https:"):
        host = urlsplit(store.url).hostname or ""
        if host not in ("localhost", "127.0.0.1", "::1"):
            raise StoreError(f"store.url {store.url} is not https: credentials are only sent over TLS")
    if store.url.startswith("https:"):
        options["verify_certs"] = True
        if store.ca_certs is not None:
            ca = resolve(store.ca_certs)
            assert ca is not None
            if not ca.is_file():
                raise StoreError(f"store.ca_certs: {ca} is not a file")
            options["ca_certs"] = str(ca)
    return Elasticsearch(store.url, **options)


# -- the store ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Current:
    source: dict[str, Any]
    seq_no: int
    primary_term: int


class ElasticStore:
    """:class:`~pipelines.store.base.Store` on an Elasticsearch 9 cluster (see the module docstring)."""

    def __init__(
        self,
        client: Elasticsearch,
        *,
        prefix: str = "newswatch",
        spool_dir: Path,
        replicas: int = 0,
        retry_after_s: float = 5.0,
        chunk_docs: int = 500,
        bulk_threads: int = 2,
    ) -> None:
        self.client = client
        self.prefix = prefix
        self.spool = Spool(spool_dir)
        self.replicas = replicas
        self.retry_after_s = retry_after_s
        self.chunk_docs = chunk_docs
        self.bulk_threads = bulk_threads
        self.analyzer = ""
        self._ready = False
        self._dirty: set[str] = set()
        self._known: set[str] = set()
        self._failed_at = 0.0
        self.stats: dict[str, int] = {"version_conflicts": 0, "spooled": 0, "replayed": 0}
        # a seam for tests: called between reading an article and writing it back
        self.before_commit: Callable[[str], None] | None = None

    @classmethod
    def from_config(cls, config: Config) -> ElasticStore:
        store = config.store
        return cls(
            connect(store, config.path.parent),
            prefix=store.index_prefix,
            spool_dir=config.resolve(config.data_dir) / "es-spool",
            replicas=store.replicas,
            retry_after_s=store.retry_after_s,
        )

    def alias(self, kind: str) -> str:
        return f"{self.prefix}-{kind}"

    # -- setup ------------------------------------------------------------------------------
    def detect_analyzer(self) -> str:
        """``english`` when every node has analysis-common (the default distribution), else ``standard``."""
        info = self.client.nodes.info(metric="plugins", filter_path="nodes.*.modules.name")
        nodes = info.get("nodes", {}).values()
        has_common = bool(nodes) and all(
            any(m.get("name") == "analysis-common" for m in node.get("modules", [])) for node in nodes
        )
        return "english" if has_common else "standard"

    def templates(self, analyzer: str) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
        """The component template (settings, analysis) and one index template per kind."""
        component = {
            "template": {
                "settings": {
                    "number_of_shards": 1,
                    "number_of_replicas": self.replicas,
                    # our own reads refresh what they wrote; others (Kibana) can wait a few seconds
                    "refresh_interval": "5s",
                    "analysis": {"analyzer": {"newswatch_text": {"type": analyzer}}},
                }
            },
            "_meta": {"mapping_version": MAPPING_VERSION, "analyzer": analyzer},
        }
        index_templates = {
            kind: {
                "index_patterns": [f"{self.alias(kind)}-*"],
                "priority": 200,
                "composed_of": [f"{self.prefix}-settings"],
                "template": {
                    "mappings": {
                        "dynamic": "strict",
                        "_meta": {"mapping_version": MAPPING_VERSION, "analyzer": analyzer, "kind": kind},
                        "properties": MAPPINGS[kind],
                    }
                },
                "_meta": {"mapping_version": MAPPING_VERSION, "analyzer": analyzer},
            }
            for kind in KINDS
        }
        return component, index_templates

    def ensure(self) -> None:
        """Templates and aliases in place (idempotent, cheap when they are)."""
        if self._ready:
            return
        self.analyzer = self.detect_analyzer()
        component, index_templates = self.templates(self.analyzer)
        try:
            existing = self.client.cluster.get_component_template(name=f"{self.prefix}-settings")
            meta = existing["component_templates"][0]["component_template"].get("_meta", {})
        except NotFoundError:
            meta = {}
        if meta != component["_meta"]:
            self.client.cluster.put_component_template(name=f"{self.prefix}-settings", **component)
            for kind, body in index_templates.items():
                self.client.indices.put_index_template(name=self.alias(kind), **body)
        try:
            self._known = self._alias_names()
        except NotFoundError:
            self._known = set()
        self._ready = True

    def _idx(self, kind: str) -> str:
        """The alias of an index kind, its first index created on first use (a store touching two
        kinds creates two indices)."""
        alias = self.alias(kind)
        if alias not in self._known:
            self.ensure()
            if alias not in self._known:
                self._create_index(kind, 1, alias=True)
                self._known.add(alias)
        return alias

    def _alias_names(self) -> set[str]:
        found = self.client.indices.get_alias(name=f"{self.prefix}-*")
        return {alias for index in found.values() for alias in index.get("aliases", {})}

    def _create_index(self, kind: str, number: int, *, alias: bool) -> str:
        name = f"{self.alias(kind)}-{number:06d}"
        try:
            self.client.indices.create(
                index=name, aliases={self.alias(kind): {"is_write_index": True}} if alias else None
            )
        except ApiError as exc:
            if "resource_already_exists_exception" not in str(exc):
                raise
        return name

    def current_index(self, kind: str) -> str:
        found = self.client.indices.get_alias(name=self.alias(kind))
        return sorted(found)[-1]

    # -- guarded calls: spool when unreachable ----------------------------------------------
    def _call(self, what: str, fn: Callable[[], Any]) -> Any:
        """Run a read (after replaying any spool); an unreachable cluster is a StoreError naming it."""
        try:
            self._drain()
            self.ensure()
            return fn()
        except StoreError:
            raise
        except Exception as exc:
            if _unavailable(exc):
                raise UnavailableError(f"Elasticsearch is unreachable ({what}): {_reason(exc)}") from exc
            if isinstance(exc, ApiError):
                raise StoreError(f"Elasticsearch refused {what}: {_reason(exc)}") from exc
            if isinstance(exc, TlsError):
                raise StoreError(f"TLS to Elasticsearch failed ({what}): {_reason(exc)}") from exc
            raise

    def _write(self, record: Callable[[], dict[str, Any]], apply: Callable[[], Any], offline: Any) -> Any:
        """Apply a write now, or spool it (and return ``offline``) when the cluster is unreachable.

        Once anything is spooled, later writes are spooled behind it until a replay succeeds,
        so the cluster sees every write in the order it was made."""
        if time.monotonic() - self._failed_at >= self.retry_after_s or not self._failed_at:
            try:
                self._drain()
                if not self.spool.pending():
                    self.ensure()
                    return apply()
            except Exception as exc:
                if not _unavailable(exc):
                    raise self._translate(exc) from exc
                self._failed_at = time.monotonic()
                logger.warning("Elasticsearch unreachable, spooling writes: %s", _reason(exc))
        self.spool.append(record())
        self.stats["spooled"] += 1
        return offline

    @staticmethod
    def _translate(exc: Exception) -> Exception:
        if isinstance(exc, StoreError):
            return exc
        if isinstance(exc, ApiError):
            return StoreError(f"Elasticsearch refused a write: {_reason(exc)}")
        if isinstance(exc, TlsError):
            return StoreError(f"TLS to Elasticsearch failed: {_reason(exc)}")
        return exc

    def _drain(self) -> None:
        if self.spool.pending():
            self.ensure()
            self.stats["replayed"] += self.spool.replay(self._replay_one)
            self._failed_at = 0.0

    def replay_spool(self) -> int:
        """Apply every spooled write (oldest first); returns how many records were applied."""
        if not self.spool.pending():
            return 0
        try:
            self.ensure()
            done = self.spool.replay(self._replay_one)
        except Exception as exc:
            if _unavailable(exc):
                raise UnavailableError(f"Elasticsearch is unreachable, the spool waits: {_reason(exc)}") from exc
            raise self._translate(exc) from exc
        self.stats["replayed"] += done
        self._failed_at = 0.0
        return done

    def flush(self) -> None:
        """Replay the spool and make every write visible to searches."""
        self.replay_spool()
        if self._dirty:
            self._call("refresh", self._refresh_all)

    def _replay_one(self, record: dict[str, Any]) -> None:
        """Apply one spooled record. An unreachable cluster stops the replay (the rest waits); a record the
        cluster refuses for good is kept in ``refused.jsonl`` with the reason instead of blocking the spool."""
        try:
            self._apply_record(record)
        except Exception as exc:
            if _unavailable(exc):
                raise
            if not isinstance(exc, IndexingError):  # an IndexingError has kept its refused articles already
                self._keep(record, _reason(exc))
            logger.error("spooled write %s refused by Elasticsearch, kept in %s: %s", record.get("op"),
                         self.spool.folder / "refused.jsonl", _reason(exc))  # fmt: skip

    def _keep(self, record: dict[str, Any], reason: str) -> None:
        path = self.spool.folder / "refused.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"reason": reason, "record": record}, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _apply_record(self, record: dict[str, Any]) -> None:
        op = record["type"]
        if op == "articles":
            self._upsert_articles([article_from_json(a) for a in record["articles"]], op=record.get("op"))
        elif op == "label":
            self._label(record["ids"], record.get("story"), record.get("watch"))
        elif op == "duplicate":
            self._mark_duplicate(record["id"], record["duplicate_of"], record.get("agency", ""))
        elif op == "divergences":
            self._upsert_divergences(
                [divergence_from_json(d) for d in record["divergences"]], datetime.fromisoformat(record["seen_at"])
            )
        elif op == "claims":
            self._upsert_claims(
                record["story"],
                [claim_from_json(c) for c in record["claims"]],
                datetime.fromisoformat(record["seen_at"]),
            )
        elif op == "outbox_add":
            self._outbox_add(_outbox_from_json(record["message"]))
        elif op == "outbox_sent":
            self._outbox_mark_sent(record["id"], record["recipient"], datetime.fromisoformat(record["at"]))
        elif op == "run":
            self._record_run(
                record["kind"],
                datetime.fromisoformat(record["started_at"]),
                record["stats"],
                datetime.fromisoformat(record["finished_at"]),
            )
        else:
            raise StoreError(f"{self.spool.path}: unknown spooled operation {op!r}")

    # -- bulk -------------------------------------------------------------------------------
    def _bulk(self, actions: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Send actions; returns each item's result by (index alias, id). Retries 429/5xx with backoff."""
        results: dict[tuple[str, str], dict[str, Any]] = {}
        index_of = {a["_index"]: a["_index"] for a in actions}
        for alias in index_of:
            self._idx(alias.removeprefix(self.prefix + "-"))
        for ok, item in helpers.streaming_bulk(
            self.client,
            actions,
            chunk_size=self.chunk_docs,
            max_chunk_bytes=10 * 1024 * 1024,
            raise_on_error=False,
            max_retries=5,
            initial_backoff=0.5,
            max_backoff=10,
            retry_on_status=RETRY_STATUS,
        ):
            (op, info) = next(iter(item.items()))
            index = next((alias for alias in index_of if info.get("_index", "").startswith(alias)), info["_index"])
            info = {**info, "ok": ok, "op": op}
            results[(index, str(info["_id"]))] = info
        for kind in {a["_index"] for a in actions}:
            self._dirty.add(kind)
        return results

    def _split(self, items: list[int]) -> list[list[int]]:
        """Up to ``bulk_threads`` groups of whole plans (an article's actions stay in one request, in order)."""
        if len(items) < 200 or self.bulk_threads < 2:
            return [items]
        size = -(-len(items) // self.bulk_threads)
        return [items[i : i + size] for i in range(0, len(items), size)]

    def _bulk_parallel(self, groups: list[list[dict[str, Any]]]) -> dict[tuple[str, str], dict[str, Any]]:
        """Bulk requests side by side: one shard indexes concurrent requests on several cores."""
        groups = [g for g in groups if g]
        if len(groups) <= 1:
            return self._bulk(groups[0]) if groups else {}
        for alias in {a["_index"] for g in groups for a in g}:
            self._idx(alias.removeprefix(self.prefix + "-"))  # create indices before the threads race to
        results: dict[tuple[str, str], dict[str, Any]] = {}
        with ThreadPoolExecutor(max_workers=len(groups)) as pool:
            for part in pool.map(self._bulk, groups):
                results |= part
        return results

    def _refresh(self, *kinds: str) -> None:
        wanted = [self.alias(k) for k in kinds if self.alias(k) in self._dirty]
        if wanted:
            self.client.indices.refresh(index=",".join(wanted))
            self._dirty -= set(wanted)

    def _refresh_all(self) -> None:
        self._refresh(*KINDS)

    # -- articles ---------------------------------------------------------------------------
    def upsert(self, article: Article) -> StoreOutcome:
        return self.upsert_many([article])[0]

    def upsert_many(self, articles: Sequence[Article]) -> list[StoreOutcome]:
        if not articles:
            return []
        result: list[StoreOutcome] = self._write(
            lambda: {"type": "articles", "articles": [article_to_json(a) for a in articles]},
            lambda: self._upsert_articles(list(articles)),
            [StoreOutcome.SPOOLED] * len(articles),
        )
        return result

    def _get_many(self, ids: Sequence[str]) -> dict[str, _Current]:
        if not ids:
            return {}
        found = self.client.mget(index=self._idx("articles"), ids=list(ids), realtime=True)
        return {
            d["_id"]: _Current(d["_source"], d["_seq_no"], d["_primary_term"]) for d in found["docs"] if d.get("found")
        }

    def _upsert_articles(self, articles: list[Article], op: str | None = None) -> list[StoreOutcome]:
        outcomes: dict[int, StoreOutcome] = {}
        todo = list(range(len(articles)))
        errors: list[tuple[str, str, str]] = []
        rounds = 0
        while todo:
            rounds += 1
            if rounds > MAX_ROUNDS:
                raise StoreError(f"could not write {len(todo)} article(s) after {MAX_ROUNDS} concurrent updates")
            # one occurrence per id per round: a later text of the same article must see the earlier one
            batch, later, seen = [], [], set()
            for i in todo:
                (later if articles[i].id in seen else batch).append(i)
                seen.add(articles[i].id)
            current = self._get_many([articles[i].id for i in batch])
            plans = {}
            for i in batch:
                marker = f"{op}:{i:06d}" if op else None
                plans[i] = self._plan(articles[i], current.get(articles[i].id), marker)
            if self.before_commit is not None:
                for i in batch:
                    self.before_commit(articles[i].id)
            results = self._bulk_parallel(
                [[a for i in group for a in plans[i].actions] for group in self._split(batch)]
            )
            retry = []
            revisions_after: list[dict[str, Any]] = []
            for i in batch:
                plan = plans[i]
                if plan.commit is None:
                    outcomes[i] = plan.outcome
                    continue
                result = results[(self._idx("articles"), articles[i].id)]
                if result["ok"]:
                    outcomes[i] = plan.outcome
                    revisions_after += plan.after
                elif result.get("status") == 409:
                    self.stats["version_conflicts"] += 1
                    retry.append(i)
                else:
                    errors.append((self._idx("articles"), articles[i].id, _item_reason(result)))
                    outcomes[i] = plan.outcome
            for key, result in results.items():
                if key[0] != self._idx("articles") and not result["ok"]:
                    errors.append((key[0], key[1], _item_reason(result)))
            if revisions_after:
                after = self._bulk(revisions_after)
                errors += [(k[0], k[1], _item_reason(r)) for k, r in after.items() if not r["ok"]]
            todo = sorted(retry + later)
        if errors:
            refused = {doc_id for _, doc_id, _ in errors}
            self._keep_refused([a for a in articles if a.id in refused], errors)
            written = {a.id: outcomes[i] for i, a in enumerate(articles) if a.id not in refused and i in outcomes}
            raise IndexingError(errors, kept_in=self.spool.folder / "refused.jsonl", written=written)
        return [outcomes[i] for i in range(len(articles))]

    def _keep_refused(self, articles: list[Article], errors: list[tuple[str, str, str]]) -> None:
        """Refused articles are kept on disk with the reason, so fixing the cause loses nothing."""
        reasons = {doc_id: reason for _, doc_id, reason in errors}
        path = self.spool.folder / "refused.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            for a in articles:
                f.write(json.dumps({"reason": reasons.get(a.id, ""), "article": article_to_json(a)}) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _plan(self, a: Article, current: _Current | None, marker: str | None) -> _Plan:
        doc = _article_doc(a)
        articles = self._idx("articles")
        if marker:
            doc["spool_op"] = marker
        elif current is not None and current.source.get("spool_op"):
            doc["spool_op"] = current.source["spool_op"]  # a half-finished replay must still see it
        if current is None:
            doc |= {"revision": 1, "first_seen_at": _iso(a.fetched_at), "revision_fetched_at": _iso(a.fetched_at)}
            action = {"_op_type": "create", "_index": articles, "_id": a.id, "_source": doc}
            return _Plan(StoreOutcome.NEW, [action], action)
        old = current.source
        applied = old.get("spool_op") or ""
        if marker and applied and applied.split(":")[0] == marker.split(":")[0] and applied >= marker:
            return _Plan(StoreOutcome.UNCHANGED, [], None)  # replayed twice: already applied
        guard = {"if_seq_no": current.seq_no, "if_primary_term": current.primary_term}
        diff = diff_texts(old["text"], a.text) if old["content_hash"] != doc["content_hash"] else None
        if diff is None or diff.is_empty:
            update = {"fetched_at": _iso(a.fetched_at), **({"spool_op": marker} if marker else {})}
            action = {"_op_type": "update", "_index": articles, "_id": a.id, "doc": update, **guard}
            return _Plan(StoreOutcome.UNCHANGED, [action], action)
        number = int(old["revision"]) + 1
        doc |= {
            "revision": number,
            "first_seen_at": old.get("first_seen_at") or _iso(a.fetched_at),
            "revision_fetched_at": _iso(a.fetched_at),
            "diff": diff.to_json(),
            "story": old.get("story", ""),
            "watches": old.get("watches", []),
            "duplicate_of": old.get("duplicate_of", ""),
            "syndication_group": old.get("syndication_group") or a.id,
            "syndicated_from": a.syndicated_from or old.get("syndicated_from", ""),
        }
        archive = self._revision_action(old)
        action = {"_op_type": "index", "_index": articles, "_id": a.id, "_source": doc, **guard}
        return _Plan(StoreOutcome.REVISED, [archive, action], action, after=[self._revision_action(doc)])

    def _revision_action(self, doc: dict[str, Any]) -> dict[str, Any]:
        diff = RevisionDiff.from_json(doc["diff"]) if doc.get("diff") else None
        return {
            "_op_type": "index",
            "_index": self._idx("revisions"),
            "_id": f"{doc['id']}-{int(doc['revision']):06d}",
            "_source": {
                "article_id": doc["id"],
                "revision": int(doc["revision"]),
                "content_hash": doc["content_hash"],
                "outlet": doc["outlet"],
                "url": doc["url"],
                "title": doc["title"],
                "text": doc["text"],
                "fetched_at": doc.get("revision_fetched_at") or doc["fetched_at"],
                "diff_summary": diff.summary() if diff else "",
                "added": [*(diff.added if diff else ()), *(c.new for c in (diff.changed if diff else ()))],
                "removed": [*(diff.removed if diff else ()), *(c.old for c in (diff.changed if diff else ()))],
                "diff": doc.get("diff") or {},
            },
        }

    def get(self, article_id: str) -> Article | None:
        def fetch() -> Article | None:
            try:
                found = self.client.get(index=self._idx("articles"), id=article_id)
            except NotFoundError:
                return None
            return _article(found["_source"])

        result: Article | None = self._call("get", fetch)
        return result

    def articles(
        self,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        story: str | None = None,
        watch: str | None = None,
    ) -> list[Article]:
        query = {"bool": {"filter": _filters(outlet, since, until, story=story, watch=watch)}}
        sort = [{"published_at": {"order": "asc", "missing": "_first"}}, {"id": "asc"}]

        def fetch() -> list[Article]:
            self._refresh("articles")
            return [_article(h["_source"]) for h in self._scan("articles", query, sort)]

        result: list[Article] = self._call("articles", fetch)
        return result

    def _scan(
        self, kind: str, query: dict[str, Any], sort: list[Any], limit: int | None = None, **extra: Any
    ) -> Iterator[dict[str, Any]]:
        """Every hit in ``sort`` order, paged with search_after (no 10,000-hit window)."""
        after = None
        returned = 0
        while limit is None or returned < limit:
            size = PAGE if limit is None else min(PAGE, limit - returned)
            page = self.client.search(
                index=self._idx(kind), query=query, sort=sort, size=size, search_after=after, **extra
            )
            hits = page["hits"]["hits"]
            yield from hits
            returned += len(hits)
            if len(hits) < size:
                return
            after = hits[-1]["sort"]

    def revisions(self, article_id: str) -> list[Revision]:
        def fetch() -> list[Revision]:
            try:
                current = self.client.get(index=self._idx("articles"), id=article_id)["_source"]
            except NotFoundError:
                return []
            self._refresh("revisions")
            hits = self._scan(
                "revisions",
                {
                    "bool": {
                        "filter": [
                            {"term": {"article_id": article_id}},
                            {"range": {"revision": {"lt": current["revision"]}}},
                        ]
                    }
                },
                [{"revision": "asc"}],
            )
            out = [_revision(h["_source"]) for h in hits]
            return [*out, _revision(self._revision_action(current)["_source"])]

        result: list[Revision] = self._call("revisions", fetch)
        return result

    def search(
        self,
        query: str,
        *,
        outlet: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[SearchHit]:
        body = {"bool": {"must": [to_es(query)], "filter": _filters(outlet, since, until)}}
        highlight = {
            "pre_tags": [HIGHLIGHT[0]],
            "post_tags": [HIGHLIGHT[1]],
            "require_field_match": False,
            "fields": {"text": {"fragment_size": 160, "number_of_fragments": 1}, "title": {"number_of_fragments": 0}},
        }

        def fetch() -> list[SearchHit]:
            self._refresh("articles")
            hits = self._scan("articles", body, [{"_score": "desc"}, {"id": "asc"}], limit=limit, highlight=highlight)
            out = []
            for h in hits:
                article = _article(h["_source"])
                fragments = h.get("highlight", {})
                snippet = (fragments.get("text") or fragments.get("title") or [article.text[:160]])[0]
                out.append(SearchHit(article, snippet, float(h.get("_score") or 0.0)))
            return out

        try:
            result: list[SearchHit] = self._call("search", fetch)
        except StoreError as exc:
            if "query_shard_exception" in str(exc) or "parse_exception" in str(exc):
                raise QueryError(f"cannot search for {query!r}: {exc}") from exc
            raise
        return result

    def label(self, article_ids: Sequence[str], *, story: str | None = None, watch: str | None = None) -> None:
        if not article_ids or (story is None and watch is None):
            return
        record = {"type": "label", "ids": list(article_ids), "story": story, "watch": watch}
        self._write(lambda: record, lambda: self._label(list(article_ids), story, watch), None)

    def _label(self, ids: list[str], story: str | None, watch: str | None) -> None:
        todo = list(dict.fromkeys(ids))
        for _ in range(MAX_ROUNDS):
            if not todo:
                return
            current = self._get_many(todo)
            actions = []
            for article_id, cur in current.items():
                update: dict[str, Any] = {}
                if story is not None and cur.source.get("story") != story:
                    update["story"] = story
                watches = list(cur.source.get("watches") or [])
                if watch is not None and watch not in watches:
                    update["watches"] = [*watches, watch]
                if update:
                    actions.append(
                        {
                            "_op_type": "update",
                            "_index": self._idx("articles"),
                            "_id": article_id,
                            "doc": update,
                            "if_seq_no": cur.seq_no,
                            "if_primary_term": cur.primary_term,
                        }
                    )
            results = self._bulk(actions) if actions else {}
            todo = [k[1] for k, r in results.items() if not r["ok"] and r.get("status") == 409]
            failed = [
                (k[0], k[1], _item_reason(r)) for k, r in results.items() if not r["ok"] and r.get("status") != 409
            ]
            if failed:
                raise IndexingError(failed)
        raise StoreError(f"could not label {len(todo)} article(s) after {MAX_ROUNDS} concurrent updates")

    def mark_duplicate(self, article_id: str, duplicate_of: str, syndicated_from: str = "") -> None:
        record = {"type": "duplicate", "id": article_id, "duplicate_of": duplicate_of, "agency": syndicated_from}
        self._write(lambda: record, lambda: self._mark_duplicate(article_id, duplicate_of, syndicated_from), None)

    def _mark_duplicate(self, article_id: str, duplicate_of: str, syndicated_from: str = "") -> None:
        doc = {"duplicate_of": duplicate_of, "syndication_group": duplicate_of or article_id}
        if syndicated_from:  # an empty agency keeps what the article has
            doc["syndicated_from"] = syndicated_from
        try:
            self.client.update(
                index=self._idx("articles"),
                id=article_id,
                doc=doc,
                retry_on_conflict=5,
            )
        except NotFoundError:
            raise StoreError(f"cannot mark {article_id} as a copy: no such article") from None
        self._dirty.add(self._idx("articles"))

    # -- coverage and comparison queries ----------------------------------------------------
    def coverage(
        self,
        *,
        query: str | None = None,
        outlet: str | None = None,
        story: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        interval: str = "day",
    ) -> dict[str, list[tuple[datetime, int]]]:
        if interval not in INTERVALS:
            raise ValueError(f"interval must be one of {', '.join(INTERVALS)}, not {interval!r}")
        body: dict[str, Any] = {"bool": {"filter": _filters(outlet, since, until, story=story)}}
        if query is not None:
            body["bool"]["must"] = [to_es(query)]
        aggs = {
            "outlets": {
                "terms": {"field": "outlet", "size": 10_000, "order": {"_key": "asc"}},
                "aggs": {
                    "over_time": {
                        "date_histogram": {
                            "field": "published_at",
                            "calendar_interval": interval,
                            "time_zone": "UTC",
                            "min_doc_count": 1,
                        }
                    }
                },
            }
        }

        def fetch() -> dict[str, list[tuple[datetime, int]]]:
            self._refresh("articles")
            found = self.client.search(index=self._idx("articles"), query=body, aggs=aggs, size=0)
            out: dict[str, list[tuple[datetime, int]]] = {}
            for bucket in found["aggregations"]["outlets"]["buckets"]:
                series = [
                    (datetime.fromtimestamp(b["key"] / 1000, tz=UTC), int(b["doc_count"]))
                    for b in bucket["over_time"]["buckets"]
                ]
                if series:
                    out[bucket["key"]] = series
            return out

        result: dict[str, list[tuple[datetime, int]]] = self._call("coverage", fetch)
        return result

    def significant_terms(self, story: str, outlet: str, *, size: int = 10) -> list[tuple[str, float]]:
        """Words an outlet uses for a story clearly more than the story's other coverage does (framing).

        ``significant_text`` over the outlet's articles (foreground) against the whole story
        (background), re-analysing the stored text, with repeated boilerplate filtered out."""
        aggs = {
            "sample": {
                "sampler": {"shard_size": 500},
                "aggs": {
                    "terms": {
                        "significant_text": {
                            "field": "text",
                            "size": size,
                            "filter_duplicate_text": True,
                            "background_filter": {"term": {"story": story}},
                            "min_doc_count": 1,
                        }
                    }
                },
            }
        }
        query = {"bool": {"filter": [{"term": {"story": story}}, {"term": {"outlet": outlet}}]}}

        def fetch() -> list[tuple[str, float]]:
            self._refresh("articles")
            found = self.client.search(index=self._idx("articles"), query=query, aggs=aggs, size=0)
            return [(b["key"], float(b["score"])) for b in found["aggregations"]["sample"]["terms"]["buckets"]]

        result: list[tuple[str, float]] = self._call("significant terms", fetch)
        return result

    def similar(
        self, article_id: str, *, window: timedelta = timedelta(hours=48), other_outlets: bool = True, limit: int = 10
    ) -> list[tuple[Article, float]]:
        """Candidates for the same story: ``more_like_this`` on title and text, published within
        ``window`` of the article, by default from other outlets only."""

        def fetch() -> list[tuple[Article, float]]:
            self._refresh("articles")
            try:
                source = self.client.get(index=self._idx("articles"), id=article_id)["_source"]
            except NotFoundError:
                raise StoreError(f"no article {article_id}") from None
            filters: list[dict[str, Any]] = []
            when = _dt(source.get("published_at"))
            if when:
                filters.append({"range": {"published_at": {"gte": _iso(when - window), "lte": _iso(when + window)}}})
            must_not: list[dict[str, Any]] = [{"ids": {"values": [article_id]}}]
            if other_outlets:
                must_not.append({"term": {"outlet": source["outlet"]}})
            query = {
                "bool": {
                    "must": [
                        {
                            "more_like_this": {
                                "fields": ["title", "text"],
                                "like": [{"_index": self._idx("articles"), "_id": article_id}],
                                "min_term_freq": 1,
                                "min_doc_freq": 1,
                                "max_query_terms": 40,
                                "minimum_should_match": "30%",
                            }
                        }
                    ],
                    "filter": filters,
                    "must_not": must_not,
                }
            }
            found = self.client.search(index=self._idx("articles"), query=query, size=limit)
            return [(_article(h["_source"]), float(h["_score"])) for h in found["hits"]["hits"]]

        result: list[tuple[Article, float]] = self._call("more_like_this", fetch)
        return result

    # -- claims -----------------------------------------------------------------------------
    def upsert_claims(self, story: str, claims: Sequence[Claim], seen_at: datetime) -> int:
        result: int = self._write(
            lambda: {
                "type": "claims",
                "story": story,
                "claims": [claim_to_json(c) for c in claims],
                "seen_at": seen_at.isoformat(),
            },
            lambda: self._upsert_claims(story, list(claims), seen_at),
            0,
        )
        return result

    def _upsert_claims(self, story: str, claims: list[Claim], seen_at: datetime) -> int:
        def doc(c: Claim) -> dict[str, Any]:
            record = claim_to_json(c)
            published = [m.published_at for m in c.mentions if m.published_at]
            return {
                "id": c.id,
                "story": story,
                "kind": c.kind,
                "text": c.text,
                "numbers": record["numbers"],
                "outlets": list(c.outlets),
                "outlet_count": len(c.outlets),
                # the record's mentions, with times in UTC for Kibana's date fields
                "mentions": [
                    {**m, "published_at": _iso(mention.published_at)}
                    for m, mention in zip(record["mentions"], c.mentions, strict=True)
                ],
                "first_published_at": _iso(min(published)) if published else None,
                "record": record,
            }

        return self._upsert_seen("claims", {_doc_id(story, c.id): doc(c) for c in claims}, seen_at)

    def _upsert_seen(self, kind: str, docs: dict[str, dict[str, Any]], seen_at: datetime) -> int:
        """Index documents by id keeping ``first_seen`` of those already there; returns how many were new."""
        new = 0
        todo = dict(docs)
        for _ in range(MAX_ROUNDS):
            if not todo:
                return new
            found = self.client.mget(index=self._idx(kind), ids=list(todo), realtime=True)["docs"]
            existing = {d["_id"]: d for d in found if d.get("found")}
            actions = []
            for doc_id, doc in todo.items():
                old = existing.get(doc_id)
                source = {
                    **doc,
                    "first_seen": old["_source"]["first_seen"] if old else _iso(seen_at),
                    "last_seen": _iso(seen_at),
                }
                guard = (
                    {"_op_type": "index", "if_seq_no": old["_seq_no"], "if_primary_term": old["_primary_term"]}
                    if old
                    else {"_op_type": "create"}
                )
                actions.append({"_index": self._idx(kind), "_id": doc_id, "_source": source, **guard})
            results = self._bulk(actions)
            retry = {}
            failed = []
            for (_, doc_id), r in results.items():
                if r["ok"]:
                    new += doc_id not in existing
                elif r.get("status") == 409:
                    retry[doc_id] = todo[doc_id]
                else:
                    failed.append((self._idx(kind), doc_id, _item_reason(r)))
            if failed:
                raise IndexingError(failed)
            todo = retry
        raise StoreError(f"could not write {len(todo)} {kind} after {MAX_ROUNDS} concurrent updates")

    def claims(self, story: str) -> list[Claim]:
        def fetch() -> list[Claim]:
            self._refresh("claims")
            hits = self._scan("claims", {"term": {"story": story}}, [{"outlet_count": "desc"}, {"id": "asc"}])
            return [claim_from_json(h["_source"]["record"]) for h in hits]

        result: list[Claim] = self._call("claims", fetch)
        return result

    # -- divergences ------------------------------------------------------------------------
    def upsert_divergences(self, divergences: Sequence[Divergence], seen_at: datetime) -> int:
        result: int = self._write(
            lambda: {
                "type": "divergences",
                "divergences": [divergence_to_json(d) for d in divergences],
                "seen_at": seen_at.isoformat(),
            },
            lambda: self._upsert_divergences(list(divergences), seen_at),
            0,
        )
        return result

    def _upsert_divergences(self, divergences: list[Divergence], seen_at: datetime) -> int:
        def doc(d: Divergence) -> dict[str, Any]:
            return {
                "id": d.id,
                "type": d.type,
                "watch": d.watch,
                "story": d.story,
                "severity": d.severity,
                "note": d.note,
                "articles": list(d.articles),
                "outlets": sorted(set(d.outlets.values())),
                "urls": [d.urls[a] for a in d.articles if a in d.urls],
                "evidence": [
                    {
                        "article_id": a,
                        "outlet": d.outlets.get(a, ""),
                        "url": d.urls.get(a, ""),
                        "revision": d.revisions.get(a, 0),
                        "sentence": d.evidence.get(a, ""),
                        "start": d.spans.get(a, (0, 0))[0],
                        "end": d.spans.get(a, (0, 0))[1],
                        "before": d.before.get(a, ""),
                    }
                    for a in d.articles
                ],
                "record": divergence_to_json(d),
            }

        return self._upsert_seen("divergences", {d.id: doc(d) for d in divergences}, seen_at)

    def divergences(
        self, *, watch: str | None = None, kind: str | None = None, since: datetime | None = None
    ) -> list[Divergence]:
        filters: list[dict[str, Any]] = []
        if watch is not None:
            filters.append({"term": {"watch": watch}})
        if kind is not None:
            filters.append({"term": {"type": kind}})
        if since is not None:
            filters.append({"range": {"last_seen": {"gte": _iso(since)}}})

        def fetch() -> list[Divergence]:
            self._refresh("divergences")
            hits = self._scan(
                "divergences", {"bool": {"filter": filters}}, [{"severity": "desc"}, {"type": "asc"}, {"id": "asc"}]
            )
            return [
                divergence_from_json(
                    h["_source"]["record"],
                    first_seen=_dt(h["_source"]["first_seen"]),
                    last_seen=_dt(h["_source"]["last_seen"]),
                )
                for h in hits
            ]

        result: list[Divergence] = self._call("divergences", fetch)
        return result

    # -- digest outbox ----------------------------------------------------------------------
    def outbox_add(self, message: OutboxMessage) -> bool:
        # offline: a digest already waiting in the spool must not be recorded (and sent) twice
        if (self.spool.pending() or self._failed_at) and any(
            r.get("type") == "outbox_add" and r["message"]["id"] == message.id for r in self._spooled()
        ):
            return False
        record = {"type": "outbox_add", "message": _outbox_to_json(message)}
        result: bool = self._write(lambda: record, lambda: self._outbox_add(message), True)
        return result

    def _spooled(self) -> Iterator[dict[str, Any]]:
        try:
            with open(self.spool.path, encoding="utf-8") as f:
                for line in f:
                    try:
                        yield json.loads(line)
                    except ValueError:
                        continue
        except FileNotFoundError:
            return

    def _outbox_add(self, message: OutboxMessage) -> bool:
        doc = _outbox_to_json(message)
        try:
            self.client.create(index=self._idx("outbox"), id=message.id, document=_outbox_doc(doc))
        except ApiError as exc:
            if exc.status_code == 409:
                return False
            raise
        self._dirty.add(self._idx("outbox"))
        return True

    def outbox_mark_sent(self, message_id: str, recipient: str, at: datetime) -> None:
        record = {"type": "outbox_sent", "id": message_id, "recipient": recipient, "at": at.isoformat()}
        self._write(lambda: record, lambda: self._outbox_mark_sent(message_id, recipient, at), None)

    def _outbox_mark_sent(self, message_id: str, recipient: str, at: datetime) -> None:
        for _ in range(MAX_ROUNDS):
            try:
                found = self.client.get(index=self._idx("outbox"), id=message_id)
            except NotFoundError:
                raise StoreError(f"no digest {message_id} in the outbox") from None
            source = found["_source"]
            if any(s["recipient"] == recipient for s in source.get("sent", [])):
                return
            sent = [*source.get("sent", []), {"recipient": recipient, "sent_at": _iso_precise(at)}]
            done = {s["recipient"] for s in sent}
            pending = [r for r in source["recipients"] if r not in done]
            try:
                self.client.update(
                    index=self._idx("outbox"),
                    id=message_id,
                    doc={"sent": sent, "pending": pending},
                    if_seq_no=found["_seq_no"],
                    if_primary_term=found["_primary_term"],
                )
            except ApiError as exc:
                if exc.status_code == 409:
                    self.stats["version_conflicts"] += 1
                    continue
                raise
            self._dirty.add(self._idx("outbox"))
            return
        raise StoreError(f"could not mark digest {message_id} sent after {MAX_ROUNDS} concurrent updates")

    def outbox_pending(self) -> list[OutboxMessage]:
        def fetch() -> list[OutboxMessage]:
            self._refresh("outbox")
            hits = self._scan("outbox", {"exists": {"field": "pending"}}, [{"created_at": "asc"}, {"id": "asc"}])
            return [_outbox_from_doc(h["_source"]) for h in hits]

        result: list[OutboxMessage] = self._call("outbox", fetch)
        return result

    def outbox_last(self, watch: str) -> OutboxMessage | None:
        def fetch() -> OutboxMessage | None:
            self._refresh("outbox")
            found = self.client.search(
                index=self._idx("outbox"),
                query={"term": {"watch": watch}},
                sort=[{"created_at": "desc"}, {"id": "desc"}],
                size=1,
            )
            hits = found["hits"]["hits"]
            return _outbox_from_doc(hits[0]["_source"]) if hits else None

        result: OutboxMessage | None = self._call("outbox", fetch)
        return result

    # -- runs -------------------------------------------------------------------------------
    def record_run(self, kind: str, started_at: datetime, stats: dict[str, Any]) -> None:
        finished = datetime.now(UTC)
        safe_stats = json.loads(json.dumps(stats, default=str))
        record = {
            "type": "run",
            "kind": kind,
            "started_at": started_at.isoformat(),
            "stats": safe_stats,
            "finished_at": finished.isoformat(),
        }
        self._write(lambda: record, lambda: self._record_run(kind, started_at, safe_stats, finished), None)

    def _record_run(self, kind: str, started_at: datetime, stats: dict[str, Any], finished: datetime) -> None:
        doc_id = _doc_id(kind, _iso_precise(started_at))
        self.client.index(
            index=self._idx("runs"),
            id=doc_id,
            document={
                "id": doc_id,
                "kind": kind,
                "started_at": _iso(started_at),
                "finished_at": _iso_precise(finished),
                "stats": stats,
            },
        )
        self._dirty.add(self._idx("runs"))

    def runs(self, kind: str | None = None, limit: int = 20) -> list[dict[str, Any]]:
        def fetch() -> list[dict[str, Any]]:
            self._refresh("runs")
            query = {"term": {"kind": kind}} if kind else {"match_all": {}}
            hits = self._scan("runs", query, [{"finished_at": "desc"}, {"id": "desc"}], limit=limit)
            return [{k: h["_source"][k] for k in ("kind", "started_at", "finished_at", "stats")} for h in hits]

        result: list[dict[str, Any]] = self._call("runs", fetch)
        return result

    # -- retention --------------------------------------------------------------------------
    def prune_revisions(self, before: datetime) -> int:
        """Delete revision documents fetched before ``before`` whose article has moved on to a later
        revision (its current text lives in the article document and is never pruned)."""

        def prune() -> int:
            self._refresh("revisions")
            old = self._scan(
                "revisions",
                {"range": {"fetched_at": {"lt": _iso(before)}}},
                [{"article_id": "asc"}, {"revision": "asc"}],
                _source=["article_id", "revision"],
            )
            deleted = 0
            for page in _pages(old, PAGE):
                current = self._get_many(sorted({h["_source"]["article_id"] for h in page}))
                doomed = [
                    h["_id"]
                    for h in page
                    if (art := current.get(h["_source"]["article_id"])) is not None
                    and int(h["_source"]["revision"]) < int(art.source["revision"])
                ]
                actions = [{"_op_type": "delete", "_index": self._idx("revisions"), "_id": i} for i in doomed]
                results = self._bulk(actions) if actions else {}
                deleted += sum(1 for r in results.values() if r["ok"])
            return deleted

        result: int = self._call("prune revisions", prune)
        return result

    # -- maintenance ------------------------------------------------------------------------
    def migrate(self, kinds: Iterable[str] = KINDS, *, delete_old: bool = True) -> dict[str, tuple[str, str]]:
        """Copy each index into the next versioned index (current templates) and swap the alias atomically.

        Writes to the old index are blocked during the copy; a writer meanwhile sees the
        cluster as unavailable and spools, and its writes land in the new index at replay."""
        self.ensure()
        moved: dict[str, tuple[str, str]] = {}
        for kind in kinds:
            if self.alias(kind) not in self._known:
                continue  # never used: its first index will come from the current template
            old = self.current_index(kind)
            number = int(old.rsplit("-", 1)[1]) + 1
            new = self._create_index(kind, number, alias=False)
            self.client.indices.put_settings(index=old, settings={"index.blocks.write": True})
            try:
                self.client.indices.refresh(index=old)
                # helpers.reindex first asks whether the target is a data stream; a cluster without the
                # data-streams module (the integ-test zip) answers 400, which the helper does not catch
                # (it expects 404): ignoring 400 on the target client lets it read that as "an index".
                helpers.reindex(
                    self.client,
                    source_index=old,
                    target_index=new,
                    target_client=self.client.options(ignore_status=400),
                    chunk_size=self.chunk_docs,
                    bulk_kwargs={"max_retries": 5, "initial_backoff": 0.5, "retry_on_status": RETRY_STATUS},
                )
                self.client.indices.refresh(index=new)
                self.client.indices.update_aliases(
                    actions=[
                        {"remove": {"index": old, "alias": self.alias(kind)}},
                        {"add": {"index": new, "alias": self.alias(kind), "is_write_index": True}},
                    ]
                )
            except Exception:
                self.client.indices.put_settings(index=old, settings={"index.blocks.write": False})
                raise
            if delete_old:
                self.client.indices.delete(index=old)
            moved[kind] = (old, new)
        return moved

    def index_sizes(self) -> dict[str, int]:
        """Bytes on disk per index kind (primary and replica store)."""
        stats = self.client.indices.stats(index=f"{self.prefix}-*", metric="store")
        out: dict[str, int] = {}
        for index, data in stats["indices"].items():
            kind = index.removeprefix(self.prefix + "-").rsplit("-", 1)[0]
            out[kind] = out.get(kind, 0) + int(data["total"]["store"]["size_in_bytes"])
        return out

    def drop(self) -> None:
        """Delete this prefix's indices and templates (tests and benches)."""
        names = [
            name
            for kind in KINDS
            for name in self.client.indices.get(index=f"{self.alias(kind)}-*", allow_no_indices=True)
        ]
        if names:
            self.client.indices.delete(index=",".join(names))  # by name: wildcard deletes are refused
        for kind in KINDS:
            with contextlib.suppress(NotFoundError):
                self.client.indices.delete_index_template(name=self.alias(kind))
        with contextlib.suppress(NotFoundError):
            self.client.cluster.delete_component_template(name=f"{self.prefix}-settings")
        self._ready = False

    def close(self) -> None:
        """Replay what is spooled and refresh what this store wrote, so the next reader, in any process,
        sees it; an unreachable cluster leaves the spool for later."""
        try:
            self.flush()
        except StoreError as exc:
            logger.warning("closing with writes still spooled in %s: %s", self.spool.path, exc)
        self.client.close()


@dataclass
class _Plan:
    outcome: StoreOutcome
    actions: list[dict[str, Any]]
    commit: dict[str, Any] | None  # the article action whose success decides the outcome
    after: list[dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        self.after = self.after or []


# -- documents ------------------------------------------------------------------------------------
def _article_doc(a: Article) -> dict[str, Any]:
    doc = article_to_json(a)
    for key in ("fetched_at", "published_at", "modified_at"):
        doc[key] = _iso(getattr(a, key))
    return doc | {
        "content_hash": a.content_hash,
        "word_count": a.word_count,
        "syndication_group": a.duplicate_of or a.id,
        "story": "",
        "watches": [],
    }


def _article(source: dict[str, Any]) -> Article:
    return article_from_json(source)  # keys that are not Article fields are ignored


def _revision(source: dict[str, Any]) -> Revision:
    return Revision(
        article_id=source["article_id"],
        revision=int(source["revision"]),
        content_hash=source["content_hash"],
        title=source["title"],
        text=source["text"],
        fetched_at=datetime.fromisoformat(source["fetched_at"]),
        diff=RevisionDiff.from_json(source["diff"]) if source.get("diff") else None,
    )


def _filters(
    outlet: str | None,
    since: datetime | None,
    until: datetime | None,
    *,
    story: str | None = None,
    watch: str | None = None,
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if outlet:
        out.append({"term": {"outlet": outlet}})
    if story is not None:
        out.append({"term": {"story": story}})
    if watch is not None:
        out.append({"term": {"watches": watch}})
    if since or until:
        bounds = {}
        if since:
            bounds["gte"] = _iso(since)
        if until:
            bounds["lt"] = _iso(until)
        out.append({"range": {"published_at": bounds}})
    return out


def _pages(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    page: list[Any] = []
    for item in items:
        page.append(item)
        if len(page) == size:
            yield page
            page = []
    if page:
        yield page


def _iso_precise(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _outbox_to_json(m: OutboxMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "watch": m.watch,
        "created_at": _iso_precise(m.created_at),
        "subject": m.subject,
        "recipients": list(m.recipients),
        "message": base64.b64encode(m.message).decode("ascii"),
        "divergences": dict(m.divergences),
        "sent": [{"recipient": r, "sent_at": _iso_precise(at)} for r, at in m.sent.items()],
    }


def _outbox_doc(data: dict[str, Any]) -> dict[str, Any]:
    done = {s["recipient"] for s in data["sent"]}
    return {**data, "pending": [r for r in data["recipients"] if r not in done]}


def _outbox_from_json(data: dict[str, Any]) -> OutboxMessage:
    return OutboxMessage(
        id=data["id"],
        watch=data["watch"],
        created_at=datetime.fromisoformat(data["created_at"]),
        subject=data["subject"],
        recipients=tuple(data["recipients"]),
        message=base64.b64decode(data["message"]),
        divergences=dict(data.get("divergences") or {}),
        sent={s["recipient"]: datetime.fromisoformat(s["sent_at"]) for s in data.get("sent", [])},
    )


def _outbox_from_doc(source: dict[str, Any]) -> OutboxMessage:
    return _outbox_from_json(source)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ApiError):
        info = exc.info if isinstance(exc.info, dict) else {}
        error = info.get("error", {}) if isinstance(info, dict) else {}
        if isinstance(error, dict) and error:
            return f"{exc.status_code} {error.get('type', '')}: {error.get('reason', '')}"
        return f"{exc.status_code} {exc.message}"
    if isinstance(exc, helpers.BulkIndexError):
        return f"{len(exc.errors)} document(s) failed: {exc.errors[0]}"
    return f"{type(exc).__name__}: {exc}"


def _item_reason(result: dict[str, Any]) -> str:
    error = result.get("error") or {}
    if isinstance(error, dict):
        reason = f"{result.get('status')} {error.get('type', '')}: {error.get('reason', '')}"
    else:
        reason = f"{result.get('status')} {error}"
    return reason if len(reason) <= 300 else reason[:300] + "…"  # a refused value can be huge
