"""The editor page in real Chromium: sign in, upload, watch the progress, review the roster.

Same set-up as test_browser.py (Debian's chromium driven by Playwright; skipped without it).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from playwright.async_api import Browser, Page, expect

from roleplay.settings import Settings
from tests.characters.extract.conftest import ZH_STORY
from tests.web.test_browser import browser

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the shared Chromium fixture, imported to be used here

SCREENSHOT = "/tmp/editor-page.png"
TITLE = "<img src=x onerror=alert(1)>"  # the book's title, as the uploader wrote it
# Record every percentage the page shows: the bar must move, not jump to the end.
WATCH_PERCENT = """() => {
  window.__percents = [];
  const node = document.getElementById("job-percent");
  new MutationObserver(() => window.__percents.push(node.textContent))
    .observe(node, { childList: true, characterData: true, subtree: true });
}"""


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1000, "height": 900})
    context.set_default_timeout(10_000)
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    # Alerts mean an error surfaced; confirmations guard destructive actions and the test
    # that triggers one accepts it itself.
    page.on(
        "dialog",
        lambda d: None if d.type == "confirm" else problems.append("dialog: " + d.message),
    )
    try:
        yield page
    finally:
        await context.close()
    assert not problems, problems


async def test_editor_uploads_watches_progress_and_reviews(
    page: Page, client: TestClient[Any, Any], settings: Settings, tmp_path: Path
) -> None:
    novel = tmp_path / "qingshi.txt"
    novel.write_text(ZH_STORY.replace("《青石记》", f"《{TITLE}》"), encoding="utf-8")
    token = (settings.data_dir / "admin-token").read_text().strip()
    await page.goto(str(client.server.make_url("/editor")))
    # 1. sign in with the admin token
    await expect(page.locator("#signin")).to_be_visible()
    await page.fill("#token", token)
    await page.click("#signin-form button[type=submit]")
    await expect(page.locator("#home")).to_be_visible()
    await expect(page.locator("#works-empty")).to_be_visible()
    # 2. upload, and watch the bar go to 100 %
    await page.evaluate(WATCH_PERCENT)
    await page.set_input_files("#upload-file", str(novel))
    await page.fill("#upload-work", "qingshi")
    await page.click("#upload-form button[type=submit]")
    await expect(page.locator("#job")).to_be_visible()
    await expect(page.locator("#job-percent")).to_have_text("100 %", timeout=60_000)
    await expect(page.locator("#job-status")).to_contain_text("4 cards")
    percents = await page.evaluate("window.__percents")
    assert len(set(percents)) >= 3 and percents[-1] == "100 %", percents
    # 3. the review: roster, evidence, cards to chat with
    await expect(page.locator("#review")).to_be_visible()
    names = page.locator("#roster .person-name")
    await expect(names).to_have_count(4)
    assert {"林青石", "柳如烟", "赵铁臂"} <= set(await names.all_text_contents())
    zhao = page.locator("#roster tr.person", has_text="赵铁臂")
    await zhao.locator("summary").click()
    await expect(zhao.locator(".evidence li")).to_contain_text(["铁臂猿: naming phrase"])
    lin = page.locator("#roster tr.person", has_text="林青石")
    await expect(lin.locator("a.chat-link")).to_have_attribute("href", "/?card=qingshi-c0")
    await expect(page.locator("#glossary")).to_contain_text("白云山")
    # 4. markup in the book is text: the title shows literally, no element was made of it
    await expect(page.locator("#review-title")).to_have_text(TITLE)
    assert await page.locator("main img").count() == 0
    await expect(lin).to_contain_text("draft")
    await expect(page.locator("#publish-text")).to_contain_text("4 cards are drafts")
    await page.screenshot(path=SCREENSHOT, full_page=True)
    # 4b. publishing makes them readers' characters
    await page.click("#publish")
    await expect(page.locator("#publish-box")).to_be_hidden()
    await expect(lin).not_to_contain_text("draft")
    # 5. a reload keeps the editor signed in and lists the work
    await page.reload()
    await expect(page.locator("#home")).to_be_visible()
    await expect(page.locator("#works .work-open")).to_have_text([TITLE])
    assert await page.locator("main img").count() == 0
    # 6. the chat link opens a chat with that character on the reader page
    await page.goto(str(client.server.make_url("/?card=qingshi-c0")))
    await page.fill("#signin-name", "读者")
    await page.click("#signin-form button[type=submit]")
    await expect(page.locator("#chat-name")).to_have_text("林青石")
    # 7. back on the editor page, deleting the work (after a confirmation) empties the list
    page.on("dialog", lambda dialog: dialog.accept())
    await page.goto(str(client.server.make_url("/editor")))
    await page.click("#works .work-open")
    await expect(page.locator("#review")).to_be_visible()
    await page.click("#delete-work")
    await expect(page.locator("#works-empty")).to_be_visible()
