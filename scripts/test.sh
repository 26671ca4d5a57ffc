#!/usr/bin/env bash
# Set up .venv with the test extras, then lint, type-check and run the whole test suite
# (a real redis-server, a real llama.cpp server, real Chromium; all started by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
echo "==> ruff";  .venv/bin/ruff check .
echo "==> mypy";  .venv/bin/mypy roleplay characters memory safety web
echo "==> pytest"
exec .venv/bin/pytest "$@"
