"""Abort a paused canary from the browser, then retry it: both through the dialogs."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import STEP_TIMEOUT, confirm_action, open_live, same_document

pytestmark = pytest.mark.e2e


def test_abort_sends_traffic_back_and_retry_starts_the_update_again(page: Page) -> None:
    open_live(page, "/rollouts/batch/worker")
    summary = page.locator(".d-summary")
    status, step = summary.locator(".status b"), summary.locator(".stats .stepno")
    expect(status).to_have_text("Paused")
    expect(step).to_have_text("1/4")
    expect(summary.locator('button[data-act="retry"]')).to_be_disabled()

    confirm_action(page, summary.locator('button[data-act="abort"]'),
                   "canary 20% → 0%, 1 pod fewer")
    expect(page.locator(".toast--ok").first).to_contain_text("aborted")
    expect(status).to_have_text("Degraded")
    banner = summary.locator(".banner--bad")
    expect(banner).to_contain_text("Aborted")
    expect(banner).to_contain_text("RolloutAborted: Rollout aborted update to revision 2")
    expect(summary.locator(".wtext")).to_have_text("100/0")
    expect(summary.locator('button[data-act="abort"]')).to_be_disabled()
    # After the abort delay the canary ReplicaSet is scaled down to nothing.
    canary = page.locator(".d-revisions .rev").first
    expect(canary.locator(".pods-table")).to_have_count(0, timeout=STEP_TIMEOUT)

    confirm_action(page, summary.locator('button[data-act="retry"]'),
                   "canary 0% → 20%, 1 more pod")
    expect(page.locator(".toast--ok").first).to_contain_text("retried")
    expect(status).to_have_text("Paused", timeout=STEP_TIMEOUT)
    expect(step).to_have_text("1/4")
    expect(summary.locator(".wtext")).to_have_text("80/20")
    expect(page.locator(".d-actions-log .records > li")).to_have_count(2)
    assert same_document(page)
