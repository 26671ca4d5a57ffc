"""How often does the canon backend pick the line that answers the reader?

Runs on the two characters written for the tests (paraphrased reader messages, each
with the line that should answer it) and, with ``--data`` pointing at the shared data
folder, on ``character-llm/`` interviews (question -> the character's answer). Every
method is measured in the same run on the same embeddings:

- ``random``: the expected accuracy of a uniform pick, 1/N;
- ``line``: pure query-to-line similarity (what a plain retriever does);
- ``context``: query-to-context similarity only (where contexts exist);
- ``canon``: the backend's scorer (context + line + lexical, z-scored per request).

Modes:

- ``paraphrase``: every line has its context; the message paraphrases one of them;
- ``half-context``: every other line loses its context, as in a card where only some
  lines come with what was said before them. On character-llm only the questions whose
  answer lost its context are asked (the others would be exact copies of a context);
- ``no-context``: no line has a context.

    .venv/bin/python bench/canon_pick.py [--data ../shared/data] [--weights line=0.5,lexical=1]

Prints a table, then one JSON line of metrics. character-llm takes ~3 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

import numpy as np

from memory.embeddings import E5Embedder, Vectors
from roleplay.llm.base import CanonLine
from roleplay.llm.canon_index import DEFAULT_WEIGHTS, CanonIndex, Turn, Weights, build_index
from roleplay.llm.canon_index import is_greeting as reader_greets

REPO = Path(__file__).resolve().parents[1]
OWN_CHARACTERS = REPO / "tests" / "roleplay" / "llm" / "data" / "canon_characters.json"
METHODS = ("random", "line", "context", "canon")


@dataclass(frozen=True, slots=True)
class Case:
    source: str
    character: str
    mode: str
    lines: tuple[CanonLine, ...]
    probes: tuple[tuple[str, int], ...]  # (reader message, index of the intended line)


def variants(
    source: str,
    name: str,
    lines: tuple[CanonLine, ...],
    probes: tuple[tuple[str, int], ...],
    *,
    paraphrased: bool,
) -> list[Case]:
    half = tuple(replace(x, context="") if i % 2 else x for i, x in enumerate(lines))
    bare = tuple(replace(x, context="") for x in lines)
    asked = probes if paraphrased else tuple(p for p in probes if p[1] % 2)
    cases = [Case(source, name, "paraphrase", lines, probes)] if paraphrased else []
    return cases + [
        Case(source, name, "half-context", half, asked),
        Case(source, name, "no-context", bare, probes),
    ]


def own_cases() -> list[Case]:
    cases: list[Case] = []
    for card in json.loads(OWN_CHARACTERS.read_text(encoding="utf-8"))["characters"]:
        ids = [line["id"] for line in card["lines"]]
        lines = tuple(CanonLine(x["text"], x["context"], x["chapter"]) for x in card["lines"])
        probes = tuple((p["message"], ids.index(p["expect"])) for p in card["probes"])
        cases += variants("own", card["name"], lines, probes, paraphrased=True)
    return cases


def character_llm_cases(root: Path) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(root.glob("data/gen_results/interview_single/*/*.json")):
        name = path.parent.name.removesuffix("_chatgpt_result")
        items = json.loads(path.read_text(encoding="utf-8"))
        answers = [" ".join(r["content"] for r in item["reply"]).strip() for item in items]
        questions = [item["question"].strip() for item in items]
        # chapter 1: these are not card greetings
        lines = tuple(CanonLine(a, q, 1) for a, q in zip(answers, questions, strict=True))
        probes = tuple((q, i) for i, q in enumerate(questions))
        cases += variants("character-llm", name, lines, probes, paraphrased=False)
    return cases


class MemoEmbedder:
    """E5 with a memo, so the modes of one character embed each text once."""

    def __init__(self) -> None:
        self._e5 = E5Embedder(num_threads=2)
        self.dim = self._e5.dim
        self._memo: dict[tuple[bool, str], Vectors] = {}

    async def query(self, texts: Sequence[str]) -> Vectors:
        return await self._encode(texts, is_query=True)

    async def passage(self, texts: Sequence[str]) -> Vectors:
        return await self._encode(texts, is_query=False)

    async def _encode(self, texts: Sequence[str], *, is_query: bool) -> Vectors:
        new = list(dict.fromkeys(t for t in texts if (is_query, t) not in self._memo))
        if new:
            encode = self._e5.query if is_query else self._e5.passage
            for text, vector in zip(new, await encode(new), strict=True):
                self._memo[is_query, text] = vector
        return np.stack([self._memo[is_query, t] for t in texts]).astype(np.float32)


async def evaluate(case: Case, embedder: MemoEmbedder, weights: Weights) -> dict[str, float]:
    index = await build_index(case.lines, case.character, embedder)
    vectors = await embedder.query([text for text, _ in case.probes])
    hits = dict.fromkeys(METHODS, 0)
    for (text, want), vector in zip(case.probes, vectors, strict=True):
        for method, pick in picks(index, text, vector, weights).items():
            hits[method] += pick == want
    result = {m: hits[m] / len(case.probes) for m in METHODS}
    result["random"] = 1 / len(case.lines)
    if not index.has_context.any():
        result["context"] = math.nan
    return result


def picks(index: CanonIndex, text: str, vector: Vectors, weights: Weights) -> dict[str, int]:
    turn = Turn(text=text, vector=vector, greeting_wanted=reader_greets(text))
    context = np.where(index.has_context, index.context_vecs @ vector, -np.inf)
    return {
        "random": -1,
        "line": int(np.argmax(index.line_vecs @ vector)),
        "context": int(np.argmax(context)),
        "canon": int(np.argmax(index.score(turn, weights))),
    }


def parse_weights(spec: str) -> Weights:
    known = {f.name for f in fields(Weights)}
    values: dict[str, float] = {}
    for item in filter(None, spec.split(",")):
        key, _, value = item.partition("=")
        if key not in known:
            raise SystemExit(f"unknown weight {key!r}; known: {', '.join(sorted(known))}")
        values[key] = float(value)
    return replace(DEFAULT_WEIGHTS, **values)


async def run(data: Path | None, weights: Weights) -> dict[str, object]:
    cases = own_cases()
    llm_dir = data / "character-llm" if data else None
    if llm_dir is not None and llm_dir.is_dir():
        cases += character_llm_cases(llm_dir)
    elif data is not None:
        print(f"(no character-llm/ under {data}; measuring the in-repo characters only)")
    embedder = MemoEmbedder()
    rows = []
    start = time.monotonic()
    for case in cases:
        rows.append((case, await evaluate(case, embedder, weights)))
    print_table(rows)
    return {"seconds": round(time.monotonic() - start, 1), "groups": summarise(rows)}


def summarise(
    rows: list[tuple[Case, dict[str, float]]],
) -> dict[str, dict[str, float | int | None]]:
    """Accuracy per (source, mode), weighted by number of probes."""
    groups: dict[str, dict[str, float | int | None]] = {}
    for source_mode in dict.fromkeys(f"{c.source}/{c.mode}" for c, _ in rows):
        members = [(c, r) for c, r in rows if f"{c.source}/{c.mode}" == source_mode]
        total = sum(len(c.probes) for c, _ in members)
        groups[source_mode] = {"probes": total} | {
            m: _mean([(r[m], len(c.probes)) for c, r in members]) for m in METHODS
        }
    return groups


def _mean(weighted: list[tuple[float, int]]) -> float | None:
    """Probe-weighted mean, None when the method does not apply (no contexts)."""
    kept = [(v, n) for v, n in weighted if not math.isnan(v)]
    total = sum(n for _, n in kept)
    return round(sum(v * n for v, n in kept) / total, 3) if total else None


def print_table(rows: list[tuple[Case, dict[str, float]]]) -> None:
    head = f"{'source':<14}{'character':<16}{'mode':<13}{'lines':>6}{'probes':>7}"
    print(head + "".join(f"{m:>9}" for m in METHODS))
    for case, result in rows:
        cells = "".join(
            "      n/a" if math.isnan(result[m]) else f"{result[m]:>9.1%}" for m in METHODS
        )
        print(
            f"{case.source:<14}{_pad(case.character, 16)}{case.mode:<13}"
            f"{len(case.lines):>6}{len(case.probes):>7}{cells}"
        )


def _pad(text: str, width: int) -> str:
    wide = sum(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    return text + " " * max(width - len(text) - wide, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, help="the shared data folder (has character-llm/)")
    parser.add_argument("--weights", default="", help="override scorer weights, k=v,...")
    args = parser.parse_args(argv)
    metrics = asyncio.run(run(args.data, parse_weights(args.weights)))
    print(json.dumps({"bench": "canon_pick"} | metrics, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
