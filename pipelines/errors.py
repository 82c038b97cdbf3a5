"""The exceptions newswatch raises for the truly exceptional.

Expected bad input (a page that is not an article, a paywall) is a *value*, an extraction
status, never an exception. What is left is drawn here; each exception carries what failed::

    NewswatchError
    ├── ConfigError        a configuration file is unreadable or invalid (file, key, problem)
    ├── StoreError         the store cannot be opened or written (backend, location)
    ├── JobStoreError      the daemon's job store (a PostgreSQL server) cannot be reached or used
    ├── CrawlError         a crawl could not run at all (not: one URL failed)
    ├── DeliveryError      a digest cannot be built into a message or handed to the mail server
    │   ├── HeaderInjectionError   a value bound for a mail header holds a line break or control
    │   │                      character (the header, the value)
    │   ├── TemporarySmtpError     the server is unreachable or answered 4xx: try again later
    │   └── PermanentSmtpError     the server refused for good (5xx, login, TLS)
    └── AlreadyRunningError another newswatch process holds the lock (lock file, who holds it)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipelines.models import StoreOutcome


class NewswatchError(Exception):
    """Base of every exception newswatch raises on purpose."""


class ConfigError(NewswatchError):
    """A configuration file cannot be used.

    ``path`` is the file, ``key`` the dotted location inside it (empty for the file as a whole),
    ``problem`` what is wrong in words a user can act on.
    """

    def __init__(self, path: str, key: str, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {problem}")


class StoreError(NewswatchError):
    """The store cannot be opened, read or written.

    ``written`` is set when a batch write failed for some of its articles only and the store
    dealt with each one: the ids of those it kept, with what storing them did (a
    :class:`~pipelines.models.StoreOutcome`); the others were refused. ``None``: nothing is known
    to be written (a rolled-back transaction, a store that could not be reached).
    """

    def __init__(self, message: str, written: Mapping[str, StoreOutcome] | None = None) -> None:
        super().__init__(message)
        self.written = dict(written) if written is not None else None


class JobStoreError(NewswatchError):
    """The daemon's job store cannot be used: its server refused or is unreachable, or its driver is missing."""


class CrawlError(NewswatchError):
    """A crawl could not run at all (its process failed to start or died).

    ``returncode`` is the crawl process's exit code when it ended badly (negative: killed by that signal).
    """

    def __init__(self, message: str, returncode: int | None = None) -> None:
        self.returncode = returncode
        super().__init__(message)


class AlreadyRunningError(NewswatchError):
    """Another newswatch process (a daemon, or a cron run still going) holds the lock on the data folder.

    ``path`` is the lock file, ``holder`` what its holder wrote there (pid, mode, since when).
    """

    def __init__(self, path: str, holder: str) -> None:
        self.path = path
        self.holder = holder
        super().__init__(f"another newswatch is running ({holder or 'holder unknown'}); lock: {path}")


class DeliveryError(NewswatchError):
    """A digest could not be delivered: no recipients, a refused login, a server that stayed down."""


class HeaderInjectionError(DeliveryError):
    """A value meant for a mail header would break out of it (CR, LF or another control character)."""

    def __init__(self, header: str, value: str) -> None:
        self.header = header
        self.value = value
        super().__init__(f"refused to put {value!r} in the {header} header: it holds a line break or control character")


class TemporarySmtpError(DeliveryError):
    """The mail server is unreachable or answered 4xx: the digest stays in the outbox for a later flush."""


class PermanentSmtpError(DeliveryError):
    """The mail server refused for good (5xx, a failed login, no TLS where TLS is required).

    ``per_recipient`` is True when only this recipient (or this message for them) was refused;
    False when the session itself was (login, TLS, sender): then no other recipient can fare better.
    """

    def __init__(self, message: str, *, per_recipient: bool) -> None:
        super().__init__(message)
        self.per_recipient = per_recipient
