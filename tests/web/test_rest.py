"""REST: readers, keys, cards, chats, SillyTavern export/import, errors."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient

from roleplay.settings import Settings
from tests.web.conftest import SAMPLE, SignIn, new_chat

Client = TestClient[Any, Any]


async def _admin(settings: Settings) -> dict[str, str]:
    token = (settings.data_dir / "admin-token").read_text().strip()
    return {"Authorization": f"Bearer {token}"}


async def test_healthz_and_sample_cards(client: Client) -> None:
    health = await (await client.get("/healthz")).json()
    assert health == {"status": "ok", "backend": "scripted"}
    cards = (await (await client.get("/api/cards")).json())["cards"]
    ids = {c["id"] for c in cards}
    assert {"sun-wukong", "lin-qingyu", "ada-lockwood"} <= ids
    wukong = next(c for c in cards if c["id"] == "sun-wukong")
    assert wukong["language"] == "zh" and wukong["lines"] > 100
    avatar = await client.get("/api/cards/sun-wukong/avatar")
    assert avatar.status == 200 and (await avatar.read()).startswith(b"\x89PNG")


async def test_errors_are_json_with_a_clear_message(client: Client, sign_in: SignIn) -> None:
    resp = await client.get("/api/chats")
    body = await resp.json()
    assert resp.status == 401 and "Authorization: Bearer" in body["error"]["message"]
    _, headers = await sign_in("x")
    resp = await client.post("/api/chats", data="{not json", headers=headers)
    assert resp.status == 400 and "not valid JSON" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/chats", json={"card_id": "nobody"}, headers=headers)
    assert resp.status == 404 and "GET /api/cards" in (await resp.json())["error"]["message"]
    resp = await client.post("/api/chats", json={"card_id": SAMPLE, "chapter": -3}, headers=headers)
    assert resp.status == 400 and "chapter" in (await resp.json())["error"]["message"]


async def test_only_editors_upload_cards(
    client: Client, sign_in: SignIn, settings: Settings
) -> None:
    _, reader = await sign_in("reader")
    card = await (await client.get(f"/api/cards/{SAMPLE}/export?format=png")).read()
    assert (await client.post("/api/cards", data=card, headers=reader)).status == 403
    admin = await _admin(settings)
    resp = await client.post("/api/cards?id=copy-of-lin", data=card, headers=admin)
    assert resp.status == 201, await resp.text()
    got = await (await client.get("/api/cards/copy-of-lin")).json()
    assert got["card"]["data"]["name"] == "林清羽"
    bad = await client.post("/api/cards", data=b"\x89PNG\r\n\x1a\nbroken", headers=admin)
    assert bad.status == 400 and (await bad.json())["error"]["code"] == "invalid_card"


async def test_admin_can_promote_an_editor(
    client: Client, sign_in: SignIn, settings: Settings
) -> None:
    _, headers = await sign_in("编辑")
    me = (await (await client.get("/api/me", headers=headers)).json())["reader"]
    resp = await client.patch(
        f"/api/readers/{me['id']}", json={"role": "editor"}, headers=await _admin(settings)
    )
    assert (await resp.json())["reader"]["role"] == "editor"
    resp = await client.patch(f"/api/readers/{me['id']}", json={"role": "admin"}, headers=headers)
    assert resp.status == 403


async def test_api_keys_work_as_tokens(client: Client, sign_in: SignIn) -> None:
    _, headers = await sign_in("bot owner")
    created = await (
        await client.post("/api/keys", json={"label": "群机器人"}, headers=headers)
    ).json()
    bot = {"Authorization": f"Bearer {created['key']}"}
    assert (await client.get("/api/me", headers=bot)).status == 200
    assert (
        await client.delete(f"/api/keys/{created['info']['id']}", headers=headers)
    ).status == 204
    assert (await client.get("/api/me", headers=bot)).status == 401


async def test_rest_turn_swipes_edit_delete(client: Client, sign_in: SignIn) -> None:
    _, headers = await sign_in("阿青")
    data = await new_chat(client, headers)
    chat_id = data["chat"]["id"]
    assert len(data["messages"][0]["swipes"]) >= 2  # greeting + alternates
    turn = await (
        await client.post(f"/api/chats/{chat_id}/messages", json={"text": "你好"}, headers=headers)
    ).json()
    assert turn["reply"]["status"] == "complete"
    url = f"/api/chats/{chat_id}/messages/{turn['reply']['id']}"
    edited = await (await client.patch(url, json={"text": "改"}, headers=headers)).json()
    assert edited["message"]["content"] == "改"
    bad = await client.patch(url, json={"swipe_index": 9}, headers=headers)
    assert bad.status == 400 and "does not exist" in (await bad.json())["error"]["message"]
    assert (await client.delete(url, headers=headers)).status == 204
    chat = await (await client.get(f"/api/chats/{chat_id}", headers=headers)).json()
    assert [m["content"] for m in chat["messages"]][-1] == "你好"


async def test_sillytavern_export_import_round_trip(client: Client, sign_in: SignIn) -> None:
    _, headers = await sign_in("导出")
    chat_id = (await new_chat(client, headers))["chat"]["id"]
    await client.post(f"/api/chats/{chat_id}/messages", json={"text": "记住我"}, headers=headers)
    exported = await (await client.get(f"/api/chats/{chat_id}/export", headers=headers)).text()
    lines = [json.loads(x) for x in exported.splitlines()]
    assert lines[0]["character_name"] == "林清羽" and lines[0]["user_name"] == "导出"
    assert [x["is_user"] for x in lines[1:]] == [False, True, False]
    assert all({"name", "mes", "swipes", "swipe_id", "send_date"} <= x.keys() for x in lines[1:])
    resp = await client.post(f"/api/chats/import?card_id={SAMPLE}", data=exported, headers=headers)
    assert resp.status == 201, await resp.text()
    new_id = (await resp.json())["chat"]["id"]
    again = await (await client.get(f"/api/chats/{new_id}/export", headers=headers)).text()
    assert [json.loads(x)["mes"] for x in again.splitlines()[1:]] == [x["mes"] for x in lines[1:]]
    bad = await client.post(
        f"/api/chats/import?card_id={SAMPLE}", data="{}\n{oops", headers=headers
    )
    assert bad.status == 400 and "Line 2" in (await bad.json())["error"]["message"]
