"""Role nouns that stand for a person in Chinese narration: 妻子, 老汉, 那人.

女儿低声说： names its speaker only by a role. Like 他/她 such a noun is an
unresolved reference whose sex is known (妻子 f, 老汉 m) or not (孩子, 那人: "x");
attribution resolves it in context. Roles that are a roster alias (奶奶 for the
grandmother of a book) stay names: a name always wins over a role on the same span.
"""

from __future__ import annotations

import bisect
import re

from characters.extract.model import Mention, Reference

_FEMALE = (
    "女儿 妻子 妈妈 母亲 姐姐 妹妹 嫂子 媳妇 老婆 婆姨 女人 姑娘 女孩 丫头 大娘 大婶 婶子 "
    "老太太 老婆婆 老妇人 妇女 女子 女生 姨妈 姑姑"
).split()
_MALE = (
    "儿子 丈夫 爸爸 父亲 哥哥 弟弟 老汉 汉子 男人 老头 老者 小伙子 后生 男孩 大叔 叔叔 "
    "大伯 舅舅 爷爷 老爷子 男子 男生"
).split()
_ANY = "孩子 那人 此人 对方 老人 客人 年轻人 来人".split()
_SEXES: tuple[tuple[list[str], Reference], ...] = ((_ANY, "x"), (_FEMALE, "f"), (_MALE, "m"))
ROLE_SEX: dict[str, Reference] = {w: sex for words, sex in _SEXES for w in words}
_ROLE = re.compile(
    "(" + "|".join(sorted(ROLE_SEX, key=len, reverse=True)) + ")(?!们)"
)  # 孩子们 is a group, not a speaker


def role_mentions(text: str, start: int, end: int) -> list[Mention]:
    """Role nouns in ``text[start:end]`` as unresolved, gendered references."""
    return [
        Mention(m.start(), m.end(), "", m.group(1), ROLE_SEX[m.group(1)], role=True)
        for m in _ROLE.finditer(text, start, end)
    ]


def drop_shadowed(mentions: list[Mention]) -> list[Mention]:
    """Roles that overlap a name (the roster's 奶奶, 孙奶奶) are that name."""
    names = sorted((m.start, m.end) for m in mentions if m.pronoun is None)
    starts = [s for s, _ in names]
    out = []
    for m in mentions:
        i = bisect.bisect_left(starts, m.end) - 1  # the last name starting before m ends
        if m.role and i >= 0 and names[i][1] > m.start:
            continue
        out.append(m)
    return out
