"""LLM profiles against a real OpenAI-compatible server (llama.cpp serving SmolLM2-135M).

The model is far too small to write good profiles; this checks the wiring end to end:
the real backend, a streamed reply, the budget measured on a real prompt, and that
what comes back is either a snapshot or a reported fallback. One call on an English
story (the model reads Chinese as many byte tokens, which is slow on a shared CPU).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from characters.extract.llmstage import LLMEndpoint, LLMOptions
from characters.extract.pipeline import run_pipeline
from tests.characters.extract.conftest import EN_STORY
from tests.roleplay.llm.conftest import llama_server  # noqa: F401  (the session's server)

SEA = "The wind came off the sea and the gulls wheeled over the grey water. " * 40


@pytest.mark.llmserver
def test_a_profile_from_a_real_server(llama_server: str, tmp_path: Path) -> None:  # noqa: F811
    source = tmp_path / "harrow.txt"
    source.write_text(EN_STORY.replace("CHAPTER II", SEA + "\n\nCHAPTER II") + SEA, "utf-8")
    endpoint = LLMEndpoint(llama_server, "smollm2", timeout_s=60, max_retries=0)
    options = LLMOptions.for_endpoint(endpoint, characters=1, max_arcs=1, map_tokens=32)
    result = run_pipeline(source, tmp_path / "out", llm=options)
    report = result.llm
    assert report is not None and report["calls"] == 1 and report["stopped"] is None
    assert 0 < report["tokens"] <= report["limit"] and report["tokens_per_char"] <= 0.3
    assert report["characters_profiled"] + report["fallbacks"] == 1  # a snapshot, or rules
    assert not [f for f in report["fallback_reasons"] if f["reason"].startswith("LLM error")]
