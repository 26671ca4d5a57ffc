"""Turning layer outputs into one calibrated score per category, with reasons.

Hot evidence (always present): lexicon hits and modifiers, the jailbreak scan,
personal-data patterns, the n-gram heads. Deep evidence (when computed): the
embedding heads and, if configured, a remote moderation endpoint. Scores are on
the calibrated scale of ``safety.policy`` (0.5 = trained decision point).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from safety import pii, shapes
from safety.base import CATEGORIES
from safety.jailbreak import JailbreakSignal
from safety.lexicon import Hit
from safety.normalize import unmasked
from safety.policy import calibrate
from safety.reading import Reading
from safety.stance import (
    asks,
    asks_sex_health,
    calls_it_unlawful,
    conceiving,
    is_notice,
    moderates,
    owns_prejudice,
    rejects_prejudice,
    reports_abuse,
    victim_of,
)

_CJK = re.compile(r"[\u4e00-\u9fff]")
# 被人下毒, 遭到黑客攻击: the harm was done to the speaker; "怎么" then asks how they lived
# through it, not how to do it.
_VICTIM = ("被", "遭", "被人", "遭人", "遭到")
ANTIBIAS_DISCOUNT = 0.75
ANTIBIAS_DISCOUNT_2 = 0.6
# A text that takes a side against a prejudice (safety.stance), not just names it.
ANTIBIAS_STANCE = 0.4
PROTECT_DISCOUNT = 0.6
# News, the reader as victim, a question about the app, a mystery being plotted: the harm's
# words are framed by something that is not the harm.
FRAME_DISCOUNT = 0.5
MILD_DISCOUNT = 0.5  # teasing one's own, running oneself down: harassment without a target
SUPPORT_DISCOUNT = 0.6
_PROTECTED = (
    "illegal",
    "violence",
    "harassment",
    "violence/graphic",
    "self-harm",
    "sexual",
    "sexual/minors",
)
_TOPIC_KEYS = frozenset({"sexual", "personal-data", "illegal"})


@dataclass(slots=True)
class Evidence:
    scores: dict[str, float] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0.0))
    reasons: dict[str, str] = field(default_factory=dict)
    offensive: float = 0.0  # raw n-gram offensive probability (CJK text only)
    unsafe: float = 0.0  # raw n-gram "anything unsafe" probability: routes to the deep path
    group: bool = False
    minor: bool = False  # a child is named (lexicon ``minor`` or an age under 18)
    stated_minor: bool = False  # an age under 18 is stated ("my neighbour's 12 year old")
    antibias: bool = False
    antibias_cues: int = 0  # distinct anti-bias words: two ("歧视" + "不应该") say it louder
    antibias_stance: bool = False  # argues against the prejudice it names
    clean: str = ""  # the normalised text (a hunch's topic words are looked up in it)
    victim: bool = False  # the reader is the one threatened, exposed or scolded (stance)
    as_parent: bool = False  # a parent asking about their child, or not alluring (stance)
    # how the text frames what it names (stances), each read when a score needs it
    reading: Reading = field(default_factory=Reading)
    cjk: bool = False
    suffix: float = 0.0  # adversarial-suffix score of the jailbreak scan
    framing: bool = False  # hypothetical / "for research" / game framing
    variants: list[str] = field(default_factory=list)  # also embedded (e.g. suffix stripped)
    # Categories with evidence beyond a classifier's hunch (a lexicon key, a pattern, a
    # combination): in a story, classifier-only evidence must clear a wider margin.
    support: set[str] = field(default_factory=set)
    request_harm: float = 0.0  # the "anything unsafe" embedding head, calibrated
    neighbours: dict[str, float] = field(default_factory=dict)  # share of k nearest seeds

    def raise_to(self, cat: str, score: float, reason: str) -> None:
        if score > self.scores[cat]:
            self.scores[cat] = min(1.0, score)
            self.reasons[cat] = reason


def _noisy_or(weights: list[float]) -> float:
    return 1.0 - math.prod(1.0 - w for w in weights)


def lexical(hits: list[Hit], compact: str, jb: JailbreakSignal, raw: str, clean: str) -> Evidence:
    clean = unmasked(clean)
    ev = Evidence(clean=clean)
    per_cat: dict[str, list[tuple[float, str]]] = {}
    mods: set[str] = set()
    cues: set[str] = set()
    rejecting = rejects_prejudice(clean)
    stated_minor = shapes.states_minor_age(clean)
    victim = victim_of(clean)
    # what a key's weight depends on is read only when some key scores (most texts have none)
    keyed = any(h.entry.tag in ev.scores for h in hits)
    quoted = shapes.quoted_insults(clean) if keyed or victim else set()
    weigh = _weigher_for(hits, clean, quoted, rejecting, stated_minor, victim) if keyed else None
    for hit in hits:
        tag = hit.entry.tag
        if tag in ev.scores and weigh is not None:
            per_cat.setdefault(tag, []).append((weigh(hit), hit.entry.term))
        elif not (tag == "harmtopic" and compact[: hit.start].endswith(_VICTIM)):
            mods.add(tag)
            if tag == "antibias":
                cues.add(hit.entry.term)
    for cat, found in per_cat.items():
        words = ", ".join(sorted({w for _, w in found}))
        ev.raise_to(cat, _noisy_or([w for w, _ in found]), f"lexicon: {words}")
    ev.group = "group" in mods
    if stated_minor:
        mods.add("minor")
    ev.stated_minor = stated_minor
    ev.minor = "minor" in mods
    ev.victim = victim
    # an insult quoted by the one it was aimed at, who reported it: 被骂"肥猪…"，我截图举报了
    reported = victim and bool(quoted) and reports_abuse(clean)
    _stances(ev, mods, cues, clean, rejecting, reported=reported)
    parent = shapes.speaks_as_parent(clean)
    # a parent asking, or speaking of their child with nothing alluring said
    ev.as_parent = parent and (asks(clean) or "allure" not in mods)
    _combinations(ev, mods, parent)
    _personal_data(ev, raw)
    owns = owns_prejudice(clean)
    for cat, score, reason in shapes.harms(
        clean,
        group=ev.group,
        minor="minor" in mods,
        rejects=(ev.antibias or ev.antibias_stance) and not owns,
        argues=ev.antibias_stance and not owns,
    ):
        ev.raise_to(cat, score, reason)
    if jb.score > 0:
        ev.raise_to("jailbreak", jb.score, "jailbreak: " + ", ".join(jb.reasons))
    ev.suffix, ev.framing = jb.suffix, jb.framing
    if jb.request:
        ev.variants.append(jb.request)
    ev.variants.extend(jb.revealed)
    ev.cjk = len(_CJK.findall(raw)) >= max(2, 0.3 * len(raw.strip()))
    ev.support = {c for c, v in ev.scores.items() if v >= 0.3}
    return ev


def _weigher_for(
    hits: list[Hit], clean: str, quoted: set[str], rejecting: bool, stated_minor: bool, victim: bool
) -> Callable[[Hit], float]:
    """The weigher for a text some key scored in (what it depends on is read only then)."""
    named_child = any(h.entry.tag == "minor" for h in hits) and not conceiving(clean)
    health = asks_sex_health(clean) and not (stated_minor or named_child)
    framed = is_notice(clean) or calls_it_unlawful(clean) or moderates(clean)
    return _insult_weigher(quoted, rejecting, health=health, victim=victim, framed=framed)


def _insult_weigher(
    quoted: set[str], rejecting: bool, *, health: bool, victim: bool, framed: bool
) -> Callable[[Hit], float]:
    """A key's weight, less for an insult only reported ("he called my sister a whore") or a
    stereotype named to be rejected ("河南人偷井盖这种地域黑段子该停了"), and for a mild sexual
    key in a sexual-health question ("is it normal to bleed after having sex for the first
    time?"; never with a child in the text)."""

    def weigh(hit: Hit) -> float:
        if health and hit.entry.tag == "sexual" and hit.entry.weight <= 0.5:
            return hit.entry.weight * shapes.QUOTED_DISCOUNT
        if framed and hit.entry.tag in _TOPIC_KEYS and hit.entry.weight <= 0.8:
            # 科普：…色情引流; 私家侦探查开房记录都是违法的: a topic named in a notice or a warning
            return hit.entry.weight * FRAME_DISCOUNT
        if hit.entry.tag not in ("harassment", "hate", "personal-data", "self-harm", "sexual"):
            return hit.entry.weight
        if rejecting:
            return hit.entry.weight * ANTIBIAS_STANCE
        term = hit.entry.term.lower()
        if any(term in q for q in quoted):
            # said to the reader, who reports it (被人骂"普信男""nmsl"): quoted twice over
            return hit.entry.weight * shapes.QUOTED_DISCOUNT * (FRAME_DISCOUNT if victim else 1.0)
        return hit.entry.weight

    return weigh


def _stances(
    ev: Evidence, mods: set[str], cues: set[str], clean: str, rejecting: bool, *, reported: bool
) -> None:
    # Naming prejudice to reject it is the offensive classifiers' best-known false
    # positive; a slur or strong insult in the same text cancels the benefit of the doubt.
    strong = max(ev.scores["hate"], ev.scores["harassment"]) >= 0.6
    ev.antibias = "antibias" in mods and not strong
    ev.antibias_cues = len(cues) if ev.antibias else 0
    ev.antibias_stance = not strong and rejecting
    insulted = ev.scores["harassment"] > 0 or ev.group
    ev.reading = Reading(
        clean, frozenset(mods), strong=strong, insulted=insulted, reported=reported
    )
    if ev.scores["harassment"] > 0 and ev.reading.untargeted:
        ev.scores["harassment"] *= MILD_DISCOUNT


def _combinations(ev: Evidence, mods: set[str], parent: bool) -> None:
    s = ev.scores
    if "harmtopic" in mods and "instruct" not in mods and shapes.tells_steps(ev.clean):
        ev.raise_to("illegal", 0.7, "steps on a harmful topic, told rather than asked for")
    if "instruct" in mods and "harmtopic" in mods:
        score = 0.9 if "real" in mods else 0.7
        if "protect" in mods and "real" not in mods:
            # "How do I report a scam", "怎么防止被盗": a defence, not the harm itself; the
            # classifiers still judge the rest (an attacker gains only the combination).
            score = 0.35
        ev.raise_to("illegal", score, "asks for steps on a harmful topic")
    if "group" in mods and s["harassment"] >= 0.5:  # 同性恋就是心理变态: an insult at a group
        ev.raise_to("hate", s["harassment"], ev.reasons.get("harassment", "") + " (at a group)")
    if {"minor", "allure"} <= mods and not parent:  # "my 14 year old neighbour is so sexy"
        ev.raise_to("sexual/minors", 0.8, "sexual interest in a minor")
    if "minor" in mods and s["sexual"] >= 0.4:
        ev.raise_to("sexual/minors", max(0.8, s["sexual"]), "sexual content with a minor")
    s["self-harm"] *= _care_factor(ev, mods)
    if "real" in mods:
        for cat in ("violence", "illegal", "self-harm"):
            if s[cat] >= 0.3:
                ev.raise_to(cat, s[cat] + 0.2, ev.reasons.get(cat, "") + " (real-world framing)")


def _care_factor(ev: Evidence, mods: set[str]) -> float:
    factor = 1.0
    if not ev.scores["self-harm"]:
        return factor  # nothing to discount: the stances are not read
    if "support" in mods and "harmtopic" not in mods and "real" not in mods:
        # "My friend says she wants to die, how do I help her": the words of the crisis
        # are there, the request is for care. A method (pills, a rope) voids the discount.
        factor *= SUPPORT_DISCOUNT
    if ev.reading.looking_back:  # "以前也想过轻生，现在过得挺好": a crisis come through
        factor *= FRAME_DISCOUNT
    if ev.reading.warning:  # 姐妹们千万别学节食催吐: named to be avoided
        factor *= FRAME_DISCOUNT
    return factor


def _personal_data(ev: Evidence, raw: str) -> None:
    for weight, reason in pii.found(raw):
        ev.raise_to("personal-data", weight, reason)


def _aim_factor(ev: Evidence) -> float:
    """How much of an offensive hunch stands, given whom the text aims at: nobody (teasing,
    running oneself down), or a prejudice it argues against."""
    if ev.reading.untargeted:
        return MILD_DISCOUNT
    if ev.antibias_stance:
        return ANTIBIAS_STANCE
    if not ev.antibias:
        return 1.0
    return ANTIBIAS_DISCOUNT if ev.antibias_cues < 2 else ANTIBIAS_DISCOUNT_2


def add_ngram(ev: Evidence, ngram: dict[str, float], t_offensive: float) -> None:
    ev.unsafe = ngram.get("unsafe", 0.0)
    if not ev.cjk:
        return  # the n-gram offensive head learned Chinese; English goes to the deep path
    ev.offensive = ngram.get("offensive", 0.0)
    _offensive(ev, calibrate(ev.offensive, t_offensive), "n-gram classifier")


def _offensive(ev: Evidence, score: float, source: str) -> None:
    """An offensive text aimed at a group is hate; otherwise harassment."""
    # Not for victims, and news only narrowly (below): COLD's posts complain that a group
    # "被骂" or quote police news while attacking (33 of its offensive dev posts were lost
    # when both were spared in full).
    score *= _aim_factor(ev) * (FRAME_DISCOUNT if ev.reading.plot else 1.0)
    if ev.reading.notice and not ev.group:
        score *= FRAME_DISCOUNT  # 反诈提醒：…, 法律科普：…: a notice, whatever it quotes
    elif ev.reading.news and not ev.group and ev.scores["harassment"] == 0:
        # Plain news, no group, and nothing offensive read before (警察追车，嫌疑人撞上了护栏).
        # Read before the embeddings only: COLD posts that quote police news to attack
        # someone lost 5 of its offensive posts when the embedding read was spared too.
        score *= FRAME_DISCOUNT
    if ev.group:
        ev.raise_to("hate", score, f"{source}: offensive about a group")
        ev.raise_to("harassment", 0.6 * score, f"{source}: offensive")
    else:
        ev.raise_to("harassment", score, f"{source}: offensive")


def _stance_factor(ev: Evidence, cat: str) -> float:
    """How much of a classifier's hunch of ``cat`` the text's stance leaves standing. Only
    hunches are discounted: a key such as "make a bomb" or a threat counts in full."""
    factor = 1.0
    if cat in ("hate", "harassment"):
        # The category heads share the offensive ones' blind spot: naming a prejudice to
        # reject it reads like the prejudice.
        factor *= _aim_factor(ev)
    if ev.reading.protective and cat in _PROTECTED:
        factor *= PROTECT_DISCOUNT  # "how do I report a scam" reads like the scam
    r = ev.reading
    framed = (r.news or ev.victim or r.looking_back) and cat in _PROTECTED
    if framed or ((r.dieting or r.ailing or r.warning) and cat == "self-harm"):
        # a report, the harm done to the reader, a crisis come through, ordinary dieting
        factor *= FRAME_DISCOUNT
    if (ev.reading.tale or ev.reading.critique) and cat in ("violence", "violence/graphic"):
        factor *= FRAME_DISCOUNT  # a scene played in a tale's words, or a review of one
    if ev.reading.cooking and cat in ("violence", "violence/graphic", "illegal"):
        factor *= FRAME_DISCOUNT  # "kill the chicken in the morning, cut the throat"
    if ev.as_parent and cat in ("sexual", "sexual/minors"):
        # "My 15-year-old wants to look sexy in his prom photos, is that normal?": the head
        # reads a child's age and allure; the parent is asking for guidance.
        factor *= FRAME_DISCOUNT
    if cat == "jailbreak" and ev.reading.about_bot:
        factor *= FRAME_DISCOUNT  # "can you remember what I said?": a question, no probe
    if ev.reading.plot and (cat in _PROTECTED or cat in ("hate", "jailbreak")):
        # "I'm writing my first whodunit": the writer's frame is the point, not a wrapper,
        # when no key asks for real steps.
        factor *= FRAME_DISCOUNT
    return factor


def add_embed(
    ev: Evidence,
    heads: dict[str, float],
    thresholds: dict[str, float],
    stacked_offensive: float | None,
) -> None:
    for cat in CATEGORIES:
        p = heads.get(cat)
        if p is None:
            continue
        factor = _stance_factor(ev, cat)
        score = calibrate(p, thresholds.get(cat, 0.5)) * factor
        # Two independent layers agreeing is stronger than either alone, unless the text
        # argues against what both of them read (naming a slur to reject it).
        if ev.scores[cat] >= 0.3 and score >= 0.3 and factor == 1.0:
            score = max(score, _noisy_or([ev.scores[cat], score]))
        ev.raise_to(cat, score, f"embedding classifier ({p:.2f})")
    if "unsafe" in heads:
        harm = calibrate(heads["unsafe"], thresholds.get("unsafe", 0.5))
        ev.request_harm = max(ev.request_harm, harm)
    sexual = ev.scores["sexual"]
    if ev.minor and sexual >= 0.5 and not ev.as_parent:
        # "*the little princess is only thirteen* She crawls into your lap…": the sexual head
        # reads the scene, the lexicon the child's age; together they are sexual/minors
        ev.raise_to("sexual/minors", sexual, "sexual content with a minor (classifier)")
        if ev.stated_minor:
            ev.support.add("sexual/minors")  # a stated age and a sexual reading: two signals
    off = heads.get("offensive")
    if off is not None and ev.cjk:
        # The offensive head learned from Chinese social media (COLD); on other languages
        # it mostly reacts to topics, so English relies on the category heads.
        value = stacked_offensive if stacked_offensive is not None else off
        _offensive(ev, calibrate(value, thresholds.get("offensive", 0.5)), "classifier")


KNN_SHARE = 0.4  # at least two of the five nearest labelled seeds
_REQUEST_HARMS = ("illegal", "hate", "harassment", "violence", "sexual", "self-harm")


def wrapped_request(ev: Evidence) -> None:
    """A half-suspicious request inside an evasion device (token-soup suffix, a
    hypothetical or game frame) is an attack on the character, whatever its topic:
    neither signal alone would be enough."""
    # A head whose nearest labelled seeds do not share its category is guessing from
    # topic words ("pretend you're a grumpy old wizard" read as harassment 0.81).
    harm = max(
        (
            ev.scores[c]
            for c in _REQUEST_HARMS
            if c in ev.support or ev.neighbours.get(c, 1.0) >= KNN_SHARE
        ),
        default=0.0,
    )
    # Role-play is framing by nature, so a frame needs a clearer request than a suffix,
    # and the generic "unsafe" head (which knows no story) only counts with a suffix.
    suffixed = ev.suffix >= 0.3 and max(harm, ev.request_harm) >= 0.3
    if suffixed or (ev.framing and harm >= 0.4):
        wrap = max(ev.suffix, 0.35 if ev.framing else 0.0)
        score = _noisy_or([max(harm, ev.request_harm if suffixed else 0.0), wrap])
        ev.raise_to("jailbreak", score, f"a suspicious request wrapped in an evasion ({harm:.2f})")
        ev.support.add("jailbreak")  # two signals together: not a lone hunch


def add_neighbours(ev: Evidence, share: dict[str, float]) -> None:
    for cat, v in share.items():
        ev.neighbours[cat] = max(ev.neighbours.get(cat, 0.0), v)


def add_remote(ev: Evidence, remote: dict[str, float]) -> None:
    for cat, score in remote.items():
        if cat in ev.scores:
            ev.raise_to(cat, score, f"remote moderation ({score:.2f})")
            if score >= 0.5:
                ev.support.add(cat)  # an independent model agrees
