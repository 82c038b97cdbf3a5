"""Build a watch report from a comparison and render it as HTML and plain text.

One Jinja2 environment with a package loader, autoescaping for HTML templates and
StrictUndefined, so a missing field fails the render instead of mailing a blank. Times are
shown in the watch's time zone.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2

from pipelines.compare import Comparison
from pipelines.compare.divergence import StoryAnalysis
from pipelines.config import Config, WatchConfig
from pipelines.models import Article


@dataclass(frozen=True)
class ArticleRow:
    id: str
    title: str
    url: str
    published: str
    authors: str
    revision: int
    copy_of: str


@dataclass(frozen=True)
class OutletColumn:
    id: str
    name: str
    articles: list[ArticleRow]


@dataclass(frozen=True)
class Cell:
    sentence: str
    url: str
    published: str


@dataclass(frozen=True)
class ClaimRow:
    id: str
    kind: str
    text: str
    numbers: list[str]
    cells: dict[str, Cell | None]

    @property
    def count(self) -> int:
        return sum(1 for cell in self.cells.values() if cell)


@dataclass(frozen=True)
class DivergenceRow:
    id: str
    type: str
    label: str
    note: str
    severity: float
    evidence: list[dict[str, str]]
    before: str


TYPE_LABELS = {
    "numeric_conflict": "Figures that disagree",
    "date_conflict": "Dates and durations that disagree",
    "quote_wording": "A quote worded differently",
    "quote_attribution": "A quote given to a different speaker or place",
    "role_title": "A person's title differs",
    "omission": "Left out by one outlet",
    "uncorroborated": "Stated by one outlet only",
    "stealth_edit": "Changed after publication, without a note",
}


@dataclass(frozen=True)
class Report:
    """Everything a rendered report shows, already in display form (strings, local times)."""

    watch: str
    query: str
    timezone: str
    generated_at: str
    outlets: list[OutletColumn]
    claims: list[ClaimRow]
    edited: list[ArticleRow] = field(default_factory=list)
    divergences: list[DivergenceRow] = field(default_factory=list)

    @property
    def article_count(self) -> int:
        return sum(len(o.articles) for o in self.outlets)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2)


def build_report(
    comparison: Comparison,
    watch: WatchConfig,
    config: Config,
    now: datetime | None = None,
    analysis: StoryAnalysis | None = None,
) -> Report:
    zone = ZoneInfo(watch.timezone)
    names = {o.id: o.name for o in config.outlets}
    by_id = {a.id: a for a in comparison.articles}

    def row(article: Article) -> ArticleRow:
        copy_of = by_id.get(article.duplicate_of)
        return ArticleRow(
            id=article.id,
            title=article.title,
            url=article.url,
            published=_local(article.published_at, zone),
            authors=", ".join(article.authors),
            revision=article.revision,
            copy_of=names.get(copy_of.outlet, copy_of.outlet) if copy_of else "",
        )

    columns = [
        OutletColumn(id=outlet, name=names.get(outlet, outlet), articles=[row(a) for a in articles])
        for outlet, articles in comparison.by_outlet().items()
    ]
    claims = []
    for claim in comparison.claims:
        cells: dict[str, Cell | None] = {c.id: None for c in columns}
        for mention in claim.mentions:
            cells[mention.outlet] = Cell(mention.sentence, mention.url, _local(mention.published_at, zone))
        claims.append(ClaimRow(claim.id, claim.kind, claim.text, list(claim.numbers), cells))
    divergences = []
    for d in sorted(analysis.divergences if analysis else (), key=lambda d: (-d.severity, d.type, d.id)):
        evidence, shown = [], set()
        for article_id in d.articles:
            article = by_id.get(article_id)
            sentence = d.evidence.get(article_id, "")
            outlet = names.get(article.outlet, article.outlet) if article else article_id
            if outlet in shown:
                continue  # one sentence per outlet is enough evidence
            shown.add(outlet)
            evidence.append({"outlet": outlet, "sentence": sentence, "url": article.url if article else "",
                             "role": "omits" if d.type == "omission" and not sentence else "states"})  # fmt: skip
        before = next(iter(d.before.values()), "")
        divergences.append(DivergenceRow(d.id, d.type, TYPE_LABELS.get(d.type, d.type), d.note, d.severity,
                                         evidence, before))  # fmt: skip
    return Report(
        divergences=divergences,
        watch=watch.name,
        query=watch.query,
        timezone=watch.timezone,
        generated_at=_local(now or datetime.now(UTC), zone),
        outlets=columns,
        claims=claims,
        edited=[row(a) for a in comparison.articles if a.revision > 1],
    )


def _local(value: datetime | None, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if value else "unknown"


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(report: Report) -> str:
    return environment().get_template("report.html.j2").render(report=report)


def render_text(report: Report) -> str:
    return environment().get_template("report.txt.j2").render(report=report)


def write_report(report: Report, directory: Path) -> dict[str, Path]:
    """Write HTML, text and JSON side by side; returns their paths (``html``, ``text``, ``json``)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = directory / _safe(report.watch)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": folder / f"{stamp}.html",
        "text": folder / f"{stamp}.txt",
        "json": folder / f"{stamp}.json",
    }
    paths["html"].write_text(render_html(report), encoding="utf-8")
    paths["text"].write_text(render_text(report), encoding="utf-8")
    paths["json"].write_text(report.to_json(), encoding="utf-8")
    return paths


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "watch"


def as_context(report: Report) -> dict[str, Any]:
    return asdict(report)
