"""Records as JSON objects, the same for every store (SQLite keeps them in a column, Elasticsearch as documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.models import Divergence


def divergence_to_json(d: Divergence) -> dict[str, Any]:
    """A divergence as a JSON object (without first/last seen, which the store keeps itself)."""
    return {
        "id": d.id,
        "type": d.type,
        "articles": list(d.articles),
        "evidence": d.evidence,
        "spans": {k: list(v) for k, v in d.spans.items()},
        "severity": d.severity,
        "note": d.note,
        "before": d.before,
        "watch": d.watch,
        "story": d.story,
        "outlets": d.outlets,
        "urls": d.urls,
        "revisions": d.revisions,
    }


def divergence_from_json(
    data: dict[str, Any], *, first_seen: datetime | None = None, last_seen: datetime | None = None
) -> Divergence:
    return Divergence(
        id=data["id"],
        type=data["type"],
        articles=tuple(data["articles"]),
        evidence=dict(data["evidence"]),
        spans={k: (int(v[0]), int(v[1])) for k, v in data["spans"].items()},
        severity=float(data["severity"]),
        note=data.get("note", ""),
        before=dict(data.get("before", {})),
        watch=data.get("watch", ""),
        story=data.get("story", ""),
        outlets=dict(data.get("outlets", {})),
        urls=dict(data.get("urls", {})),
        revisions={k: int(v) for k, v in data.get("revisions", {}).items()},
        first_seen=first_seen,
        last_seen=last_seen,
    )
