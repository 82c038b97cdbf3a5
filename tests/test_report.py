"""Digests: what they select and mark, and how they render (autoescaped, StrictUndefined, local times)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import jinja2
import pytest
from PIL import Image

from pipelines.compare import analyse_story, claim_matrix
from pipelines.models import Divergence
from reports import build_digest, render_html, render_text, write_archive
from reports.chart import SCALE
from reports.digest import word_diff
from reports.render import environment
from tests import digest_data as data


def story(tmp_path: Path, **kw):  # type: ignore[no-untyped-def]
    d = data.digest(tmp_path, **kw)
    (section,) = d.stories
    return d, section


def test_the_first_digest_marks_everything_new_and_counts_it_in_summary_and_subject(tmp_path: Path) -> None:
    digest, section = story(tmp_path)
    assert digest.counts == {"new": 6, "changed": 0, "unchanged": 0, "resolved": 0}
    assert digest.summary == "3 outlets, 3 articles, 1 story, 6 divergences; first digest of this watch."
    assert digest.subject == "[newswatch] truce: 6 divergences (1 story, 3 articles)"
    assert {f.state for f in section.findings} == {"new"}


def test_findings_are_marked_new_changed_unchanged_or_resolved_against_the_previous_digest(tmp_path: Path) -> None:
    found = data.divergences()
    gone = Divergence(id="gone", type="numeric_conflict", articles=("a1", "b1"), evidence={"a1": data.TRUCE},
                      spans={}, severity=0.9, note="60 vs 90", watch="truce")  # fmt: skip
    left = Divergence(id="left", type="numeric_conflict", articles=("z9",), evidence={"z9": "x"}, spans={},
                      severity=0.9, watch="truce")  # fmt: skip
    previous = data.told([*found[:3], gone, left], quote="an older wording")
    digest, section = story(tmp_path, previous=previous, found=found, known=[*found, gone, left])
    states = {f.id: f.state for f in section.findings}
    assert states == {"num": "unchanged", "quote": "changed", "omit": "unchanged", "only": "new", "edit": "new",
                      "frame": "new"}  # fmt: skip
    # "gone" was told, its articles are still in the period and it was not found again: resolved;
    # "left" belongs to articles outside this period: not shown as resolved
    assert [f.id for f in digest.resolved] == ["gone"]
    assert digest.counts == {"new": 3, "changed": 1, "unchanged": 2, "resolved": 1}
    assert digest.subject.startswith("[newswatch] truce: 3 new, 1 changed, 1 resolved")
    text = render_text(digest)
    assert "RESOLVED SINCE THE LAST DIGEST" in text
    assert "[NEW] " in text
    assert "[CHANGED] " in text
    assert "since the digest of 2025-07-07 11:00 IDT" in text


def test_a_finding_that_gains_an_outlet_is_changed_not_new_and_resolved(tmp_path: Path) -> None:
    found = data.divergences()
    num = found[0]
    before = Divergence(**{**num.__dict__, "id": "num-two-outlets", "articles": ("b1", "a1"),
                           "evidence": {"b1": data.TOLL_LOW, "a1": data.TOLL}})  # fmt: skip
    digest, section = story(tmp_path, previous=data.told([before, *found[1:]]), found=found, known=[before, *found])
    assert {f.id: f.state for f in section.findings}["num"] == "changed"
    assert digest.resolved == ()
    assert digest.counts == {"new": 0, "changed": 1, "unchanged": 5, "resolved": 0}


def test_a_digest_with_nothing_new_says_so_in_one_line(tmp_path: Path) -> None:
    found = data.divergences()
    digest = data.digest(tmp_path, previous=data.told(found), found=found, known=found)
    assert digest.nothing_new
    assert digest.subject.startswith("[newswatch] truce: nothing new")
    text = render_text(digest)
    lines = [line for line in text.splitlines() if line.strip()]
    assert sum("Nothing new since the digest of 2025-07-07 11:00 IDT" in line for line in lines) == 1
    assert len(lines) == 5  # title, underline, query, period, the one line
    assert data.TOLL not in text
    html = render_html(digest)
    assert "Nothing new since the digest" in html
    assert data.TOLL not in html
    # the archive keeps the whole picture
    assert data.TOLL in render_text(digest, full=True)


def test_the_claim_matrix_marks_states_contradicts_omits_and_unique(tmp_path: Path) -> None:
    digest, section = story(tmp_path)
    assert section.outlets == ("East Wire", "North <Times>", "South Post")
    rows = {row.text: [cell.mark for cell in row.cells] for row in section.matrix}
    toll = next(marks for text, marks in rows.items() if "57,000" in text or "30,000" in text)
    assert toll == ["states", "states", "contradicts"]
    convoy = next(marks for text, marks in rows.items() if "convoys" in text)
    assert convoy == ["states", "states", "omits"]
    assert any(marks == ["states", "states", "states"] for marks in rows.values())  # the truce sentence
    html = render_html(digest)
    for word in ("states", "contradicts", "omits", "only this outlet"):
        assert word in html  # the legend
    assert "C contradicts" in render_text(digest)


def test_the_matrix_shown_is_the_engines_claim_matrix_of_the_story(tmp_path: Path) -> None:
    items = data.articles()
    analysis = analyse_story(items)
    matrix = claim_matrix(analysis, items)
    cfg = data.config(tmp_path)
    digest = build_digest(data.comparison(items), list(analysis.divergences), cfg.watches[0],
                          {o.id: o.name for o in cfg.outlets}, now=data.T0 + timedelta(days=1),
                          stories={a.id: "truce" for a in items}, matrices={"truce": matrix})  # fmt: skip
    (section,) = digest.stories
    shown = {row.text: [cell.mark for cell in row.cells] for row in section.matrix}
    engine = {c.text: [c.cells[o].state.value if o in c.cells else "" for o in ("east", "north", "south")]
              for c in matrix.claims}  # fmt: skip
    assert shown == engine
    assert any("contradicts" in marks for marks in shown.values())


def test_quote_differences_are_highlighted_word_by_word(tmp_path: Path) -> None:
    a, b = word_diff(data.QUOTE_ODD, data.QUOTE)
    assert [s.text for s in a if s.mark] == ["at"]
    assert [s.text for s in b if s.mark] == ["across"]
    # quotation-mark style alone is not a difference
    a, _ = word_diff("“We will not,” he said.", '"We will not," he said.')
    assert not any(s.mark for s in a)
    digest, section = story(tmp_path)
    (quote,) = section.quotes
    assert quote.outlet == "South Post"
    assert [s.text for s in quote.evidence[0].segments if s.mark] == ["at"]
    assert "sit **at** a table" in render_text(digest)
    html = render_html(digest)
    assert ">at</span>" in html
    assert ">across</span>" in html


def test_every_section_links_its_sentences_to_their_articles_in_local_time(tmp_path: Path) -> None:
    digest, section = story(tmp_path)
    (num,) = section.conflicts
    assert num.evidence[0].url == "https://s.example/b1?ref=rss&x=1"
    assert num.evidence[0].published == "2025-07-07 13:00 IDT"  # 10:00 UTC in Jerusalem
    assert {e.outlet for e in num.others} == {"North <Times>", "East Wire"}
    ((outlet, (omit,)),) = section.omissions
    assert outlet == "South Post"
    assert {e.url for e in omit.others} == {"https://n.example/a1?ref=rss&x=1", "https://e.example/c1?ref=rss&x=1"}
    (only,) = section.uncorroborated
    assert (only.outlet, only.evidence[0].sentence) == ("East Wire", data.ONLY)
    (edit,) = section.edits
    assert [s.text for s in edit.before if s.mark] == ["80"]
    assert [s.text for s in edit.after if s.mark] == ["40"]
    (frame,) = section.framing
    assert frame.term == "terrorists"
    assert [s.text for s in frame.evidence[0].segments if s.mark] == ["terrorists"]
    first = section.firsts[0]
    assert (first.outlet, first.published) == ("North <Times>", "2025-07-07 11:00 IDT")
    assert first.lead == "2 h before South Post"
    html = render_html(digest)
    assert 'href="https://s.example/b1?ref=rss&amp;x=1"' in html
    text = render_text(digest)
    assert "<https://s.example/b1?ref=rss&x=1>" in text


def test_html_escapes_markup_from_titles_and_names_and_has_no_scripts(tmp_path: Path) -> None:
    digest, _ = story(tmp_path)
    html = render_html(digest)
    assert "Why the &lt;i&gt;grand bargain&lt;/i&gt; &amp; the truce matter" in html
    assert "<i>grand bargain</i>" not in html
    assert "North &lt;Times&gt;" in html
    assert "<script" not in html.lower()
    assert "<style" not in html  # inlined into style attributes
    assert 'style="' in html
    assert 'src="cid:timeline-' in html


def test_a_missing_field_fails_the_render_instead_of_printing_a_blank() -> None:
    template = environment().from_string("{{ digest.nothing_here }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render(digest={})


def test_the_timeline_chart_is_a_png_with_alt_text_naming_every_outlet(tmp_path: Path) -> None:
    _, section = story(tmp_path)
    chart = section.chart
    assert chart is not None
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG"
    assert image.size == (chart.width * SCALE, chart.height * SCALE)
    assert len(image.getcolors(1 << 16) or []) > 10  # lanes, dots, text: not a blank picture
    assert chart.alt.startswith("Coverage timeline (Asia/Jerusalem).")
    for name in ("North <Times>: 1 article (1 revised), 07 Jul 11:00", "South Post: 1 article", "East Wire"):
        assert name in chart.alt


def test_reports_are_archived_as_standalone_html_text_and_json(tmp_path: Path) -> None:
    digest, _ = story(tmp_path)
    paths = write_archive(digest, tmp_path / "out", now=data.T0 + timedelta(days=1))
    assert all(p.exists() and p.parent == tmp_path / "out" / "truce" for p in paths.values())
    html = paths["html"].read_text()
    assert "data:image/png;base64," in html
    assert "cid:" not in html
    saved = json.loads(paths["json"].read_text())
    assert saved["watch"] == "truce"
    assert saved["summary"] == digest.summary
    assert saved["stories"][0]["chart"]["alt"].startswith("Coverage timeline")
    assert "png" not in saved["stories"][0]["chart"]
    assert {f["type"] for f in saved["stories"][0]["conflicts"]} == {"numeric_conflict"}


def test_the_engines_first_report_names_when_and_who_followed_in_local_time(tmp_path: Path) -> None:
    first = Divergence(
        id="first", type="first_report", articles=("a1", "c1"), evidence={"a1": data.TOLL, "c1": data.TOLL},
        spans={"a1": (0, 5), "c1": (0, 5)}, severity=0.2, watch="truce",
        note="first: north at 2025-07-07 08:00 UTC with 1 claim(s); then east (+5.0 h)",
    )  # fmt: skip
    digest = data.digest(tmp_path, found=[first])
    (shown,) = [f for f in digest.stories[0].firsts if f.what == data.TOLL]
    assert (shown.outlet, shown.published) == ("North <Times>", "2025-07-07 11:00 IDT")
    assert shown.lead == "then East Wire (2025-07-07 16:00 IDT)"  # names, not outlet ids
    assert shown.url == "https://n.example/a1?ref=rss&x=1"
    assert "North &lt;Times&gt;" in render_html(digest)
    text = render_text(digest)
    assert f'North <Times> first with "{data.TOLL}"' in text  # the outlet's own words, quoted
    assert "first with the story: " in text  # the story is named, not quoted
