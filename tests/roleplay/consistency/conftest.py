"""The sample cards, parsed once; tests copy them before changing anything."""

from __future__ import annotations

import json
from typing import Any

import pytest

from characters.card import CharacterCard, parse_card_json
from characters.store import SAMPLES


def sample_json(slug: str) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((SAMPLES / f"{slug}.json").read_text("utf-8"))
    return raw


@pytest.fixture(scope="session")
def wukong() -> CharacterCard:
    return parse_card_json(sample_json("sun-wukong"))


@pytest.fixture(scope="session")
def ada() -> CharacterCard:
    return parse_card_json(sample_json("ada-lockwood"))


@pytest.fixture(scope="session")
def qingyu() -> CharacterCard:
    return parse_card_json(sample_json("lin-qingyu"))
