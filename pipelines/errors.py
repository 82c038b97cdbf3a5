"""The exceptions newswatch raises for the truly exceptional.

Expected bad input (a page that is not an article, a paywall) is a *value*, an extraction
status, never an exception. What is left is drawn here; each exception carries what failed::

    NewswatchError
    ├── ConfigError        a configuration file is unreadable or invalid (file, key, problem)
    ├── StoreError         the store cannot be opened or written (backend, location)
    └── CrawlError         a crawl could not run at all (not: one URL failed)
"""

from __future__ import annotations


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
    """The store cannot be opened, read or written."""


class CrawlError(NewswatchError):
    """A crawl could not run at all (its process failed to start or died)."""
