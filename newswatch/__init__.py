"""The composition root: the command line and the job functions that wire crawler, pipelines and reports."""

from __future__ import annotations

__version__ = "0.1.0"
