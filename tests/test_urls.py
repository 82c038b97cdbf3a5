"""URL identity: one canonical form per article, whatever tracking or spelling a link carries."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.urls import article_id, canonical_url


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://WWW.Example.COM/News/Story/", "https://www.example.com/News/Story"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("http://example.com:8080/a/", "http://example.com:8080/a"),
        ("https://example.com/a?utm_source=rss&utm_medium=feed&id=7", "https://example.com/a?id=7"),
        ("https://example.com/a?fbclid=IwAR0&gclid=xyz&mc_cid=1", "https://example.com/a"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
        ("https://example.com/a#comments", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_tracking_variants_of_one_article_share_its_id() -> None:
    ids = {
        article_id(u)
        for u in (
            "https://www.example.com/world/2025/07/08/truce-talks",
            "https://www.example.com/world/2025/07/08/truce-talks/?utm_campaign=x",
            "HTTPS://WWW.EXAMPLE.COM/world/2025/07/08/truce-talks#top",
            "https://www.example.com/world/2025/07/08/truce-talks?smid=tw-share&fbclid=1",
        )
    }
    assert len(ids) == 1


@given(st.text(max_size=200))
def test_canonical_url_never_raises_and_is_idempotent(text: str) -> None:
    url = "https://example.com/" + text
    once = canonical_url(url)
    assert canonical_url(once) == once
