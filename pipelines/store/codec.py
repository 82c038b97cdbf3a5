"""Records as JSON objects, the same for every store (SQLite keeps them in a column, Elasticsearch as documents)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from pipelines.models import AccessState, Article, Claim, Divergence, Mention

_ARTICLE_DATES = ("published_at", "modified_at", "fetched_at")


def article_to_json(a: Article) -> dict[str, Any]:
    """An article as a JSON object: every field (datetimes as ISO 8601), plus the derived
    ``content_hash`` and ``word_count`` a search engine can filter and aggregate on."""
    data: dict[str, Any] = {}
    for f in dataclasses.fields(Article):
        value = getattr(a, f.name)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        elif isinstance(value, AccessState):
            value = value.value
        data[f.name] = value
    data["content_hash"] = a.content_hash
    data["word_count"] = a.word_count
    return data


def article_from_json(data: dict[str, Any]) -> Article:
    """The article back from :func:`article_to_json`; fields a stored object lacks (written
    before they existed) take their defaults, keys it has that Article lacks are ignored."""
    known = {f.name for f in dataclasses.fields(Article)}
    values = {k: v for k, v in data.items() if k in known}
    for key in _ARTICLE_DATES:
        if values.get(key):
            values[key] = datetime.fromisoformat(values[key])
    if "authors" in values:
        values["authors"] = tuple(values["authors"])
    if "access_state" in values:
        values["access_state"] = AccessState(values["access_state"])
    return Article(**values)


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


def claim_to_json(c: Claim) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind,
        "text": c.text,
        "numbers": list(c.numbers),
        "mentions": [
            {
                "article_id": m.article_id,
                "outlet": m.outlet,
                "url": m.url,
                "revision": m.revision,
                "sentence": m.sentence,
                "start": m.start,
                "end": m.end,
                "published_at": m.published_at.isoformat() if m.published_at else None,
            }
            for m in c.mentions
        ],
    }


def claim_from_json(data: dict[str, Any]) -> Claim:
    return Claim(
        id=data["id"],
        kind=data["kind"],
        text=data["text"],
        numbers=tuple(data["numbers"]),
        mentions=tuple(
            Mention(
                article_id=m["article_id"],
                outlet=m["outlet"],
                url=m["url"],
                revision=int(m["revision"]),
                sentence=m["sentence"],
                start=int(m["start"]),
                end=int(m["end"]),
                published_at=datetime.fromisoformat(m["published_at"]) if m.get("published_at") else None,
            )
            for m in data["mentions"]
        ),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
