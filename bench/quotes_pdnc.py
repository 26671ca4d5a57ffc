"""Quote attribution, roster recall and alias clustering against PDNC's gold annotations.

    python bench/quotes_pdnc.py --data ../shared/data/pdnc [--novel Emma] [--errors N]

For each novel the extractor runs on ``novel_text.txt`` alone (no gold roster).
A gold quote counts as correct when the extracted quote overlapping it was given
an entity whose aliases map to the gold speaker (an entity maps to the gold
character sharing most alias strings with it, a tie to the one whose matched alias is
longest; a first-person narrator maps to
the character marked ``_narr``). Missed quotes count as wrong. Quotes whose gold
speaker is ``_unknowable`` or ``_group`` are left out, as in the PDNC paper.

Roster recall: gold characters with >= 5 quotes that appear among our aliases.
Alias B-cubed F1: over the gold alias strings we also found, gold cluster vs ours.
Last line: a JSON summary.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import csv
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402

from characters.extract.analyse import Analysis, analyse, per_quote  # noqa: E402
from characters.extract.attribution import NARRATOR  # noqa: E402
from characters.extract.coref_en import join_called_names  # noqa: E402
from characters.extract.ranker import candidates, decide, train, weights_json  # noqa: E402

_SKIP_SPEAKERS = {"_unknowable", "_group"}
TYPES = ("explicit", "anaphoric", "implicit")
_UNKNOWABLE = {"unknowable", "unknown"}


@dataclass
class Gold:
    chars: dict[str, set[str]]  # main name -> aliases
    narrator: str
    quotes: list[tuple[int, int, str, str]]  # start, end, speaker, type


@dataclass
class Score:
    right: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    roster_hit: int = 0
    roster_total: int = 0
    b3_p: list[float] = field(default_factory=list)
    b3_r: list[float] = field(default_factory=list)


def load_gold(folder: Path) -> Gold:
    chars: dict[str, set[str]] = {}
    narrator = ""
    with open(folder / "character_info.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            aliases = set(ast.literal_eval(row["Aliases"])) | {row["Main Name"]}
            if "_narr" in aliases:
                narrator = row["Main Name"]
            if row["Main Name"].lower() in _UNKNOWABLE:
                continue  # A Handful of Dust spells the "_unknowable" speaker "Unknowable"
            chars[row["Main Name"]] = {a for a in aliases if not a.startswith("_")}
    # quotation_info names speakers by any alias; score against the character.
    main_of = {a: name for name, aliases in chars.items() for a in aliases}
    main_of.update({a: "_unknowable" for a in ("Unknowable", "Unknown")})
    main_of.update({name: name for name in chars})
    quotes = []
    with open(folder / "quotation_info.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            spans = ast.literal_eval(row["quoteByteSpans"])
            kind = row["quoteType"].lower()
            speaker = main_of.get(row["speaker"], row["speaker"])
            quotes.append((spans[0][0], spans[-1][1], speaker, kind))
    return Gold(chars, narrator, quotes)


def map_entities(result: Analysis, gold: Gold) -> dict[str, str]:
    owner: dict[str, list[str]] = defaultdict(list)
    for name, aliases in gold.chars.items():
        for alias in aliases:
            owner[alias.lower()].append(name)
    mapping: dict[str, str] = {}
    for ent in result.entities:
        if ent.id == NARRATOR:
            mapping[ent.id] = gold.narrator
            continue
        votes: Counter[str] = Counter()
        longest: Counter[str] = Counter()  # words in the longest alias matched
        for alias in ent.aliases:
            for name in owner.get(alias.lower(), []):
                votes[name] += 1
                longest[name] = max(longest[name], len(alias.split()))
        if votes:
            # a tie goes to the fuller name: "John Andrew" says more than a bare "John"
            # that the gold list happens to give to John Beaver
            mapping[ent.id] = max(votes, key=lambda n: (votes[n], longest[n]))
    return mapping


def score_novel(result: Analysis, gold: Gold, score: Score, errors: list[str], text: str) -> None:
    mapping = map_entities(result, gold)
    starts = [q.start for q in result.quotes]
    gold_counts: Counter[str] = Counter()
    for start, end, speaker, kind in gold.quotes:
        gold_counts[speaker] += 1
        if speaker in _SKIP_SPEAKERS or kind not in TYPES:
            continue
        score.total[kind] += 1
        i = bisect.bisect_right(starts, end) - 1
        found = i >= 0 and result.quotes[i].end > start
        att = result.attributions[i] if found else None
        predicted = mapping.get(att.speaker, "?") if att else "-"
        if predicted == speaker:
            score.right[kind] += 1
        elif att is not None and len(errors) < 10_000:
            snippet = text[max(0, start - 150) : end + 80].replace("\n", " ")
            errors.append(f"[{kind}] gold={speaker} got={predicted} ({att.rule}) :: {snippet}")
    _roster(result, gold, gold_counts, score)


def _roster(result: Analysis, gold: Gold, counts: Counter[str], score: Score) -> None:
    ours: dict[str, str] = {}  # gold and extracted spellings differ in case ("The Baron")
    for ent in result.entities:
        for alias in ent.aliases:
            ours.setdefault(alias.lower(), ent.id)
    for name, aliases in gold.chars.items():
        if counts[name] >= 5 and name not in _SKIP_SPEAKERS:
            score.roster_total += 1
            narrator_found = name == gold.narrator and NARRATOR in {e.id for e in result.entities}
            lowered = {a.lower() for a in aliases}
            score.roster_hit += bool(lowered & ours.keys()) or narrator_found
    items = [
        (a.lower(), name)
        for name, aliases in gold.chars.items()
        for a in aliases
        if a.lower() in ours
    ]
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_ours: dict[str, set[str]] = defaultdict(set)
    for alias, name in items:
        by_gold[name].add(alias)
        by_ours[ours[alias]].add(alias)
    gold_of = {a: n for a, n in items}
    for alias, name in items:
        mine = by_ours[ours[alias]]
        same = sum(1 for a in mine if gold_of[a] == name)
        score.b3_p.append(same / len(mine))
        score.b3_r.append(same / len(by_gold[name]))


def summary(score: Score) -> dict[str, object]:
    acc = {k: round(score.right[k] / max(1, score.total[k]), 4) for k in TYPES}
    acc = {"all": round(sum(score.right.values()) / max(1, sum(score.total.values())), 4), **acc}
    p = sum(score.b3_p) / max(1, len(score.b3_p))
    r = sum(score.b3_r) / max(1, len(score.b3_r))
    return {
        "accuracy": acc,
        "roster_recall": round(score.roster_hit / max(1, score.roster_total), 4),
        "alias_bcubed_f1": round(2 * p * r / max(1e-9, p + r), 4),
    }


def training_groups(
    result: Analysis, gold: Gold, predicted: list[str] | None = None
) -> list[tuple[np.ndarray, int]]:
    """(candidate features, index of the gold speaker) per utterance.

    The history features (who spoke one, two turns back) come from the model's own
    decisions, as at run time: trained on gold history, a model trusts them too much.
    ``predicted``: those decisions (default: the shipped weights')."""
    mapping = map_entities(result, gold)
    starts = [g[0] for g in gold.quotes]
    if predicted is None:
        predicted = [result.attributions[u.quotes[0]].speaker for u in result.units]
    groups: list[tuple[np.ndarray, int]] = []
    for k, unit in enumerate(result.units):
        q = result.quotes[unit.quotes[0]]
        i = bisect.bisect_right(starts, q.end) - 1
        speaker = gold.quotes[i][2] if i >= 0 and gold.quotes[i][1] > q.start else ""
        cands = candidates(result.scene, result.units, predicted[:k], k, predicted)
        y = next(
            (j for j, c in enumerate(cands) if speaker and mapping.get(c.entity) == speaker), -1
        )
        if y >= 0:
            groups.append((np.array([c.features for c in cands]), y))
    return groups


def out_of_fold(
    novels: list[tuple[str, str, Analysis, Gold, float]],
    groups: dict[str, list[tuple[np.ndarray, int]]],
) -> dict[str, list[tuple[np.ndarray, int]]]:
    """Each novel's groups again, with its history taken from weights fit without it: the
    shipped weights have seen every novel, so their history is cleaner than a new book's."""
    out = {}
    for name, _, result, gold, _ in novels:
        w = train([x for other, gs in groups.items() if other != name for x in gs])
        decided = [a.speaker for a in decide(result.scene, result.units, w)]
        out[name] = training_groups(result, gold, decided)
    return out


def run(
    folders: list[Path], loo: bool, save: Path | None, n_errors: int, strict: bool = False
) -> dict[str, object]:
    novels = []
    for folder in folders:
        text = (folder / "novel_text.txt").read_text(encoding="utf-8")
        started = time.perf_counter()
        result = analyse(text, "en")
        gold = load_gold(folder)
        novels.append((folder.name, text, result, gold, time.perf_counter() - started))
    groups = {name: training_groups(r, g) for name, _, r, g, _ in novels} if loo or save else {}
    if strict and groups:
        groups = out_of_fold(novels, groups)
    total = Score()
    errors: list[str] = []
    for name, text, result, gold, elapsed in novels:
        if loo:
            others = [x for other, gs in groups.items() if other != name for x in gs]
            result.attributions = per_quote(
                result, decide(result.scene, result.units, train(others))
            )
        join_called_names(text, result.quotes, result.attributions, result.entities)
        one = Score()
        score_novel(result, gold, one, errors, text)
        _add(total, one)
        print(f"{name:28s} {json.dumps(summary(one))} {elapsed:.1f}s", flush=True)
    if save is not None:
        weights = train([x for gs in groups.values() for x in gs])
        save.write_text(json.dumps(weights_json(weights), indent=1) + "\n")
        print(f"weights trained on all {len(novels)} novels written to {save}")
    for line in errors[:n_errors]:
        print(line)
    return summary(total)


def _add(total: Score, one: Score) -> None:
    for attr in ("right", "total"):
        getattr(total, attr).update(getattr(one, attr))
    total.roster_hit += one.roster_hit
    total.roster_total += one.roster_total
    total.b3_p += one.b3_p
    total.b3_r += one.b3_r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the pdnc folder")
    parser.add_argument("--novel", action="append", help="only these novels (repeatable)")
    parser.add_argument("--errors", type=int, default=0, help="print N wrong attributions")
    parser.add_argument(
        "--shipped",
        action="store_true",
        help="score the shipped weights (trained on these novels: optimistic) instead of LOO",
    )
    parser.add_argument("--save-weights", type=Path, help="train on all novels, write JSON here")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="training history from weights fit without that novel (twice the time)",
    )
    args = parser.parse_args()
    root = args.data / "data" if (args.data / "data").is_dir() else args.data
    folders = sorted(p for p in root.iterdir() if (p / "novel_text.txt").is_file())
    if args.novel:
        folders = [f for f in folders if f.name in args.novel]
    if not folders:
        print(f"no PDNC novels under {root}", file=sys.stderr)
        return 2
    print(json.dumps(run(folders, not args.shipped, args.save_weights, args.errors, args.strict)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
