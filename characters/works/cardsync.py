"""An extraction's cards into the card store, under ids that stay stable across runs.

A card's id is ``<work id>-<entity id>``: entity ids survive an append, so readers'
chats keep their character when new chapters update its card (a new version).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from pathlib import Path

from characters.card import CharacterCard, parse_card_json
from characters.store import CardStore
from roleplay.errors import NotFound


def card_id(work_id: str, entity: str) -> str:
    return f"{work_id}-{re.sub(r'[^a-z0-9]+', '-', entity.lower()).strip('-') or 'x'}"[:64]


def load_cards(out: Path) -> list[tuple[str, CharacterCard]]:
    """The output's cards with their entity ids (files are ``cards/<entity>-<name>.json``)."""
    found = []
    for path in sorted((out / "cards").glob("*.json")):
        entity = path.name.split("-", 1)[0]
        found.append((entity, parse_card_json(json.loads(path.read_text(encoding="utf-8")))))
    return found


async def save_cards(
    store: CardStore, work_id: str, out: Path, previous: dict[str, str]
) -> dict[str, str]:
    """Store every card of ``out``; drop ``previous`` cards the extraction no longer has.

    Cards that are new (a first extraction's, or characters an append brings) are drafts
    until an editor publishes them; cards readers already chat with are updated in place.
    Returns entity id -> card id.
    """
    loaded = await asyncio.to_thread(load_cards, out)
    known = set(previous.values())
    ids: dict[str, str] = {}
    for entity, card in loaded:
        cid = card_id(work_id, entity)
        draft = None if cid in known else True
        ids[entity] = (await store.put(card, card_id=cid, draft=draft)).id
    for stale in set(previous.values()) - set(ids.values()):
        with contextlib.suppress(NotFound):
            await store.delete(stale)
    return ids
