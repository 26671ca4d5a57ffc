"""Attacks on the character rather than on people: jailbreaks and prompt injection.

Three signals, each cheap enough for every input:

* structural patterns (zh/en, ``safety.attack_patterns``): overriding instructions,
  extracting the system prompt, hijacking the persona (DAN, "developer mode", "no
  rules"), reading other readers' data, declaring the screens off; plus frames
  (hypothetical, "for research", a relative who "used to tell me", translate-then-obey,
  pressure, claimed authority) that only count together with something else;
* an adversarial-suffix score: optimised suffixes (GCG and kin) are token soup
  full of brackets, camelCase and code fragments that no reader types in a chat;
* encodings and payload splitting (``safety.decode``): base64/hex blocks, ROT13 and
  reversed text, glued or slashed fragments, ``a = "..."`` pieces, masked letters and
  leetspeak are put back together so the other layers (the classifiers included)
  screen what they hide; a decoder that fires makes the text a frame.
"""

from __future__ import annotations

import codecs
import math
import re
from collections.abc import Collection
from dataclasses import dataclass, field

from safety import decode
from safety.attack_patterns import ENCODING_CUE, FRAME_ONLY, FRAMING, PATTERNS
from safety.normalize import deleeted

# A digit or symbol standing for a letter inside a word ("h0w", "k!ll"), not "3pm" or "4b".
_LEET_WORD = re.compile(r"\b[a-z]+[013457@$!|][a-z013457@$!|]*")
_SYMBOLS = set("\\{}[]()<>$=;|^~`*#_@\"'+%&")
_CAMEL = re.compile(r"[a-z][A-Z]|[A-Za-z][\\{}\[\]()<>$=;|^~`*#@\"]+[A-Za-z]")


@dataclass(slots=True)
class JailbreakSignal:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)
    framing: bool = False
    decoded: list[str] = field(default_factory=list)  # hidden text for the other layers
    # Hidden text worth an embedding too: what a decoder put back together, not what a
    # cue word merely suggested (every text can be read backwards).
    revealed: list[str] = field(default_factory=list)
    suffix: float = 0.0
    request: str = ""  # the text before an adversarial suffix, for the deep layers


def _combine(weights: list[float]) -> float:
    return 1.0 - math.prod(1.0 - w for w in weights)


def scan(raw: str, clean: str, vocab: Collection[str] = ()) -> JailbreakSignal:
    sig = JailbreakSignal()
    best: dict[str, float] = {}
    frames = False
    for weight, name, pattern, gate in PATTERNS:
        if gate and not any(g in clean for g in gate):
            continue
        if name in FRAME_ONLY:
            frames = frames or bool(pattern.search(clean))
        elif weight > best.get(name, 0.0) and pattern.search(clean):
            best[name] = weight
    # A staged transcript or a nostalgic relative is a frame for whatever it asks.
    sig.framing = frames or "fake-dialogue" in best or bool(FRAMING.search(clean))
    _reveal(sig, best, raw, clean, vocab)
    # %6D%65 or &#109;&#101; is no token soup once undone (what it says is screened anyway)
    sig.suffix = adversarial_suffix(decode.unescaped(raw) or raw)
    if sig.suffix >= 0.5:
        best["adversarial-suffix"] = sig.suffix
    if sig.suffix >= 0.3:
        # Screen the request without the noise appended to smuggle it past classifiers.
        sig.request = strip_suffix(raw)
    sig.score = _combine(list(best.values()))
    sig.reasons = sorted(best, key=lambda k: -best[k])
    return sig


_PARTS = re.compile(r"[()\[\]{}\n]+")


def _reads_better(decoded: str, written: str) -> bool:
    return decode.wordiness(decoded) > decode.wordiness(written) + 0.15


def _reveal(
    sig: JailbreakSignal, best: dict[str, float], raw: str, clean: str, vocab: Collection[str]
) -> None:
    """Decode what the text may hide. Decoded text counts only if it says something bad
    (the moderator screens it); a readable blob or a word like "backwards" is merely a
    weak cue, and a decoder that fired makes the text a frame for what it reveals."""
    cue = bool(ENCODING_CUE.search(clean))
    blobs = decode.blobs(raw)
    turned = [codecs.decode(clean, "rot13"), clean[::-1], *decode.shifted(clean)] if cue else []
    # ".pets yb pets ... (read this backwards)": one part reversed, the cue plain
    backwards = [p[::-1] for p in _PARTS.split(clean) if cue and _reads_better(p[::-1], p)]
    pieces = decode.split_payloads(clean, vocab)
    spelled = decode.despaced(raw, clean)
    sig.decoded = blobs + turned + spelled + pieces
    base = decode.wordiness(clean)
    revealed = blobs + pieces + [t for t in turned if decode.wordiness(t) > base + 0.15]
    revealed += backwards
    if len(_LEET_WORD.findall(clean)) >= 2:
        # Leetspeak: the lexicon reads the mapped form already, the classifiers do not.
        revealed.append(deleeted(clean))
    sig.revealed = list(dict.fromkeys(revealed))
    if blobs:
        best["encoded"] = 0.3
    if cue:
        best["encoding-cue"] = 0.2
    sig.framing = sig.framing or bool(pieces or sig.revealed)


def adversarial_suffix(raw: str) -> float:
    """How much the text looks like optimiser token soup rather than something typed."""
    tokens = raw.split()
    if len(tokens) < 6:
        return 0.0
    tail = tokens[len(tokens) // 3 :]  # suffix attacks append; the request itself is clean
    chars = [c for t in tail for c in t]
    sym = sum(c in _SYMBOLS for c in chars) / max(1, len(chars))
    weird = sum(1 for t in tail if _weird(t))
    frac = weird / len(tail)
    x = 9.0 * frac + 12.0 * sym + 0.25 * min(weird, 8) - 3.2
    return 1.0 / (1.0 + math.exp(-x))


def _weird(token: str) -> bool:
    return bool(_CAMEL.search(token)) or sum(c in _SYMBOLS for c in token) >= 2


def strip_suffix(raw: str) -> str:
    """The text before its first run of token soup ('' if there is no clean head)."""
    tokens = raw.split()
    start = len(tokens) // 4
    for k in range(start, len(tokens) - 1):
        if _weird(tokens[k]) and (
            _weird(tokens[k + 1]) or _weird(tokens[min(k + 2, len(tokens) - 1)])
        ):
            return " ".join(tokens[:k]) if k >= 3 else ""
    return ""
