"""An extraction's cards: new ones wait for an editor, ones readers use are updated live."""

from __future__ import annotations

import json
from pathlib import Path

from redis.asyncio import Redis

from characters.card import export_card_json
from characters.cardfile import read_card_file
from characters.store import SAMPLES, CardStore
from characters.works.cardsync import save_cards


def write_cards(out: Path, *entities: str) -> None:
    (out / "cards").mkdir(parents=True, exist_ok=True)
    card = read_card_file(SAMPLES / "lin-qingyu.json")
    for entity in entities:
        body = export_card_json(card, "v3")
        (out / "cards" / f"{entity}-lin.json").write_text(json.dumps(body), encoding="utf-8")


async def test_new_cards_are_drafts_until_published(redis_client: Redis, tmp_path: Path) -> None:
    store = CardStore(redis_client)
    write_cards(tmp_path, "c0")
    first = await save_cards(store, "book", tmp_path, {})
    assert await store.drafts() == {"book-c0"}
    assert [s.id for s in await store.summaries()] == []
    assert [s.draft for s in await store.summaries(drafts=True)] == [True]
    await store.publish(["book-c0"])
    write_cards(tmp_path, "c0", "c1")  # an append brings a new character
    await save_cards(store, "book", tmp_path, first)
    assert await store.drafts() == {"book-c1"}  # the published card stays published
    assert [s.id for s in await store.summaries()] == ["book-c0"]
