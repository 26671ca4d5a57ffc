"""LLM profiles with a scripted model: map-reduce per arc, fallbacks, the budget, resume.

The book is our own six-chapter story (saga.py) with scenery added, so that a budget
of 0.3 tokens per character affords a realistic handful of calls. Tokens are counted
with the engine's real tokenizer.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

import pytest

from characters.card import parse_card_json
from characters.extract.append import append_chapters
from characters.extract.cli import add_parser, run
from characters.extract.errors import ExtractError
from characters.extract.llm import ArcDigest, LLMProfiler, ProfileBudget
from characters.extract.llmstage import LLMOptions
from characters.extract.pipeline import ProgressEvent, run_pipeline
from roleplay.errors import LLMUnavailable
from roleplay.llm.base import LLMRequest
from roleplay.llm.scripted import Fail, ScriptedLLM
from roleplay.tokens import get_tokenizer
from tests.characters.extract.openai_stub import openai_stub
from tests.characters.extract.saga import ZH_SAGA, padded

SPAN = re.compile(r"第(\d+)–(\d+)章")
WHO = re.compile(r"人物：([^（。]+)")
BASE = {"description": "白云山弟子，下山闯荡，终成掌门。", "personality": "由急躁到沉稳，重诺。"}


def answer(prompt: str) -> str:
    """A well-behaved model: JSON in a fence, one key event dated outside the arc."""
    if "合并" in prompt:
        return json.dumps(BASE, ensure_ascii=False)
    lo, _ = SPAN.search(prompt).groups()  # type: ignore[union-attr]
    who = WHO.search(prompt).group(1)  # type: ignore[union-attr]
    reply = {
        "summary": f"{who}在第{lo}章的样子", "personality": "急躁" if lo == "1" else "沉稳",
        "speech_style": "直来直去", "goals": "闯荡江湖",
        "relationships": [{"with": "柳如烟", "relation": "同伴"}],
        "key_events": [{"chapter": int(lo), "event": "出场"}, {"chapter": 999, "event": "越界"}],
    }  # fmt: skip
    return "```json\n" + json.dumps(reply, ensure_ascii=False) + "\n```"


def model(request: LLMRequest) -> str:
    return answer(request.messages[-1].content)


def options(llm: ScriptedLLM, **kw: Any) -> LLMOptions:
    return LLMOptions(lambda: llm, model="scripted", map_tokens=100, reduce_tokens=100, **kw)


@pytest.fixture
def saga(tmp_path: Path) -> Path:
    path = tmp_path / "saga.txt"
    path.write_text(padded(ZH_SAGA, 6000), encoding="utf-8")
    return path


def cards(out: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (out / "cards").glob("*.json"):
        card = json.loads(path.read_text(encoding="utf-8"))
        found[card["data"]["name"]] = card["data"]
    return found


def snaps(card: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = card["extensions"]["novel_roleplay"]["snapshots"]
    return result


def test_map_reduce_writes_one_snapshot_per_arc(saga: Path, tmp_path: Path) -> None:
    llm = ScriptedLLM(default=model)
    events: list[ProgressEvent] = []
    result = run_pipeline(saga, tmp_path / "out", llm=options(llm, max_arcs=3),
                          progress=events.append)  # fmt: skip
    lin = cards(result.out)["林青石"]
    arcs = [(s["from_chapter"], s["to_chapter"]) for s in snaps(lin)]
    assert arcs == [(1, 2), (3, 3), (4, 5), (6, 6)]  # two volumes, cut in twos
    assert all(s["source"] == "llm" for s in snaps(lin))
    first, last = snaps(lin)[0], snaps(lin)[-1]
    assert "第1章的样子" in first["description"] and "急躁" in first["personality"]
    assert "第6章的样子" in last["description"] and "沉稳" in last["personality"]
    for s in snaps(lin):  # every fact inside its arc
        lo, hi = s["from_chapter"], s["to_chapter"]
        assert [e["chapters"] for e in s["key_events"]] == [[lo, lo], [lo, hi]]
        assert all(r["chapters"] == [lo, hi] for r in s["relationships"])
    xuan = snaps(cards(result.out)["玄机子"])  # absent from chapter 3: seen as in 1–2
    assert [(s["from_chapter"], s["to_chapter"], s["arc"]) for s in xuan] == [
        (1, 3, [1, 2]), (4, 5, [4, 5]), (6, 6, [6, 6])]  # fmt: skip
    assert (lin["description"], lin["personality"]) == (BASE["description"], BASE["personality"])
    lore = json.loads((result.out / "lorebook.json").read_text(encoding="utf-8"))
    entry = next(e for e in lore["data"]["entries"] if e["name"] == "林青石")
    assert BASE["description"] not in entry["content"]  # lore is shown early: no summary
    assert lin["extensions"]["novel_roleplay"]["provenance"]["profile"]["base"] == "llm"
    card = parse_card_json({"spec": "chara_card_v3", "spec_version": "3.0", "data": lin})
    assert "第1章的样子" in card.snapshot_for(1).description
    assert "第6章的样子" in card.snapshot_for(6).description
    # material for an arc comes from that arc only, each piece with its chapter
    arc1 = next(r for r in llm.requests if "林青石" in r.messages[-1].content
                and "第1–2章" in r.messages[-1].content)  # fmt: skip
    assert set(re.findall(r"^\[(\d+)\]", arc1.messages[-1].content, re.M)) <= {"1", "2"}
    report = result.llm
    assert report is not None and report["calls"] == len(llm.requests)
    assert report["tokens"] <= report["limit"] and report["tokens_per_char"] <= 0.3
    assert json.loads((result.out / "llm.json").read_text()) == report
    assert "## LLM profiles" in (result.out / "report.md").read_text(encoding="utf-8")
    llm_events = [e for e in events if e.stage == "profiles" and e.message.startswith("LLM: ")]
    assert [e.done for e in llm_events] == list(range(1, len(llm_events) + 1))
    assert llm_events[0].message == "LLM: 林青石"


def test_unreadable_replies_fall_back_to_the_rules(saga: Path, tmp_path: Path) -> None:
    def flaky(request: LLMRequest) -> str:
        prompt = request.messages[-1].content
        if "第3–3章" in prompt and "合并" not in prompt:
            return "抱歉，我无法回答。"
        return answer(prompt)

    llm = ScriptedLLM(default=flaky)
    llm.enqueue(Fail(LLMUnavailable("down")))  # the very first call fails outright
    result = run_pipeline(saga, tmp_path / "out", llm=options(llm, max_arcs=3))
    assert result.llm is not None
    reasons = {(f["character"], tuple(f["chapters"])): f["reason"]
               for f in result.llm["fallback_reasons"]}  # fmt: skip
    assert reasons[("林青石", (3, 3))] == "unparsable reply"
    assert any(r.startswith("LLM error") for r in reasons.values())
    assert result.llm["fallbacks"] == len(reasons) and result.llm["stopped"] is None
    lin = cards(result.out)["林青石"]
    by_arc = {(s["from_chapter"], s["to_chapter"]): s for s in snaps(lin)}
    assert by_arc[(3, 3)]["source"] == "rules" and by_arc[(3, 3)]["description"].startswith("第3章")
    arcs = lin["extensions"]["novel_roleplay"]["provenance"]["profile"]["arcs"]
    assert {"chapters": [3, 3], "source": "rules", "note": "unparsable reply"} in arcs


def test_a_dead_endpoint_stops_the_stage(saga: Path, tmp_path: Path) -> None:
    llm = ScriptedLLM(default=model)
    llm.enqueue(*[Fail(LLMUnavailable("connection refused"))] * 3)
    result = run_pipeline(saga, tmp_path / "out", llm=options(llm, concurrency=1))
    assert result.llm is not None and "3 failed calls in a row" in result.llm["stopped"]
    assert len(llm.requests) == 3 and result.llm["characters_profiled"] == 0
    assert all(s["source"] == "rules" for c in cards(result.out).values() for s in snaps(c))


def test_the_budget_goes_to_the_most_important_first(saga: Path, tmp_path: Path) -> None:
    llm = ScriptedLLM(default=model)
    result = run_pipeline(saga, tmp_path / "out", llm=options(llm, ratio=0.1))
    report = result.llm
    assert report is not None
    assert report["limit"] == int(len(saga.read_text(encoding="utf-8")) * 0.1)
    assert report["tokens"] <= report["limit"] and report["tokens_per_char"] <= 0.1
    assert report["characters_over_budget"] >= 1
    assert report["characters_deterministic"] == 5 - report["characters_profiled"]
    people = cards(result.out)
    profiled = {n for n, c in people.items() if any(s["source"] == "llm" for s in snaps(c))}
    assert "林青石" in profiled and len(profiled) == report["characters_profiled"] < 5
    for name in set(people) - profiled:  # the rest keep the deterministic profile
        assert all(s["source"] == "rules" for s in snaps(people[name]))
        assert people[name]["description"].startswith(f"{name}，《青石传》中的人物")
    # recounted independently: every prompt as sent plus every reply as received
    count = get_tokenizer().count
    spent = sum(sum(count(m.content) + 4 for m in r.messages)
                + min(r.max_tokens, count(model(r))) for r in llm.requests)  # fmt: skip
    assert spent == report["tokens"] <= report["limit"]


def test_only_the_top_characters_are_profiled(saga: Path, tmp_path: Path) -> None:
    llm = ScriptedLLM(default=model)
    result = run_pipeline(saga, tmp_path / "out", llm=options(llm, characters=1))
    assert result.llm is not None and result.llm["characters_considered"] == 1
    assert {WHO.search(r.messages[-1].content).group(1) for r in llm.requests  # type: ignore[union-attr]
            if "合并" not in r.messages[-1].content} == {"林青石"}  # fmt: skip


class PowerCut(Exception):
    pass


def test_an_interrupted_run_does_not_pay_twice(saga: Path, tmp_path: Path) -> None:
    whole = ScriptedLLM(default=model)
    full = run_pipeline(saga, tmp_path / "full", llm=options(whole, concurrency=1)).llm
    assert full is not None

    calls = 0

    def dies_at_seven(request: LLMRequest) -> str:
        nonlocal calls
        calls += 1
        if calls == 7:
            raise PowerCut
        return model(request)

    cut = ScriptedLLM(default=dies_at_seven)
    with pytest.raises(PowerCut):
        run_pipeline(saga, tmp_path / "out", llm=options(cut, concurrency=1))
    again = ScriptedLLM(default=model)
    result = run_pipeline(saga, tmp_path / "out", llm=options(again, concurrency=1))
    assert len(again.requests) == len(whole.requests) - 6  # the six answered calls are kept
    assert "profiles" in result.resumed_stages and result.llm is not None
    assert result.llm["resumed"] == 6 and result.llm["calls"] == full["calls"]
    assert result.llm["tokens"] == full["tokens"]  # what it spent before counts
    assert cards(result.out) == cards(tmp_path / "full")


def test_append_reuses_the_profiles_of_unchanged_arcs(saga: Path, tmp_path: Path) -> None:
    out = run_pipeline(saga, tmp_path / "out", llm=options(ScriptedLLM(default=model))).out
    before = cards(out)
    assert (out / "state" / "profiles").is_dir()
    seven = tmp_path / "seven.txt"
    seven.write_text(padded("第七章 新徒\n\n林青石道：“从今天起，你就是白云山的弟子。”\n"
                            "柳如烟笑道：“掌门师兄，收徒可要收好的。”\n", 3000),
                     encoding="utf-8")  # fmt: skip
    result = append_chapters(out, seven)  # no LLM now: what was paid for stays
    lin_before = {s["from_chapter"]: s for s in snaps(before["林青石"])}
    lin_after = {s["from_chapter"]: s for s in snaps(cards(out)["林青石"])}
    assert lin_after[1] == lin_before[1] and lin_after[1]["source"] == "llm"
    assert lin_after[7]["source"] == "rules" and result.llm is None
    eight = tmp_path / "eight.txt"
    eight.write_text(padded("第八章 传剑\n\n林青石道：“落霞剑法，今日传给你。”\n", 3000),
                     encoding="utf-8")  # fmt: skip
    llm = ScriptedLLM(default=model)
    result = append_chapters(out, eight, llm=options(llm))
    assert result.llm is not None and result.llm["reused"] >= 6
    asked = {SPAN.search(r.messages[-1].content).group(0) for r in llm.requests  # type: ignore[union-attr]
             if "合并" not in r.messages[-1].content}  # fmt: skip
    assert "第8–8章" in asked and "第1–1章" not in asked
    assert {s["from_chapter"]: s["source"] for s in snaps(cards(out)["林青石"])}[8] == "llm"
    assert not (tmp_path / ".out.append-profiles").exists()


async def test_profiler_stays_inside_its_limit() -> None:
    llm = ScriptedLLM(default='{"summary": "剑客", "personality": "直爽"}')
    budget = ProfileBudget(source_chars=10_000)
    profiler = LLMProfiler(llm, len, budget, map_tokens=50)
    arc = ArcDigest("林青石", 1, 10, lines=["[1] 我放心不下你。"] * 200,
                    narration=["[2] 青石拔剑。"] * 50)  # fmt: skip
    out = await profiler.map_arc(arc, 800)
    assert out.snapshot is not None and out.snapshot.description.startswith("剑客")
    sent = sum(len(m.content) + 4 for m in llm.requests[0].messages)
    assert sent + 50 <= 800 and budget.spent == out.tokens <= 800
    assert "[2] 青石拔剑。" in llm.requests[0].messages[-1].content  # narration got room too
    assert (await profiler.map_arc(arc, 100)).reason == "budget" and len(llm.requests) == 1


def test_budget_ratio_is_capped() -> None:
    with pytest.raises(ExtractError):
        ProfileBudget(1000, ratio=0.5)
    budget = ProfileBudget(1000)
    budget.reserve(250)
    budget.release(100)
    assert budget.spent == 150 and budget.remaining == 150
    with pytest.raises(ExtractError, match="budget"):
        budget.reserve(151)


def cli(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    return run(parser.parse_args(["extract", *argv]))


def no_endpoint(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    monkeypatch.chdir(folder)  # no .env here
    for name in (
        "OPENAI_BASE_URL",
        "OPENAI_API_KEY",
        "ROLEPLAY_LLM_MODEL",
        "ROLEPLAY_LLM_BACKEND",
        "ROLEPLAY_OPENAI_BASE_URL",
        "ROLEPLAY_OPENAI_API_KEY",
    ):
        monkeypatch.delenv(name, raising=False)


def test_cli_llm_needs_an_endpoint(
    saga: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_endpoint(monkeypatch, tmp_path)
    assert cli(str(saga), "--out", str(tmp_path / "out"), "--llm") == 1
    error = capsys.readouterr().err
    assert "--llm needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL" in error
    assert not (tmp_path / "out").exists()
    assert cli(str(saga), "--out", str(tmp_path / "out"), "--llm-ratio", "0.5", "--llm") == 1


def test_cli_llm_against_an_openai_compatible_server(
    saga: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_endpoint(monkeypatch, tmp_path)
    with openai_stub(lambda body: answer(body["messages"][-1]["content"])) as stub:
        monkeypatch.setenv("OPENAI_BASE_URL", stub.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
        monkeypatch.setenv("ROLEPLAY_LLM_MODEL", "stub-model")
        out = tmp_path / "out"
        assert cli(str(saga), "--out", str(out), "--quiet", "--llm", "--llm-characters", "2") == 0
    printed = capsys.readouterr().out
    assert re.search(r"LLM profiles: [\d,]+ tokens for [\d,]+ source characters = 0\.\d+ per "
                     r"character \(limit 0\.3\); \d+ calls", printed)  # fmt: skip
    report = json.loads((out / "llm.json").read_text())
    assert report["calls"] == len(stub.bodies) > 0 and report["model"] == "stub-model"
    assert report["characters_considered"] == 2 and report["tokens_per_char"] <= 0.3
    assert {b["model"] for b in stub.bodies} == {"stub-model"}
    assert set(stub.keys) == {"Bearer sk-test-secret"}
    assert "sk-test-secret" not in printed + (out / "report.md").read_text(encoding="utf-8")
