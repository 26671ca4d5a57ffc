"""English-only candidates for the ranker: the wider conversation and the narrator's "I".

The shared features offer as speakers only the last four turns' speakers and the names
of the narration nearby. In long English exchanges the speaker is often someone who
spoke five or more turns ago (rejoining after two others) or who was addressed by name
a few turns back ("Really, Miss Abbott, …"); in a first-person novel it is often the
narrator, whose "I" in the paragraph is what a name is for anyone else. These features
put them among the candidates so that the learned weights can choose them; they never
fire for Chinese, whose weights were fit without them.

Tried and left out (leave-one-novel-out on PDNC): the eight names the narration used
most in the last 5 000 characters (-0.6 points: more candidates, more noise), "the
pronoun fits the speaker one/two turns back" (-0.2) and "named in the next turn's
quote" (-0.1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from characters.extract.attribution import NARRATOR, Scene, Utterance, adjacent

FEATURES_EN = ("conv_earlier", "addressed_recent", "narrator_para", "narrator_prev_para")
_EARLIEST = 8  # turns back; the beam remembers this many decisions

Add = Callable[[str, str, float], None]


def conversation_en(
    scene: Scene, units: list[Utterance], speakers: Sequence[str], k: int, add: Add
) -> None:
    """Speakers five to eight turns back in an unbroken exchange (four are ``prevN``)."""
    for back in range(1, _EARLIEST + 1):
        j = k - back
        if j < 0 or not adjacent(units, j, j + 1):
            return
        if back > 4:
            add(speakers[j], "conv_earlier", 1.0)


def static_en(scene: Scene, units: list[Utterance], k: int, add: Add) -> None:
    """Evidence that does not depend on earlier decisions (computed once per utterance)."""
    for back in range(2, 5):  # one turn back is ``addressed_prev``
        j = k - back
        if j < 0 or not adjacent(units, j, j + 1):
            break
        for m in scene.inside.between(units[j].start, units[j].end):
            add(m.entity, "addressed_recent", 1.0 / (back - 1))
    if NARRATOR in scene.entities:
        _narrator(scene, units[k], add)


def _narrator(scene: Scene, unit: Utterance, add: Add) -> None:
    """ "I shook my head. "No."": the paragraph's own "I", or the one just before."""
    start, end = scene.paras[unit.para]
    inside = [(scene.quotes[i].start, scene.quotes[i].end) for i in unit.quotes]
    for m in scene.narration.between(start, end):
        if m.pronoun == "" and not any(a <= m.start < b for a, b in inside):
            add(NARRATOR, "narrator_para", 1.0)
            break
    if unit.para > 0:
        p_start, p_end = scene.paras[unit.para - 1]
        if any(m.pronoun == "" for m in scene.narration.between(p_start, p_end)):
            add(NARRATOR, "narrator_prev_para", 1.0)
