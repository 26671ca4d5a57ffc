"""Checks on the real data sets in ../shared/data (skipped when the folder is absent)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from characters.extract.analyse import analyse
from tests.conftest import REPO


def bench_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_wp_speaker_identification_sample(shared_data: Path) -> None:
    wp = bench_module("speakers_wp")
    folder = shared_data / "wp-speaker-id-zh" / "dataset"
    roster = wp.load_names(folder / "name_list.txt")
    sample = wp.load_split(folder / "dev")[::4]
    result = wp.evaluate(sample, roster, None)
    assert result["accuracy"]["explicit"] >= 0.85
    assert result["accuracy"]["all"] >= 0.70


def test_pdnc_one_novel(shared_data: Path) -> None:
    pdnc = bench_module("quotes_pdnc")
    folder = shared_data / "pdnc" / "data" / "TheSportOfTheGods"
    text = (folder / "novel_text.txt").read_text(encoding="utf-8")
    score = pdnc.Score()
    pdnc.score_novel(analyse(text, "en"), pdnc.load_gold(folder), score, [], text)
    summary = pdnc.summary(score)
    assert summary["accuracy"]["explicit"] >= 0.7
    assert summary["roster_recall"] >= 0.8


@pytest.mark.slow
def test_xiyouji_sun_wukong_aliases(shared_data: Path, tmp_path: Path) -> None:
    """The worked example of docs/xiyouji-roster.md."""
    import json

    from characters.extract.pipeline import run_pipeline

    out = run_pipeline(shared_data / "novels" / "zh" / "西游记.txt", tmp_path / "xyj").out
    roster = json.loads((out / "roster.json").read_text(encoding="utf-8"))
    sun = next(r for r in roster if "悟空" in r["aliases"])
    required = {"悟空", "行者", "大圣", "美猴王", "齐天大圣", "弼马温", "孙行者", "猴王", "老孙"}
    assert required <= set(sun["aliases"])
    others = {"八戒", "猪八戒", "三藏", "唐僧", "沙僧", "菩萨", "师父", "观音"}
    assert not others & set(sun["aliases"])
    assert sun["lines"] > 1000 and sun["first_chapter"] == 1
