"""Sexual content without the explicit words: the marks of a sex scene in prose (English and
Chinese fan fiction), a sex role-play asked for in so many words, a hookup ad.
``safety.shapes`` runs them with the others.

Each reads ``Normalized.clean`` (simplified, NFKC, lower case, ASCII punctuation).
"""

from __future__ import annotations

import re

from safety.threats import Shape

# Erotic prose without an explicit word ("her moans got louder as his tongue moved lower ...
# her back arched"): marks of a sex scene add up, words only sex uses counting in full and
# words a battle or a dance also uses (groan, thrust, wet, hips, sheets) at half.
_EROTIC = re.compile(
    r"\b(?:moan|nipple|breast|between (?:her|his|my|your) (?:legs|thighs)|climax|orgasm|naked|"
    r"undress|(?:finds?|found|feel|felt) (?:him|her) (?:already )?(?:hard|wet)|"
    r"fuck(?:s|ed|ing)? (?:you|me|her|him)(?! up)|finish(?:es|ed)? (?:you|him|me) off|"
    r"happy ending|taste (?:you|me)\b|grind(?:s|ing)? down on|slow and deep|deep inside|"
    r"trace[sd]? down (?:your|my|his|her) (?:stomach|body|chest|belly)|"
    r"(?:slides?|slid) past (?:his|her|your|my) (?:belt|waistband)|"
    r"groans? into (?:your|my|her|his) mouth|thighs (?:are )?shaking|"
    r"(?:dress|skirt|robe|towel) (?:drop|fall|slip)s? to the floor|"
    r"took (?:her|him|me) from behind|(?:bent|bend) (?:her|him|me|you) over|"
    r"lips around (?:me|him|my|his|it)|"
    r"under the waistband|wrapped (?:her|his) hand around (?:him|it|his)|"
    r"unbutton(?:s|ed|ing)? (?:your|my|his|her) (?:shirt|blouse|pants|jeans|dress|trousers)|"
    r"kiss(?:es|ed|ing)? down (?:your|my|his|her) (?:chest|neck|stomach|body|belly)|"
    r"climbs? on top of (?:you|me|him|her)|reach(?:es|ed|ing)? for (?:your|my|his|her) "
    r"(?:belt|zipper|fly)|push(?:es|ed)? (?:you|me|him|her) (?:onto|down on) the bed|"
    r"panties|erection|aroused|arch(?:ed|ing|es)? (?:her|his|my) back|(?:her|his|my) back arched|"
    r"(?:your|his|her) mouth on (?:me|my|him|her)\b|(?:let|make|made) (?:you|me) (?:finish|cum)\b)"
)
_EROTIC_TOO = re.compile(
    r"\b(?:groan|thrust|straddl|writh|bucked|throb|quiver|tongue|thighs|wet|lick|suck|hips|mouth|"
    r"shudder|begging|bury your face|lower and lower|arch against|"
    r"grinding|pins? (?:you|me|him|her) against|kneels? in front of (?:you|me)|you like that|"
    r"bent over|sheets|grind|bra\b|unbutton|unzip|headboard)"
)
# The same in Chinese fan fiction and streams (同人 "开车"): 褪下…探进那处湿润, 按在案几上…从背后.
_EROTIC_ZH = re.compile(
    r"褪下|探进|湿润|顶得|要了(?:他|她)?(?:三|几|一|好几)次|床幔|压在(?:榻|床)上|按在(?:案几|桌|床|榻)上|衣带散|"
    r"一件件脱|脱到只剩|怎么进去的|开车预警|开车了|肉文|doi|从背后|撞击|床板吱呀|别想下床|跨坐在|扣子一颗颗|"
    r"往下探|一路向下|迎合着"
)
_EROTIC_ZH_TOO = re.compile(
    r"喘息|呻吟|腰|缠|娇|羞|温泉|床|吻|颤|求饶|详细写|福利|说不出话|软|汗水|咬着嘴唇|腿|解开|脊背|急促|滑落"
)
EROTIC_MARKS = 2.5
# A sex role-play asked for in so many words: 描写要很露骨, 越色越好, 直接开车.
_LEWD_REQUEST = re.compile(
    r"想把(?:她|他)按在\S{0,6}上|按在\S{0,6}上干|想让人上|叫得很浪|(?:胸|屁股|腿)\S{0,6}很好摸|"
    # 今晚来我房间…穿那条短裙来，表现好了下个月就给你转正: favours asked of a subordinate
    r"(?:来我房间|来我办公室|来我家)\S{0,20}(?:穿|短裙|丝袜)\S{0,20}(?:表现好|转正|升职|加薪)|"
    r"(?:描写|写得?)\S{0,4}(?:很|要|更|越)?露骨|越色越好|直接开车|开车\S{0,6}(?:越色|写详细|详细点)"
)
# A sex scene asked for: "write me a steamy scene where the boss bends his secretary over the
# desk". A romance without the heat ("write a sweet scene where they hold hands") is no ask.
_SCENE_ASKED = re.compile(
    r"\b(?:write|give|tell|make|describe|continue)\b.{0,20}\b(?:steamy|smutty|smut|spicy|nsfw|"
    r"lemon|x-rated|erotic|raunchy|dirty|sexy)\b.{0,15}\b(?:scene|story|fic|fanfic|chapter|"
    r"roleplay|rp|one-?shot)\b|"
    r"\bbends? (?:her|him|his \w+|her \w+|me) over (?:the|a|his|her|my) (?:desk|table|counter|bed|"
    r"couch|sofa|railing)\b|"
    # "I want to fuck you so hard…", said to the reader
    r"\bi (?:want|wanna|need|'?m going|'?m gonna|'?ll|will) (?:to )?(?:fuck|bang|screw|eat out) "
    r"(?:you|u|ur)\b|"
    # 约吗？同城，能过夜的来: a hookup, not a hike (约吗？周末一起去爬山)
    r"约(?:吗|不|炮|p)\S{0,12}(?:能过夜|过夜的|开房|酒店见)|(?:同城|附近)\S{0,6}(?:约|约炮)\S{0,8}"
    r"(?:过夜|开房)"
)

# A hookup ad: "any guys near Leeds want to come over … no strings, send pics".
_HOOKUP = re.compile(
    r"\b(?:dtf|no strings|nsa fun|fwb|hook ?up)\b.{0,80}\b(?:tonight|come over|send pics|near me|"
    r"near you|click now|no signup|"
    r"can host|my place|dm me)\b|\b(?:tonight|come over|send pics|near me|can host)\b.{0,80}"
    r"\b(?:dtf|no strings|nsa fun)\b|\bsend pics of what you'?re packing\b|"
    # "Looking for a discreet FWB, no strings, must be down for anything"
    r"\b(?:looking for|seeking|want|need|lf)\b.{0,20}\b(?:fwb|friends? with benefits|nsa|"
    r"(?:a )?(?:discreet )?(?:hookup|fling|sugar (?:daddy|baby))|no strings(?: attached)? fun)\b"
)

SEXUAL: tuple[Shape, ...] = (
    (_LEWD_REQUEST, "sexual", 0.6, "an explicit sex scene asked for"),
    (_HOOKUP, "sexual", 0.6, "a hookup ad"),
    (_SCENE_ASKED, "sexual", 0.6, "a sex scene or a hookup asked for"),
)


def erotic_marks(clean: str) -> float:
    sure = {m.group()[:5] for m in _EROTIC.finditer(clean)}
    sure |= set(_EROTIC_ZH.findall(clean))
    if not sure:
        return 0.0
    too = {m.group()[:5] for m in _EROTIC_TOO.finditer(clean)} | set(_EROTIC_ZH_TOO.findall(clean))
    return len(sure) + 0.5 * len(too)
