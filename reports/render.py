"""Render a digest as email-safe HTML and as plain text, and archive it (standalone HTML + JSON).

One Jinja2 environment with a package loader, autoescaping for the HTML template (a headline
with markup shows as text) and StrictUndefined, so a missing field fails the render instead of
mailing a blank. The HTML's CSS is moved into ``style`` attributes by css-inline, because many
email clients drop ``<style>`` blocks; css-inline (Rust, maintained) inlines a large digest in
milliseconds where premailer takes a large share of the render budget.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import css_inline
import jinja2

from reports.digest import Digest

# A disagreement shows this many of the other outlets' sentences; the rest are named and linked. Eight
# outlets telling the same figure make the point in three, and a digest past ~100 KB is cut short by Gmail.
OTHERS_SHOWN = 3


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reports", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["OTHERS_SHOWN"] = OTHERS_SHOWN
    return env


@cache
def _inliner() -> css_inline.CSSInliner:
    # nothing is fetched while rendering: the template has its one <style> block and no links
    return css_inline.CSSInliner(load_remote_stylesheets=False, keep_style_tags=False)


def render_html(digest: Digest, images: dict[str, str] | None = None, *, full: bool = False) -> str:
    """The HTML digest with CSS inlined. ``images`` maps a chart's Content-ID to its ``src``
    (default ``cid:`` links, for email); ``full`` shows findings unchanged since the last digest too."""
    srcs = images if images is not None else {c.cid: f"cid:{c.cid}" for c in digest.charts}
    html = environment().get_template("digest.html.j2").render(digest=digest, images=srcs, full=full)
    return _inliner().inline(html)


def render_text(digest: Digest, *, full: bool = False) -> str:
    return environment().get_template("digest.txt.j2").render(digest=digest, full=full)


def data_uris(digest: Digest) -> dict[str, str]:
    """Charts as ``data:`` URIs, for an HTML file that stands alone."""
    return {c.cid: "data:image/png;base64," + base64.b64encode(c.png).decode("ascii") for c in digest.charts}


def write_archive(digest: Digest, directory: Path, now: datetime | None = None) -> dict[str, Path]:
    """Write the full digest as standalone HTML (charts embedded), text and JSON data; returns their paths."""
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = directory / safe_name(digest.watch)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": folder / f"{stamp}.html",
        "text": folder / f"{stamp}.txt",
        "json": folder / f"{stamp}.json",
    }
    paths["html"].write_text(render_html(digest, data_uris(digest), full=True), encoding="utf-8")
    paths["text"].write_text(render_text(digest, full=True), encoding="utf-8")
    paths["json"].write_text(digest.to_json(), encoding="utf-8")
    return paths


def safe_name(name: str) -> str:
    """A watch name as a file name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-.") or "watch"
