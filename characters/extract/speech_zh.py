"""Chinese speech tags: 行者笑道：“…”, 那大圣闻言，急回头道：“…”, “…”润生说。

The speaker is the subject of the clause that holds the speech verb. Chinese drops
a subject that the sentence already has (他笑着看了如烟一眼，说：), so when the verb's
own clause names nobody, the nearest earlier clause that opens with a person gives
it. Names that are objects (对他说, 看着如烟, 回答老张头) or owners (老张头的女儿)
are never the speaker.
"""

from __future__ import annotations

import re

from characters.extract.lexicon import ZH_REACTIONS, ZH_SAY, ZH_SAY_FILLER
from characters.extract.model import Mention
from characters.extract.speech import MentionTable, Tag

_SAY = "|".join(sorted(ZH_SAY, key=len, reverse=True))
_POST_VERB = re.compile(
    "(?:"
    + "|".join(v for v in sorted(ZH_SAY, key=len, reverse=True) if v not in ZH_REACTIONS)
    + ")"
)
# 只说了一句话：, 说了几句：
_TAIL = re.compile(
    rf"(?:{_SAY})[了着]?(?:一声|一句话?|几句话?|一番话?|起来|道|开了?)?[：:，,]?\s*$"
)
# 青石问他师父：, 如烟问他： — verbs that take the listener after them, before the colon
_ASKS = "询问|追问|反问|质问|问|告诉|嘱咐|叮嘱|吩咐|提醒|安慰|央求|命令|招呼|回答|责备|埋怨|训斥"
_TAIL_LISTENER = re.compile(rf"(?:{_ASKS})[^，。！？：:\n“”]{{1,10}}[：:]\s*$")
_POST_HEAD = re.compile(r"[\s，。！？、…—,.!?]*")
_SENTENCE_END = "。．！？!?\n"
_CLAUSE_END = "，,；;"
# a name right after these is acted on: 对他说, 回答老张头, 告诉她, 看着青石, 警告徐治功, 劝她
_OBJECT_MARKS = set("对向跟朝冲给问叫和同把被让答诉着告劝骂催咐嘱慰醒求逗哄")
_HEARING = re.compile("|".join(w[::-1] for w in ("听见", "听到", "只听", "忽听")))
_GOAL_MARKS = "对向跟朝冲给"  # 对坐在门口抽烟的老张头说: the listener, described first
_PLACE_AFTER = re.compile("后边|后面|身边|身后|背后|面前|跟前|旁边|耳边|身旁|眼前")
_BREAKS = _CLAUSE_END + _SENTENCE_END + "”"
_REACH = 200  # characters searched back for a clause or sentence start (never the whole book)
# what may stand before a clause's subject: 就他…, 这时她…
_LEADS = set("就也又便才却都还只这时然后接着随即但可而且")
# a time phrase before the subject: 过了一会他才…说, 这时候她…
_LEAD_PHRASE = re.compile(
    r"(?:过了一会儿?|过了半天|过了好久|这时候?|那时候?|后来|随后|最后|于是|同时)[，,]?"
)
_ROLE_LEADS = _LEADS | set("他她的那个一两老小大 \n")  # 他父亲, 这女人, 她的丈夫


def tag_before_zh(text: str, start: int, end: int, table: MentionTable) -> Tag | None:
    """A speech verb at the end of the narration before the quote."""
    tail = _TAIL.search(text, start, end) or _TAIL_LISTENER.search(text, start, end)
    if tail is None:
        return None
    verb = tail.start()
    sent = max(start, max(text.rfind(ch, start, verb) for ch in _SENTENCE_END) + 1)
    cands = _heard(text, table, sent, verb)
    if not cands:
        return _carried(text, table, sent)
    last = cands[-1]
    if all(ch in ZH_SAY_FILLER for ch in text[last.end : verb]):
        return Tag(last, _kind(last) + " before", 0.95 if last.pronoun is None else 0.8)
    return _subject(text, cands, sent, verb, " before (clause)")


def tag_after_zh(
    text: str, start: int, end: int, table: MentionTable, next_quote_follows: bool
) -> Tag | None:
    """A tag right after the quote (“…，”他说，“…”) that does not introduce the next one."""
    lead = _POST_HEAD.match(text, start, end)
    pos = lead.end() if lead else start
    stop = min([end] + [i for i in (text.find(ch, pos, end) for ch in "。．！？\n") if i >= 0])
    verb = _POST_VERB.search(text, pos, stop)
    if verb is None or text[pos:stop].rstrip().endswith(("：", ":")):
        return None  # X看着Y，反问： introduces the next quote whatever verb came first
    rest = text[verb.end() : end].lstrip("了着道一声句")
    if rest.startswith(("：", ":")) or (not rest.strip() and next_quote_follows):
        return None  # it introduces the next quote
    cands = _heard(text, table, pos, verb.start())
    if not cands:
        return None
    m = cands[0]
    if m.start == pos and all(ch in ZH_SAY_FILLER for ch in text[m.end : verb.start()]):
        return Tag(m, _kind(m) + " after", 0.9 if m.pronoun is None else 0.75)
    if m.start - pos > 2 and m.pronoun is not None and not m.role:
        return None  # a pronoun deep in the clause is an object (roles there were heard)
    return _subject(text, cands, pos, verb.start(), " after (clause)")


def _carried(text: str, table: MentionTable, sent: int) -> Tag | None:
    """只好为难地说： has no subject: it is the one the sentence before opened with
    (青石知道，他拦不住她。), unless that sentence was someone's speech."""
    end = sent - 1
    while end > 0 and (text[end].isspace() or text[end] in _SENTENCE_END):
        end -= 1
    if end <= 0 or text[end] in "”」』":
        return None
    floor = max(0, end - _REACH)
    begin = max(floor, max(text.rfind(ch, floor, end) for ch in _SENTENCE_END) + 1)
    cands = [m for m in table.between(begin, end + 1) if not _object(text, m)]
    starts = [begin] + [i + 1 for i in range(begin, end) if text[i] in _CLAUSE_END]
    for lo in starts:
        inside = [m for m in cands if m.start >= lo]
        if inside and _opens(text, lo, inside[0]):
            return Tag(inside[0], _kind(inside[0]) + " before (clause)", 0.6)
    return None


def _heard(text: str, table: MentionTable, start: int, verb: int) -> list[Mention]:
    """The people who may be the tag's subject. 他听见妻子在说话 / 只听老张头说: the one
    heard speaks, not the one hearing (他听到这话，说： names no one heard: he speaks)."""
    near = table.between(start, verb)
    cands = [m for m in near if not _object(text, m)]
    found = _HEARING.search(text[start:verb][::-1])
    if found is None:
        return cands
    after = verb - found.start()  # a role right after 听见 is heard, not acted on
    heard = [m for m in near if m.start >= after and (m.role or not _object(text, m))]
    return heard or cands


def _kind(m: Mention) -> str:
    return "explicit" if m.pronoun is None else "anaphoric"


def _object(text: str, m: Mention) -> bool:
    """老张头对青石说: a name after 对/向/跟 is whom the words are for, not who speaks;
    so is 对坐在门口抽烟的老张头, a listener with a description in front."""
    if m.start == 0:
        return False
    floor = max(0, m.start - _REACH)
    clause = max(floor, max(text.rfind(ch, floor, m.start) for ch in _BREAKS) + 1)
    if m.role:  # 提醒女儿说, 对弟媳妇说: a role speaks only from the head of its clause
        return not all(ch in _ROLE_LEADS for ch in text[clause : m.start])
    if _PLACE_AFTER.match(text, m.end):
        return True  # 少平就在她后边说: 她 marks where, not who
    if text[m.start - 1] in _OBJECT_MARKS:
        return True
    if text[m.start - 1] != "的":
        return False
    return any(ch in _GOAL_MARKS for ch in text[clause : m.start])


def _subject(text: str, cands: list[Mention], sent: int, stop: int, where: str) -> Tag | None:
    """The subject of the verb's clause, else of the nearest clause that opens with one."""
    owners = [m for m in cands if not text.startswith("的", m.end)] or cands
    bounds = [i + 1 for i in range(sent, stop) if text[i] in _CLAUSE_END]
    starts = [sent, *bounds]
    for n in range(len(starts) - 1, -1, -1):
        lo = starts[n]
        hi = starts[n + 1] if n + 1 < len(starts) else stop
        inside = [m for m in owners if lo <= m.start < hi]
        if not inside:
            continue
        described = [m for m in inside[1:] if text[m.start - 1] == "的"]
        if inside[0].pronoun is not None and described:  # 他身边的老张头: the name is the head
            inside = described
        head = _opens(text, lo, inside[0]) or bool(described)
        # the verb's own clause: 就听见如烟在院里说 (but 看他一眼说 is no subject)
        if head or (n == len(starts) - 1 and inside[0].pronoun is None):
            return Tag(inside[0], _kind(inside[0]) + where, 0.75)
    return _first_name(text, owners, sent, where)


def _opens(text: str, lo: int, m: Mention) -> bool:
    """The mention stands at the head of its clause (after at most an adverb or two, or a
    time phrase)."""
    lead = _LEAD_PHRASE.match(text, lo, m.start)
    lo = lead.end() if lead else lo
    return all(ch in _LEADS or ch.isspace() for ch in text[lo : m.start])


def _first_name(text: str, cands: list[Mention], sent: int, where: str) -> Tag | None:
    names = [m for m in cands if m.pronoun is None]
    first = names[0] if names else cands[0]
    opens_clause = first.start > 0 and text[first.start - 1] in "，,"  # 后来，他…说：
    if first.pronoun is not None and not first.role and first.start - sent > 2 and not opens_clause:
        return None  # a pronoun deep in the clause is usually an object
    return Tag(first, _kind(first) + where, 0.75)
