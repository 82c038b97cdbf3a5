"""A real PostgreSQL server for the tests, started from Debian's binaries on a free loopback port.

PostgreSQL, like Elasticsearch, refuses to run as root (CI runs as root): the cluster is made and run by
the same unprivileged account the test Elasticsearch node uses. Password authentication (SCRAM) is on,
so the tests go through the job store's password-from-the-environment path as a deployment would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import psycopg

from newswatch.esnode import ensure_user, free_port

SUPERUSER = "newswatch"
START_TIMEOUT_S = 60.0


class PostgresError(RuntimeError):
    """The test server could not be set up; the message says which step and why."""


def find_binaries() -> Path:
    """The folder holding initdb and postgres: on PATH, or Debian's /usr/lib/postgresql/<major>/bin."""
    found = shutil.which("initdb")
    if found and (Path(found).resolve().parent / "postgres").exists():
        return Path(found).resolve().parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name))
    if not debian:
        raise PostgresError("PostgreSQL is not installed (tests/run.sh installs the Debian package postgresql)")
    return debian[-1].parent


@dataclass
class PostgresServer:
    """``with PostgresServer() as pg:`` a running server; ``pg.url(db)`` an SQLAlchemy URL without password."""

    password: str = ""
    port: int = 0

    def __post_init__(self) -> None:
        self.password = self.password or uuid.uuid4().hex
        self._root = Path(tempfile.mkdtemp(prefix="newswatch-pg-"))
        self._process: subprocess.Popen[bytes] | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, password=self.password, dbname=database, autocommit=True
        )

    def create_database(self) -> str:
        """A fresh, empty database (one per test keeps the tests apart)."""
        name = "t" + uuid.uuid4().hex[:16]
        with self.connect() as conn:
            conn.execute(f"CREATE DATABASE {name}")  # a generated identifier, not input
        return name

    def __enter__(self) -> PostgresServer:
        bin_dir = find_binaries()
        data, sockets = self._root / "data", self._root / "run"
        sockets.mkdir()
        pwfile = self._root / "pw"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        prefix: list[str] = []
        if os.geteuid() == 0:
            user = ensure_user()
            for path in (self._root, sockets, pwfile):
                os.chown(path, user.pw_uid, user.pw_gid)
            prefix = [shutil.which("runuser") or "/usr/sbin/runuser", "-u", user.pw_name, "--"]
        init = subprocess.run(
            [*prefix, str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, f"--pwfile={pwfile}",
             "-A", "scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if init.returncode != 0:
            raise PostgresError(f"initdb failed: {init.stderr.strip() or init.stdout.strip()}")
        self.port = self.port or free_port()
        self._process = subprocess.Popen(
            [*prefix, str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(self.port),
             "-k", str(sockets), "-c", "fsync=off", "-c", "full_page_writes=off"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                self.connect().close()
                return
            except psycopg.OperationalError as exc:
                assert self._process is not None
                if self._process.poll() is not None:
                    err = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                    raise PostgresError(f"postgres exited with {self._process.returncode}: {err[-2000:]}") from exc
                if time.monotonic() > deadline:
                    raise PostgresError(f"postgres not ready on port {self.port} after {START_TIMEOUT_S} s") from exc
                time.sleep(0.05)  # polling a condition with a deadline, not a timed wait

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._process is not None:
            # to postgres itself (its pid is the first line of postmaster.pid): runuser does not pass SIGINT on.
            # SIGINT is PostgreSQL's "fast" shutdown: it does not wait for clients to leave; runuser ends with it.
            pidfile = self._root / "data" / "postmaster.pid"
            if pidfile.exists() and self._process.poll() is None:
                os.kill(int(pidfile.read_text().split()[0]), signal.SIGINT)
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
            if self._process.stderr is not None:
                self._process.stderr.close()
        shutil.rmtree(self._root, ignore_errors=True)
