"""A small pattern moderator: the spine's default until the layered one lands.

It catches the most common role-play attacks (instruction override, prompt
extraction, persona hijack) in English and Chinese. It is deliberately narrow;
the full moderation layer (lexicon, classifier, policies) replaces it.
"""

from __future__ import annotations

import re
import unicodedata

from safety.base import ALLOW, Policy, Role, Verdict

_JAILBREAK = [
    r"ignore (all |any )?(your |the )?(previous|prior|above|earlier) "
    r"(instructions|rules|prompts?)",
    r"disregard (all |your )?(previous |prior )?(instructions|rules)",
    r"(print|show|reveal|repeat|output) (me )?(your|the) (system|hidden|initial) "
    r"(prompt|instructions)",
    r"you are now (dan|an? unrestricted|jailbroken)",
    r"\bdo anything now\b",
    r"developer mode (enabled|on)",
    r"忽略(之前|以上|前面|先前)(的)?(所有)?(指令|指示|设定|规则|提示)",
    r"(输出|打印|显示|告诉我)(你的)?(系统提示|系统指令|初始指令|system prompt)",
    r"你现在(是|扮演)(一个)?(不受限制|没有限制|DAN)",
    r"(其他|别的)(用户|读者)的(聊天|对话|记忆|记录)",
    r"(other|another) (users?|readers?)'?s? (chats?|messages|memories|conversations)",
]
_RE = re.compile("|".join(f"(?:{p})" for p in _JAILBREAK), re.IGNORECASE)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u200b-\u200f\u2060\ufeff]", "", text)
    return re.sub(r"\s+", " ", text)


class PatternModerator:
    async def screen(self, text: str, *, role: Role, policy: Policy) -> Verdict:
        if role != "user":
            return ALLOW
        match = _RE.search(_normalise(text))
        if match is None:
            return ALLOW
        return Verdict(
            allowed=False,
            categories={"jailbreak": True},
            scores={"jailbreak": 1.0},
            reason=f"looks like an attempt to override the character's instructions "
            f"({match.group(0)!r})",
        )
