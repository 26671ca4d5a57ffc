"""Choosing a speaker among candidates by weighted evidence (a conditional logit).

The sieve's rules become features of each candidate (named in the tag, matches
the tag pronoun's gender, spoke two turns back, named in this paragraph, ...).
A quote's score for a candidate is ``weights · features``; the softmax over
candidates gives the confidence. Weights are learned from annotated novels
(``train``), always evaluated leave-one-novel-out, and shipped as JSON; the
defaults below encode the sieve's order so the code works without them.
"""

from __future__ import annotations

import bisect
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

import numpy as np

from characters.extract.attribution import (
    NARRATOR,
    Scene,
    Utterance,
    addressees,
    adjacent,
    resolve,
    shared_tag,
    tight,
)
from characters.extract.model import Attribution, Mention
from characters.extract.ranker_en import FEATURES_EN, conversation_en, kin_en, static_en

FEATURES = (
    "tag_name", "tag_pronoun_fits", "tag_pronoun_clash", "tag_role_gender",
    "prev1", "prev2", "prev3", "prev4", "same_para_prev",
    "para_first", "para_any", "para_after", "prev_para_first", "prev_para_any",
    "addressed_prev", "named_inside", "recency", "log_freq", "narrator",
    "in_conversation", "prev1_nonadjacent", "no_tag", "gender_unknown",
    "next1_tag", "next2_tag", "next3_tag", "next1_pron", "next2_pron", "next1_pred", "next2_pred",
    # the same evidence when the utterance has no tag of its own (then it is all there is)
    "prev1_untagged", "prev2_untagged", "para_first_untagged", "prev_para_first_untagged",
    "addressed_prev_untagged", "recency_untagged", "next1_pred_untagged", "next2_pred_untagged",
    "named_inside_untagged", "tag_role_assoc",
    "pron_para_last", "pron_para_first", "pron_rank", "pron_subject", "pron_unique",
    "prev_para_last", "next_para_first", "next_para_opens", "tag_loose",
    # quotes back to back with no narration between: strict A-B-A-B turn-taking
    "prev1_tight", "prev2_tight", "next1_pred_tight", "next2_pred_tight", "prev1_shared_tag",
    "tag_clause", "tag_role_near",
    *FEATURES_EN,
)  # fmt: skip
_INDEX = {name: i for i, name in enumerate(FEATURES)}
_UNTAGGED = tuple(f.removesuffix("_untagged") for f in FEATURES if f.endswith("_untagged"))
DEFAULT = {
    "tag_name": 12.0, "tag_pronoun_fits": 3.0, "tag_pronoun_clash": -6.0, "prev2": 2.0,
    "tag_role_gender": 3.0,
    "prev1": -1.5, "same_para_prev": 4.0, "para_first": 2.5, "para_any": 1.0,
    "prev_para_first": 0.6, "addressed_prev": 1.5, "named_inside": -1.0, "recency": 0.8,
    "log_freq": 0.2,
}  # fmt: skip
_WINDOW_UNITS = 6
_LOOKBACK = 1500
_LOOKAHEAD = 600
_EPITHET_WINDOW = 250
# "the old gentleman" is Fagin in one chapter and Mr. Brownlow a few later: who is named
# near an epithet's uses this close to a tag is a feature apart from the book-wide one (the
# learned weight is negative: nearby, those named are mostly the ones it talks to).
_EPITHET_NEAR = 5000


class Add(Protocol):
    def __call__(self, entity: str, name: str, value: float = 1.0) -> None: ...


@dataclass(slots=True)
class Candidate:
    entity: str
    features: list[float]


def load_weights(language: str) -> np.ndarray:
    """Shipped learned weights for the language, or the hand-set defaults."""
    name = f"weights_{language}.json"
    try:
        raw = json.loads(resources.files("characters.extract").joinpath(name).read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        raw = DEFAULT
    return np.array([float(raw.get(f, 0.0)) for f in FEATURES])


def weights_json(w: np.ndarray) -> dict[str, float]:
    return {f: round(float(x), 4) for f, x in zip(FEATURES, w, strict=True)}


def candidates(
    scene: Scene,
    units: list[Utterance],
    speakers: Sequence[str],
    k: int,
    future: Sequence[str] = (),
) -> list[Candidate]:
    """Everyone who could be speaking utterance ``k``, with their feature vectors.

    ``speakers[:k]`` are the decisions so far; ``future`` (a first pass's decisions for
    every utterance) lets the second pass see who is thought to speak next.
    """
    unit = units[k]
    fixed, future_pronouns = _static(scene, units, speakers, k)
    feats = {entity: dict(f) for entity, f in fixed.items()}
    add = _adder(feats)
    _history(units, speakers, k, add)
    _tight_history(scene, units, speakers, k, add)
    if scene.language == "en":
        conversation_en(scene, units, speakers, k, add)
    _tag(scene, units, speakers, k, add)
    _next_predicted(scene, units, future, k, add)
    out = []
    for entity, f in feats.items():
        ent = scene.entities.get(entity)
        f["log_freq"] = math.log1p(ent.mentions) / 5 if ent else 0.0
        f["narrator"] = float(entity == NARRATOR)
        f["gender_unknown"] = float(ent is None or not ent.gender)
        f["no_tag"] = float(unit.tag is None)
        if unit.tag is None:
            for name in _UNTAGGED:
                f[name + "_untagged"] = f.get(name, 0.0)
        for name, gender in future_pronouns:
            if ent is not None and ent.gender == gender:
                f[name] = 1.0
        vec = [0.0] * len(FEATURES)
        for name, value in f.items():
            vec[_INDEX[name]] = value
        out.append(Candidate(entity, vec))
    return out


def _static(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int
) -> tuple[dict[str, dict[str, float]], list[tuple[str, str]]]:
    """The features that are the same in both passes, computed once per utterance."""
    if k not in scene.static:
        fixed: dict[str, dict[str, float]] = {}
        pronouns = _future(scene, units, k, _adder(fixed))
        _paragraph(scene, units, speakers, k, _adder(fixed))
        _recency(scene, units[k], _adder(fixed))
        if scene.language == "en":
            static_en(scene, units, k, _adder(fixed))
        scene.static[k] = (fixed, pronouns)
    cached: tuple[dict[str, dict[str, float]], list[tuple[str, str]]] = scene.static[k]
    return cached


def _next_predicted(
    scene: Scene, units: list[Utterance], future: Sequence[str], k: int, add: Add
) -> None:
    """Who the first pass thinks speaks the next two turns of this exchange."""
    for ahead in (1, 2):
        j = k + ahead
        if j < len(future) and all(adjacent(units, i - 1, i) for i in range(k + 1, j + 1)):
            add(future[j], f"next{ahead}_pred")
            if all(tight(scene, units, i - 1, i) for i in range(k + 1, j + 1)):
                add(future[j], f"next{ahead}_pred_tight")


def _adder(feats: dict[str, dict[str, float]]) -> Add:
    def add(entity: str, name: str, value: float = 1.0) -> None:
        if entity:
            slot = feats.setdefault(entity, {})
            slot[name] = max(slot.get(name, 0.0), value)

    return add


def _history(units: list[Utterance], speakers: Sequence[str], k: int, add: Add) -> None:
    chain = True
    for back in range(1, 5):
        j = k - back
        if j < 0:
            break
        chain = chain and adjacent(units, j, j + 1)
        if chain:
            add(speakers[j], f"prev{back}")
            add(speakers[j], "in_conversation")
        elif back == 1:
            add(speakers[j], "prev1_nonadjacent")
    if k and units[k - 1].para == units[k].para:
        add(speakers[k - 1], "same_para_prev")
    if k and shared_tag(units, k - 1, k):
        add(speakers[k - 1], "prev1_shared_tag")


def _tight_history(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, add: Add
) -> None:
    """Back-to-back quotes with not a word of narration between them alternate almost
    always (a speaker who goes on is given a tag or a beat of narration)."""
    for back in (1, 2):
        j = k - back
        if j < 0 or not tight(scene, units, j, j + 1):
            return
        add(speakers[j], f"prev{back}_tight")


def _paragraph(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, add: Add
) -> None:
    unit = units[k]
    start, end = scene.paras[unit.para]
    inside = [(scene.quotes[i].start, scene.quotes[i].end) for i in unit.quotes]
    first = True
    for m in scene.narration.between(start, end):
        if any(a <= m.start < b for a, b in inside) or m.pronoun is not None:
            continue
        add(m.entity, "para_first" if first else "para_any")
        add(m.entity, "para_any")
        if m.start > unit.end:
            add(m.entity, "para_after")
        first = False
    if unit.para > 0:
        p_start, p_end = scene.paras[unit.para - 1]
        names = [m for m in scene.narration.between(p_start, p_end) if m.pronoun is None]
        for i, m in enumerate(names):
            add(m.entity, "prev_para_first" if i == 0 else "prev_para_any")
        if names:
            add(names[-1].entity, "prev_para_last")
    _next_paragraph(scene, units, k, add)
    if k and adjacent(units, k - 1, k):
        prev = units[k - 1]
        for m in scene.inside.between(prev.start, prev.end):
            add(m.entity, "addressed_prev")
    for m in scene.inside.between(unit.start, unit.end):
        add(m.entity, "named_inside")


def _next_paragraph(scene: Scene, units: list[Utterance], k: int, add: Add) -> None:
    """ "…"\n少平愣住了。: narration right after a quote, before the next one, is often
    about its speaker (and texts split into sentences put it in a paragraph of its own)."""
    para = units[k].para + 1
    if para >= len(scene.paras) or (k + 1 < len(units) and units[k + 1].para <= para):
        return
    p_start, p_end = scene.paras[para]
    names = [m for m in scene.narration.between(p_start, p_end) if m.pronoun is None]
    if names:
        add(names[0].entity, "next_para_first")
        if names[0].start - p_start <= 2:
            add(names[0].entity, "next_para_opens")


def _tag(scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, add: Add) -> None:
    tag = units[k].tag
    if tag is None:
        return
    m = tag.mention
    if m.pronoun is None:
        add(m.entity, "tag_loose" if tag.rule.endswith("(loose)") else "tag_name")
        if tag.rule.endswith("(clause)"):  # the clause's subject, not a name at the verb
            add(m.entity, "tag_clause")
        return
    if m.pronoun == "":
        add(NARRATOR if NARRATOR in scene.entities else "", "tag_name")
        return
    # "said her mother": the names before the tag are whose mother, not who speaks, once
    # the family is known (ranker_en.kin_en)
    kin = kin_en(scene, units, speakers, k, m, add) if m.role and scene.language == "en" else 0
    if not kin:
        add(resolve(scene, units, speakers, k, m), "tag_role_gender")
    if m.role:
        _role_epithet(scene, m, add)
    if m.pronoun == "x":
        return  # "the doctor": nothing to match a gender against
    _gender_fit(scene, speakers, k, m, add)
    if not kin:
        _antecedents(scene, units[k], m, add)


def _gender_fit(scene: Scene, speakers: Sequence[str], k: int, m: Mention, add: Add) -> None:
    near = scene.narration.between(max(0, m.start - _LOOKBACK), m.end + _LOOKAHEAD)
    mentioned = {x.entity for x in near if x.pronoun is None}
    fitting = []
    for entity in {s for s in speakers[max(0, k - _WINDOW_UNITS) : k] if s} | mentioned:
        ent = scene.entities.get(entity)
        if ent is not None and ent.gender == m.pronoun:
            add(entity, "tag_pronoun_fits")
            fitting.append(entity)
        elif ent is not None and ent.gender:
            add(entity, "tag_pronoun_clash")
    if len(fitting) == 1:
        add(fitting[0], "pron_unique")


def _antecedents(scene: Scene, unit: Utterance, m: Mention, add: Add) -> None:
    """Where the names that fit a he/she stand: the competing readings of the pronoun,
    weighed by the ranker instead of one hard rule (last name, subject, first in paragraph)."""
    para_start = scene.paras[unit.para][0]
    before = [
        x
        for x in scene.narration.between(max(0, m.start - _LOOKBACK), m.start)
        if x.pronoun is None
        and _strict(scene, x.entity, m.pronoun)
        and scene.text[x.end : x.end + 2] not in ("'s", "’s")  # "Jane's letter": not her
        and not scene.text.startswith("的", x.end)  # 看少安的脸: nor 少安
    ]
    local = [x for x in before if x.start >= para_start]
    if local:
        add(local[-1].entity, "pron_para_last")
        add(local[0].entity, "pron_para_first")
    seen: list[str] = []
    for x in reversed(before):
        if x.entity not in seen:
            seen.append(x.entity)
    for rank, entity in enumerate(seen[:4]):
        add(entity, "pron_rank", 1 / (1 + rank))
    for x in reversed(before):
        if _opens_sentence(scene.text, x.start):
            add(x.entity, "pron_subject")
            break


def _strict(scene: Scene, entity: str, gender: str | None) -> bool:
    ent = scene.entities.get(entity)
    return ent is not None and ent.kind != "narrator" and ent.gender == gender


def _opens_sentence(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t\r\n\"“‘'_(":
        i -= 1
    return i < 0 or text[i] in ".!?;:\n。！？；：，"  # 进了公窑后，田福堂…: a clause's subject


def _epithet(scene: Scene, surface: str) -> dict[str, float]:
    """Whom "the Jew" / "the old gentleman" usually means in this book: the people named
    near its other occurrences, above what their overall frequency predicts."""
    key = ("epithet", surface)
    if key not in scene.static:
        _, named = _epithet_uses(scene, surface)
        near: Counter[str] = Counter()
        for people in named:
            near.update(people)
        size = max(1, len(scene.text))
        lift = {}
        for entity, n in near.items():
            ent = scene.entities.get(entity)
            base = min(1.0, (ent.mentions if ent else 0) * 2 * _EPITHET_WINDOW / size)
            lift[entity] = n / len(named) - base
        top = sorted(lift.items(), key=lambda kv: -kv[1])[:5]
        scene.static[key] = {e: v for e, v in top if v > 0}
    result: dict[str, float] = scene.static[key]
    return result


def _role_epithet(scene: Scene, m: Mention, add: Add) -> None:
    for entity, score in _epithet(scene, m.surface.lower()).items():
        add(entity, "tag_role_assoc", score)
    for entity, score in _epithet_near(scene, m).items():
        add(entity, "tag_role_near", score)


def _epithet_uses(scene: Scene, surface: str) -> tuple[list[int], list[set[str]]]:
    """Where the book uses an epithet, and who is named within ``_EPITHET_WINDOW`` of each use
    (read once per book, for the book-wide and the nearby association)."""
    key = ("epithet uses", surface)
    if key not in scene.static:
        uses = [m for m in scene.narration.items if m.role and m.surface.lower() == surface]
        named = [
            {
                x.entity
                for x in scene.narration.between(m.start - _EPITHET_WINDOW, m.end + _EPITHET_WINDOW)
                if x.pronoun is None and x.entity
            }
            for m in uses
        ]
        scene.static[key] = ([m.start for m in uses], named)
    result: tuple[list[int], list[set[str]]] = scene.static[key]
    return result


def _epithet_near(scene: Scene, m: Mention) -> dict[str, float]:
    """Whom the epithet means around this tag: the people named near its uses within
    ``_EPITHET_NEAR`` characters (the tag's own neighbourhood included)."""
    starts, named = _epithet_uses(scene, m.surface.lower())
    lo = bisect.bisect_left(starts, m.start - _EPITHET_NEAR)
    hi = bisect.bisect_right(starts, m.start + _EPITHET_NEAR)
    near: Counter[str] = Counter()
    for people in named[lo:hi]:
        near.update(people)
    uses = max(1, hi - lo)
    top = sorted(near.items(), key=lambda kv: (-kv[1], kv[0]))[:3]  # ties: by name, not hash
    return {e: n / uses for e, n in top}


def _future(scene: Scene, units: list[Utterance], k: int, add: Add) -> list[tuple[str, str]]:
    """Named tags on the next turns anchor this one: A (k) B (k+1, "said B") A (k+2, "said A")."""
    pronouns: list[tuple[str, str]] = []
    for ahead in range(1, 4):
        j = k + ahead
        if j >= len(units) or not adjacent(units, j - 1, j):
            break
        tag = units[j].tag
        if tag is None or (ahead == 1 and shared_tag(units, k, j)):
            continue  # “不！”\n青石摇头说，“…”: one tag for both quotes is no turn change
        if tag.mention.pronoun is None:
            add(tag.mention.entity, f"next{ahead}_tag")
        elif tag.mention.pronoun and ahead <= 2:
            pronouns.append((f"next{ahead}_pron", tag.mention.pronoun))
    return pronouns


def _recency(scene: Scene, unit: Utterance, add: Add) -> None:
    seen: list[str] = []
    for m in reversed(scene.narration.between(max(0, unit.start - _LOOKBACK), unit.start)):
        if m.pronoun is None and m.entity not in seen:
            seen.append(m.entity)
        if len(seen) >= 6:
            break
    for rank, entity in enumerate(seen):
        add(entity, "recency", 1 / (1 + rank))


def decide(
    scene: Scene, units: list[Utterance], weights: np.ndarray | None = None
) -> list[Attribution]:
    """Beam search left to right, twice: the second pass also sees the first pass's next turns."""
    w = load_weights(scene.language) if weights is None else weights
    width = BEAM.get(scene.language, BEAM["en"])
    first = [a.speaker for a in _beam(scene, units, w, (), width)]
    out = _beam(scene, units, w, first, width)
    speakers = [a.speaker for a in out]
    for k, att in enumerate(out):
        att.addressees = addressees(scene, units, speakers, k)
    return out


# Histories kept. English exchanges run long without a tag, and one early slip flips
# every later turn: 24 beams read PDNC 0.5 points better than 6 (implicit 69.0 -> 70.2).
# Chinese tags nearly every line: wider beams change nothing on wp-speaker and cost
# a third of the pipeline's speed.
BEAM = {"en": 24, "zh": 6}
_MEMORY = 8  # decisions the features look back at; beams agreeing on them are merged
_HOPELESS = math.log(1e-3)  # a reading this unlikely is not worth a beam
_UNLIKELY_PATH = math.log(1e-2)  # nor a history this far behind the best


class _Recent(Sequence[str]):
    """The last few decisions of one beam, indexed like the full list of decisions."""

    def __init__(self, last: tuple[str, ...], k: int) -> None:
        self.last, self.k = last, k

    def __len__(self) -> int:
        return self.k

    def __getitem__(self, j: Any) -> Any:
        if isinstance(j, slice):
            return [self[i] for i in range(*j.indices(self.k))]
        i = j - (self.k - len(self.last))
        return self.last[i] if 0 <= i < len(self.last) else ""


@dataclass(slots=True)
class _Path:
    last: tuple[str, ...]
    score: float
    chosen: tuple[Candidate | None, float] = (None, 0.0)  # and its probability
    before: _Path | None = None  # shared by the beams that branch here


def _beam(
    scene: Scene, units: list[Utterance], w: np.ndarray, future: Sequence[str], width: int
) -> list[Attribution]:
    """Left to right, keeping the few best histories: one early mistake in a long
    exchange no longer flips every later turn (A B A B read as B A B A)."""
    beams = [_Path((), 0.0)]
    for k in range(len(units)):
        grown: dict[tuple[str, ...], _Path] = {}
        for path in beams:
            cands = candidates(scene, units, _Recent(path.last, k), k, future)
            options: list[tuple[Candidate | None, float]] = [(None, 0.0)]
            if cands:
                scores = np.array([c.features for c in cands]) @ w
                logp = scores - scores.max()
                logp -= np.log(np.exp(logp).sum())
                order = [j for j in np.argsort(-logp)[:width] if logp[j] > _HOPELESS]
                options = [(cands[j], float(logp[j])) for j in order]
            for cand, lp in options:
                last = (*path.last[1 - _MEMORY :], cand.entity if cand else "")
                score = path.score + lp
                if last not in grown or grown[last].score < score:
                    grown[last] = _Path(last, score, (cand, lp), path)
        beams = sorted(grown.values(), key=lambda p: -p.score)[:width]
        beams = [p for p in beams if p.score > beams[0].score + _UNLIKELY_PATH]
    return _backtrack(units, beams[0])


def _backtrack(units: list[Utterance], path: _Path) -> list[Attribution]:
    out: list[Attribution] = []
    node: _Path | None = path
    while node is not None and node.before is not None:
        cand, lp = node.chosen
        k = len(units) - 1 - len(out)
        if cand is None:
            out.append(Attribution("", 0.0, "unknown"))
        else:
            out.append(Attribution(cand.entity, round(math.exp(lp), 3), _rule(units[k], cand)))
        node = node.before
    return out[::-1]


def _rule(unit: Utterance, cand: Candidate) -> str:
    f = dict(zip(FEATURES, cand.features, strict=True))
    if f["tag_name"] or f["tag_loose"]:
        return "explicit"
    if unit.tag is not None and (f["tag_pronoun_fits"] or f["tag_role_gender"]):
        return "anaphoric"
    if f["prev2"]:
        return "implicit turn-taking"
    if f["para_first"] or f["para_any"]:
        return "implicit paragraph narration"
    return "implicit context"


def train(
    groups: list[tuple[np.ndarray, int]],
    *,
    l2: float = 0.0003,
    steps: int = 300,
    toward_defaults: bool = False,
) -> np.ndarray:
    """Fit the conditional logit (softmax over each quote's candidates) with Adam.

    ``toward_defaults`` pulls the weights toward the hand-set sieve instead of toward
    zero: a small training set then refines the rules rather than forgetting that a
    named speech tag is near certain."""
    x = np.concatenate([g for g, _ in groups])
    sizes = np.array([len(g) for g, _ in groups])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    gold = offsets + np.array([y for _, y in groups])
    owner = np.repeat(np.arange(len(groups)), sizes)
    w = np.array([DEFAULT.get(f, 0.0) for f in FEATURES])
    prior = w.copy() if toward_defaults else np.zeros_like(w)
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        s = x @ w
        s -= np.maximum.reduceat(s, offsets)[owner]
        e = np.exp(s)
        p = e / np.add.reduceat(e, offsets)[owner]
        grad = (p @ x - x[gold].sum(axis=0)) / len(groups) + l2 * (w - prior)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w = w - 0.1 * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return np.asarray(w)
