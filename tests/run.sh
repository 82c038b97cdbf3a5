#!/usr/bin/env bash
# The whole test suite, from a fresh machine: install what it needs, check, test.
# CI runs exactly this (.ci/run). Extra arguments go to pytest (e.g. -k store -x).
#
# What the tests start for real (never mocked, never skipped when missing):
#   - redis-server (Debian package): distributed-crawl tests, started by a session fixture on a free port
#   - chromium (Debian package): renders the HTML digest at 700 px (tests/test_browser.py)
#   - Elasticsearch: Elastic's integ-test zip from Maven Central on a Java 21+ JDK, one node per run
#     (tests/conftest.py es_node), unless ES_URL points at a running node
#   - PostgreSQL (Debian package postgresql): the daemon's PostgreSQL job store (tests/test_daemon_postgres.py),
#     a throwaway cluster on a free port started by a session fixture (tests/pgserver.py)
#   - aiosmtpd (Python) as the SMTP server, and the demo newsroom's HTTP servers, on 127.0.0.1
set -euo pipefail
cd "$(dirname "$0")/.."

# -- system packages, installed only when missing (as root; otherwise say what to install) -------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-liberation)
command -v initdb >/dev/null 2>&1 || compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || missing+=(postgresql)
if [ -z "${ES_URL:-}" ]; then
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "missing system packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
  echo "== installing ${missing[*]} (Debian packages)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# -- Python dependencies, into .venv of this checkout ----------------------------------------------------
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

# -- Elasticsearch: a Java 21+ JDK, then fetch and unpack the distribution now, so a problem shows here --
if [ -z "${ES_URL:-}" ]; then
  if ! .venv/bin/python -c 'from newswatch.esnode import find_java; find_java()' >/dev/null 2>&1; then
    apt-get update -qq
    for jdk in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt-cache policy "$jdk" | grep -q 'Candidate: [0-9]'; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$jdk" >/dev/null && break
      fi
    done
  fi
  .venv/bin/python -m newswatch.esnode
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
# Two workers (pytest-xdist): most of the suite's time is spent waiting on real servers and processes, not
# computing; each worker starts its own Elasticsearch node, Redis and PostgreSQL. NEWSWATCH_TEST_WORKERS=0
# runs everything in one process.
.venv/bin/python -m pytest -n "${NEWSWATCH_TEST_WORKERS:-2}" "$@"
