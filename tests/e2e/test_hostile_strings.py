"""Markup and script in annotations, images and container names stays text, in the page as
served and in the fragments that arrive live. (The API server refuses such label values; the
web tests put them in labels and messages too, straight into the mirror.)"""

from __future__ import annotations

import copy

import pytest
from playwright.sync_api import Page, expect

from simcluster.cluster import SimCluster
from tests.e2e.support import open_live, row

pytestmark = pytest.mark.e2e

PAYLOADS = [
    "<script>window.__hostile=1</script>",
    '"><img src=x onerror="window.__hostile=2">',
    "{{ 7*7 }}{% now 'Y' %}",
    "javascript:window.__hostile=3",
    "' onmouseover='window.__hostile=4",
]
HOSTILE = " ".join(PAYLOADS)


def hostile_rollout(name: str, image: str) -> dict:
    labels = {"app": name}
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": "batch",
                     "labels": {"team": "red-team"},
                     "annotations": {"note": HOSTILE}},
        "spec": {
            "replicas": 1,
            "selector": {"matchLabels": labels},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                {"name": PAYLOADS[4], "image": image}]}},
            "strategy": {"canary": {"steps": [{"setWeight": 50}, {"pause": {}}]}},
        },
    }


def nothing_ran(page: Page, dialogs: list[str]) -> None:
    assert dialogs == []
    assert page.evaluate("window.__hostile === undefined")
    assert page.locator('img[src="x"]').count() == 0
    assert page.evaluate("[...document.scripts].every(s => !s.textContent.includes('__hostile'))")


def test_hostile_strings_render_as_text_on_load_and_live(page: Page, cluster: SimCluster) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    first = hostile_rollout("hostile", PAYLOADS[1])
    cluster.apply([first])
    open_live(page, "/?namespace=batch&q=team:red")
    hostile_row = row(page, "batch", "hostile")
    expect(hostile_row).to_be_visible()
    expect(hostile_row.locator(".img").first).to_have_text(PAYLOADS[1].rsplit("/", 1)[-1])
    nothing_ran(page, dialogs)

    # Live: a new image arrives as a replaced row, a new rollout as an inserted one.
    changed = copy.deepcopy(first)
    changed["spec"]["template"]["spec"]["containers"][0]["image"] = PAYLOADS[0]
    cluster.apply([changed, hostile_rollout("hostile-two", PAYLOADS[3])])
    expect(hostile_row.locator(".tag--canary")).to_be_visible()
    expect(row(page, "batch", "hostile-two")).to_be_visible()
    nothing_ran(page, dialogs)

    open_live(page, "/rollouts/batch/hostile")
    # Let the update settle (paused at its pause step) so the buttons stay put.
    expect(page.locator(".d-summary .status b")).to_have_text("Paused")
    containers = page.locator(".d-containers")
    expect(containers.locator("th")).to_have_text(PAYLOADS[4])
    expect(containers.locator("td.mono")).to_have_text(PAYLOADS[0])
    page.locator('.d-containers button[data-act="set-image"]').click()
    expect(page.locator("#confirm-dialog input[name=image]")).to_have_value(PAYLOADS[0])
    expect(page.locator("#confirm-dialog .confirm-lines")).to_contain_text(PAYLOADS[4])
    page.keyboard.press("Escape")
    nothing_ran(page, dialogs)
