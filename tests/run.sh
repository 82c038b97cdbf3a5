#!/usr/bin/env bash
# The whole test suite, from a fresh machine: install what it needs into .venv, check, test.
# CI runs exactly this (.ci/run). Extra arguments go to pytest (e.g. -k store -x).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'

echo "== Elasticsearch prerequisites"
# The test node (tests/conftest.py, es_node) is Elastic's integ-test zip fetched with Maven and run on a
# Java 21+ JDK; install what is missing, then fetch and unpack it now so a problem shows here, not mid-run.
if [ -z "${ES_URL:-}" ]; then
  if ! command -v mvn >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq maven
  fi
  if ! .venv/bin/python -c 'from newswatch.esnode import find_java; find_java()' >/dev/null 2>&1; then
    apt-get update -qq
    for jdk in openjdk-25-jdk-headless openjdk-21-jdk-headless; do
      if apt-cache policy "$jdk" | grep -q 'Candidate: [0-9]'; then apt-get install -y -qq "$jdk" && break; fi
    done
  fi
  .venv/bin/python -m newswatch.esnode
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== pytest"
.venv/bin/python -m pytest "$@"
