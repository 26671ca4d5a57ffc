"""``roleplay extract FILE [--work ID] [--out DIR]``: run the extraction with a progress line.

Hooked into the ``roleplay`` command by ``add_parser(subparsers)``; ``run(args)``
returns the exit code. Interrupting (Ctrl-C) keeps the finished stages: the same
command resumes. ``--append`` adds new chapters to an existing output folder.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from characters.extract.errors import ExtractError
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


def run(args: argparse.Namespace) -> int:
    out = args.out or args.file.with_name(f"{args.file.stem}-extract")
    bar = ProgressLine(sys.stderr, enabled=not args.quiet)
    try:
        if args.append:
            from characters.extract.append import append_chapters

            result = append_chapters(out, args.file, progress=bar)
        else:
            result = run_pipeline(args.file, out, work_id=args.work, progress=bar,
                                  resume=not args.fresh, jobs=args.jobs)  # fmt: skip
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
    return 0


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
