"""The reader page in real Chromium (Playwright, async API) against the real app on a TCP port.

Debian's chromium is driven directly (``executable_path``); never ``playwright install``.
``scripts/test.sh`` installs chromium and the CJK fonts; without it these tests skip.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from roleplay.llm.scripted import ScriptedLLM
from safety.moderator import LayeredModerator
from web.runtime import RUNTIME

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOT = "/tmp/reader-page.png"

# ~30 CJK characters, then markup that must stay text.
REPLY = (
    "道友远来辛苦，青云山上风大，且随我去竹林小坐，煮一壶清茶慢慢说。"
    ' <img src=x onerror="window.__pwned=1"> <b>bold</b>'
)
USER_TEXT = "林师姐，听说<i>后山</i>有异动？"
LAST_REPLY = "#messages > li.msg.character:last-child"
WATCH_ELEMENTS = """() => {
  window.__addedInText = [];
  new MutationObserver((records) => {
    for (const r of records)
      for (const n of r.addedNodes)
        if (n.nodeType === 1 && n.closest(".text") && !isAction(n))
          window.__addedInText.push(n.outerHTML);
  // The one element the page makes inside a message: *narration* as a childless <em>.
  function isAction(n) {
    return n.tagName === "EM" && n.className === "action" && !n.children.length;
  }
  }).observe(document.getElementById("messages"), { childList: true, subtree: true });
}"""


@pytest.fixture
def llm() -> ScriptedLLM:
    """~20 tokens/s: a 30-character reply takes ~1.5 s, slow enough to watch it stream."""
    return ScriptedLLM(tokens_per_s=20, default="在下林清羽，见过道友。")


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed; run scripts/test.sh (it installs chromium)")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context: BrowserContext = await browser.new_context(
        viewport={"width": 1000, "height": 760}, locale="zh-CN"
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        yield page
    finally:
        await context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


def url(client: TestClient[Any, Any]) -> str:
    return str(client.server.make_url("/"))


async def sign_in_and_open(page: Page, client: TestClient[Any, Any], name: str) -> None:
    """Sign in through the form and start a chat with 林清羽; wait until it can send."""
    await page.goto(url(client))
    await expect(page.locator("#signin")).to_be_visible()
    await page.fill("#signin-name", name)
    await page.click("#signin-form button[type=submit]")
    await expect(page.locator("#picker")).to_be_visible()
    await expect(page.locator("#who")).to_have_text(name)
    pick = page.locator('button[data-card-id="lin-qingyu"]')
    await pick.click()
    await expect(page.locator("#chat")).to_be_visible()
    await expect(page.locator("#chat-name")).to_have_text("林清羽")
    await expect(page.locator("#send")).to_be_enabled()  # the socket is authenticated


async def send(page: Page, text: str) -> None:
    await page.fill("#input", text)
    await page.press("#input", "Enter")


async def last_reply_text(page: Page) -> str | None:
    text: str | None = await page.evaluate(
        "(sel) => { const n = document.querySelector(sel + ' .text');"
        " return n === null ? null : n.textContent; }",
        LAST_REPLY,
    )
    return text


async def watch_reply(
    page: Page, final: str, stale: str | None, timeout_s: float = 10
) -> list[str]:
    """Poll the last reply bubble while it streams; return the distinct texts seen.

    ``stale`` is what that bubble showed before the request (the previous reply, until the
    server's frames arrive); it is not part of the new reply.
    """
    seen: list[str] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = await last_reply_text(page)
        if text is not None and text != stale and (not seen or seen[-1] != text):
            seen.append(text)
        if text == final and await page.locator(f"{LAST_REPLY}.complete").count():
            return seen
        await page.wait_for_timeout(25)
    raise AssertionError(f"the reply never finished; saw {seen!r}")


async def test_reader_signs_in_chats_streams_and_comes_back(
    page: Page, client: TestClient[Any, Any], llm: ScriptedLLM
) -> None:
    llm.enqueue(REPLY)
    # Load the moderation model first: its cold start (seconds on a loaded machine) would
    # hold the first reply back whole, and this test is about how a reply streams.
    moderator = client.server.app[RUNTIME].service.s.moderator
    if isinstance(moderator, LayeredModerator):
        await moderator.embedder.embed(["warm up"])
    await page.goto(url(client))
    # 1. sign in
    await expect(page.locator("#signin")).to_be_visible()
    await page.fill("#signin-name", "测试读者")
    await page.click("#signin-form button[type=submit]")
    # 2. the picker lists the sample cards
    await expect(page.locator("#picker")).to_be_visible()
    await expect(page.locator("#who")).to_have_text("测试读者")
    names = page.locator("#cards .card-name")
    await expect(names).to_have_count(3)
    assert set(await names.all_text_contents()) == {"孙悟空", "林清羽", "Ada Lockwood"}
    await expect(page.locator("#chats-title")).to_be_hidden()
    await page.locator('button[data-card-id="lin-qingyu"]').click()
    # 3. the greeting
    await expect(page.locator("#chat-name")).to_have_text("林清羽")
    greeting = page.locator("#messages > li.msg.character")
    await expect(greeting).to_have_count(1)
    await expect(greeting.locator(".who")).to_have_text("林清羽")
    greeting_text = await greeting.locator(".text").text_content()
    assert greeting_text and greeting_text.strip()
    # *narration* between asterisks is shown in italics, built as text, not markup
    action = greeting.locator(".text em.action").first
    await expect(action).to_contain_text("青云梯")
    await expect(page.locator("#send")).to_be_enabled()
    # Record every element ever added inside #messages' text (even briefly, mid-stream): the
    # page's CSP would stop the onerror from running, so look for the elements themselves.
    await page.evaluate(WATCH_ELEMENTS)
    # 4. send with Enter and watch the reply stream in
    await send(page, USER_TEXT)
    seen = await watch_reply(page, REPLY, stale=greeting_text)
    partial = [t for t in seen if t and t != REPLY]
    assert len(partial) >= 2, f"the reply did not visibly stream: {seen!r}"
    assert all(REPLY.startswith(t) for t in partial), seen
    assert len(set(map(len, partial))) == len(partial), seen
    await expect(page.locator(f"{LAST_REPLY} .text")).to_have_text(REPLY)
    await expect(page.locator("#input")).to_have_value("")
    await expect(page.locator("#status")).to_have_text("")
    await expect(page.locator("#send")).to_be_enabled()
    await expect(page.locator("#mode")).to_be_visible()
    await expect(page.locator("#mode")).to_have_text("model: scripted")
    await page.screenshot(path=SCREENSHOT, full_page=True)
    # 5. markup from the model and the reader is text, never HTML
    user_bubble = page.locator("#messages > li.msg.user")
    await expect(user_bubble.locator(".text")).to_have_text(USER_TEXT)
    for tag in ("img", "b", "i", "script"):
        assert await page.locator(f"#messages {tag}").count() == 0, tag
    assert await page.evaluate("window.__addedInText") == []
    assert await page.evaluate("typeof window.__pwned") == "undefined"
    # 6. reload: the token in localStorage keeps the reader signed in; the chat is in Redis
    assert await page.evaluate("localStorage.getItem('rp_token')")
    await page.reload()
    await expect(page.locator("#picker")).to_be_visible()
    await expect(page.locator("#signin")).to_be_hidden()
    await expect(page.locator("#who")).to_have_text("测试读者")
    await expect(page.locator("#chats-title")).to_be_visible()
    chats = page.locator("#chats .chat-open")
    await expect(chats).to_have_count(1)
    await expect(chats).to_contain_text("林清羽")
    await chats.click()
    texts = page.locator("#messages > li.msg .text")
    await expect(texts).to_have_text([greeting_text, USER_TEXT, REPLY])
    await expect(page.locator("#messages > li.msg")).to_have_class(
        ["msg character complete", "msg user complete", "msg character complete"]
    )
    assert await page.locator("#messages img, #messages b").count() == 0
    assert await page.evaluate("typeof window.__pwned") == "undefined"


async def test_regenerate_adds_a_swipe_and_arrows_switch(
    page: Page, client: TestClient[Any, Any], llm: ScriptedLLM
) -> None:
    first, second = "第一版：风起于青萍之末。", "第二版：山雨欲来风满楼。"
    llm.enqueue(first, second)
    await sign_in_and_open(page, client, "swipe reader")
    greeting = await last_reply_text(page)
    await send(page, "说句诗吧")
    await watch_reply(page, first, stale=greeting)
    await expect(page.locator(f"{LAST_REPLY} .swipe-pos")).to_have_count(0)
    # Regenerate always redoes the chat's last reply, so only that message offers ↻.
    await expect(page.locator("#messages > li.msg").first.locator("button.regen")).to_be_hidden()
    await page.locator(f"{LAST_REPLY} button.regen").click()
    await watch_reply(page, second, stale=first)
    last = page.locator(LAST_REPLY)
    await expect(last.locator(".swipe-pos")).to_have_text("2/2")
    await expect(last.locator(".text")).to_have_text(second)
    await expect(last.locator("button.swipe-next")).to_be_disabled()
    await last.locator("button.swipe-prev").click()
    await expect(last.locator(".swipe-pos")).to_have_text("1/2")
    await expect(last.locator(".text")).to_have_text(first)
    await expect(last.locator("button.swipe-prev")).to_be_disabled()
    await last.locator("button.swipe-next").click()
    await expect(last.locator(".swipe-pos")).to_have_text("2/2")
    await expect(last.locator(".text")).to_have_text(second)
    await expect(page.locator("#messages > li.msg")).to_have_count(3)


async def test_a_reply_in_progress_keeps_the_draft_and_stays_in_its_chat(
    page: Page, client: TestClient[Any, Any], llm: ScriptedLLM
) -> None:
    slow = "一二三四五六七八九十" * 3
    llm.enqueue(slow)
    await sign_in_and_open(page, client, "busy reader")
    await send(page, "早")
    await expect(page.locator(f"{LAST_REPLY}.streaming")).to_have_count(1)
    await expect(page.locator("#send")).to_be_disabled()
    # Enter while the reply streams: nothing is sent and the draft stays in the box.
    await send(page, "第二句话")
    await expect(page.locator("#status")).to_contain_text("still replying")
    await expect(page.locator("#input")).to_have_value("第二句话")
    # Leave for another character while it streams: the reply stays out of that chat.
    await page.click("#back")
    await page.locator('button[data-card-id="ada-lockwood"]').click()
    await expect(page.locator("#chat-name")).to_have_text("Ada Lockwood")
    await expect(page.locator("#send")).to_be_enabled()
    # Wait until the page has had the reply's final frame (its own bookkeeping says so).
    await page.wait_for_function("() => state.inflight.size === 0")
    await expect(page.locator("#messages .who")).to_have_text(["Ada Lockwood"])
    await expect(page.locator("#status")).to_have_text("")
    # Back in the first chat, the finished reply is there.
    await page.click("#back")
    await page.locator("#chats .chat-open", has_text="林清羽").click()
    await expect(page.locator(f"{LAST_REPLY} .text")).to_have_text(slow)
    await expect(page.locator("#messages > li.msg")).to_have_count(3)
