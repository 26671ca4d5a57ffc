from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import pytest

from characters.card import parse_card_json
from characters.extract import output
from characters.extract.append import append_chapters
from characters.extract.cli import add_parser, format_event, run
from characters.extract.errors import ExtractError
from characters.extract.pipeline import ProgressEvent, run_pipeline
from tests.characters.extract.conftest import EN_STORY, ZH_APPENDIX, ZH_STORY


def load(out: Path) -> dict[str, Any]:
    return {
        "roster": json.loads((out / "roster.json").read_text(encoding="utf-8")),
        "quotes": [json.loads(x) for x in (out / "quotes.jsonl").read_text().splitlines()],
        "cards": {p.name: json.loads(p.read_text()) for p in (out / "cards").glob("*.json")},
        "lorebook": json.loads((out / "lorebook.json").read_text(encoding="utf-8")),
        "report": (out / "report.md").read_text(encoding="utf-8"),
    }


def test_full_run_writes_every_output(zh_story_file: Path, tmp_path: Path) -> None:
    events: list[ProgressEvent] = []
    result = run_pipeline(
        zh_story_file, tmp_path / "out", work_id="qingshi", progress=events.append
    )
    got = load(result.out)
    assert result.chapters == 2 and result.quotes == len(got["quotes"])
    assert {"ingest", "chapters", "roster", "quotes", "profiles", "output", "done"} <= {
        e.stage for e in events
    }
    lin = next(r for r in got["roster"] if r["name"] == "林青石")
    assert {"林青石", "青石"} <= set(lin["aliases"]) and lin["first_chapter"] == 1
    text = zh_story_file.read_text(encoding="utf-8")
    for q in got["quotes"]:  # offsets index the decoded input
        assert text[q["start"] : q["end"]] == q["text"]
        assert {"speaker", "addressees", "confidence"} <= q.keys()
    card_json = next(c for name, c in got["cards"].items() if "林青石" in name)
    card = parse_card_json(card_json)
    novel = card.novel
    assert novel.work is not None and novel.work.id == "qingshi" and novel.work.title == "青石记"
    assert "青石" in novel.aliases
    assert "俺" in novel.self_address or novel.lines
    assert all(line.chapter in (1, 2) for line in novel.lines)
    assert any(line.context for line in novel.lines)  # what was said to him, before
    assert novel.snapshots and novel.provenance is not None
    prov = novel.provenance.model_dump()
    assert prov["sha256"] and prov["line_offsets"]
    entries = got["lorebook"]["data"]["entries"]
    keys = {k for e in entries for k in e["keys"]}
    assert {"林青石", "青石"} <= keys
    assert any("落霞剑法" in e["keys"] or "青锋剑" in e["keys"] for e in entries) or entries
    assert "## Alias clusters" in got["report"]
    assert not list(tmp_path.glob(".out*"))  # no work or temp folders left behind


def test_english_run(en_story_file: Path, tmp_path: Path) -> None:
    result = run_pipeline(en_story_file, tmp_path / "en")
    got = load(result.out)
    names = {r["name"] for r in got["roster"]}
    assert {"Clara", "Mr. Pell", "Captain Drury"} <= names
    assert result.chapters == 2


def test_failed_write_leaves_the_previous_output(
    zh_story_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run_pipeline(zh_story_file, out)
    before = (out / "roster.json").read_text()

    def broken(tmp: Path, bundle: output.Bundle) -> None:
        (tmp / "roster.json").write_text("half")
        raise OSError("disk full")

    monkeypatch.setattr(output, "_write_all", broken)
    with pytest.raises(OSError, match="disk full"):
        run_pipeline(zh_story_file, out, resume=False)
    assert (out / "roster.json").read_text() == before
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name or ".old-" in p.name]


def test_bad_input_creates_no_output(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(ExtractError):
        run_pipeline(bad, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_resume_after_interruption(zh_story_file: Path, tmp_path: Path) -> None:
    def stop_at_profiles(event: ProgressEvent) -> None:
        if event.stage == "profiles":
            raise KeyboardInterrupt

    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_pipeline(zh_story_file, out, progress=stop_at_profiles)
    assert not out.exists()
    assert (tmp_path / ".out.work" / "analysis.json").is_file()
    result = run_pipeline(zh_story_file, out)
    assert result.resumed_stages == ["analysis", "chapters", "ingest"]
    assert (out / "roster.json").is_file()


def test_changed_source_starts_afresh(zh_story_file: Path, tmp_path: Path) -> None:
    def stop(event: ProgressEvent) -> None:
        if event.stage == "profiles":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_pipeline(zh_story_file, tmp_path / "out", progress=stop)
    zh_story_file.write_text(ZH_STORY + "\n尾声\n完。", encoding="utf-8")
    assert run_pipeline(zh_story_file, tmp_path / "out").resumed_stages == []


def test_incremental_append(zh_story_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_pipeline(zh_story_file, out)
    before = {r["id"]: r for r in load(out)["roster"]}
    more = tmp_path / "more.txt"
    more.write_text(ZH_APPENDIX, encoding="utf-8")
    result = append_chapters(out, more)
    got = load(out)
    after = {r["id"]: r for r in got["roster"]}
    assert result.chapters == 3
    lin = next(k for k, r in before.items() if r["name"] == "林青石")
    assert after[lin]["name"] == "林青石"  # ids are stable
    assert after[lin]["lines"] > before[lin]["lines"] and after[lin]["last_chapter"] == 3
    assert any(c.startswith("林青石: +") for c in result.changes)
    assert any("玄机子" in c for c in result.changes)
    new_text = (out / "state" / "text.txt").read_text(encoding="utf-8")
    assert all(new_text[q["start"] : q["end"]] == q["text"] for q in got["quotes"])


def test_append_needs_an_extraction(tmp_path: Path, zh_story_file: Path) -> None:
    with pytest.raises(ExtractError, match="no extraction"):
        append_chapters(tmp_path / "nothing", zh_story_file)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="roleplay")
    add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_cli(zh_story_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli-out"
    assert run(parse(["extract", str(zh_story_file), "--work", "q", "--out", str(out)])) == 0
    assert "characters" in capsys.readouterr().out
    more = tmp_path / "more.txt"
    more.write_text(ZH_APPENDIX, encoding="utf-8")
    assert run(parse(["extract", str(more), "--out", str(out), "--append"])) == 0
    assert "chapters added: 1" in capsys.readouterr().out
    missing = tmp_path / "missing.txt"
    assert run(parse(["extract", str(missing), "--out", str(out)])) == 1
    assert "error:" in capsys.readouterr().err


def test_progress_line_format() -> None:
    line = format_event(ProgressEvent("quotes", 3, 12, chapter=40, eta_s=9.4), 5.0)
    assert "quotes" in line and "3/12" in line and "chapter 40" in line and "ETA 9s" in line


def test_english_story_file_helper(en_story_file: Path) -> None:
    assert en_story_file.read_text(encoding="utf-8") == EN_STORY
