"""Chinese speaker identification on the 平凡的世界 data set (wp-speaker-id-zh).

    python bench/speakers_wp.py --data ../shared/data/wp-speaker-id-zh/dataset/dev
    python bench/speakers_wp.py --data .../dataset/dev --train .../dataset/train [--cv 5]

Each instance is 21 sentences; the 11th is the quote to attribute. The roster is
the data set's own name list (one line per character: gender, then aliases);
one-character aliases (霞, 厚) are dropped because they match inside ordinary
words. The extractor's attribution code runs unchanged on the 21 lines.

With ``--train`` the ranker's weights are fitted on that split first (select on
dev, report on a split the weights never saw). ``--save-weights`` writes them;
``--cv K`` first prints K-fold cross-validation on the training split.
Last line: JSON with accuracy overall and per category.
"""

from __future__ import annotations

import argparse
import bisect
import json
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from characters.extract.analyse import Analysis, analyse, per_quote  # noqa: E402
from characters.extract.model import Entity  # noqa: E402
from characters.extract.ranker import (  # noqa: E402
    DEFAULT,
    FEATURES,
    candidates,
    decide,
    train,
    weights_json,
)

CATEGORIES = ("explicit", "implicit", "latent")


@dataclass
class Instance:
    lines: list[str]
    speaker: int  # index in the name list
    category: str


def load_names(path: Path) -> list[Entity]:
    entities = []
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines()):
        parts = line.split()
        if len(parts) < 2:
            continue
        aliases = [a for a in parts[1:] if len(a) > 1] or parts[1:2]
        gender = "f" if parts[0] == "0" else "m"
        entities.append(Entity(f"w{i}", aliases[0], aliases, gender))  # type: ignore[arg-type]
    return entities


def load_split(folder: Path) -> list[Instance]:
    files = sorted(folder.glob("*_unsplit.txt")) or sorted(folder.glob("*.txt"))
    out: list[Instance] = []
    for path in files:
        blocks = path.read_text(encoding="utf-8-sig").replace("\r", "").split("\n\n")
        for block in blocks:
            lines = block.strip("\n").split("\n")
            if len(lines) < 25 or not lines[0].startswith("Instance index"):
                continue
            body = lines[1:22]
            index = int(lines[23].split(":", 1)[1])
            category = lines[24].split(":", 1)[1].strip()
            out.append(Instance(body, index, category))
    return out


def join_open_quotes(lines: list[str]) -> tuple[list[str], int]:
    """The data set splits paragraphs into sentences, even inside a quote; rejoin those.

    Returns the paragraphs and the index of the one holding the centre line (line 11).
    """
    paras: list[str] = []
    centre = 0
    open_quote = False
    for i, line in enumerate(lines):
        if open_quote and paras:
            paras[-1] += line
        else:
            paras.append(line)
        if i == 10:
            centre = len(paras) - 1
        depth = line.count("“") - line.count("”")
        open_quote = (open_quote and depth >= 0) or depth > 0
        if open_quote and len(line) >= CUT_LINE and not _closes_later(lines[i + 1 :]):
            open_quote = False  # the data set cut this line short: what follows is narration
    return paras, centre


CUT_LINE = 300  # longer open lines (a few, all 391 characters) lost their end in the data set


def _closes_later(rest: list[str]) -> bool:
    """Whether the next quotation mark in ``rest`` closes rather than opens a quote."""
    for line in rest:
        marks = [c for c in line if c in "“”"]
        if marks:
            return marks[0] == "”"
    return True


def run_instance(
    inst: Instance, roster: list[Entity], weights: np.ndarray | None = None
) -> tuple[Analysis, int]:
    paras, index = join_open_quotes(inst.lines)
    text = "\n".join(paras)
    centre = sum(len(p) + 1 for p in paras[:index])
    centre += (
        len(paras[index]) - len(inst.lines[10]) if paras[index].endswith(inst.lines[10]) else 0
    )
    centre += 1
    fresh = [Entity(e.id, e.name, list(e.aliases), e.gender) for e in roster]
    result = analyse(text, "zh", entities=fresh, weights=weights)
    starts = [q.start for q in result.quotes]
    i = bisect.bisect_right(starts, centre + 1) - 1
    return result, i


def known_speakers(insts: list[Instance]) -> dict[tuple[str, str, str], str]:
    """The windows overlap: a quote that is the centre of one instance is context in the
    next ones, so its speaker is known there too (keyed by the line and its neighbours)."""
    return {(i.lines[9], i.lines[10], i.lines[11]): f"w{i.speaker}" for i in insts}


def history(inst: Instance, result: Analysis, known: dict[tuple[str, str, str], str]) -> list[str]:
    """Each turn's speaker: the annotated one where another window gives it, else ours."""
    out = [result.attributions[u.quotes[0]].speaker for u in result.units]
    lines = inst.lines
    for k, unit in enumerate(result.units):
        q = result.quotes[unit.quotes[0]]
        head = result.scene.text[q.start : q.start + 12]
        for j in range(1, len(lines) - 1):
            if lines[j][1:].startswith(head) or lines[j][1:13] == head:
                out[k] = known.get((lines[j - 1], lines[j], lines[j + 1]), out[k])
                break
    return out


def examples(
    insts: list[Instance],
    roster: list[Entity],
    known: dict[tuple[str, str, str], str] | None = None,
) -> list[tuple[np.ndarray, int]]:
    """One candidate group per centre quote. With ``known``, the turns before and after
    it are read with their annotated speakers (teacher forcing), so turn-taking weights
    are learned from true alternation rather than from our own noisy decisions."""
    groups = []
    # turns no other window annotates are read with the hand-set rules' decisions, so the
    # fit depends on the data alone, not on the weights it is about to replace
    rules = np.array([DEFAULT.get(f, 0.0) for f in FEATURES])
    for inst in insts:
        result, _ = run_instance(inst, roster, rules if known is not None else None)
        predicted = [result.attributions[u.quotes[0]].speaker for u in result.units]
        past = history(inst, result, known) if known is not None else predicted
        gold = f"w{inst.speaker}"
        for k, unit in enumerate(result.units):
            q = result.quotes[unit.quotes[0]]
            if not (
                sum(len(x) + 1 for x in inst.lines[:10])
                <= q.start
                < sum(len(x) + 1 for x in inst.lines[:11])
            ):
                continue
            cands = candidates(result.scene, result.units, past[:k], k, past)
            y = next((j for j, c in enumerate(cands) if c.entity == gold), -1)
            if y >= 0:
                groups.append((np.array([c.features for c in cands]), y))
    return groups


def evaluate(
    insts: list[Instance], roster: list[Entity], w: np.ndarray | None
) -> dict[str, object]:
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for inst in insts:
        result, i = run_instance(inst, roster)
        if w is not None:
            result.attributions = per_quote(result, decide(result.scene, result.units, w))
        total[inst.category] += 1
        if i >= 0 and result.attributions[i].speaker == f"w{inst.speaker}":
            right[inst.category] += 1
    acc = {c: round(right[c] / max(1, total[c]), 4) for c in CATEGORIES}
    overall = round(sum(right.values()) / max(1, sum(total.values())), 4)
    return {"accuracy": {"all": overall, **acc}, "n": sum(total.values())}


def fit(insts: list[Instance], roster: list[Entity]) -> np.ndarray:
    # l2 chosen by cross-validation on train and checked on dev; pulled toward the sieve's
    # defaults because the split is small
    groups = examples(insts, roster, known_speakers(insts))
    return train(groups, l2=0.003, toward_defaults=True)


def cross_validate(insts: list[Instance], roster: list[Entity], folds: int) -> dict[str, object]:
    """Each contiguous fold scored with weights fit on the others (windows of one scene
    overlap, so a fold must not be interleaved with its training data)."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    n = len(insts)
    for f in range(folds):
        lo, hi = f * n // folds, (f + 1) * n // folds
        held = insts[lo:hi]
        scores = evaluate(held, roster, fit(insts[:lo] + insts[hi:], roster))
        acc = scores["accuracy"]
        assert isinstance(acc, dict)
        for c in CATEGORIES:
            size = sum(1 for inst in held if inst.category == c)
            total[c] += size
            right[c] += round(acc[c] * size)
    by_category = {c: round(right[c] / max(1, total[c]), 4) for c in CATEGORIES}
    overall = round(sum(right.values()) / max(1, sum(total.values())), 4)
    return {"accuracy": {"all": overall, **by_category}, "n": n, "folds": folds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="dataset/<split> folder")
    parser.add_argument("--names", type=Path, help="name_list.txt (default: next to the split)")
    parser.add_argument("--train", type=Path, help="fit weights on this split first")
    parser.add_argument("--save-weights", type=Path, help="write the fitted weights here")
    parser.add_argument("--cv", type=int, default=0, help="also K-fold cross-validate on --train")
    args = parser.parse_args()
    names = args.names or args.data.parent / "name_list.txt"
    if not names.is_file():
        print(f"no name list at {names}", file=sys.stderr)
        return 2
    roster = load_names(names)
    weights = None
    if args.train is not None:
        insts = load_split(args.train)
        if args.cv > 1:
            print(json.dumps({"train_cv": cross_validate(insts, roster, args.cv)}))
        weights = fit(insts, roster)
        if args.save_weights is not None:
            args.save_weights.write_text(json.dumps(weights_json(weights), indent=1) + "\n")
    print(json.dumps(evaluate(load_split(args.data), roster, weights)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
