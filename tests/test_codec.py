"""Records as JSON objects, the same for every store: every field survives, older objects still read."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from pipelines.models import AccessState, Article
from pipelines.store.codec import article_from_json, article_to_json

T0 = datetime(2025, 7, 8, 13, 5, tzinfo=UTC)


def test_an_article_survives_json_with_every_field() -> None:
    a = Article(
        id="a1",
        outlet="north",
        url="https://n.example/a?x=1",
        canonical_url="https://n.example/a",
        title="Quake off Chile",
        text="ANTOFAGASTA, Chile (AP) — A quake struck.\nTwo people died.",
        fetched_at=T0 + timedelta(hours=1),
        description="A standfirst.",
        authors=("Jane Doe", "John Roe"),
        published_at=T0,
        published_offset="-04:00",
        published_source="jsonld",
        published_precision="time",
        modified_at=T0 + timedelta(minutes=30),
        modified_offset="-04:00",
        modified_source="meta",
        language="en",
        access_state=AccessState.PAYWALL,
        source="https://n.example/feed.xml",
        revision=2,
        duplicate_of="a0",
        signature="m1:9:AAAA",
        syndicated_from="Associated Press",
    )
    data = json.loads(json.dumps(article_to_json(a)))
    assert data["content_hash"] == a.content_hash
    assert data["word_count"] == a.word_count == 10
    assert article_from_json(data) == a


def test_an_object_written_before_a_field_existed_reads_with_its_default() -> None:
    old = {
        "id": "a1",
        "outlet": "north",
        "url": "https://n.example/a",
        "canonical_url": "https://n.example/a",
        "title": "T",
        "text": "Text.",
        "fetched_at": T0.isoformat(),
        "published_at": None,
        "some_future_field": 1,
    }
    a = article_from_json(old)
    assert (a.signature, a.syndicated_from, a.modified_source, a.published_at) == ("", "", "", None)
