"""trafilatura's basic cleaning (its page-length measure and baseline rescue) selects, through our
faster expression, exactly the elements trafilatura's own XPath selects, in the same order."""

from __future__ import annotations

import importlib

import lxml.html
from hypothesis import given, settings
from hypothesis import strategies as st
from trafilatura.settings import BASIC_CLEAN_XPATH

from pipelines.fast_cleaning import TRAFILATURA_BASIC_CLEAN_XPATH, basic_clean_nodes, use_fast_basic_cleaning

# class and id values around every branch of trafilatura's expression: the footer test, each
# cookie-banner pattern, the letters IGNORECASE folds (Kelvin sign, long s, dotted and dotless i)
WORDS = [
    "footer", "site-footer", "Footer", "page", "main", "cookie-banner", "COOKIE_NOTICE", "cookiebar", "cookie",
    "notice--cookie", "consent-manager", "ConsentSDK", "consent", "borlabs-box", "CookieBot", "cmplz-x",
    "oneTrust", "moove_gdpr", "moovegdpr", "coo\u212aie-banner", "con\u017fent-sdk", "cookie-not\u0130ce",
    "cook\u0131e_law", "ad", "story",
]  # fmt: skip
TAGS = ["div", "section", "aside", "footer", "p", "span", "script", "style", "svg", "template", "fencedframe", "ul"]

attribute = st.one_of(st.none(), st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join))


@st.composite
def element(draw: st.DrawFn, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    cls, ident = draw(attribute), draw(attribute)
    attrs = [f'class="{cls}"' if cls is not None else "", f'id="{ident}"' if ident is not None else ""]
    if draw(st.booleans()):  # which of the two is written first decides XPath's contains(@class|@id, ...)
        attrs.reverse()
    children = draw(st.lists(element(depth + 1), max_size=3)) if depth < 3 else []
    return f"<{tag} {' '.join(attrs)}>text{''.join(children)}</{tag}>tail"


def test_the_reproduced_expression_is_trafilaturas_so_the_faster_one_is_used() -> None:
    # fails when a trafilatura release changes its expression: re-derive pipelines.fast_cleaning from it
    assert BASIC_CLEAN_XPATH.path == TRAFILATURA_BASIC_CLEAN_XPATH
    assert use_fast_basic_cleaning() is True
    assert importlib.import_module("trafilatura.baseline").BASIC_CLEAN_XPATH is basic_clean_nodes


@settings(max_examples=300, deadline=None)
@given(st.lists(element(), min_size=1, max_size=6))
def test_the_faster_cleaning_selects_what_trafilaturas_xpath_selects(elements: list[str]) -> None:
    tree = lxml.html.document_fromstring(f"<html><body>{''.join(elements)}</body></html>")
    for root in (tree, tree.find("body")):
        assert basic_clean_nodes(root) == BASIC_CLEAN_XPATH(root)


def test_a_cookie_banner_and_a_footer_go_and_the_story_stays() -> None:
    tree = lxml.html.document_fromstring(
        "<html><body><div id='CookieBanner'>We use cookies</div><article><p>The story.</p></article>"
        "<div class='page-footer' id='x'>About us</div><div id='x' class='page-footer'>Contact</div></body></html>"
    )
    removed = basic_clean_nodes(tree)
    # contains(@class|@id, 'footer') reads the attribute written first: only the first footer div matches
    assert [node.text for node in removed] == ["We use cookies", "About us"]
    assert removed == BASIC_CLEAN_XPATH(tree)
