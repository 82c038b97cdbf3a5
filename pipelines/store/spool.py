"""A durable on-disk queue of store writes, for when the store's server cannot be reached.

Append-only JSON lines: each record is written, flushed and fsync'ed before ``append`` returns,
so an accepted write survives a crash of this process or of the machine. The first line of a
spool file names its generation (a random id); every later line carries its sequence number,
so a record's ``op`` id (``<generation>:<seq>``) orders it within the file and lets the store
recognise a record it has already applied. Several processes may share one spool (the crawler
child and the daemon): every append and every replay holds an exclusive ``flock`` on a lock
file beside it, so records stay whole and in order.

``replay`` hands the records, oldest first, to a callback. When every record is applied the
file is removed; when one fails, the records not yet applied are kept (written to a new file
that atomically replaces the old) and the error propagates. A record applied twice after a
crash is harmless because the store's writes are idempotent by id and, for article
revisions, guarded by the op id stored with the article.
"""

from __future__ import annotations

import fcntl
import json
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipelines.errors import StoreError


class Spool:
    """The spool in ``folder`` (created on first append)."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.path = self.folder / "spool.jsonl"
        self._lock_path = self.folder / "spool.lock"
        self._seen: tuple[int, int, int] = (-1, 0, 0)  # (inode, bytes read, lines) of our last look

    def pending(self) -> bool:
        """Whether records wait to be replayed (cheap: one stat)."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def __len__(self) -> int:
        with self._locked():
            return max(0, self._count_lines() - 1)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StoreError(f"cannot open the spool at {self.folder}: {exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _count_lines(self) -> int:
        """Lines in the file, reading only what was appended since our last look."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen = (-1, 0, 0)
            return 0
        inode, offset, lines = self._seen
        if inode != stat.st_ino or stat.st_size < offset:
            offset, lines = 0, 0
        with open(self.path, "rb") as f:
            f.seek(offset)
            while chunk := f.read(1 << 20):
                lines += chunk.count(b"\n")
        self._seen = (stat.st_ino, stat.st_size, lines)
        return lines

    def append(self, record: dict[str, Any]) -> str:
        """Write one record durably; returns its op id."""
        with self._locked():
            lines = self._count_lines()
            out = []
            if lines == 0:
                out.append({"spool": uuid.uuid4().hex})
                lines = 1
            header = out[0] if out else self._header()
            # records dropped by a partial replay still count, so sequence numbers never repeat
            op = f"{header['spool']}:{int(header.get('base', 0)) + lines:012d}"
            out.append({**record, "op": op})
            data = "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in out).encode()
            try:
                created = not self.path.exists()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    os.write(fd, data)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if created:
                    _fsync_dir(self.folder)
            except OSError as exc:
                raise StoreError(f"cannot write to the spool at {self.path}: {exc}") from exc
            self._count_lines()
            return op

    def _header(self) -> dict[str, Any]:
        with open(self.path, encoding="utf-8") as f:
            header: dict[str, Any] = json.loads(f.readline())
        return header

    def replay(self, apply: Callable[[dict[str, Any]], None]) -> int:
        """Apply every record in order; returns how many were applied. Keeps what failed and re-raises."""
        with self._locked():
            if not self.pending():
                return 0
            with open(self.path, encoding="utf-8") as f:
                lines = f.read().splitlines()
            header, records = lines[0], lines[1:]
            done = 0
            try:
                for line in records:
                    if not line.strip():
                        continue
                    try:
                        record = json.loads(line)
                    except ValueError:
                        # a torn last line from a crash mid-append: it was never acknowledged
                        if line is records[-1]:
                            done += 1
                            continue
                        raise StoreError(f"{self.path}: unreadable record {done + 1}: {line[:200]!r}") from None
                    apply(record)
                    done += 1
            except BaseException:
                meta = json.loads(header)
                meta["base"] = int(meta.get("base", 0)) + done
                self._rewrite([json.dumps(meta), *records[done:]])
                raise
            self.path.unlink()
            _fsync_dir(self.folder)
            self._seen = (-1, 0, 0)
            return done

    def _rewrite(self, lines: list[str]) -> None:
        staging = self.path.with_suffix(".tmp")
        with open(staging, "w", encoding="utf-8") as f:
            f.write("".join(line + "\n" for line in lines))
            f.flush()
            os.fsync(f.fileno())
        staging.replace(self.path)
        _fsync_dir(self.folder)
        self._seen = (-1, 0, 0)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
