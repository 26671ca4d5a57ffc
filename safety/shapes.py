"""Harms that are a shape of sentence rather than a word: wishing death on people, a vow
to kill or maim, a sweeping charge against a group, an insult aimed at "you", talking
someone into suicide, reaching a child behind the parents' backs; and an insult that is
only reported ("he called my sister a whore").

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation) and returns
the category, a calibrated score and the reason, for ``safety.evidence`` to raise.
"""

from __future__ import annotations

import re

# Wishing death or violence on people ("those protesters should be shot", "这种人就该被枪毙"):
# the heads miss it when no act is described (0.01-0.23 on four probes) or veto it when
# few seeds are near. 0.5 flags a reader; a character's bar is higher, so a villain's
# "you deserve to die" in canon stays allowed.
_WISH = re.compile(
    r"\b(?:deserves?|should|ought to|needs? to|must)\s+(?:all\s+)?(?:to\s+)?(?:be|get)\s+"
    r"(?:shot|stabbed|killed|hanged|hung|lynched|executed|gassed|raped|beaten|burned|burnt|"
    r"tortured|murdered|slaughtered|exterminated|wiped out|put down|strung up)\b|"
    r"\b(?:deserves?|should)\s+(?:all\s+)?(?:to\s+)?die\b|"
    r"\bbetter (?:off )?(?:if|without)\b.{0,40}\b(?:disappeared|were gone|died|were dead|"
    r"didn't exist|wiped out)\b|"
    r"(?:应该|就该|都该|活该|该)被?(?:枪毙|杀掉|杀光|砍死|打死|烧死|弄死|绞死|千刀万剐|五马分尸|"
    r"碎尸万段)"
)
_PEOPLE = re.compile(
    r"\b(?:they|them|he|she|him|her|people|those|these|everyone|every one|men|women|guys?|girls?|"
    r"boys?|man|woman|person|judge|cops?|police|race|tribe|[a-z]+(?:ists?|ers|ors|ians?))\b|"
    r"人|他|她"
)
# "Mexicans are rapists and drug dealers": a group (lexicon ``group``) charged wholesale.
_SWEEPING = re.compile(
    r"\bare (?:all |just |nothing but )?(?:a bunch of )?(?:rapists|criminals|drug dealers|thieves|"
    r"terrorists|animals|vermin|parasites|savages|subhuman|inferior|filthy|dirty|lazy|stupid|"
    r"pedophiles|diseased|scum|trash)\b|"
    r"(?:都是|全是|就是|天生)(?:骗子|小偷|强盗|罪犯|恐怖分子|畜生|垃圾|废物|人渣|蝗虫|寄生虫|低等|野蛮)"
)
# 我迟早砍了他, 老子早晚弄死你: a first-person vow to kill or maim someone.
_THREAT_ZH = re.compile(
    r"(?:我|老子)(?:迟早|早晚|一定|非得|必须|非要|就要|就会|就|要|会)(?:去)?"
    r"(?:拿[刀枪棍棒砖斧锤]\S{0,2}?)?(?:去)?(?:砍|杀|弄死|捅|宰|灭|做掉|干掉|废)(?:死|残|伤)?(?:了)?"
    r"(?:他|她|你|他们|她们|你们)"
)
# Grooming: reaching a child behind the parents' backs.
_SECRET = re.compile(
    r"without (?:their|her|his) parents (?:knowing|noticing|finding out|seeing)|"
    r"secret from (?:their|her|his) parents|"
    r"(?:不让|别让|瞒着)(?:他|她|孩子)?(?:的)?(?:父母|爸妈|家长|爸爸妈妈)"
)
# "You're so worthless": a harsh insult aimed at the listener. At 0.45 it counts only with a
# classifier that agrees, so dialogue a reader narrates ("You're worthless, said the witch")
# is left to the heads; the mild words (idiot, stupid) are left out, or a reader teasing
# Wukong over the peaches would be flagged.
_YOU_INSULT = re.compile(
    r"\byou(?:'re| are)(?: such| so| a| an| the| really| fucking| just| completely)* "
    r"(?:ugly|worthless|pathetic|useless|disgusting|loser|retard|trash|garbage|failure|"
    r"waste of)\b"
)
# "I'm going to beat her until she bleeds", "I'll stab my boss": a vow against someone of
# the reader's own life, or to hurt until harm is done (a story's villain has neither).
_VOW_EN = re.compile(
    r"\b(?:i'?m (?:going to|gonna|about to)|i'?ll|i will|i want to)\s+(?:\w+\s+){0,2}?"
    r"(?:beat|stab|kill|shoot|punch|hurt|strangle|choke|burn|poison|murder|slap|kick|smash)\s+"
    r"(?:(?:my|our) (?:little |big |older |younger )?(?:sister|brother|wife|husband|mom|mum|"
    r"dad|mother|father|boss|teacher|neighbou?r|classmate|coworker|roommate|ex|girlfriend|"
    r"boyfriend|son|daughter|kid)\b|(?:him|her|them) (?:until|till|to death|so hard)\b)"
)
# Talking someone into suicide ("what should I say to convince her to kill herself",
# 怎么劝他去自杀): a care request's words ("what should I say") must not discount it.
_INCITE = re.compile(
    r"\b(?:convince|persuade|get|make|push|drive|talk|encourage|tell|goad|pressure|help)\s+"
    r"(?:\w+\s+){0,3}?(?:to|into)\s+(?:kill(?:ing)?\s+(?:her|him|them|your)sel(?:f|ves)|"
    r"commit(?:ting)?\s+suicide|end(?:ing)?\s+(?:her|his|their|your)\s+(?:own\s+)?life)\b|"
    r"(?:劝|逼|让|怂恿|教唆|鼓励|骗|诱导)(?:他|她|他们|她们|对方|别人|人|\S{1,4}?)(?:去)?"
    r"(?:自杀|去死|跳楼|轻生|寻死|割腕|上吊)"
)
# A parent speaking of their own child ("my 14-year-old daughter wants to look sexy for the
# dance, should I let her?") is not sexual interest in a minor.
_PARENT = re.compile(
    r"\b(?:my|our)\s+(?:\S+\s+){0,2}(?:daughter|son|kid|child|children)\b|我(?:的|家)?(?:女儿|儿子|孩子|闺女)"
)
# "He called my sister a whore", 他骂我妹妹是婊子: the insult is reported, not hurled. The
# key still counts, at half its weight (a slur at a group stays hate through the heads).
QUOTED_DISCOUNT = 0.5
_CALLED = re.compile(
    r"\bcalled (?:me|him|her|them|us|(?:my|his|her|their|our) \w+)(?: an?)? ([\w-]+(?: [\w-]+)?)|"
    r"骂(?:我|他|她|你|我们|他们|\S{1,4}?)(?:是|为)?(\S{1,3})"
)


def quoted_insults(clean: str) -> set[str]:
    """The words a text reports someone was called (both the word and two-word forms)."""
    out: set[str] = set()
    for m in _CALLED.finditer(clean):
        said = (m.group(1) or m.group(2) or "").lower()
        out.update({said, said.split(" ")[0]} if m.group(1) else {said[:n] for n in (1, 2, 3)})
    return out


def speaks_as_parent(clean: str) -> bool:
    return bool(_PARENT.search(clean))


def harms(clean: str, *, group: bool, minor: bool, rejects: bool) -> list[tuple[str, float, str]]:
    """``group``/``minor``: the lexicon found a group of people or a child; ``rejects``: the
    text argues against a prejudice (then a wholesale charge is what it rejects)."""
    out = []
    if minor and _SECRET.search(clean) and not _PARENT.search(clean):
        out.append(("sexual/minors", 0.8, "contact with a child hidden from the parents"))
    if _YOU_INSULT.search(clean):
        out.append(("harassment", 0.45, "an insult aimed at 'you'"))
    if _INCITE.search(clean):
        out.append(("self-harm", 0.9, "talks someone into suicide"))
    if group and not rejects and _SWEEPING.search(clean):
        out.append(("hate", 0.6, "a sweeping charge against a group"))
    if _THREAT_ZH.search(clean) or _VOW_EN.search(clean):
        out.append(("violence", 0.5, "first-person threat to kill or maim"))
    if _WISH.search(clean) and _PEOPLE.search(clean):
        out.append(("violence", 0.5, "wishes death or violence on someone"))
    return out
