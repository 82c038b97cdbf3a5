"""A small watch for the report tests: three outlets, one story, one finding of each kind a digest shows."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.compare import Comparison, compare
from pipelines.config import Config, parse_config
from pipelines.models import Article, Divergence, OutboxMessage
from reports.digest import Digest, build_digest

T0 = datetime(2025, 7, 7, 8, 0, tzinfo=UTC)
RECIPIENTS = ["desk@example.org", "editor@example.org"]
TITLE = "Why the <i>grand bargain</i> & the truce matter"
TRUCE = "The truce has held for 60 days, officials said."
TOLL = "Health officials say 57,000 people have been killed in the fighting."
TOLL_LOW = "Health officials say over 30,000 people have been killed in the fighting."
QUOTE = "“We will not sit across a table with terrorists,” Katz said."
QUOTE_ODD = "“We will not sit at a table with terrorists,” Katz said."
CONVOY = "Aid convoys crossed at Kerem Shalom on Monday morning, 40 trucks in all."
ONLY = "The envoy will fly to Cairo on Thursday to present a 12-point plan, aides said."
EDIT_BEFORE = "The cabinet approved 80 trucks of aid."
EDIT_AFTER = "The cabinet approved 40 trucks of aid."


def config(tmp_path: Path, **watch: Any) -> Config:
    raw = {
        "outlet": [
            {
                "name": "North <Times>",
                "id": "north",
                "homepage": "https://n.example/",
                "feeds": ["https://n.example/f"],
            },
            {"name": "South Post", "id": "south", "homepage": "https://s.example/", "feeds": ["https://s.example/f"]},
            {"name": "East Wire", "id": "east", "homepage": "https://e.example/", "feeds": ["https://e.example/f"]},
        ],
        "watch": [
            {
                "name": "truce",
                "query": "truce",
                "timezone": "Asia/Jerusalem",
                "recipients": ["desk@example.org", "editor@example.org"],
                **watch,
            }
        ],
        "report": {"dir": "out"},
        "smtp": {"sender": "newswatch@example.org"},
    }
    return parse_config(raw, tmp_path / "newswatch.toml")


def articles() -> list[Article]:
    def article(id_: str, outlet: str, host: str, title: str, sentences: list[str], hours: int, **kw: Any) -> Article:
        return Article(id=id_, outlet=outlet, url=f"https://{host}/{id_}?ref=rss&x=1", canonical_url=f"https://{host}/{id_}",
                       title=title, text=" ".join(sentences), fetched_at=T0 + timedelta(hours=hours),
                       published_at=T0 + timedelta(hours=hours), **kw)  # fmt: skip

    return [
        article("a1", "north", "n.example", TITLE, [TRUCE, TOLL, QUOTE, CONVOY, EDIT_AFTER], 0, revision=2),
        article("b1", "south", "s.example", "Truce holds as talks go on", [TRUCE, TOLL_LOW, QUOTE_ODD], 2),
        article("c1", "east", "e.example", "Truce enters its third month", [TRUCE, TOLL, QUOTE, CONVOY, ONLY], 5),
    ]


def divergences() -> list[Divergence]:
    def d(id_: str, kind: str, evidence: dict[str, str], note: str, **kw: Any) -> Divergence:
        return Divergence(id=id_, type=kind, articles=tuple(kw.pop("articles", evidence)), evidence=evidence,
                          spans={a: (0, len(s)) for a, s in evidence.items()}, severity=0.5, note=note,
                          watch="truce", **kw)  # fmt: skip

    return [
        d("num", "numeric_conflict", {"b1": TOLL_LOW, "a1": TOLL, "c1": TOLL}, "over 30,000 (understated) vs 57,000"),
        d("quote", "quote_wording", {"b1": QUOTE_ODD, "a1": QUOTE, "c1": QUOTE}, "'at a table' vs 'across a table'"),
        d(
            "omit",
            "omission",
            {"a1": CONVOY, "c1": CONVOY},
            "south leaves out: Aid convoys",
            articles=("b1", "a1", "c1"),
        ),
        d("only", "uncorroborated", {"c1": ONLY}, "only c1: The envoy will fly to Cairo"),
        d("edit", "stealth_edit", {"a1": EDIT_AFTER}, f"{EDIT_BEFORE!r} -> {EDIT_AFTER!r}", before={"a1": EDIT_BEFORE}),
        d("frame", "framing", {"a1": QUOTE, "c1": QUOTE}, "'terrorists' (z=2.4)"),
    ]


def comparison(items: list[Article] | None = None) -> Comparison:
    return compare("truce", items or articles())


def digest(tmp_path: Path, *, previous: OutboxMessage | None = None, known: list[Divergence] | None = None,
           found: list[Divergence] | None = None, items: list[Article] | None = None,
           now: datetime = T0 + timedelta(days=1)) -> Digest:  # fmt: skip
    cfg = config(tmp_path)
    return build_digest(comparison(items), found if found is not None else divergences(), cfg.watches[0],
                        {o.id: o.name for o in cfg.outlets}, now=now, previous=previous,
                        known=known or [], since=None)  # fmt: skip


def told(found: list[Divergence], *, at: datetime = T0, **overrides: str) -> OutboxMessage:
    """A previous digest that told its readers about ``found`` (fingerprints overridable per id)."""
    fingerprints = {d.id: overrides.get(d.id, d.fingerprint) for d in found}
    return OutboxMessage(id="previous", watch="truce", created_at=at, subject="s", recipients=RECIPIENTS[:1],
                         message=b"", divergences=fingerprints)  # fmt: skip


def with_title(items: list[Article], article_id: str, title: str) -> list[Article]:
    return [replace(a, title=title) if a.id == article_id else a for a in items]
