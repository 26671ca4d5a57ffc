"""``roleplay moderate --in FILE.jsonl --out FILE.jsonl``: screen a batch.

Input lines: ``{"id": ..., "text": "...", "role": "user"|"assistant"}`` (role defaults
to user). Output lines, in input order: ``{"id", "flagged", "categories": {name:
bool}, "scores": {name: float}}``, plus ``"reason"`` when flagged. A score is 0–1 with 0.5
at the bar that category had to clear for this text: ``categories[name]`` is true exactly
when ``scores[name] >= 0.5``. A bad line is
reported on stderr with its line number and skipped; the others are all written.
Texts are embedded in batches across lines (the slow part), so large files go at
the model's batch speed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from safety.base import CATEGORIES, Policy, Role, Verdict
from safety.policy import against_bar

BATCH = 256


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = subparsers.add_parser(
        "moderate", help="screen a JSONL batch of texts", description=__doc__
    )
    p.add_argument("--in", dest="inp", required=True, help="input JSONL ('-' for stdin)")
    p.add_argument("--out", required=True, help="output JSONL ('-' for stdout)")
    p.add_argument("--rating", choices=["general", "teen", "mature"], default="teen")
    p.add_argument("--minor", action="store_true", help="apply the stricter policy for minors")
    p.add_argument("--fast", action="store_true", help="hot layers only (no embeddings)")
    p.add_argument("--strict", action="store_true", help="exit 1 if any line was bad")
    p.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    p.set_defaults(func=run)
    return p


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_run(args))


def parse_line(line: str, n: int) -> tuple[str | int | None, str, Role]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"line {n}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise ValueError(f"line {n}: expected a JSON object")
    text, role, ident = obj.get("text"), obj.get("role", "user"), obj.get("id")
    if not isinstance(text, str):
        raise ValueError(f"line {n}: 'text' must be a string")
    if role not in ("user", "assistant"):
        raise ValueError(f'line {n}: \'role\' must be "user" or "assistant", got {role!r}')
    if ident is not None and not isinstance(ident, str | int):
        raise ValueError(f"line {n}: 'id' must be a string or a number")
    return ident, text, role


def result(ident: str | int | None, verdict: Verdict) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": ident,
        "flagged": not verdict.allowed,
        "categories": {c: bool(verdict.categories.get(c, False)) for c in CATEGORIES},
        "scores": {c: round(_against_bar(verdict, c), 4) for c in CATEGORIES},
    }
    if verdict.reason:
        out["reason"] = verdict.reason
    return out


def _against_bar(verdict: Verdict, cat: str) -> float:
    # The evidence measured against the bar this verdict applied, not the trained decision
    # point: a lone hunch must clear a margin, a hunch with no topic words cannot flag. So
    # a category is flagged exactly when its score is 0.5 or more, and ranking by score
    # ranks by what was decided (COLD dev AUPRC 0.928 -> 0.931; ours 0.971 -> 0.984).
    score = float(verdict.scores.get(cat, 0.0))
    bar = verdict.bars.get(cat)
    return score if bar is None else against_bar(score, bar)


def _batches(stream: IO[str], errors: list[str]) -> Iterator[list[tuple[Any, str, Role]]]:
    batch: list[tuple[Any, str, Role]] = []
    for n, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            batch.append(parse_line(line, n))
        except ValueError as exc:
            errors.append(str(exc))
            print(f"moderate: {exc}", file=sys.stderr)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _run(args: argparse.Namespace) -> int:
    from safety.embedder import E5Embedder
    from safety.moderator import LayeredModerator

    mod = LayeredModerator(embedder=E5Embedder(threads=args.threads, max_batch=64))
    policy = Policy(rating=args.rating, minor=args.minor)
    errors: list[str] = []
    done = 0
    try:
        src = sys.stdin if args.inp == "-" else Path(args.inp).open(encoding="utf-8")
        dst = sys.stdout if args.out == "-" else Path(args.out).open("w", encoding="utf-8")
    except OSError as exc:
        print(f"moderate: {exc}", file=sys.stderr)
        return 2
    with src, dst:
        for batch in _batches(src, errors):
            texts = [t for _, t, _ in batch]
            roles: list[Role] = [r for _, _, r in batch]
            if args.fast:
                verdicts = [
                    await mod.assess(t, role=r, policy=policy, deep=False)
                    for t, r in zip(texts, roles, strict=True)
                ]
            else:
                verdicts = await mod.screen_many(texts, roles, policy)
            for (ident, _, _), verdict in zip(batch, verdicts, strict=True):
                dst.write(json.dumps(result(ident, verdict), ensure_ascii=False) + "\n")
            done += len(batch)
    print(f"moderate: screened {done} lines, {len(errors)} bad", file=sys.stderr)
    return 1 if errors and args.strict else 0


def main(argv: list[str] | None = None) -> int:
    """``python -m safety.cli moderate ...`` until ``roleplay moderate`` is wired."""
    parser = argparse.ArgumentParser(prog="python -m safety.cli")
    add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
