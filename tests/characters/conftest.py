"""Small cards written for these tests (never text copied from real cards)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

NOVEL: dict[str, Any] = {
    "schema": 1,
    "work": {"id": "qingdeng", "title": "青灯录", "language": "zh", "era": "架空"},
    "aliases": ["林姑娘", "阿照"],
    "self_address": ["我", "本姑娘"],
    "lines": [
        {"text": "灯还亮着，{{char}}就还在。", "context": "你怎么还不睡？", "chapter": 3},
        {"text": "这一剑，我替师父还你。", "context": "", "chapter": 40},
        {"text": "雨停了。", "context": "", "chapter": None},
    ],
    "snapshots": [
        {
            "from_chapter": 1,
            "to_chapter": 20,
            "description": "山中药铺的学徒。",
            "personality": "",
            "scenario": "",
        },
        {"from_chapter": 21, "to_chapter": None, "description": "下山寻师的剑客。"},
    ],
    "provenance": {"source": "extraction", "run": "2024-01-01", "chapters": [1, 40]},
}

V3_CARD: dict[str, Any] = {
    "spec": "chara_card_v3",
    "spec_version": "3.0",
    "data": {
        "name": "林照",
        "description": "{{char}}是青灯镇的药铺学徒。",
        "personality": "沉静，嘴硬心软",
        "scenario": "雨夜，药铺里只剩一盏灯。",
        "first_mes": "*{{char}}抬头看你一眼* 这么晚了，抓药？",
        "mes_example": (
            "<START>\n{{user}}: 你师父呢？\n{{char}}: 下山了，三年没回来。\n"
            "<START>\n{{user}}: 这药苦吗？\n{{char}}: 苦。良药都苦。\n{{user}}: 那我不喝了。"
        ),
        "creator_notes": "For tests only.",
        "system_prompt": "",
        "post_history_instructions": "",
        "alternate_greetings": ["又是你，{{user}}。", "  "],
        "character_book": {
            "name": "青灯镇",
            "description": "",
            "scan_depth": 2,
            "token_budget": 200,
            "recursive_scanning": False,
            "extensions": {"other_tool": {"keep": True}},
            "entries": [
                {
                    "keys": ["清心诀"],
                    "content": "清心诀是林照师门的内功心法。",
                    "extensions": {"depth": 4},
                    "enabled": True,
                    "insertion_order": 10,
                    "use_regex": False,
                    "id": 1,
                    "name": "清心诀",
                    "position": "after_char",
                }
            ],
        },
        "tags": ["武侠", "test"],
        "creator": "tests",
        "character_version": "1.0",
        "extensions": {
            "novel_roleplay": NOVEL,
            "depth_prompt": {"prompt": "x", "depth": 4},
            "someone_elses": {"nested": [1, {"a": None}], "flag": True},
        },
        "nickname": "阿照",
        "creator_notes_multilingual": {"zh": "仅供测试"},
        "source": ["https://example.invalid/card"],
        "group_only_greetings": ["各位，药铺打烊了。"],
        "creation_date": 1700000000,
        "modification_date": 1700000100,
        "assets": [{"type": "icon", "uri": "ccdefault:", "name": "main", "ext": "png"}],
    },
}

V2_CARD: dict[str, Any] = {
    "spec": "chara_card_v2",
    "spec_version": "2.0",
    "data": {
        "name": "Marlow",
        "description": "{{char}} keeps the lighthouse on Gull Rock.",
        "personality": "gruff, kind",
        "scenario": "A storm is coming.",
        "first_mes": "Shut the door, {{user}}, you're letting the weather in.",
        "mes_example": "<START>\n{{user}}: Is the lamp lit?\n{{char}}: Always.",
        "creator_notes": "",
        "system_prompt": "You are {{char}}.",
        "post_history_instructions": "",
        "alternate_greetings": [],
        "tags": ["sea"],
        "creator": "tests",
        "character_version": "2",
        "extensions": {"talkativeness": "0.5", "vendor": {"x": 1}},
    },
}

V1_CARD: dict[str, Any] = {
    "name": "Pip",
    "description": "<BOT> is a street urchin.",
    "personality": "quick, cheeky",
    "scenario": "",
    "first_mes": "Spare a coin, <USER>?",
    "mes_example": "<START>\n<USER>: Who are you?\n<BOT>: Name's <BOT>. Who's asking?",
}


@pytest.fixture
def v3_card() -> dict[str, Any]:
    return copy.deepcopy(V3_CARD)


@pytest.fixture
def v2_card() -> dict[str, Any]:
    return copy.deepcopy(V2_CARD)


@pytest.fixture
def v1_card() -> dict[str, Any]:
    return copy.deepcopy(V1_CARD)
