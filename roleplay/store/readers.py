"""Readers, their session tokens and their bots' API keys.

Tokens are random 32-byte secrets shown once; Redis keeps only their SHA-256,
so a copy of the database cannot be replayed as credentials.
"""

from __future__ import annotations

import hashlib
import json
import secrets

from pydantic import BaseModel, Field
from redis.asyncio import Redis

from roleplay.errors import InvalidInput, NotFound, Unauthorized
from roleplay.models import Reader, Role, new_id, now

SESSION_PREFIX = "rt_"
API_KEY_PREFIX = "rk_"


class Credential(BaseModel):
    reader_id: str
    kind: str  # "session" | "api_key"
    key_id: str
    label: str = ""
    created_at: float = Field(default_factory=now)


class ApiKeyInfo(BaseModel):
    id: str
    label: str
    created_at: float


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ReaderStore:
    def __init__(self, redis: Redis) -> None:
        self._r = redis

    async def create(self, name: str, role: Role = "reader", *, minor: bool = False) -> Reader:
        name = name.strip()
        if not name or len(name) > 64:
            raise InvalidInput("A reader name must be 1–64 characters.")
        reader = Reader(id=new_id("r"), name=name, role=role, minor=minor)
        await self._r.set(f"rp:reader:{reader.id}", reader.model_dump_json())
        return reader

    async def get(self, reader_id: str) -> Reader:
        raw = await self._r.get(f"rp:reader:{reader_id}")
        if raw is None:
            raise NotFound(f"No reader {reader_id!r}.")
        return Reader.model_validate_json(raw)

    async def update(self, reader: Reader) -> Reader:
        await self._r.set(f"rp:reader:{reader.id}", reader.model_dump_json())
        return reader

    async def issue_session(self, reader_id: str) -> str:
        token = SESSION_PREFIX + secrets.token_urlsafe(32)
        cred = Credential(reader_id=reader_id, kind="session", key_id=new_id("s"))
        await self._r.set(f"rp:auth:{_digest(token)}", cred.model_dump_json())
        return token

    async def issue_api_key(self, reader_id: str, label: str) -> tuple[str, ApiKeyInfo]:
        token = API_KEY_PREFIX + secrets.token_urlsafe(32)
        info = ApiKeyInfo(id=new_id("k"), label=label.strip()[:64] or "bot", created_at=now())
        cred = Credential(reader_id=reader_id, kind="api_key", key_id=info.id, label=info.label)
        digest = _digest(token)
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.set(f"rp:auth:{digest}", cred.model_dump_json())
            pipe.hset(
                f"rp:reader:{reader_id}:keys",
                info.id,
                json.dumps([digest, info.label, info.created_at]),
            )
            await pipe.execute()
        return token, info

    async def list_api_keys(self, reader_id: str) -> list[ApiKeyInfo]:
        raw = await self._r.hgetall(f"rp:reader:{reader_id}:keys")
        keys = [
            ApiKeyInfo(id=str(k), label=v[1], created_at=v[2])
            for k, v in ((k, json.loads(v)) for k, v in raw.items())
        ]
        return sorted(keys, key=lambda k: k.created_at)

    async def revoke_api_key(self, reader_id: str, key_id: str) -> None:
        raw = await self._r.hget(f"rp:reader:{reader_id}:keys", key_id)
        if raw is None:
            raise NotFound(f"No API key {key_id!r} for this reader.")
        digest = json.loads(raw)[0]
        async with self._r.pipeline(transaction=True) as pipe:
            pipe.delete(f"rp:auth:{digest}")
            pipe.hdel(f"rp:reader:{reader_id}:keys", key_id)
            await pipe.execute()

    async def authenticate(self, token: str) -> tuple[Reader, Credential]:
        if not token.startswith((SESSION_PREFIX, API_KEY_PREFIX)) or len(token) > 200:
            raise Unauthorized("That token is not one of ours; sign in again or use an API key.")
        raw = await self._r.get(f"rp:auth:{_digest(token)}")
        if raw is None:
            raise Unauthorized("Unknown or revoked token; sign in again or create a new API key.")
        cred = Credential.model_validate_json(raw)
        return await self.get(cred.reader_id), cred

    async def ensure_admin(self) -> tuple[Reader, str | None]:
        """The first start creates an admin; returns its token once (None if it existed)."""
        existing = await self._r.get("rp:admin_id")
        if existing:
            return await self.get(str(existing)), None
        admin = await self.create("admin", "admin")
        await self._r.set("rp:admin_id", admin.id)
        return admin, await self.issue_session(admin.id)
