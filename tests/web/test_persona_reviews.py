"""Readers report replies that broke character; editors work the persona review queue."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from tests.web.conftest import SignIn, new_chat
from tests.web.test_moderation import editor, error

Client = TestClient[Any, Any]
OOC = "As an AI language model, I cannot pretend to be a cultivator."


async def test_a_reader_reports_an_out_of_character_reply_with_the_checkers_findings(
    client: Client, sign_in: SignIn, settings: Settings, llm: ScriptedLLM
) -> None:
    _, reader = await sign_in("读者")
    chat = (await new_chat(client, reader))["chat"]
    # Both the reply and its one regeneration break character: it is delivered, flagged.
    llm.enqueue(OOC, OOC)
    sent = await client.post(
        f"/api/chats/{chat['id']}/messages", json={"text": "师姐，你是谁？"}, headers=reader
    )
    assert sent.status == 200, await sent.text()
    reply = (await sent.json())["reply"]
    assert reply["content"] == OOC
    path = f"/api/chats/{chat['id']}/messages/{reply['id']}/report"
    resp = await client.post(
        path, json={"reason": "out_of_character", "note": "出戏了"}, headers=reader
    )
    assert resp.status == 201, await resp.text()
    data = await resp.json()
    assert data["id"].startswith("pr_") and data["ok"] is False
    ooc = [f for f in data["findings"] if f["kind"] == "out_of_character"]
    assert {f["evidence"] for f in ooc} == {"As an AI", "language model"}
    assert all("AI assistant" in f["detail"] for f in ooc)

    boss = await editor(client, sign_in, settings)
    queue = await (await client.get("/api/reviews/persona", headers=boss)).json()
    # The checker's own flag is there too; the reader's report sorts first.
    assert queue["open"] == 2
    first = queue["items"][0]
    assert first["id"] == data["id"] and first["source"] == "reader"
    assert first["reader"] == {"reason": "out_of_character", "note": "出戏了"}
    assert first["user_message"] == "师姐，你是谁？" and first["character_name"] == "林清羽"
    assert first["card_id"] == "lin-qingyu" and first["card_version"]
    assert first["attempts"][0]["text"] == OOC
    assert first["attempts"][0]["findings"] == data["findings"]
    assert queue["items"][1]["source"] == "checker"
    one = await (await client.get(f"/api/reviews/persona/{data['id']}", headers=boss)).json()
    assert one["item"] == first
    stats = await (await client.get("/api/moderation/stats", headers=boss)).json()
    assert stats["persona_open"] == 2
    resolve = f"/api/reviews/persona/{data['id']}/resolve"
    done = await client.post(resolve, json={"decision": "card_fixed", "note": "改了"}, headers=boss)
    assert done.status == 200, await done.text()
    item = (await done.json())["item"]
    assert item["status"] == "resolved" and item["decision"] == "card_fixed"
    again = await client.post(resolve, json={"decision": "dismissed"}, headers=boss)
    assert "already resolved" in await error(again, 409)
    wrong = await client.post(resolve, json={"decision": "false_positive"}, headers=boss)
    assert "decision" in await error(wrong, 400)
    assert (await (await client.get("/api/reviews/persona", headers=boss)).json())["open"] == 1
    gone = await client.get("/api/reviews/persona/pr_nope", headers=boss)
    assert "list open ones" in await error(gone, 404)


async def test_only_the_characters_replies_can_be_reported(client: Client, sign_in: SignIn) -> None:
    _, reader = await sign_in("读者")
    chat = (await new_chat(client, reader))["chat"]
    sent = await (
        await client.post(
            f"/api/chats/{chat['id']}/messages", json={"text": "早上好"}, headers=reader
        )
    ).json()
    mine = f"/api/chats/{chat['id']}/messages/{sent['message']['id']}/report"
    assert "this one is yours" in await error(await client.post(mine, json={}, headers=reader), 400)
    nothing = f"/api/chats/{chat['id']}/messages/m_nope/report"
    assert (await client.post(nothing, json={}, headers=reader)).status == 404
    reply = f"/api/chats/{chat['id']}/messages/{sent['reply']['id']}/report"
    bad = await client.post(reply, json={"reason": "boring"}, headers=reader)
    assert "reason" in await error(bad, 400)
    # An in-character reply can still be reported: the checker's verdict goes along.
    ok = await client.post(reply, json={"reason": "contradiction"}, headers=reader)
    assert ok.status == 201, await ok.text()
    assert (await ok.json())["ok"] is True
