"""The memory benchmarks run end to end on a tiny conversation, and skip politely without data."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import memory_locomo  # type: ignore[import-not-found]  # noqa: E402

CONVERSATION = {
    "sample_id": "tiny",
    "conversation": {
        "speaker_a": "Ann",
        "speaker_b": "Ben",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ann", "dia_id": "D1:1", "text": "I adopted a kitten called Mochi!"},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "So cute. I started pottery classes."},
            {"speaker": "Ann", "dia_id": "D1:3", "text": "Pottery sounds relaxing."},
        ],
        "session_2_date_time": "9:00 am on 1 June, 2023",
        "session_2": [
            {"speaker": "Ben", "dia_id": "D2:1", "text": "I ran a marathon in Boston last week."},
            {
                "speaker": "Ann",
                "dia_id": "D2:2",
                "text": "Amazing, congratulations!",
                "blip_caption": "a photo of a medal",
            },
        ],
    },
    "qa": [
        {
            "question": "What is the name of Ann's kitten?",
            "answer": "Mochi",
            "evidence": ["D1:1"],
            "category": 4,
        },
        {
            "question": "Where did Ben run a marathon?",
            "answer": "Boston",
            "evidence": ["D2:1"],
            "category": 4,
        },
        {"question": "Ignored adversarial", "evidence": ["D1:2"], "category": 5},
    ],
}


async def test_locomo_bench_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "tiny.json").write_text(json.dumps(CONVERSATION))
    assert (
        await memory_locomo.main(["--data", str(tmp_path), "--hash", "--store", "fake", "--loo"])
        == 0
    )
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["questions"] == 2
    assert result["recall@10"] == 1.0  # five turns fit the budget whatever the ranking
    assert set(result["baseline"]) == {"recall@5", "recall@10"}
    assert 0 < result["memory_tokens_mean"] <= 1200
    assert "leave_one_out" in result


async def test_locomo_bench_skips_without_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await memory_locomo.main(["--data", str(tmp_path / "absent")]) == 0
    assert "skip" in capsys.readouterr().out
