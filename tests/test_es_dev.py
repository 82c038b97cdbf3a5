"""`newswatch es-dev`: the developers' way to the same node the tests use, started and stopped as a user would."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from newswatch.esnode import unreachable_parent


def test_es_dev_starts_a_node_prints_its_url_and_stops_it_on_ctrl_c() -> None:
    base = Path(tempfile.mkdtemp(prefix="newswatch-esdev-"))
    base.chmod(0o755)  # the node may run as another user (as root: newswatch-es), who must reach its folder
    data = base / "node"
    child = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "es-dev", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert child.stdout is not None
    url = None
    deadline = time.monotonic() + 300
    output = []
    try:
        while url is None and time.monotonic() < deadline:
            line = child.stdout.readline()  # the command prints the URL only once the node is up
            if not line:
                break
            output.append(line)
            if match := re.search(r"Elasticsearch is up at (http://127\.0\.0\.1:\d+)", line):
                url = match[1]
        assert url, "".join(output)
        with urllib.request.urlopen(f"{url}/_cluster/health", timeout=30) as response:
            assert json.load(response)["status"] in ("green", "yellow")
    finally:
        child.send_signal(signal.SIGINT)
        rest, _ = child.communicate(timeout=120)
    assert child.returncode == 0, rest
    assert (data / "data").is_dir()  # --data keeps the node's data for the next start
    assert not _listening(url)
    shutil.rmtree(base, ignore_errors=True)


def test_a_folder_the_node_user_cannot_enter_is_named() -> None:
    base = Path(tempfile.mkdtemp(prefix="newswatch-esdev-"))
    try:
        base.chmod(0o755)
        private = base / "private"
        private.mkdir(mode=0o700)
        nobody = 65534
        assert unreachable_parent(private / "node", nobody, nobody) == private
        private.chmod(0o755)
        assert unreachable_parent(private / "node", nobody, nobody) is None
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _listening(url: str) -> bool:
    try:
        urllib.request.urlopen(f"{url}/_cluster/health", timeout=5)
    except OSError:
        return False
    return True
