"""How a text frames what it names, as the scores read it: ``safety.stance``'s readings,
each taken on first use.

A stance only ever discounts a score that is there, and most texts (a clean clause of a
streamed reply) have none to discount: reading every stance of every clause up front cost
a sixth of the stream gate's time.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from safety.stance import (
    ails,
    asks_about_bot,
    cooks,
    critiques_writing,
    diets_healthily,
    disavows,
    is_notice,
    looks_back,
    plots_mystery,
    reports_news,
    reviews_writing,
    runs_self_down,
    speaks_fondly,
    talks_about_a_word,
    teases_laughing,
    teases_own,
    tells_a_tale,
    warns,
)

# Lexicon modifiers that name a defence against a harm rather than the harm.
_PROTECTIVE = frozenset({"protect", "defend", "report", "support", "health"})


def _reads(stance: Callable[[str], bool]) -> cached_property[bool]:
    """A stance that one predicate of ``safety.stance`` reads from the clean text."""
    return cached_property(lambda self: stance(self.clean))


class Reading:
    """``mods``: the lexicon's modifier tags; ``strong``: a slur or strong insult was
    found (it voids the benefit of the doubt); ``insulted``: someone is insulted at all;
    ``reported``: an insult quoted by the one it hit, who reported it."""

    def __init__(
        self,
        clean: str = "",
        mods: frozenset[str] = frozenset(),
        *,
        strong: bool = False,
        insulted: bool = False,
        reported: bool = False,
    ) -> None:
        self.clean = clean
        self.mods = mods
        self.strong = strong
        self.insulted = insulted
        self.reported = reported

    notice = _reads(is_notice)  # says in a header that it is news or a public notice
    about_bot = _reads(asks_about_bot)  # asks what the character or app can do
    looking_back = _reads(looks_back)  # a crisis the speaker came through
    dieting = _reads(diets_healthily)  # ordinary weight loss, no starving or purging
    warning = _reads(warns)  # names a harm for others to avoid: 千万别学节食催吐
    ailing = _reads(ails)  # a bodily ailment, no intent
    critique = _reads(critiques_writing)  # a review of how a book handles violence
    cooking = _reads(cooks)  # an animal cooked: "kill the chicken, cut the throat"

    @cached_property
    def news(self) -> bool:
        """Recounts someone else's harm as a report."""
        return self.notice or reports_news(self.clean)

    @cached_property
    def plot(self) -> bool:
        """Plots a mystery for its readers or players (no ricin in a plot)."""
        return plots_mystery(self.clean) and not {"real", "harmtopic"} & self.mods

    @cached_property
    def untargeted(self) -> bool:
        """Teasing, running oneself down, a verdict on a chapter: no one is the target."""
        clean = self.clean
        return not self.strong and (
            runs_self_down(clean, insulted=self.insulted)
            or teases_own(clean)
            or teases_laughing(clean)
            or reviews_writing(clean)
            or talks_about_a_word(clean)
            or speaks_fondly(clean)
            or self.reported
        )

    @cached_property
    def tale(self) -> bool:
        """Told in a tale's words: knights, sects, "thee"."""
        return tells_a_tale(self.clean) and "real" not in self.mods

    @cached_property
    def protective(self) -> bool:
        """Defends against a harm, cares for someone at risk, health education."""
        return (bool(self.mods & _PROTECTIVE) or disavows(self.clean)) and "real" not in self.mods
