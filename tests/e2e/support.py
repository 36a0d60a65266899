"""Helpers shared by the browser tests."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

# Simulated seconds per real second: the guide's 1m pauses last 7.5 s, the 30 s scale-down
# delay almost 4 s — long enough to see a countdown, short enough for a quick suite.
SPEED = 8.0
EXPECT_TIMEOUT = 15_000
# Long enough for a timed pause plus the steps around it, at SPEED.
STEP_TIMEOUT = 30_000


# Counts the frames the page has applied. The page's HTML already says "live" when the
# cluster is, so the indicator alone cannot tell that the socket's snapshot has arrived.
COUNT_FRAMES = """document.addEventListener("htmx:wsAfterMessage",
  () => { window.__framesApplied = (window.__framesApplied || 0) + 1; }, true);"""


def open_live(page: Page, path: str) -> None:
    """Open a page and wait until its websocket delivered the first snapshot."""
    page.add_init_script(COUNT_FRAMES)
    page.goto(path)
    # Predicates are functions, not expressions: Playwright evaluates a function once and
    # then calls it, an expression it evals on every poll, which the page's CSP refuses.
    page.wait_for_function("() => (window.__framesApplied || 0) >= 1")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    # A reload would drop this marker: tests check it to prove updates came without one.
    page.evaluate("window.__sameDocument = true")


def same_document(page: Page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def row(page: Page, namespace: str, name: str) -> Locator:
    return page.locator(f'#rollout-list .row[data-namespace="{namespace}"][data-name="{name}"]')


def confirm_action(page: Page, button: Locator, summary: str | None = None) -> Locator:
    """Click an action button, check the dialog's summary, confirm; returns the dialog."""
    button.click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    if summary is not None:
        expect(dialog.locator(".confirm-summary")).to_have_text(summary)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    return dialog
