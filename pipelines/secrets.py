"""Secrets (the SMTP password, Elasticsearch or job-store credentials): read from outside the config,
kept out of everything newswatch writes.

A config never holds a secret, only where to find it: a key ending in ``_env`` names an environment
variable, and ``<NAME>_FILE`` may name a file holding the value instead (how Docker and systemd pass
credentials). :func:`known_secrets` collects every secret a config can reach, those values plus any
password written into a URL, so logs, status output, reports and metrics can be scrubbed with
:func:`redact` or :class:`RedactingFormatter` before anything leaves the process.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel

MASK = "***"
# shorter values would mask ordinary words all over the logs; a password this short is no secret anyway
MIN_SECRET_CHARS = 4


def read_secret(env_name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of ``$env_name``, else the contents of the file ``$env_name_FILE`` (trailing newline
    dropped), else None."""
    environ = os.environ if environ is None else environ
    if not env_name:
        return None
    value = environ.get(env_name)
    if value:
        return value
    path = environ.get(f"{env_name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").rstrip("\r\n") or None
        except OSError:
            return None
    return None


def known_secrets(config: BaseModel, environ: Mapping[str, str] | None = None) -> frozenset[str]:
    """Every secret the config points at: ``*_env`` variables (or their files) and URL passwords."""
    found: set[str] = set()

    def walk(value: Any, key: str) -> None:
        if isinstance(value, BaseModel):
            for name in type(value).model_fields:
                walk(getattr(value, name), name)
        elif isinstance(value, tuple | list):
            for item in value:
                walk(item, key)
        elif isinstance(value, str):
            if key.endswith("_env"):
                secret = read_secret(value, environ)
                if secret:
                    found.add(secret)
            if "@" in value and "://" in value:
                password = urlsplit(value).password
                if password:
                    found.update({password, unquote(password)})

    walk(config, "")
    return frozenset(s for s in found if len(s) >= MIN_SECRET_CHARS)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret (longest first, so one inside another cannot survive) masked."""
    for secret in sorted(secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return re.sub(r"(://[^:/@\s]*):[^@/\s]+@", rf"\1:{MASK}@", text)


class RedactingFormatter(logging.Formatter):
    """A formatter that masks secrets in the whole line: message, arguments and any traceback.

    ``inner`` formats first when given, so an existing handler (Scrapy's) keeps its own layout.
    """

    def __init__(
        self,
        fmt: str | None = None,
        datefmt: str | None = None,
        *,
        secrets: Iterable[str] = (),
        inner: logging.Formatter | None = None,
    ) -> None:
        super().__init__(fmt, datefmt)
        self.secrets = frozenset(secrets)
        self.inner = inner

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record) if self.inner is not None else super().format(record)
        return redact(text, self.secrets)
