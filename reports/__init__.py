"""Reports: select what is new (digest), render it with Jinja2 (render, chart), deliver it (mail, outbox)."""

from __future__ import annotations

from reports.digest import Digest, build_digest
from reports.mail import build_message
from reports.outbox import FlushResult, deliver_digest, flush_outbox, record_archived, record_digest
from reports.render import render_html, render_text, write_archive

__all__ = [
    "Digest",
    "FlushResult",
    "build_digest",
    "build_message",
    "deliver_digest",
    "flush_outbox",
    "record_archived",
    "record_digest",
    "render_html",
    "render_text",
    "write_archive",
]
