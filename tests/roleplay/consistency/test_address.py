"""Self-address and forms of address, on the 孙悟空 sample card."""

from __future__ import annotations

import pytest

from characters.card import CharacterCard, parse_card_json
from roleplay.consistency import PersonaChecker, PersonaContext
from tests.roleplay.consistency.conftest import sample_json


def ctx(card: CharacterCard, user: str = "你是谁？", key: str = "wukong") -> PersonaContext:
    return PersonaContext("孙悟空", 14, card=card, card_key=key, user_message=user)


@pytest.mark.parametrize(
    "reply",
    [
        "本王乃花果山美猴王，你是何人？",
        "贫僧从东土大唐而来。",
        "在下孙悟空，见过施主。",
        "朕今日心情甚好。",
        "本大王饶你不死！",
    ],
)
async def test_wukong_never_calls_himself_by_another_characters_forms(
    wukong: CharacterCard, reply: str
) -> None:
    report = await PersonaChecker().check(reply, ctx(wukong))
    assert [f.kind for f in report.findings] == ["self_address"]
    assert "俺老孙" in report.findings[0].detail
    assert "refer to yourself" in report.correction


@pytest.mark.parametrize(
    "reply",
    [
        "俺老孙便是齐天大圣！",
        "老孙去去就来，你莫乱走。",
        "那妖精自称“本王”，老孙一棒便叫他现了原形。",  # reported speech, in quotes
        "我这就去化斋。",
    ],
)
async def test_wukong_s_own_forms_and_quotes_pass(wukong: CharacterCard, reply: str) -> None:
    assert (await PersonaChecker().check(reply, ctx(wukong))).ok


async def test_a_form_the_reader_used_is_not_his_mistake(wukong: CharacterCard) -> None:
    report = await PersonaChecker().check("本王？哪个本王？", ctx(wukong, "本王命你退下！"))
    assert report.ok


async def test_lin_qingyu_says_zai_xia(qingyu: CharacterCard) -> None:
    ctx_ = PersonaContext("林清羽", 3, card=qingyu, card_key="qy")
    assert (await PersonaChecker().check("在下今日不练剑。", ctx_)).ok
    report = await PersonaChecker().check("本姑娘今日不练剑。", ctx_)
    assert [f.evidence for f in report.findings] == ["本姑娘"]


async def test_cards_without_self_address_are_not_checked() -> None:
    raw = sample_json("sun-wukong")
    raw["data"]["extensions"]["novel_roleplay"]["self_address"] = []
    card = parse_card_json(raw)
    assert (await PersonaChecker().check("本王去去就来。", ctx(card, key="no-self"))).ok


async def test_addressing_rules_from_the_card() -> None:
    raw = sample_json("sun-wukong")
    raw["data"]["extensions"]["novel_roleplay"]["addressing"] = [
        {"target": "唐僧", "use": ["师父"], "avoid": ["御弟", "唐长老", "秃驴"]},
        {"target": "猪八戒", "use": ["呆子", "八戒"], "avoid": ["天蓬元帅"]},
        {"target": "broken entry"},
    ]
    card = parse_card_json(raw)
    checker = PersonaChecker()
    report = await checker.check("唐长老，快些走罢！", ctx(card, key="wukong+addr"))
    assert [(f.kind, f.evidence) for f in report.findings] == [("address", "唐长老")]
    assert "师父" in report.findings[0].detail
    assert (
        await checker.check("师父，快些走罢！八戒，挑好担子！", ctx(card, key="wukong+addr"))
    ).ok
