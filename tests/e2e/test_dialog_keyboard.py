"""Confirm dialogs that cannot misfire: keyboard only (Tab to Promote, Enter, Enter the moment
the dialog shows) posts exactly once and advances exactly one step, every time; with
JavaScript off the same dialog still posts, and the page it lands on says how it went."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from kubernetes import client as k8s
from playwright.sync_api import Browser, Page, Request, expect

from tests.e2e.conftest import Dashboard
from tests.e2e.own_rollouts import own_namespace, paused_rollout, step_index
from tests.e2e.support import EXPECT_TIMEOUT, open_live, same_document

pytestmark = pytest.mark.e2e

NAMESPACE = "dialogs"
REPETITIONS = 20


@pytest.fixture(scope="module")
def namespace(kube: k8s.ApiClient) -> Iterator[str]:
    with own_namespace(kube, NAMESPACE) as name:
        yield name


def posts_to_actions(page: Page) -> list[str]:
    posts: list[str] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and "/actions/" in request.url:
            posts.append(request.url)
    page.on("request", seen)
    return posts


def tab_to(page: Page, action: str) -> None:
    """Press Tab until the toolbar's `action` button has the focus."""
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.act") == action:
            return
    raise AssertionError(f"Tab never reached the {action} button")


def test_tab_enter_enter_posts_once_and_advances_one_step_every_time(
        page: Page, kube: k8s.ApiClient, namespace: str) -> None:
    paused_rollout(kube, namespace, "keyboard", REPETITIONS + 2)
    open_live(page, f"/rollouts/{namespace}/keyboard")
    summary, dialog = page.locator(".d-summary"), page.locator("#confirm-dialog")
    step = summary.locator(".stats .stepno")
    expect(step).to_have_text(f"0/{REPETITIONS + 2}")
    expect(summary.locator('button[data-act="promote"]')).to_be_enabled()
    posts = posts_to_actions(page)
    for done in range(REPETITIONS):
        page.evaluate("document.getElementById('toasts').replaceChildren()")
        tab_to(page, "promote")
        page.keyboard.press("Enter")
        # The second Enter goes in the moment the dialog is open, with no wait for anything else.
        page.wait_for_function("() => document.getElementById('confirm-dialog').open",
                               polling="raf")
        page.keyboard.press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator("#toasts .toast--ok")).to_have_count(1)
        expect(page.locator("#toasts .toast--ok")).to_contain_text("Promote: sent")
        expect(step).to_have_text(f"{done + 1}/{REPETITIONS + 2}")
        assert len(posts) == done + 1, posts
        assert step_index(kube, namespace, "keyboard") == done + 1
        expect(summary.locator('button[data-act="promote"]')).to_be_enabled()
    assert same_document(page)  # never a native submission reloading the page


def wait_until_mirrored_paused(page: Page, namespace: str, name: str) -> None:
    """A page without script does not update itself: ask the dashboard until it has seen it."""
    deadline = time.monotonic() + EXPECT_TIMEOUT / 1000
    while time.monotonic() < deadline:
        answer = page.request.get(f"/api/v1/rollouts/{namespace}/{name}")
        if answer.ok and answer.json()["info"].get("status") == "Paused":
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the dashboard never showed {namespace}/{name} as Paused")


@pytest.fixture
def no_js_page(browser: Browser, dashboard: Dashboard) -> Iterator[Page]:
    context = browser.new_context(base_url=dashboard.url, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_without_javascript_the_dialog_posts_and_the_page_shows_the_result(
        no_js_page: Page, kube: k8s.ApiClient, namespace: str) -> None:
    paused_rollout(kube, namespace, "no-script", 3)
    detail = f"/rollouts/{namespace}/no-script"
    page = no_js_page
    wait_until_mirrored_paused(page, namespace, "no-script")
    posts = posts_to_actions(page)
    page.goto(f"{detail}/confirm/promote")
    expect(page.locator("h2#dialog-title")).to_contain_text("Promote")
    confirm = page.locator('form.confirm button[type="submit"]')
    expect(confirm).to_be_focused()  # autofocus needs no script
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{detail}")
    assert len(posts) == 1
    toast = page.locator("#toasts .toast--ok")
    expect(toast).to_contain_text("Promote: sent")
    expect(toast).to_contain_text("rollout 'no-script' promoted")
    assert step_index(kube, namespace, "no-script") == 1
    expect(page.locator(".d-actions-log")).to_contain_text("promote")
    page.reload()
    expect(page.locator("#toasts .toast")).to_have_count(0)  # shown once
