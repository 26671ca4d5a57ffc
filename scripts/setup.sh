#!/usr/bin/env bash
# Create .venv in the repo root and install the project into it.
#   scripts/setup.sh            runtime only
#   scripts/setup.sh test       + test tools, the llama.cpp server extra, Chromium and CJK fonts
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.11 python3.12 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then PY="$candidate"; break; fi
  done
fi
"$PY" -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed"'

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv with $PY"
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip

if [ "${1:-}" = "test" ]; then
  echo "==> installing the project with test extras (the first run builds llama.cpp: ~7 min)"
  # GGML_NATIVE=OFF: a native build uses CPU features (AMX) some machines forbid, and crashes.
  CMAKE_ARGS="-DGGML_NATIVE=OFF" .venv/bin/pip install --quiet -e ".[dev,llmserver]"
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then
    echo "==> installing Chromium and CJK fonts for the browser tests (Debian packages)"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  fi
else
  echo "==> installing the project"
  .venv/bin/pip install --quiet -e .
fi
