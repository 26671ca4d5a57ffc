"""``roleplay extract FILE [--work ID] [--out DIR] [--llm]``: the extraction with a progress line.

Hooked into the ``roleplay`` command by ``add_parser(subparsers)``; ``run(args)``
returns the exit code. Interrupting (Ctrl-C) keeps the finished stages: the same
command resumes. ``--append`` adds new chapters to an existing output folder. ``--llm``
writes profiles per arc with the configured endpoint and prints what it spent.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from characters.extract.errors import ExtractError
from characters.extract.llmstage import LLMEndpoint, LLMOptions
from characters.extract.pipeline import ProgressEvent, run_pipeline


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "extract",
        help="extract characters, quotes and a lorebook from a novel (TXT or EPUB)",
        description="Extract characters, quotes, cards and a lorebook from a novel.",
    )
    p.add_argument("file", type=Path, help="the novel: .txt (any common encoding) or .epub")
    p.add_argument("--work", help="work id for the cards (default: from the file name)")
    p.add_argument("--out", type=Path, help="output folder (default: <file stem>-extract)")
    p.add_argument(
        "--append", action="store_true",
        help="FILE holds new chapters: add them to the extraction already in --out",
    )  # fmt: skip
    p.add_argument("--fresh", action="store_true", help="ignore checkpoints of an earlier run")
    p.add_argument("--jobs", type=int, help="worker processes (default: CPUs, at most 4)")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument(
        "--llm", action="store_true",
        help="write profiles per story arc with the LLM endpoint in OPENAI_BASE_URL "
        "(OPENAI_API_KEY, ROLEPLAY_LLM_MODEL)",
    )  # fmt: skip
    p.add_argument(
        "--llm-ratio", type=float, default=0.3, metavar="R",
        help="LLM tokens allowed per source character, at most 0.3 (default 0.3)",
    )  # fmt: skip
    p.add_argument(
        "--llm-characters", type=int, default=30, metavar="N",
        help="profile the N most important characters with the LLM (default 30)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    out = args.out or args.file.with_name(f"{args.file.stem}-extract")
    bar = ProgressLine(sys.stderr, enabled=not args.quiet)
    try:
        llm = llm_options(args) if args.llm else None
        if args.append:
            from characters.extract.append import append_chapters

            result = append_chapters(out, args.file, progress=bar, llm=llm)
        else:
            result = run_pipeline(args.file, out, work_id=args.work, progress=bar,
                                  resume=not args.fresh, jobs=args.jobs, llm=llm)  # fmt: skip
    except ExtractError as exc:
        bar.close()
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        bar.close()
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return 130
    bar.close()
    print(f"{result.characters} characters, {result.quotes} quotes, "
          f"{result.chapters} chapters -> {result.out}")  # fmt: skip
    for change in result.changes:
        print(f"  {change}")
    if result.llm is not None:
        print(describe_llm(result.llm))
    return 0


def llm_options(args: argparse.Namespace) -> LLMOptions:
    """The endpoint from the settings (environment, .env); an error when there is none."""
    from roleplay.settings import Settings
    from roleplay.tokens import get_tokenizer

    settings = Settings()
    endpoint = LLMEndpoint.from_settings(settings)
    if endpoint is None:
        raise ExtractError(
            "--llm needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY, "
            "ROLEPLAY_LLM_MODEL), or leave out --llm for deterministic profiles"
        )
    if args.llm_characters < 1:
        raise ExtractError("--llm-characters must be at least 1")
    if not 0 < args.llm_ratio <= 0.3:
        raise ExtractError("--llm-ratio must be above 0 and at most 0.3 tokens per character")
    return LLMOptions.for_endpoint(
        endpoint, ratio=args.llm_ratio, characters=args.llm_characters,
        count_tokens=get_tokenizer(settings.tokenizer).count,
    )  # fmt: skip


def describe_llm(report: dict[str, Any]) -> str:
    r = report
    text = (
        f"LLM profiles: {r['tokens']:,} tokens for {r['source_chars']:,} source characters = "
        f"{r['tokens_per_char']} per character (limit {r['ratio']}); {r['calls']} calls, "
        f"{r['fallbacks']} fallbacks; {r['characters_profiled']} characters profiled, "
        f"{r['characters_over_budget']} over budget, {r['characters_deterministic']} "
        "deterministic"
    )
    if r.get("resumed") or r.get("reused"):
        text += f"; {r['resumed']} answers resumed, {r['reused']} reused"
    if r.get("stopped"):
        text += f"\n  stopped early: {r['stopped']}"
    return text


class ProgressLine:
    """One self-overwriting status line: stage, chapter, ETA (plain text, no dependency)."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self.stream = stream
        self.enabled = enabled and stream.isatty()
        self.started = time.monotonic()
        self._last = ""

    def __call__(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        line = format_event(event, time.monotonic() - self.started)
        self.stream.write("\r" + line.ljust(len(self._last)))
        self.stream.flush()
        self._last = line

    def close(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\n")
            self.stream.flush()
            self._last = ""


def format_event(event: ProgressEvent, elapsed: float) -> str:
    width = 24
    filled = int(width * event.done / event.total) if event.total else width
    bar = "#" * filled + "." * (width - filled)
    parts = [f"{event.stage:<8}", f"[{bar}]", f"{event.done}/{event.total}"]
    if event.chapter is not None:
        parts.append(f"chapter {event.chapter}")
    if event.eta_s is not None:
        parts.append(f"ETA {event.eta_s:.0f}s")
    parts.append(f"{elapsed:.0f}s")
    if event.message:
        parts.append(event.message[:40])
    return "  ".join(parts)
