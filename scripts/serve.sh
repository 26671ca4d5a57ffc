#!/usr/bin/env bash
# Set up .venv and run the server on embedded defaults (private Redis, canon mode
# unless OPENAI_BASE_URL is set). Extra arguments go to `roleplay serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/roleplay serve "$@"
