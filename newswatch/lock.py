"""Locks between newswatch processes: one daemon or cron run per data folder, one crawl per outlet.

``fcntl.flock`` on a file: the kernel drops the lock when its holder exits, even after ``kill -9``,
so a crash never leaves a stale lock behind. (filelock truncates the file before it tries the lock,
which would erase the holder's note that the message to the loser quotes; flock itself is enough.)
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipelines.errors import AlreadyRunningError

LOCK_FILE = "newswatch.lock"
POLL_S = 0.1


class ProcessLock:
    """An exclusive lock on ``path``, with a note of who holds it written inside.

    Use as a context manager; a second holder gets :class:`AlreadyRunningError` at once (``timeout_s=0``)
    or after waiting up to ``timeout_s``.
    """

    def __init__(self, path: Path, *, mode: str, timeout_s: float = 0.0) -> None:
        self.path = path
        self.mode = mode
        self.timeout_s = timeout_s
        self._fd: int | None = None

    def acquire(self) -> ProcessLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 4096, 0).decode("utf-8", "replace")
                    os.close(fd)
                    raise AlreadyRunningError(str(self.path), _describe(holder)) from None
                time.sleep(POLL_S)  # flock has no timeout of its own: poll until the deadline
        note = {"pid": os.getpid(), "mode": self.mode, "since": datetime.now(UTC).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(note).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ProcessLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def instance_lock(data_dir: Path, mode: str) -> ProcessLock:
    """The lock a daemon holds for its life and ``run-once`` for its run: one of them per data folder."""
    return ProcessLock(data_dir / LOCK_FILE, mode=mode)


@contextmanager
def outlet_locks(data_dir: Path, outlets: Iterable[str], timeout_s: float) -> Iterator[None]:
    """Hold one lock per outlet, so two crawls (a group and a revisit) never fetch one outlet at once.

    Taken in sorted order, so two crawls wanting overlapping sets cannot deadlock.
    """
    with ExitStack() as stack:
        for outlet in sorted(set(outlets)):
            lock = ProcessLock(data_dir / "locks" / f"outlet-{outlet}.lock", mode="crawl", timeout_s=timeout_s)
            stack.enter_context(lock)
        yield


def _describe(holder: str) -> str:
    try:
        note: dict[str, Any] = json.loads(holder)
    except ValueError:
        return holder.strip()
    return f"{note.get('mode', '?')} pid {note.get('pid', '?')} since {note.get('since', '?')}"
