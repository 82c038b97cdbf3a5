"""The command line as a user runs it: real subprocesses of ``python -m newswatch``."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from examples.newsroom import NewsroomServer
from pipelines.config import Config

COMMANDS = ["run", "crawl", "report", "search", "demo", "es-dev", "kibana import", "es migrate", "es replay"]


def newswatch(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "newswatch", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=300,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str) -> None:
    result = newswatch(*command.split(), "--help")
    assert result.returncode == 0
    assert f"usage: newswatch {command}" in result.stdout
    assert len(result.stdout.split()) > 30


def test_a_bad_config_stops_before_any_work_naming_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[outlet]]\nname = "X"\nhomepage = "not a url"\nfeeds = ["https://x.example/f"]\n')
    result = newswatch("crawl", "--config", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{bad}: outlet[0].homepage" in " ".join(result.stderr.split())
    assert not (tmp_path / ".newswatch").exists()


def test_the_config_comes_from_the_environment_variable(tmp_path: Path) -> None:
    result = newswatch("report", cwd=tmp_path, env={"NEWSWATCH_CONFIG": str(tmp_path / "elsewhere.toml")})
    assert result.returncode == 2
    assert "elsewhere.toml" in result.stderr


def test_run_then_search_and_report_on_stdout(demo_config: Config, newsroom_server: NewsroomServer) -> None:
    config = str(demo_config.path)
    run = newswatch("run", "--config", config)
    assert run.returncode == 0, run.stderr
    assert re.search(r"\d+ new, 0 revised", run.stdout)
    assert "gaza-ceasefire" in run.stdout
    search = newswatch("search", "Witkoff", "--config", config, "--limit", "3")
    assert search.returncode == 0
    assert "3 hits" in search.stdout
    assert "Witkoff" in search.stdout
    narrowed = newswatch("search", "Witkoff", "--config", config, "--outlet", "capital-signal")
    assert "Capital Signal" in narrowed.stdout
    assert "Kingsway" not in narrowed.stdout
    none = newswatch("search", "zeppelin", "--config", config)
    assert none.returncode == 1
    assert "no articles match" in none.stdout
    report = newswatch("report", "--config", config, "--to", "stdout")
    assert report.returncode == 0
    assert report.stdout.startswith("gaza-ceasefire\n==============")
    assert "Capital Signal" in report.stdout


def test_the_demo_command_runs_end_to_end_and_prints_the_report_path(tmp_path: Path) -> None:
    result = newswatch("demo", "--workdir", str(tmp_path / "demo"))
    assert result.returncode == 0, result.stderr
    paths = re.findall(r"Report for watch gaza-ceasefire: (\S+\.html)", " ".join(result.stdout.split()))
    assert paths
    assert Path(paths[0]).exists()
    assert "simulated day 2" in result.stdout
    assert "simulated day 4" in result.stdout
    assert "1 revised" in result.stdout
