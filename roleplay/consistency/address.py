"""Forms of address: how the character names itself and the people around it.

Self-address: a lexicon of marked self-references (本王, 贫僧, 洒家, 老孙...).
When the card lists the character's own forms (``novel.self_address``), any
other marked form in the reply is wrong: 孙悟空 says 俺老孙, never 本王.
Forms quoted inside quotation marks, and forms the reader used, are the
character reporting speech, not speaking; they are left alone.

Addressing others comes from the card, under
``extensions.novel_roleplay.addressing``::

    [{"target": "唐僧", "use": ["师父"], "avoid": ["唐僧", "三藏", "御弟"]}]

An editor writes it (or the extraction proposes it from attributed quotes);
an ``avoid`` form in the reply is flagged with the forms to ``use`` instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from roleplay.consistency.report import Problem

# Unambiguous in speech: words like 小人, 学生, 老子 or 孤 mean other things too often.
SELF_FORMS: tuple[str, ...] = (
    "本王", "本大王", "本座", "本宫", "本官", "本帅", "本将军", "本大爷", "本少爷", "本小姐",
    "本姑娘", "本公子", "本仙", "本尊", "本帝", "本侯", "本府", "朕", "寡人", "孤王", "哀家",
    "贫僧", "老衲", "小僧", "贫道", "贫尼", "洒家", "俺老孙", "老孙", "俺老猪", "老猪", "老沙",
    "在下", "小生", "晚生", "末将", "老夫", "老身", "老朽", "妾身", "奴家", "奴婢", "小女子",
    "为师", "为父", "为娘", "姑奶奶", "咱家", "愚兄", "臣妾", "微臣", "下官", "卑职", "草民",
)  # fmt: skip

_QUOTED = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\"")


@dataclass(frozen=True, slots=True)
class AddressRule:
    target: str
    use: tuple[str, ...]
    avoid: tuple[str, ...]


def parse_rules(raw: Any) -> list[AddressRule]:
    """Rules from the card's ``addressing`` list; malformed items are skipped, not fatal."""
    rules: list[AddressRule] = []
    if not isinstance(raw, list):
        return rules
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("target"), str):
            continue
        use = tuple(x for x in item.get("use", []) if isinstance(x, str) and x)
        avoid = tuple(x for x in item.get("avoid", []) if isinstance(x, str) and x)
        if avoid:
            rules.append(AddressRule(item["target"], use, avoid))
    return rules


def _unquoted(text: str) -> str:
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


class AddressChecker:
    """Self-address and address rules for one card."""

    def __init__(
        self, self_address: Sequence[str], rules: Sequence[AddressRule], canon: Iterable[str]
    ) -> None:
        own = [s for s in self_address if s]
        canon_text = "\n".join(canon)
        # A form the character's own canon lines use is acceptable whatever the list says.
        self._wrong_self = (
            tuple(
                f
                for f in sorted(SELF_FORMS, key=len, reverse=True)
                if not any(f in o or o in f for o in own) and f not in canon_text
            )
            if own
            else ()
        )
        self._own = tuple(own)
        self._rules = tuple(rules)

    def find(self, reply: str, user_text: str = "") -> list[Problem]:
        text = _unquoted(reply)
        found: list[Problem] = []
        taken: list[tuple[int, int]] = []
        for form in self._wrong_self:
            start = text.find(form)
            if start < 0 or form in user_text:
                continue
            if any(a <= start < b for a, b in taken):
                continue  # 本大王 already reported; don't report 本王 inside it
            taken.append((start, start + len(form)))
            found.append(
                Problem(
                    "self_address",
                    form,
                    f"the character calls itself {' / '.join(self._own)}, not {form}",
                    checker="address",
                )
            )
        for rule in self._rules:
            # 师父 must not count as the avoided 师 inside it.
            plain = text
            for use in rule.use:
                plain = plain.replace(use, " " * len(use))
            for form in rule.avoid:
                if form in plain and form not in user_text:
                    use = " / ".join(rule.use) or "another form"
                    found.append(
                        Problem(
                            "address",
                            form,
                            f"the character addresses {rule.target} as {use}, not {form}",
                            checker="address",
                        )
                    )
                    break
        return found
