"""The command line as a user runs it: real subprocesses of ``python -m newswatch``."""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import pytest

from examples.newsroom import NewsroomServer
from pipelines.config import Config
from tests.smtpserver import SmtpServer, free_port

COMMANDS = ["run", "crawl", "report", "search", "demo", "daemon", "run-once", "status", "es-dev",
            "kibana import", "es migrate", "es replay"]  # fmt: skip


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


def test_a_crawl_where_an_outlet_answers_nothing_says_so_instead_of_only_zero_new(
    newsroom_server: NewsroomServer, tmp_path: Path
) -> None:
    closed = free_port()  # bound and released: nothing listens there
    config = newsroom_server.write_config(tmp_path / "newswatch.toml")
    config.write_text(
        config.read_text(encoding="utf-8").replace("[crawl]", "[crawl]\nretry_times = 0", 1)
        + f'\n[[outlet]]\nname = "Gone Gazette"\nhomepage = "http://127.0.0.1:{closed}/"\n'
        f'feeds = ["http://127.0.0.1:{closed}/rss"]\nallow_private_network = true\n',
        encoding="utf-8",
    )
    result = newswatch("crawl", "--config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"1 of \d+ outlets answered nothing \(connection_refused \d+\): gone-gazette", result.stdout)
    assert re.search(r"gone-gazette\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+connection_refused", result.stdout)


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


def test_the_demo_delivers_each_days_digest_to_an_smtp_server(tmp_path: Path) -> None:
    port = free_port()
    with SmtpServer(port) as server:
        result = newswatch("demo", "--workdir", str(tmp_path / "demo"), "--smtp-url", f"smtp://127.0.0.1:{port}",
                           "--email-to", "desk@example.org")  # fmt: skip
        assert result.returncode == 0, result.stderr
        first, second = (email.message_from_bytes(m.content, policy=default) for m in server.wait_for(2))
    assert len(server.messages) == 2  # one digest per simulated day, no copy twice
    assert all(m.rcpt_tos == ("desk@example.org",) for m in server.messages)
    assert all(m.mail_from == "newswatch-demo@example.org" for m in server.messages)
    assert re.fullmatch(r"\[newswatch\] gaza-ceasefire: \d+ divergences \(\d+ stor(y|ies), \d+ articles\)",
                        first["Subject"])  # fmt: skip
    assert re.match(
        r"\[newswatch\] gaza-ceasefire: (\d+ new, \d+ changed, \d+ resolved|nothing new)", second["Subject"]
    )
    for msg in (first, second):
        assert isinstance(msg, EmailMessage)
        assert msg.get_content_type() == "multipart/alternative"
        assert msg["List-Unsubscribe"]
    text = first.get_body(("plain",))
    assert text is not None
    assert "first digest of this watch" in text.get_content()
    assert [p.get_content_type() for p in first.walk()].count("image/png") >= 1
    assert len(re.findall(r"digest \w{12} sent to desk@example.org", " ".join(result.stdout.split()))) == 2


def test_report_to_email_keeps_the_digest_while_the_server_is_down_and_sends_it_once_later(
    demo_config: Config, tmp_path: Path
) -> None:
    port = free_port()
    config = demo_config.path
    config.write_text(config.read_text() + f'\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\n'
                      'sender = "newswatch@example.org"\nattempts = 2\nbackoff_s = 0.01\ntimeout_s = 5\n')  # fmt: skip
    assert newswatch("crawl", "--config", str(config)).returncode == 0
    down = newswatch("report", "--config", str(config), "--to", "email")
    assert down.returncode == 3, down.stdout + down.stderr
    assert "kept in the outbox" in " ".join(down.stderr.split())
    with SmtpServer(port) as server:
        up = newswatch("report", "--config", str(config), "--to", "email")
        assert up.returncode == 0, up.stderr
        (received,) = server.wait_for(1)
        again = newswatch("report", "--config", str(config), "--to", "email")  # nothing new, all delivered
        assert again.returncode == 0, again.stderr
        server.wait_for(2)
    assert received.rcpt_tos == ("desk@example.org",)
    first = email.message_from_bytes(received.content, policy=default)
    latest = email.message_from_bytes(server.messages[1].content, policy=default)
    assert "nothing new" not in first["Subject"]
    assert latest["Subject"].startswith("[newswatch] gaza-ceasefire: nothing new")
