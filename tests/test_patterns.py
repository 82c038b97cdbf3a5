"""A guarded pattern finds exactly what its pattern finds: every match holds one of its guard words."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.access import _CONSENT, _PAYWALL
from pipelines.metadata import _PAYWALL_TEXT
from pipelines.patterns import GuardedPattern

GUARDED = {"consent": _CONSENT, "paywall": _PAYWALL, "paywall_text": _PAYWALL_TEXT}


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=400, deadline=None)
@given(data=st.data())
def test_every_text_the_pattern_matches_passes_the_guard(name: str, data: st.DataObject) -> None:
    guarded = GUARDED[name]
    text = data.draw(st.from_regex(guarded.pattern))  # a match inside any text, in any case IGNORECASE allows
    assert guarded.pattern.search(text)
    assert guarded.may_match(text)
    assert guarded.findall(text) == guarded.pattern.findall(text)


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("aceiklnoprstuyzAKS \u0130\u0131\u017f\u212a\u00e9\u00ed-")))
def test_a_guarded_pattern_finds_what_its_pattern_finds_in_any_text(name: str, text: str) -> None:
    guarded = GUARDED[name]
    assert guarded.findall(text) == guarded.pattern.findall(text)
    assert (guarded.search(text) is None) == (guarded.pattern.search(text) is None)


def test_the_kelvin_sign_is_a_k_to_the_pattern_so_the_text_is_searched() -> None:
    guarded = GuardedPattern(re.compile("cookie", re.IGNORECASE), ("cookie",))
    assert guarded.search("COO\u212aIE banner") is not None
    assert guarded.search("a story about biscuits") is None


def test_guard_words_must_be_lower_case_ascii() -> None:
    with pytest.raises(ValueError, match="lower-case ASCII"):
        GuardedPattern(re.compile("x"), ("Cookie",))
