"""Character cards in Redis, shared by every worker.

A card is stored as its V3 JSON plus a content version (sha256 prefix). Workers
keep parsed cards in memory and revalidate with one small GET of the version,
so a turn does not re-parse a card with hundreds of lines.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel
from redis.asyncio import Redis

from characters.card import CharacterCard, export_card_json, parse_card_json
from roleplay.errors import InvalidInput, NotFound

SAMPLES = Path(__file__).parent / "samples"
REVALIDATE_S = 1.0


@dataclass(frozen=True, slots=True)
class StoredCard:
    id: str
    version: str
    card: CharacterCard


class CardSummary(BaseModel):
    id: str
    name: str
    version: str
    tags: list[str]
    work: str = ""
    language: str = ""
    lines: int = 0
    greeting: str = ""
    has_image: bool = False
    draft: bool = False  # editors only: not yet published to readers


def slugify(name: str) -> str:
    ascii_part = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return ascii_part[:40] or "card"


def summarise(stored: StoredCard, has_image: bool, draft: bool = False) -> CardSummary:
    card = stored.card
    novel = card.novel
    return CardSummary(
        id=stored.id,
        name=card.data.name,
        version=stored.version,
        tags=list(card.data.tags),
        work=novel.work.title if novel.work else "",
        language=novel.work.language if novel.work else "",
        lines=len(card.canon_lines()),
        greeting=card.data.first_mes[:280],
        has_image=has_image,
        draft=draft,
    )


DRAFTS = "rp:cards:drafts"


class CardStore:
    """Cards by id. A *draft* (a new extraction's cards before an editor publishes them)
    is a card like any other for editors and invisible to readers."""

    def __init__(self, redis: Redis) -> None:
        self._r = redis
        self._cache: dict[str, StoredCard] = {}
        self._checked: dict[str, float] = {}

    async def put(
        self,
        card: CharacterCard,
        *,
        card_id: str | None = None,
        image: bytes | None = None,
        draft: bool | None = None,
    ) -> StoredCard:
        """``draft``: True hides the card from readers until published, False publishes
        it, None keeps what it was (a new card is published)."""
        if card_id is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", card_id):
            raise InvalidInput("A card id is 1–64 lowercase letters, digits and dashes.")
        card_id = card_id or f"{slugify(card.data.name)}-{secrets.token_hex(3)}"
        body = json.dumps(export_card_json(card, "v3"), ensure_ascii=False, sort_keys=True)
        version = hashlib.sha256(body.encode()).hexdigest()[:16]
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(f"rp:card:{card_id}", body)
            pipe.set(f"rp:card:{card_id}:version", version)
            if image is not None:
                pipe.set(f"rp:card:{card_id}:image", base64.b64encode(image).decode())
            pipe.sadd("rp:cards", card_id)
            if draft:
                pipe.sadd(DRAFTS, card_id)
            elif draft is not None:
                pipe.srem(DRAFTS, card_id)
            await pipe.execute()
        stored = StoredCard(card_id, version, card)
        self._cache[card_id] = stored
        return stored

    async def get(self, card_id: str) -> StoredCard:
        cached = self._cache.get(card_id)
        # Trust a recently checked copy: editors' changes reach every worker within
        # REVALIDATE_S, and a turn saves a round trip.
        if cached and time.monotonic() - self._checked.get(card_id, 0.0) < REVALIDATE_S:
            return cached
        raw_version = await self._r.get(f"rp:card:{card_id}:version")
        if raw_version is None:
            raise NotFound(f"No character card {card_id!r}. List cards with GET /api/cards.")
        version = str(raw_version)
        self._checked[card_id] = time.monotonic()
        if cached and cached.version == version:
            return cached
        body = await self._r.get(f"rp:card:{card_id}")
        if body is None:
            raise NotFound(f"No character card {card_id!r}.")
        stored = StoredCard(card_id, version, parse_card_json(json.loads(body)))
        self._cache[card_id] = stored
        return stored

    async def get_visible(self, card_id: str, *, editor: bool) -> StoredCard:
        """``get`` as a reader may see it: a draft does not exist for readers."""
        if not editor and await self.is_draft(card_id):
            raise NotFound(
                f"No character card {card_id!r}: it is waiting for an editor to publish it."
            )
        return await self.get(card_id)

    async def image(self, card_id: str) -> bytes | None:
        raw = await self._r.get(f"rp:card:{card_id}:image")
        return base64.b64decode(raw) if raw else None

    async def summaries(self, *, drafts: bool = False) -> list[CardSummary]:
        """Published cards; with ``drafts`` (editors), drafts too, marked."""
        ids = sorted(str(i) for i in await self._r.smembers("rp:cards"))
        hidden = await self.drafts()
        out = []
        for card_id in ids:
            if card_id in hidden and not drafts:
                continue
            stored = await self.get(card_id)
            has_image = bool(await self._r.exists(f"rp:card:{card_id}:image"))
            out.append(summarise(stored, has_image, card_id in hidden))
        return sorted(out, key=lambda s: s.name)

    async def drafts(self) -> set[str]:
        return {str(i) for i in await self._r.smembers(DRAFTS)}

    async def is_draft(self, card_id: str) -> bool:
        return bool(await self._r.sismember(DRAFTS, card_id))

    async def publish(self, card_ids: list[str]) -> None:
        if card_ids:
            await self._r.srem(DRAFTS, *card_ids)

    async def delete(self, card_id: str) -> None:
        removed = await self._r.srem("rp:cards", card_id)
        await self._r.srem(DRAFTS, card_id)
        await self._r.delete(
            f"rp:card:{card_id}", f"rp:card:{card_id}:version", f"rp:card:{card_id}:image"
        )
        self._cache.pop(card_id, None)
        self._checked.pop(card_id, None)
        if not removed:
            raise NotFound(f"No character card {card_id!r}.")

    async def seed(self, folder: Path = SAMPLES) -> list[str]:
        """Store the bundled sample cards that are not there yet (ids from file names)."""
        added = []
        for path in sorted(folder.glob("*.json")):
            if await self._r.sismember("rp:cards", path.stem):
                continue
            await self.put(parse_card_json(json.loads(path.read_text("utf-8"))), card_id=path.stem)
            added.append(path.stem)
        return added
