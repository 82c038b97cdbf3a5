"""The HTML digest as a browser draws it: headless Chromium at 700 px, screenshot kept in test-artifacts/.

Chromium (Debian's package) is installed by tests/run.sh; a missing browser fails this test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from PIL import Image, ImageStat

from bench.digest import synthetic
from pipelines.config import WatchConfig
from reports import build_digest, render_html
from reports.render import data_uris
from tests import digest_data as data

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
WIDTH = 700
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
         "--hide-scrollbars", "--disable-dev-shm-usage"]  # fmt: skip
PROBE = (
    "<script>window.addEventListener('load', function () {"
    " var d = document.documentElement;"
    " d.setAttribute('data-scroll-width', String(d.scrollWidth));"
    " d.setAttribute('data-client-width', String(d.clientWidth));"
    " d.setAttribute('data-images', String(Array.prototype.filter.call(document.images,"
    " function (i) { return i.complete && i.naturalWidth > 0; }).length)); });</script>"
)


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    assert browser, "chromium is not installed (tests/run.sh installs Debian's chromium package)"
    return subprocess.run([browser, *FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=180, check=False)  # fmt: skip


def digest_page(tmp_path: Path) -> str:
    """A digest with long words, many outlets and two stories: the layouts most likely to overflow."""
    comparison, found, names = synthetic(stories=2, divergences=24, outlets=12)
    names["outlet-3"] = "The Extraordinarily-Long-Named Morning-Chronicle-and-Evening-Dispatch"
    watch = WatchConfig(name="floods", query="flood", timezone="Europe/Berlin")
    digest = build_digest(comparison, found, watch, names, now=data.T0)
    return render_html(digest, data_uris(digest), full=True)


def test_the_html_digest_renders_at_700px_without_horizontal_overflow(tmp_path: Path) -> None:
    html = digest_page(tmp_path)
    page = tmp_path / "digest.html"
    page.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "digest-700px.png"
    shot.unlink(missing_ok=True)
    result = chromium(f"--window-size={WIDTH},2400", f"--screenshot={shot}", page.as_uri(), profile=tmp_path / "p1")
    assert result.returncode == 0, result.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (WIDTH, 2400)
    # non-blank: many colours, and a good share of pixels that are neither the page nor the card background
    colours = image.getcolors(1 << 20) or []
    assert len(colours) > 200
    backgrounds = {(255, 255, 255), (238, 240, 243)}
    assert sum(count for count, colour in colours if colour not in backgrounds) > 0.05 * WIDTH * 2400
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20
    # overflow: the layout measured by the browser itself, in a copy of the page with a probe script
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    dom = chromium(f"--window-size={WIDTH},2400", "--dump-dom", probe.as_uri(), profile=tmp_path / "p2")
    assert dom.returncode == 0, dom.stderr[-2000:]
    measured = {k: int(v) for k, v in re.findall(r'data-(scroll-width|client-width|images)="(\d+)"', dom.stdout)}
    assert measured["client-width"] == WIDTH
    assert measured["scroll-width"] <= WIDTH, measured
    assert measured["images"] == 2  # both timeline charts decoded
