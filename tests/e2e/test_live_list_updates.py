"""What live messages do to an open overview, frame by frame: new rows take their sorted
place, a changed row moves only when its sort key changed and is updated in place, filters and
counts follow, deleted rows leave; a frame the page's own code does not apply is left to htmx.
(Frames come from the server's own rendering and framing code, see live_frames.py.)"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.live_frames import PAUSED, LivePage, degraded, rendered

pytestmark = pytest.mark.e2e


def test_new_rows_take_their_sorted_place_and_the_counts_follow(page: Page) -> None:
    live = LivePage(page)
    live.send(rendered("cherry", PAUSED), rendered("apple"), degraded("banana"))
    expect(page.locator("#total-count")).to_have_text("3")
    assert live.names() == ["apple", "banana", "cherry"]
    assert [live.count(c) for c in ("Paused", "Degraded", "Healthy", "attention")] == [
        "1", "1", "1", "1"]
    expect(page.locator("#shown-count")).to_have_text("3")
    expect(page.locator("#empty-state")).to_be_hidden()
    # Ages, not the server's clock: new rows are ticked as they arrive.
    ages = page.locator("#rollout-list .c-changed time").all_inner_texts()
    assert all(re.fullmatch(r"\d+s", age) for age in ages), ages


def test_a_changed_row_moves_only_when_its_sort_key_changed_and_stays_the_same_element(
        page: Page) -> None:
    live = LivePage(page, "sort=status")
    live.send(rendered("a"), rendered("b", PAUSED), rendered("c"))
    expect(page.locator("#total-count")).to_have_text("3")
    assert live.names() == ["b", "a", "c"]  # Paused before Healthy, then by name
    page.evaluate("document.querySelectorAll('#rollout-list > .row')"
                  ".forEach(r => { r.__before = true; })")

    live.send(rendered("a", message="a new message"))
    expect(page.locator('.row[data-name="a"] .msg')).to_have_text("a new message")
    assert live.names() == ["b", "a", "c"]
    live.send(degraded("c"))
    expect(page.locator('.row[data-name="c"]')).to_have_attribute("data-status", "Degraded")
    # A row moves within a second of its change (reorders are batched, see overview.js).
    page.wait_for_function("() => [...document.querySelectorAll('#rollout-list > .row')]"
                           ".map(r => r.dataset.name).join() === 'c,b,a'", timeout=5000)
    assert live.count("Degraded") == "1" and live.count("Healthy") == "1"
    assert page.evaluate("[...document.querySelectorAll('#rollout-list > .row')]"
                         ".every(r => r.__before === true)")


def test_filters_and_counts_follow_rows_that_change_live(page: Page) -> None:
    live = LivePage(page, "status=Paused")
    live.send(rendered("a", PAUSED), rendered("b"))
    expect(page.locator("#total-count")).to_have_text("2")
    assert live.names() == ["a"]
    expect(page.locator("#shown-count")).to_have_text("1")

    live.send(rendered("a"))  # Paused -> Healthy: no longer matches
    expect(page.locator('.row[data-name="a"]')).to_be_hidden()
    expect(page.locator("#shown-count")).to_have_text("0")
    expect(page.locator('#empty-state [data-empty="filtered"]')).to_be_visible()
    assert (live.count("Paused"), live.count("Healthy")) == ("0", "2")

    live.send(rendered("b", PAUSED))  # Healthy -> Paused: now it does
    expect(page.locator('.row[data-name="b"]')).to_be_visible()
    expect(page.locator("#shown-count")).to_have_text("1")
    expect(page.locator("#empty-state")).to_be_hidden()
    assert live.names() == ["b"]


def test_a_search_is_applied_to_rows_that_arrive(page: Page) -> None:
    live = LivePage(page, "q=team:%22pay%22,zeb")
    live.send(rendered("zebra"), rendered("other", labels={"team": "pay"}),
              rendered("payroll", labels={"team": "payroll"}))
    expect(page.locator("#total-count")).to_have_text("3")
    # Any term may match: "zebra" by name, "other" by its exact label.
    assert live.names() == ["other", "zebra"]
    page.locator("#search").fill("zeb")
    expect(page.locator("#rollout-list > .row:visible")).to_have_count(1)
    live.send(rendered("zeal"), rendered("other", PAUSED, labels={"team": "pay"}))
    expect(page.locator("#total-count")).to_have_text("4")
    assert live.names() == ["zebra"]  # "zeal" does not contain "zeb"; "other" stays hidden


def test_deleted_rows_leave_the_list_and_the_counts(page: Page) -> None:
    live = LivePage(page)
    live.send(rendered("a"), rendered("b", PAUSED), rendered("c"))
    expect(page.locator("#total-count")).to_have_text("3")
    live.send(removed=("b", "c"))
    expect(page.locator("#total-count")).to_have_text("1")
    assert live.names(visible_only=False) == ["a"]
    assert (live.count("Paused"), live.count("Healthy")) == ("0", "1")
    live.send(removed=("a",))
    expect(page.locator('#empty-state [data-empty="none"]')).to_be_visible()


def test_a_row_inserted_again_is_there_once(page: Page) -> None:
    live = LivePage(page)
    live.send(rendered("a"), rendered("b"))
    expect(page.locator("#total-count")).to_have_text("2")
    live.known.clear()  # as if a reconnect crossed a message: the server sends "insert" again
    live.send(rendered("b", PAUSED))
    expect(page.locator('#rollout-list [id$="--b"]')).to_have_count(1)
    expect(page.locator('.row[data-name="b"]')).to_have_attribute("data-status", "Paused")
    assert live.names() == ["a", "b"]
    assert (live.count("Paused"), live.count("Healthy")) == ("1", "1")


def test_the_selected_row_and_the_focused_button_survive_updates(page: Page) -> None:
    live = LivePage(page)
    live.send(rendered("a", PAUSED), rendered("b", PAUSED))
    expect(page.locator("#total-count")).to_have_text("2")
    page.keyboard.press("j")
    selected = page.locator("#rollout-list .row.is-selected")
    expect(selected).to_have_attribute("data-name", "a")
    page.locator('.row[data-name="a"] button[data-act="restart"]').focus()

    live.send(rendered("a", PAUSED, message="still paused"))
    expect(page.locator('.row[data-name="a"] .msg')).to_have_text("still paused")
    expect(selected).to_have_attribute("data-name", "a")
    assert page.evaluate("document.activeElement.dataset.act") == "restart"
    assert page.evaluate("document.activeElement.closest('.row').dataset.name") == "a"
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(selected).to_have_attribute("data-name", "b")


def test_a_frame_the_page_does_not_apply_itself_is_left_to_htmx(page: Page) -> None:
    live = LivePage(page)
    live.send(rendered("b"))
    expect(page.locator("#total-count")).to_have_text("1")
    html = rendered("a", PAUSED).html
    page.evaluate("""(html) => {
      const frame = '<div hx-swap-oob="afterbegin:#rollout-list">' + html + '</div>';
      const socket = document.querySelector("[ws-connect]")["htmx-internal-data"].webSocket.socket;
      socket.dispatchEvent(new MessageEvent("message", {data: frame}));
    }""", html)
    expect(page.locator("#total-count")).to_have_text("2")
    assert live.names() == ["a", "b"]
    assert live.count("Paused") == "1"
