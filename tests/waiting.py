"""Waiting on conditions with a deadline, never on sleeps."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(condition: Callable[[], T], *, timeout_s: float = 60.0, what: str = "the condition") -> T:
    """Poll ``condition`` until it returns something truthy (returned), or fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as exc:  # a server not up yet, a file half there: poll on
            last_error = exc
        else:
            if value:
                return value
        time.sleep(0.05)  # the polling interval, not a synchronisation: the deadline decides
    raise AssertionError(
        f"gave up after {timeout_s:g} s waiting for {what}" + (f" (last: {last_error!r})" if last_error else "")
    )
