"""``python -m newswatch`` runs the command line."""

from __future__ import annotations

import sys

from newswatch.cli import main

sys.exit(main())
