"""Reports: select what to show, render it with Jinja2 (HTML and plain text), archive or deliver it."""

from __future__ import annotations

from reports.render import Report, build_report, render_html, render_text, write_report

__all__ = ["Report", "build_report", "render_html", "render_text", "write_report"]
