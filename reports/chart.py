"""The coverage timeline of a story: one lane per outlet, a dot per article at its publication time.

Drawn with Pillow's ImageDraw rather than matplotlib: the chart is only lanes, dots, tick lines
and labels, and matplotlib costs about a second to import and 100-200 ms per figure here, so a
digest of 20 stories would take seconds where Pillow takes milliseconds (``bench/digest.py``
times both when matplotlib is installed). The PNG is a 32-colour palette image; its alt text
says in words what the picture shows, so a reader with images off loses nothing.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

WIDTH_PX = 640  # display width: fits the 680 px digest column with its padding
SCALE = 1  # drawn at display size: 2x would be sharper on dense screens but 4x the pixels to encode
LANE_PX = 22
LEFT_PX = 150
RIGHT_PX = 18
TOP_PX = 8
BOTTOM_PX = 26
MAX_TICKS = 6
PALETTE_COLOURS = 32
_STEPS = [timedelta(hours=h) for h in (1, 2, 3, 6, 12, 24, 48, 96, 168, 336, 720)]
INK, MUTED, GRID, STRIPE, FIRST = (31, 41, 51), (82, 96, 109), (210, 214, 220), (243, 244, 246), (217, 119, 6)
DOT, COPY = (29, 78, 216), (147, 197, 253)


@dataclass(frozen=True, slots=True)
class Point:
    """One article on the timeline: when it was published, and whether it is a copy or was revised."""

    at: datetime
    copy: bool = False
    revised: bool = False


@dataclass(frozen=True)
class Chart:
    """A rendered chart: the PNG, its Content-ID for email, a file name for the archive, alt text."""

    cid: str
    filename: str
    alt: str
    width: int
    height: int
    png: bytes = field(repr=False)


def timeline_chart(key: str, lanes: Sequence[tuple[str, Sequence[Point]]], zone: ZoneInfo) -> Chart | None:
    """The timeline of ``lanes`` (outlet name, its articles); None when no article has a date."""
    dated = [(name, sorted(p.at for p in points)) for name, points in lanes]
    times = [t for _, ts in dated for t in ts]
    if not times:
        return None
    start, end = min(times), max(times)
    pad = max((end - start) * 0.05, timedelta(minutes=30))
    start, end = start - pad, end + pad
    height = TOP_PX + LANE_PX * len(lanes) + BOTTOM_PX
    s = SCALE
    image = Image.new("RGB", (WIDTH_PX * s, height * s), "white")
    draw = ImageDraw.Draw(image)
    plot_left, plot_right = LEFT_PX * s, (WIDTH_PX - RIGHT_PX) * s
    span = (end - start).total_seconds()

    def x_of(t: datetime) -> float:
        return plot_left + (t - start).total_seconds() / span * (plot_right - plot_left)

    lanes_bottom = (TOP_PX + LANE_PX * len(lanes)) * s
    for i, (name, _) in enumerate(lanes):
        top = (TOP_PX + LANE_PX * i) * s
        if i % 2 == 0:
            draw.rectangle((0, top, WIDTH_PX * s, top + LANE_PX * s), fill=STRIPE)
        draw.text((8 * s, top + LANE_PX * s / 2), _fit(name, LEFT_PX - 14), font=_font(11), fill=INK, anchor="lm")
    step = next((st for st in _STEPS if span / st.total_seconds() <= MAX_TICKS), _STEPS[-1])
    fmt = "%d %b %H:%M" if step < timedelta(days=1) else "%d %b"
    for tick in _ticks(start, end, step, zone):
        x = x_of(tick)
        draw.line((x, TOP_PX * s, x, lanes_bottom), fill=GRID, width=s)
        draw.text((x, lanes_bottom + 6 * s), tick.astimezone(zone).strftime(fmt), font=_font(10), fill=MUTED,
                  anchor="mt")  # fmt: skip
    draw.line((plot_left, lanes_bottom, plot_right, lanes_bottom), fill=MUTED, width=s)
    first = min(times)
    radius = 4 * s
    for i, (_, points) in enumerate(lanes):
        y = (TOP_PX + LANE_PX * i + LANE_PX / 2) * s
        for p in points:
            x = x_of(p.at)
            box = (x - radius, y - radius, x + radius, y + radius)
            if p.copy:
                draw.ellipse(box, fill="white", outline=COPY, width=2 * s)
            else:
                draw.ellipse(box, fill=FIRST if p.at == first else DOT)
            if p.revised:
                ring = 3 * s
                draw.ellipse((box[0] - ring, box[1] - ring, box[2] + ring, box[3] + ring), outline=FIRST, width=s)
    out = io.BytesIO()
    # a 32-colour palette keeps the antialiased text and makes the PNG ~6x smaller and faster to encode
    image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE).save(out, format="PNG", compress_level=3)
    safe = re.sub(r"[^A-Za-z0-9-]+", "-", key).strip("-") or "story"
    return Chart(
        cid=f"timeline-{safe}@newswatch",
        filename=f"timeline-{safe}.png",
        alt=alt_text(dated, lanes, zone),
        width=WIDTH_PX,
        height=height,
        png=out.getvalue(),
    )


def alt_text(dated: list[tuple[str, list[datetime]]], lanes: Sequence[tuple[str, Sequence[Point]]],
             zone: ZoneInfo) -> str:  # fmt: skip
    """The chart in words: per outlet, how many articles and when the first and last appeared."""
    parts = []
    for (name, times), (_, points) in zip(dated, lanes, strict=True):
        if not times:
            parts.append(f"{name}: no dated article")
            continue
        when = _short(times[0], zone) + (f" to {_short(times[-1], zone)}" if len(times) > 1 else "")
        extra = [f"{n} {label}" for n, label in ((sum(p.copy for p in points), "copied"),
                                                 (sum(p.revised for p in points), "revised")) if n]  # fmt: skip
        count = f"{len(times)} article{'s' if len(times) != 1 else ''}"
        parts.append(f"{name}: {count}{' (' + ', '.join(extra) + ')' if extra else ''}, {when}")
    return f"Coverage timeline ({zone.key}). " + "; ".join(parts) + "."


def _short(t: datetime, zone: ZoneInfo) -> str:
    return t.astimezone(zone).strftime("%d %b %H:%M")


def _ticks(start: datetime, end: datetime, step: timedelta, zone: ZoneInfo) -> list[datetime]:
    """Tick times on round local hours or local midnights."""
    local = start.astimezone(zone)
    if step >= timedelta(days=1):
        first = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    else:
        hours = int(step.total_seconds() // 3600)
        first = local.replace(minute=0, second=0, microsecond=0)
        first += timedelta(hours=hours - first.hour % hours)
    out = []
    tick = first
    while tick <= end and len(out) <= MAX_TICKS + 1:
        out.append(tick)
        tick += step
    return out


def _fit(text: str, width_px: int) -> str:
    """Shorten a label with an ellipsis until it fits its column."""
    font = _font(11)
    if font.getlength(text) <= width_px * SCALE:
        return text
    while text and font.getlength(text + "…") > width_px * SCALE:
        text = text[:-1]
    return text.rstrip() + "…"


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled font: the same rendering on every machine, no system fonts needed
    return ImageFont.load_default(size=size * SCALE)
