"""Reports and the editors' review page in real Chromium (Playwright), against the real app.

Readers report from the chat page; editors see what was reported on ``/review``, with
every reader- or model-written text shown as text, never markup.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Page, expect

from roleplay.llm.scripted import ScriptedLLM
from roleplay.settings import Settings
from tests.web.conftest import SignIn, new_chat
from tests.web.test_browser import browser, page, sign_in_and_open, url  # noqa: F401
from tests.web.test_moderation import JAILBREAK, admin_headers

pytestmark = pytest.mark.browser

OOC = "As an AI language model, I cannot pretend to be anyone."
MARKUP = "<img src=x onerror=alert(1)>"
LAST_REPLY = "#messages > li.msg.character:last-child"


async def test_reader_reports_a_reply_and_a_wrong_block(
    page: Page,  # noqa: F811
    client: TestClient[Any, Any],
    llm: ScriptedLLM,
    settings: Settings,
) -> None:
    llm.enqueue(OOC, OOC)  # the reply and its one regeneration: delivered, flagged
    await sign_in_and_open(page, client, "举报者")
    await page.fill("#input", "你是谁？")
    await page.press("#input", "Enter")
    last = page.locator(LAST_REPLY)
    await expect(last.locator(".text")).to_have_text(OOC)
    await expect(last).to_have_class("msg character complete")
    await last.locator("details.report summary").click()
    await last.locator(".report-note").fill("出戏")
    await last.locator("button.report-ooc").click()
    await expect(page.locator("#status")).to_contain_text("The checker also sees: out of character")
    await expect(last.locator(".reported")).to_have_text("reported")
    # A blocked message comes back to the box, with a way to say the block was wrong.
    await page.fill("#input", JAILBREAK)
    await page.press("#input", "Enter")
    await expect(page.locator("#status")).to_contain_text("was not sent")
    await expect(page.locator("#blocked-note")).to_be_visible()
    await expect(page.locator("#input")).to_have_value(JAILBREAK)
    await page.click("#report-blocked")
    await expect(page.locator("#status")).to_contain_text("Sent to an editor")
    await expect(page.locator("#blocked-note")).to_be_hidden()

    admin = await admin_headers(settings)
    persona = await (await client.get("/api/reviews/persona", headers=admin)).json()
    reported = persona["items"][0]
    assert reported["source"] == "reader" and reported["reader"]["note"] == "出戏"
    mod = await (await client.get("/api/moderation/review", headers=admin)).json()
    assert mod["items"][0]["kind"] == "false_positive" and mod["items"][0]["text"] == JAILBREAK


async def test_review_page_shows_reported_markup_as_text_and_resolves(
    page: Page,  # noqa: F811
    client: TestClient[Any, Any],
    settings: Settings,
    sign_in: SignIn,
) -> None:
    _, reader = await sign_in("读者")
    data = await new_chat(client, reader)
    chat_id, greeting = data["chat"]["id"], data["messages"][0]
    report = {"kind": "false_positive", "chat_id": chat_id, "text": f"看图 {MARKUP}"}
    resp = await client.post("/api/moderation/report", json=report, headers=reader)
    assert resp.status == 201, await resp.text()
    # A reply whose text carries markup, reported as out of character.
    edited = f"As an AI, {MARKUP} <b>bold</b>"
    path = f"/api/chats/{chat_id}/messages/{greeting['id']}"
    assert (await client.patch(path, json={"text": edited}, headers=reader)).status == 200
    note = {"reason": "other", "note": f"note {MARKUP}"}
    assert (await client.post(path + "/report", json=note, headers=reader)).status == 201

    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await page.goto(url(client) + "review")
    await expect(page.locator("#signin")).to_be_visible()
    token = (settings.data_dir / "admin-token").read_text().strip()
    await page.fill("#token", token)
    await page.click("#signin-form button[type=submit]")
    await expect(page.locator("#desk")).to_be_visible()
    await expect(page.locator("#who")).to_contain_text("(admin)")
    await expect(page.locator("#stats-open")).to_have_text("1 moderation and 1 persona items open.")
    mod = page.locator("#mod-items > li.item")
    await expect(mod).to_have_count(1)
    await expect(mod.locator(".text")).to_have_text(f"看图 {MARKUP}")
    persona = page.locator("#persona-items > li.item")
    await expect(persona).to_have_count(1)
    await expect(persona.locator(".attempt .text")).to_have_text(edited)
    await expect(persona.locator(".note .value")).to_have_text(f"note {MARKUP}")
    await expect(persona.locator(".finding-kind").first).to_have_text("out of character")
    await expect(persona.locator(".evidence").first).to_have_text("As an AI")
    for tag in ("img", "b", "script"):
        assert await page.locator(f"main {tag}").count() == 0, tag
    # Resolve the moderation item from the page.
    await mod.locator("select.decision").select_option("false_positive")
    await mod.locator(".resolve-note").fill("误判")
    await mod.locator("button.resolve-button").click()
    await expect(mod.locator(".resolved")).to_have_text("Resolved: false positive: it was fine")
    await expect(page.locator("#stats-open")).to_have_text("0 moderation and 1 persona items open.")
    admin = await admin_headers(settings)
    left = await (await client.get("/api/moderation/review", headers=admin)).json()
    assert left["open"] == 0
    # Reload: the token is remembered; a plain reader's token is refused politely.
    await page.reload()
    await expect(page.locator("#desk")).to_be_visible()
    await expect(page.locator("#mod-empty")).to_be_visible()
    await page.click("#signout")
    reader_token = reader["Authorization"].removeprefix("Bearer ")
    await page.fill("#token", reader_token)
    await page.click("#signin-form button[type=submit]")
    await expect(page.locator("#signin-error")).to_contain_text("needs an editor or admin token")
    assert dialogs == []
