"""The guide's walkthrough, entirely in the browser: set image, promote, timed pauses, completion.

Everything after the first page load arrives over the websocket: the test proves it with a
marker that a reload would wipe.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import STEP_TIMEOUT, confirm_action, open_live, row, same_document

pytestmark = pytest.mark.e2e

DETAIL = "/rollouts/my-demo/rollouts-demo"


def set_image_through_the_dialog(page: Page, image: str) -> None:
    page.locator('.d-containers button[data-act="set-image"]').click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    dialog.locator('input[name="image"]').fill(image)
    dialog.locator("button[type=submit]").click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".toast--ok").first).to_contain_text("image updated")


def test_the_guide_runs_from_set_image_to_completion_without_a_reload(page: Page) -> None:
    overview = page.context.new_page()
    open_live(overview, "/?namespace=my-demo")
    open_live(page, DETAIL)
    summary = page.locator(".d-summary")
    status, step = summary.locator(".status b"), summary.locator(".stats .stepno")
    bar = summary.locator(".wtext")
    expect(status).to_have_text("Healthy")
    expect(step).to_have_text("9/9")

    set_image_through_the_dialog(page, "argoproj/rollouts-demo:yellow")
    expect(status).to_have_text("Paused")
    expect(step).to_have_text("1/9")
    expect(bar).to_have_text("80/20")
    newest = page.locator(".d-revisions .rev").first
    expect(newest.locator(".rev-head b")).to_have_text("Revision 2")
    expect(newest.locator(".pods-table tbody tr")).to_have_count(1)
    expect(newest.locator(".pods-table tbody tr").first).to_contain_text("Running")
    on_overview = row(overview, "my-demo", "rollouts-demo")
    expect(on_overview.locator(".stepno")).to_have_text("1/9")
    expect(on_overview.locator(".wtext")).to_have_text("80/20")
    expect(on_overview.locator(".tag--canary")).to_be_visible()

    confirm_action(page, summary.locator('button[data-act="promote"]'),
                   "canary 20% → 40%, 1 more pod")
    expect(page.locator(".toast--ok").first).to_contain_text("promoted")
    expect(step).to_have_text("3/9")
    expect(bar).to_have_text("60/40")
    expect(newest.locator(".pods-table tbody tr")).to_have_count(2)
    expect(on_overview.locator(".wtext")).to_have_text("60/40")

    countdown = page.locator(".st--current .st-countdown time")
    expect(countdown).to_have_text(re.compile(r"^in \d+s$"))
    expect(step).to_have_text("5/9", timeout=STEP_TIMEOUT)
    expect(bar).to_have_text("40/60")
    expect(step).to_have_text("7/9", timeout=STEP_TIMEOUT)

    # Completion: the old revision waits out its scale-down delay, visibly, then goes.
    scale_down = page.locator(".d-revisions .scaledown time")
    expect(scale_down).to_have_text(re.compile(r"^in \d+s$"), timeout=STEP_TIMEOUT)
    expect(step).to_have_text("9/9")
    expect(status).to_have_text("Healthy")
    oldest = page.locator(".d-revisions .rev").last
    expect(oldest.locator(".rs-line .status b")).to_have_text("ScaledDown",
                                                              timeout=STEP_TIMEOUT)
    expect(on_overview.locator(".status b")).to_have_text("Healthy")
    expect(page.locator(".d-actions-log .records")).to_contain_text("promote")
    assert same_document(page) and same_document(overview)
