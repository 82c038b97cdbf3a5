"""Rendering: Jinja2 with autoescaping and StrictUndefined; times in the watch's zone."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from pipelines.compare import compare
from pipelines.config import parse_config
from pipelines.models import Article
from reports import build_report, render_html, render_text, write_report
from reports.render import environment

T0 = datetime(2025, 7, 7, 22, 30, tzinfo=UTC)


def config(tmp_path: Path):
    raw = {
        "outlet": [
            {
                "name": "North <Times>",
                "id": "north",
                "homepage": "https://n.example/",
                "feeds": ["https://n.example/f"],
            },
            {"name": "South Post", "id": "south", "homepage": "https://s.example/", "feeds": ["https://s.example/f"]},
        ],
        "watch": [{"name": "truce", "query": "truce", "timezone": "Asia/Jerusalem"}],
        "report": {"dir": "out"},
    }
    return parse_config(raw, tmp_path / "newswatch.toml")


def articles() -> list[Article]:
    return [
        Article(
            id="a1",
            outlet="north",
            url="https://n.example/a?x=1&y=2",
            canonical_url="https://n.example/a",
            title="Why the <i>grand bargain</i> & the truce matter",
            text="The truce has held for 60 days.",
            fetched_at=T0,
            published_at=T0,
            revision=2,
        ),
        Article(
            id="b1",
            outlet="south",
            url="https://s.example/b",
            canonical_url="https://s.example/b",
            title="Truce enters third month",
            text="The truce has held for 60 days, officials said.",
            fetched_at=T0,
            published_at=T0,
        ),
    ]


def test_html_escapes_markup_in_titles_and_names(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    report = build_report(compare("truce", articles()), cfg.watches[0], cfg, now=T0)
    html = render_html(report)
    assert "Why the &lt;i&gt;grand bargain&lt;/i&gt; &amp; the truce matter" in html
    assert "<i>grand bargain</i>" not in html
    assert "North &lt;Times&gt;" in html
    assert 'href="https://n.example/a?x=1&amp;y=2"' in html
    assert "<script" not in html


def test_text_report_names_outlets_claims_and_local_times(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    report = build_report(compare("truce", articles()), cfg.watches[0], cfg, now=T0)
    text = render_text(report)
    assert "North <Times>" in text
    assert "South Post" in text
    assert "stated by 2: North <Times>, South Post" in text
    assert "2025-07-08 01:30 IDT" in text  # 22:30 UTC shown in the watch's zone (Jerusalem)
    assert "revision 2" in text


def test_reports_are_archived_as_html_text_and_json(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    report = build_report(compare("truce", articles()), cfg.watches[0], cfg, now=T0)
    paths = write_report(report, cfg.report_dir)
    assert all(p.exists() and p.parent == tmp_path / "out" / "truce" for p in paths.values())
    data = json.loads(paths["json"].read_text())
    assert data["watch"] == "truce"
    assert len(data["claims"]) == 1


def test_a_missing_field_fails_the_render_instead_of_printing_a_blank() -> None:
    template = environment().from_string("{{ report.nothing_here }}")
    with pytest.raises(jinja2.UndefinedError):
        template.render(report={})
