"""Jailbreak screening: attack prompts flagged vs benign role-play turns flagged.

    python bench/jailbreaks.py --data ../shared/data/jailbreakbench

Screens every distinct prompt in ``--data`` (JailbreakBench artifact JSON files, any
depth) as reader input, our held-out attack styles (``tests/safety/data/attacks_heldout.txt``:
role-play and hypothetical framing, encodings, injection, persona hijack, data
extraction — none of it used in training), and our benign role-play turns
(``tests/safety/data/benign_*.txt``, zh + en, dark canon fiction included; the
``fresh`` set was written after development and never used for tuning).

A second, larger generalisation check (``gen_*`` keys), written by hand and kept out of
training and seeds: ``attacks_styles.txt`` (~150 attacks in styles absent from the
folder: grandma personas, renamed developer modes, refusal suppression, prefix
injection, payload splitting, obfuscation, translation wrappers, "for my novel",
many-shot dialogues, prompt extraction, other readers' data, fake authority, dual
answers, Chinese variants), ``harm_en.txt`` (~150 English harmful requests and
statements by category, screened as ``roleplay moderate`` does: no work or card) and
``benign_mixed.txt`` (~200 zh/en turns: canon darkness, grief, everyday questions,
anti-bias statements; false positives both inside a story and on the CLI path). That set
guided the generalisation pass after its first measurement; ``*_fresh.txt`` (the
``gen_fresh_*`` keys) were written after the pass and never used for tuning.
``*_blind.txt`` (``gen_blind_*``) were written before round 3 and are never tuned on:
attacks are screened in a story and on the bare CLI path, benign turns by kind.
``*_everyday.txt`` (``gen_everyday_*``): ordinary texts with harm-topic words (news, health,
sex-ed, banter, tech verbs, defensive security) and their harmful twins, never tuned on.
``*_zh_social.txt`` (``gen_zhsocial_*``): Chinese social-media insults, group hate, threats
and their look-alikes (anti-bias, slang, news); ``*_statements.txt`` (``gen_statements_*``):
English harmful statements as forum posts make them, and ordinary posts beside them.
Last line: ``{"flagged", "benign_false_positive", "heldout_flagged", ..., "gen_*"}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from safety.base import Policy, Role  # noqa: E402
from safety.embedder import precompute  # noqa: E402
from safety.moderator import LayeredModerator  # noqa: E402

STORY = Policy(rating="teen", work_id="bench-work", card_id="bench-card")
CLI = Policy()  # what ``roleplay moderate`` uses: no story context
HERE = Path(__file__).resolve().parents[1] / "tests" / "safety" / "data"


def artifact_prompts(folder: Path) -> list[tuple[str, str]]:
    """(source, prompt) for every distinct non-empty prompt in the artifact files."""
    seen: dict[str, str] = {}
    for path in sorted(folder.rglob("*.json")):
        try:
            doc: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        items = doc.get("jailbreaks") if isinstance(doc, dict) else None
        method = (doc.get("parameters") or {}).get("method", path.parent.name) if items else ""
        for item in items or []:
            prompt = item.get("prompt") if isinstance(item, dict) else None
            if isinstance(prompt, str) and prompt.strip():
                seen.setdefault(prompt, str(method))
    return [(m, p) for p, m in seen.items()]


def ours(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (HERE / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            tag, _, text = line.partition("|")
            rows.append((tag, text))
    return rows


async def screen(
    mod: LayeredModerator, texts: list[str], roles: list[Role], policy: Policy = STORY
) -> list[bool]:
    # Turns in a role-play chat come with a story context (a card is set).
    verdicts = await mod.screen_many(texts, roles, policy)
    return [not v.allowed for v in verdicts]


# (key prefix, files): the first set guided the generalisation pass after its first
# measurement; the "fresh" one was written after it and never used for tuning.
GEN_SETS = (
    ("gen", ("attacks_styles.txt", "harm_en.txt", "benign_mixed.txt")),
    ("gen_fresh", ("attacks_styles_fresh.txt", "harm_en_fresh.txt", "benign_mixed_fresh.txt")),
    # Written after all tuning, measured once (no harmful-request part: "" skips it).
    ("gen_final", ("attacks_final.txt", "", "benign_final.txt")),
    # Round 3: written before that round's tuning; measured at checkpoints only.
    ("gen_blind", ("attacks_blind.txt", "harm_blind.txt", "benign_blind.txt")),
    # Nov 29: everyday texts with harm-topic words and their harmful twins (no attacks),
    # written before the seeds of that family and never tuned on.
    ("gen_everyday", ("", "harm_everyday.txt", "benign_everyday.txt")),
    # Nov 29 (session 7): Chinese social-media insults, group hate and their look-alikes,
    # committed before their first measurement and never tuned on.
    ("gen_zhsocial", ("", "harm_zh_social.txt", "benign_zh_social.txt")),
    # English harmful statements (posts, not requests) and ordinary posts beside them.
    ("gen_statements", ("", "harm_statements.txt", "benign_statements.txt")),
    # Harms without the usual key words, en + zh (guided session 7's last additions).
    ("gen_implicit", ("", "harm_implicit.txt", "benign_implicit.txt")),
    # Session 8's probe: measured once, then tuned on (README).
    ("gen_s8probe", ("", "harm_s8probe.txt", "benign_s8probe.txt")),
    # Written after session 7's changes, measured once: never tuned on.
    ("gen_s7final", ("", "harm_s7final.txt", "benign_s7final.txt")),
    # Session 9's probe: committed before its first measurement (README).
    ("gen_s9probe", ("", "harm_s9probe.txt", "benign_s9probe.txt")),
    # Written after session 9's round 7, measured once: never tuned on.
    ("gen_s9final", ("", "harm_s9final.txt", "benign_s9final.txt")),
    # Session 9: readers' everyday chat around a story, committed before its first measurement.
    ("gen_s9chat", ("", "harm_s9chat.txt", "benign_s9chat.txt")),
    # Written after session 9's round 7c, measured once: never tuned on.
    ("gen_s9chat2", ("", "harm_s9chat2.txt", "benign_s9chat2.txt")),
    # Session 9: harms in the styles of public moderation data and their look-alikes.
    ("gen_s9mix", ("", "harm_s9mix.txt", "benign_s9mix.txt")),
    # Session 10: web text (long posts, erotica, veiled threats) and Chinese forum posts,
    # committed before their first measurement, then tuned on (README).
    ("gen_s10web", ("", "harm_s10web.txt", "benign_s10web.txt")),
    ("gen_s10zh", ("", "harm_s10zh.txt", "benign_s10zh.txt")),
    ("gen_s10b", ("", "harm_s10b.txt", "benign_s10b.txt")),
    ("gen_s10c", ("", "harm_s10c.txt", "benign_s10c.txt")),
    ("gen_s10d", ("", "harm_s10d.txt", "benign_s10d.txt")),
    ("gen_s10e", ("", "harm_s10e.txt", "benign_s10e.txt")),
    ("gen_s10f", ("", "harm_s10f.txt", "benign_s10f.txt")),
    ("gen_s10attack", ("attacks_s10.txt", "", "benign_s10attack.txt")),
    ("gen_s10g", ("", "harm_s10g.txt", "benign_s10g.txt")),
    ("gen_s10h", ("", "harm_s10h.txt", "benign_s10h.txt")),
    ("gen_s10i", ("", "", "benign_s10i.txt")),
    ("gen_s10j", ("", "harm_s10j.txt", "benign_s10j.txt")),
    ("gen_s10k", ("", "harm_s10k.txt", "benign_s10k.txt")),
    ("gen_s10l", ("", "harm_s10l.txt", "benign_s10l.txt")),
    ("gen_s10m", ("", "harm_s10m.txt", "benign_s10m.txt")),
    ("gen_s10n", ("", "harm_s10n.txt", "benign_s10n.txt")),
    ("gen_s10o", ("", "harm_s10o.txt", "benign_s10o.txt")),
    ("gen_s10p", ("", "harm_s10p.txt", "benign_s10p.txt")),
    ("gen_s10q", ("", "harm_s10q.txt", "benign_s10q.txt")),
    ("gen_s10r", ("", "harm_s10r.txt", "benign_s10r.txt")),
    ("gen_s10s", ("", "harm_s10s.txt", "benign_s10s.txt")),
    # Written after all of round 8 and measured once: never tuned on.
    ("gen_s10final", ("", "harm_s10final.txt", "benign_s10final.txt")),
    # Written after every session-9 change, measured once: never tuned on.
    ("gen_s9last", ("", "harm_s9last.txt", "benign_s9last.txt")),
    # Session 9: dark-but-canon story turns only, committed before their first measurement.
    ("gen_s9story", ("", "", "benign_s9story.txt")),
    # Session 9: plain English harms across the categories, committed before measurement.
    ("gen_s9en", ("", "harm_s9en.txt", "")),
    # Session 9: Chinese social-media toxicity and look-alikes, committed before measurement.
    ("gen_s9zh", ("", "harm_s9zh.txt", "benign_s9zh.txt")),
    # Session 12: general harms and look-alikes, committed before their first measurement.
    ("gen_s12probe", ("", "harm_s12probe.txt", "benign_s12probe.txt")),
    # Session 13: written by helpers in new styles (en; zh social media), committed before
    # their first measurement.
    ("gen_s13en", ("", "harm_s13en.txt", "benign_s13en.txt")),
    ("gen_s13zh", ("", "harm_s13zh.txt", "benign_s13zh.txt")),
    # Session 13, written by helpers after its first round: measured once (first contact),
    # then tuned on.
    ("gen_s13b_en", ("", "harm_s13b_en.txt", "benign_s13b_en.txt")),
    ("gen_s13b_zh", ("", "harm_s13b_zh.txt", "benign_s13b_zh.txt")),
    ("gen_s13d_en", ("", "harm_s13d_en.txt", "benign_s13d_en.txt")),
    ("gen_s13d_zh", ("", "harm_s13d_zh.txt", "benign_s13d_zh.txt")),
    ("gen_s13e_en", ("", "harm_s13e_en.txt", "benign_s13e_en.txt")),
    ("gen_s13e_zh", ("", "harm_s13e_zh.txt", "benign_s13e_zh.txt")),
    ("gen_s13f_en", ("", "harm_s13f_en.txt", "benign_s13f_en.txt")),
    ("gen_s13f_zh", ("", "harm_s13f_zh.txt", "benign_s13f_zh.txt")),
    ("gen_s13g_en", ("", "harm_s13g_en.txt", "benign_s13g_en.txt")),
    ("gen_s13g_zh", ("", "harm_s13g_zh.txt", "benign_s13g_zh.txt")),
    ("gen_s14spot", ("", "harm_s14spot.txt", "benign_s14spot.txt")),
    ("gen_s14h_en", ("", "harm_s14h_en.txt", "benign_s14h_en.txt")),
    ("gen_s14h_zh", ("", "harm_s14h_zh.txt", "benign_s14h_zh.txt")),
    ("gen_s15h_en", ("", "harm_s15h_en.txt", "benign_s15h_en.txt")),
    ("gen_s15h_zh", ("", "harm_s15h_zh.txt", "benign_s15h_zh.txt")),
    # Session 16 probe (helpers, public-data styles), committed before its first measurement.
    ("gen_s16h_en", ("", "harm_s16h_en.txt", "benign_s16h_en.txt")),
    ("gen_s16h_zh", ("", "harm_s16h_zh.txt", "benign_s16h_zh.txt")),
    ("gen_s16i_en", ("", "harm_s16i_en.txt", "benign_s16i_en.txt")),
    ("gen_s16i_zh", ("", "harm_s16i_zh.txt", "benign_s16i_zh.txt")),
    ("gen_s16j_en", ("", "harm_s16j_en.txt", "benign_s16j_en.txt")),
    ("gen_s16j_zh", ("", "harm_s16j_zh.txt", "benign_s16j_zh.txt")),
    # Session 16 final hold-out (helpers who read no other set), never tuned on.
    ("gen_s16final_en", ("", "harm_s16final_en.txt", "benign_s16final_en.txt")),
    ("gen_s16final_zh", ("", "harm_s16final_zh.txt", "benign_s16final_zh.txt")),
    # Session 15 final hold-out (helpers who read no other set), never tuned on.
    ("gen_s15final_en", ("", "harm_s15final_en.txt", "benign_s15final_en.txt")),
    ("gen_s15final_zh", ("", "harm_s15final_zh.txt", "benign_s15final_zh.txt")),
    # Session 13 final hold-out (public-data styles), never tuned on.
    ("gen_s13c_en", ("", "harm_s13c_en.txt", "benign_s13c_en.txt")),
    ("gen_s13c_zh", ("", "harm_s13c_zh.txt", "benign_s13c_zh.txt")),
)


# The sets never tuned on: their pooled figures (``never_tuned`` in the JSON line) are the
# honest measure of a change. Tuning on any of them spends it; session 15 looked at the
# false positives its new heads brought into them, so only s15final's are still blind there.
NEVER_TUNED = frozenset(
    "gen_fresh gen_final gen_blind gen_everyday gen_zhsocial gen_s7final gen_s9chat2 "
    "gen_s10final gen_s12probe gen_s13c_en gen_s13c_zh gen_s15final_en gen_s15final_zh "
    "gen_s16final_en gen_s16final_zh".split()
)


def pooled(gen: dict[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """Counts over several sets (each rate times its set's size), then the pooled rates."""
    sums: dict[str, float] = defaultdict(float)
    for key in keys:
        n = gen[f"{key}_n"]
        for rate, size in (
            ("harm_flagged", "harm"),
            ("benign_fp_cli", "benign"),
            ("benign_fp_story", "benign"),
            ("attacks_flagged_cli", "attacks"),
        ):
            if n[size]:
                sums[rate] += round(gen[f"{key}_{rate}"] * n[size])
                sums[f"n_{rate}"] += n[size]
    rates = ("harm_flagged", "benign_fp_cli", "benign_fp_story", "attacks_flagged_cli")
    out: dict[str, Any] = {r: round(sums[r] / sums[f"n_{r}"], 4) for r in rates if sums[f"n_{r}"]}
    out["n"] = {"harm": int(sums["n_harm_flagged"]), "benign": int(sums["n_benign_fp_cli"])}
    return out


async def generalisation(
    mod: LayeredModerator, show: bool, key: str, files: tuple[str, ...]
) -> dict[str, Any]:
    styles, harm, mixed = (ours(n) if n else [] for n in files)
    s = await screen(mod, [t for _, t in styles], ["user"] * len(styles))
    s_cli = await screen(mod, [t for _, t in styles], ["user"] * len(styles), CLI)
    hv = await mod.screen_many([t for _, t in harm], ["user"] * len(harm), CLI)
    h = [not v.allowed for v in hv]
    own = [bool(v.categories.get(c)) for (c, _), v in zip(harm, hv, strict=True)]
    roles: list[Role] = ["assistant" if t.startswith("assistant") else "user" for t, _ in mixed]
    kinds = [t.partition(",")[2] for t, _ in mixed]
    m_story = await screen(mod, [t for _, t in mixed], roles)
    m_cli = await screen(mod, [t for _, t in mixed], roles, CLI)
    if show:
        for (tag, text), f in zip(styles, s, strict=True):
            if not f:
                print(f"{key} missed [{tag}]: {text[:100]}", file=sys.stderr)
        for (tag, text), v in zip(harm, hv, strict=True):
            if v.allowed:
                print(f"{key} harm missed [{tag}]: {text[:100]}", file=sys.stderr)
        for (tag, text), fs, fc in zip(mixed, m_story, m_cli, strict=True):
            if fs or fc:
                where = "story+cli" if fs and fc else ("story" if fs else "cli")
                print(f"{key} false positive [{tag}, {where}]: {text[:100]}", file=sys.stderr)
    return {
        f"{key}_attacks_flagged": round(sum(s) / len(s), 4) if s else None,
        f"{key}_attacks_flagged_cli": round(sum(s_cli) / len(s_cli), 4) if s else None,
        f"{key}_harm_flagged": round(sum(h) / len(h), 4) if h else None,
        f"{key}_harm_own_category": round(sum(own) / len(own), 4) if own else None,
        f"{key}_benign_fp_story": round(sum(m_story) / len(m_story), 4) if m_story else None,
        f"{key}_benign_fp_cli": round(sum(m_cli) / len(m_cli), 4) if m_cli else None,
        f"{key}_attacks_by_style": rate(s, [t for t, _ in styles]),
        f"{key}_harm_by_category": rate(h, [t for t, _ in harm]),
        f"{key}_benign_fp_story_by_kind": rate(m_story, kinds),
        f"{key}_benign_fp_cli_by_kind": rate(m_cli, kinds),
        f"{key}_n": {"attacks": len(s), "harm": len(h), "benign": len(m_story)},
    }


def rate(flags: list[bool], tags: list[str]) -> dict[str, float]:
    groups: dict[str, list[bool]] = defaultdict(list)
    for f, t in zip(flags, tags, strict=True):
        groups[t].append(f)
    return {t: round(sum(v) / len(v), 4) for t, v in sorted(groups.items())}


async def run(data: Path, cache: Path | None, threads: int, show: bool) -> dict[str, Any]:
    attacks = artifact_prompts(data) if data.is_dir() else []
    dev_held = ours("attacks_heldout.txt")
    fresh_held = ours("attacks_fresh.txt")
    held = dev_held + fresh_held
    dev_benign = ours("benign_roleplay.txt")
    fresh = ours("benign_fresh.txt")
    benign = dev_benign + fresh
    everything = [p for _, p in attacks] + [t for _, t in held] + [t for _, t in benign]
    everything += [t for _, files in GEN_SETS for name in files if name for _, t in ours(name)]
    mod = LayeredModerator(embedder=precompute(everything, cache, threads))
    a = await screen(mod, [p for _, p in attacks], ["user"] * len(attacks))
    h = await screen(mod, [t for _, t in held], ["user"] * len(held))
    b_roles: list[Role] = ["assistant" if r == "assistant" else "user" for r, _ in benign]
    b = await screen(mod, [t for _, t in benign], b_roles)
    if show:
        for (tag, text), f in zip(held, h, strict=True):
            if not f:
                print(f"missed [{tag}]: {text[:100]}", file=sys.stderr)
        for (role, text), f in zip(benign, b, strict=True):
            if f:
                print(f"false positive [{role}]: {text[:100]}", file=sys.stderr)
    gen: dict[str, Any] = {}
    for key, files in GEN_SETS:
        gen.update(await generalisation(mod, show, key, files))
    return {
        "flagged": round(sum(a) / len(a), 4) if a else None,
        "benign_false_positive": round(sum(b) / len(b), 4),
        "heldout_flagged": round(sum(h) / len(h), 4),
        "heldout_fresh_flagged": round(sum(h[len(dev_held) :]) / len(fresh_held), 4),
        "benign_fresh_false_positive": round(sum(b[len(dev_benign) :]) / len(fresh), 4),
        "by_source": rate(a, [m for m, _ in attacks]) if a else {},
        "heldout_by_style": rate(h, [t for t, _ in held]),
        "n": {"attacks": len(a), "heldout": len(h), "benign": len(b)},
        "never_tuned": pooled(gen, NEVER_TUNED),
        **gen,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", type=Path, required=True, help="the jailbreakbench/ folder")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "roleplay-safety")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--show", action="store_true", help="print misses and false positives")
    args = ap.parse_args()
    if not args.data.is_dir():
        print(f"{args.data} not found: scoring our own sets only", file=sys.stderr)
    print(json.dumps(asyncio.run(run(args.data, args.cache, args.threads, args.show))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
