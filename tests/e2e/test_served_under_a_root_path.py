"""In Chromium, under ROLLOUTS_ROOT_PATH=/rollouts: the overview goes live over its websocket,
a row leads to the detail page (live too), the clock re-sync and the keyboard's "g o" stay
under the prefix, and the browser never asks for anything outside it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from simcluster.cluster import SimCluster
from tests.e2e.conftest import watch_csp
from tests.e2e.support import EXPECT_TIMEOUT, open_live, row
from tests.ops.support import ROOT_PATH, RootPathDashboard

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def prefixed(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[RootPathDashboard]:
    server = RootPathDashboard(cluster.kubeconfig, Path(tmp_path_factory.mktemp("prefixed")))
    try:
        server.migrate()
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def prefixed_page(browser: Browser, prefixed: RootPathDashboard,
                  csp_violations: list[str]) -> Iterator[tuple[Page, list[str]]]:
    context = browser.new_context(base_url=prefixed.origin, viewport={"width": 1280,
                                                                      "height": 900})
    context.set_default_timeout(EXPECT_TIMEOUT)
    watch_csp(context, csp_violations)
    asked: list[str] = []
    context.on("request", lambda request: asked.append(request.url))
    page = context.new_page()
    yield page, asked
    context.close()
    assert csp_violations == []


def test_the_dashboard_works_under_its_root_path(prefixed_page, prefixed) -> None:
    page, asked = prefixed_page
    open_live(page, ROOT_PATH + "/")
    frontend = row(page, "shop", "frontend")
    expect(frontend.locator("a.name")).to_have_attribute("href",
                                                         f"{ROOT_PATH}/rollouts/shop/frontend")
    frontend.locator("a.name").click()
    page.wait_for_url(f"**{ROOT_PATH}/rollouts/shop/frontend")
    expect(page.locator("#live-status")).to_have_attribute("data-state", "live")
    with page.expect_response(lambda r: r.url.endswith(f"{ROOT_PATH}/healthz")) as clock:
        page.reload()
    assert clock.value.status == 200
    page.keyboard.press("g")
    page.keyboard.press("o")
    page.wait_for_url(f"{prefixed.origin}{ROOT_PATH}/")
    outside = [url for url in asked
               if not url.split("://", 1)[1].split("/", 1)[1].startswith(ROOT_PATH[1:] + "/")]
    assert outside == []
