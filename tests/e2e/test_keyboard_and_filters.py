"""The overview's habits: `/` to search, live filtering kept in the URL, status chips with
counts, sorting, `j`/`k` to move and Enter to open; Esc closes a dialog."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import open_live, row

pytestmark = pytest.mark.e2e


def visible_names(page: Page) -> list[str]:
    return page.locator("#rollout-list .row:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.name)")


def test_search_chips_and_sorting_filter_live_rows_and_stay_in_the_url(page: Page) -> None:
    open_live(page, "/?namespace=shop")
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("fro,pay")  # any term may match
    expect(page).to_have_url(re.compile(r"q=fro%2Cpay"))
    expect(page.locator("#rollout-list .row:visible")).to_have_count(2)
    assert visible_names(page) == ["frontend", "payments"]
    page.locator("#search").fill("!view")
    expect(page.locator('#rollout-list .row[data-name="reviews"]')).to_be_hidden()
    assert "frontend" in visible_names(page)
    page.keyboard.press("Escape")
    expect(page.locator("#search")).not_to_be_focused()

    page.locator("#search").fill("")
    paused = page.locator('[data-chip="Paused"]')
    paused.click()
    expect(page).to_have_url(re.compile(r"status=Paused"))
    # The cluster keeps moving (other tests' rollouts pause and resume), so compare the rows
    # shown with the chip's count at the same moment rather than with an earlier reading.
    page.wait_for_function(
        """() => {
            const shown = [...document.querySelectorAll('#rollout-list > .row')]
                .filter(r => !r.hidden).length;
            const chip = document.querySelector('[data-chip="Paused"] .count');
            return shown > 0 && String(shown) === chip.textContent.trim();
        }""", timeout=10_000)
    assert all(s == "Paused" for s in page.locator("#rollout-list .row:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"))

    page.locator('[data-sort-key="name"]').click()
    expect(page).to_have_url(re.compile(r"sort=-name"))
    names = visible_names(page)
    assert names == sorted(names, reverse=True)

    page.reload()  # the URL alone restores the same view (the same filter and order)
    expect(page.locator('[data-chip="Paused"]')).to_have_attribute("aria-pressed", "true")
    again = visible_names(page)
    assert again and again == sorted(again, reverse=True)
    assert all(s == "Paused" for s in page.locator("#rollout-list .row:visible").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"))


def test_j_k_and_enter_open_the_selected_rollout(page: Page) -> None:
    open_live(page, "/?namespace=batch")
    page.keyboard.press("j")
    first = page.locator("#rollout-list .row.is-selected")
    expect(first).to_have_count(1)
    page.keyboard.press("j")
    page.keyboard.press("k")
    name = first.get_attribute("data-name")
    assert name == visible_names(page)[0]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/rollouts/batch/{name}$"))


def test_escape_closes_an_action_dialog_without_acting(page: Page) -> None:
    open_live(page, "/?namespace=batch")
    reporter = row(page, "batch", "reporter")
    reporter.locator('button[data-act="restart"]').click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("h2")).to_have_text("Restart reporter")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.locator(".toast")).to_have_count(0)
