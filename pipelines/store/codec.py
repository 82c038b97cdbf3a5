"""Records as JSON objects, the same for every store (SQLite keeps them in a column, Elasticsearch as documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipelines.models import AccessState, Article, Claim, Divergence, Mention


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


def article_to_json(a: Article) -> dict[str, Any]:
    """An article as a JSON object (datetimes as ISO 8601 with their offset)."""
    return {
        "id": a.id,
        "outlet": a.outlet,
        "url": a.url,
        "canonical_url": a.canonical_url,
        "title": a.title,
        "text": a.text,
        "fetched_at": a.fetched_at.isoformat(),
        "description": a.description,
        "authors": list(a.authors),
        "published_at": _iso(a.published_at),
        "published_offset": a.published_offset,
        "published_source": a.published_source,
        "modified_at": _iso(a.modified_at),
        "language": a.language,
        "access_state": a.access_state.value,
        "source": a.source,
        "revision": a.revision,
        "duplicate_of": a.duplicate_of,
    }


def article_from_json(data: dict[str, Any]) -> Article:
    return Article(
        id=data["id"],
        outlet=data["outlet"],
        url=data["url"],
        canonical_url=data["canonical_url"],
        title=data["title"],
        text=data["text"],
        fetched_at=datetime.fromisoformat(data["fetched_at"]),
        description=data.get("description", ""),
        authors=tuple(data.get("authors", ())),
        published_at=_dt(data.get("published_at")),
        published_offset=data.get("published_offset", ""),
        published_source=data.get("published_source", ""),
        modified_at=_dt(data.get("modified_at")),
        language=data.get("language", ""),
        access_state=AccessState(data.get("access_state", "full")),
        source=data.get("source", ""),
        revision=int(data.get("revision", 1)),
        duplicate_of=data.get("duplicate_of", ""),
    )
