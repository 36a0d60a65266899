"""Proxy sign-in in Chromium: behind an authenticating proxy the dashboard believes its headers.

daphne runs with ROLLOUTS_AUTH=proxy and trusts 127.0.0.1; in front of it, IdentityProxy (a
reverse proxy of the test's own, HTTP and websockets) says every request is alice of the group
`release`, granted operator in my-demo and viewer elsewhere. A second proxy says ada of `admins`,
to show what alice does not get. A second daphne trusts only 10.0.0.0/8: as both see 127.0.0.1,
headers a browser sends it directly are forged, from an untrusted address.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from kubernetes import client as k8s
from playwright.sync_api import Browser, Page, expect

from simcluster.cluster import SimCluster
from tests.auth.support import manage, start
from tests.e2e.conftest import watch_csp
from tests.e2e.identity_proxy import IdentityProxy
from tests.e2e.own_rollouts import GROUP, PLURAL, VERSION
from tests.e2e.support import EXPECT_TIMEOUT, STEP_TIMEOUT, open_live, same_document
from tests.servers import Dashboard

NS, NAME = "my-demo", "rollouts-demo"
DETAIL = f"/rollouts/{NS}/{NAME}"


def _grant(server: Dashboard) -> None:
    manage(server, "access", "grant", "operator", "--group", "release", "--namespace", NS)
    manage(server, "access", "grant", "viewer", "--group", "release")
    manage(server, "access", "grant", "admin", "--group", "admins")


@pytest.fixture(scope="module")
def behind_the_proxy(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
                     ) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("proxied"), ROLLOUTS_AUTH="proxy",
                   ROLLOUTS_TRUSTED_PROXIES="127.0.0.1/32")
    try:
        _grant(server)
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def trusting_others(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
                    ) -> Iterator[Dashboard]:
    server = start(cluster.kubeconfig, tmp_path_factory.mktemp("untrusting"),
                   ROLLOUTS_AUTH="proxy", ROLLOUTS_TRUSTED_PROXIES="10.0.0.0/8")
    try:
        _grant(server)  # the same grants: only where the headers come from differs
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def alices_proxy(behind_the_proxy: Dashboard) -> Iterator[IdentityProxy]:
    proxy = IdentityProxy(behind_the_proxy.url, "alice", "release", "alice@example.com")
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


@pytest.fixture(scope="module")
def adas_proxy(behind_the_proxy: Dashboard) -> Iterator[IdentityProxy]:
    proxy = IdentityProxy(behind_the_proxy.url, "ada", "admins")
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


class Windows:
    """Browser contexts of the test's own, each on its own base URL, closed by `close`; every
    Content-Security-Policy violation on them is kept in `violations`."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.opened: list[Page] = []
        self.violations: list[str] = []

    def open(self, base_url: str, headers: dict[str, str] | None = None) -> Page:
        context = self.browser.new_context(base_url=base_url,
                                           extra_http_headers=headers or {})
        context.set_default_timeout(EXPECT_TIMEOUT)
        watch_csp(context, self.violations)
        page = context.new_page()
        self.opened.append(page)
        return page

    def close(self) -> None:
        for page in self.opened:
            page.context.close()


@pytest.fixture
def windows(browser: Browser) -> Iterator[Windows]:
    opened = Windows(browser)
    try:
        yield opened
    finally:
        opened.close()
    # The policy holds behind a proxy too.
    assert opened.violations == []


@contextmanager
def an_update_through_the_api(kube: k8s.ApiClient) -> Iterator[None]:
    """A new image for the guide's rollout, set through the Kubernetes API and not the
    dashboard; the old one is set again afterwards (Argo goes straight back to stable), so the
    guide's rollout is left as it was found, for the browser tests that come after."""
    api = k8s.CustomObjectsApi(kube)

    def set_image(image: str) -> None:
        api.patch_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, NAME, {
            "spec": {"template": {"spec": {"containers": [{**container, "image": image}]}}}})

    rollout = api.get_namespaced_custom_object(GROUP, VERSION, NS, PLURAL, NAME)
    (container,) = rollout["spec"]["template"]["spec"]["containers"]
    repository, tag = container["image"].rsplit(":", 1)
    # Another tag than the current one, whichever the tests before left: else no update.
    set_image(f"{repository}:{'orange' if tag == 'purple' else 'purple'}")
    try:
        yield
    finally:
        set_image(container["image"])


def test_through_the_proxy_alice_is_an_operator_and_live_updates_arrive_over_its_websocket(
        windows: Windows, alices_proxy: IdentityProxy,
        adas_proxy: IdentityProxy, kube: k8s.ApiClient) -> None:
    page = windows.open(alices_proxy.url)
    open_live(page, DETAIL)
    expect(page.locator(".account-who")).to_have_text("alice")
    expect(page.locator(".account-role")).to_have_text(f"operator in {NS}")
    promote = page.locator('.d-summary [data-act="promote"]')
    expect(promote).to_be_disabled()  # Healthy at the last step: nothing to promote yet
    assert f"/ws{DETAIL}" in alices_proxy.websockets  # the page's socket went through it

    # An update started through the Kubernetes API, not the dashboard: the controller stops at
    # the guide's indefinite pause, and the page learns it over the proxied socket.
    frames = alices_proxy.frames_to_browser
    with an_update_through_the_api(kube):
        expect(page.locator(".d-summary .stats .stepno")).to_have_text(
            "1/9", timeout=STEP_TIMEOUT)
        expect(promote).to_be_enabled()
        assert same_document(page)
        assert alices_proxy.frames_to_browser > frames

        # The old revision can now be rolled back to, and the image set: by ada, not alice.
        admin = windows.open(adas_proxy.url)
        open_live(admin, DETAIL)
        expect(admin.locator(".account-role")).to_have_text(f"admin in {NS}")
        expect(admin.locator('[data-act="rollback"]').first).to_be_visible()
        expect(admin.locator('[data-act="set-image"]').first).to_be_visible()
        expect(page.locator('[data-act="rollback"]')).to_have_count(0)
        expect(page.locator('[data-act="set-image"]')).to_have_count(0)
    # The old image again: straight back to stable, and the page follows without a reload.
    expect(page.locator(".d-summary .stats .stepno")).to_have_text("9/9", timeout=STEP_TIMEOUT)
    expect(promote).to_be_disabled()
    assert same_document(page)


def test_identity_headers_forged_straight_at_daphne_get_a_403_page(
        windows: Windows, trusting_others: Dashboard) -> None:
    forged = {"X-Forwarded-User": "alice", "X-Forwarded-Groups": "release"}
    page = windows.open(trusting_others.url, forged)
    response = page.goto(DETAIL)
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Forbidden (403)")).to_be_visible()
    expect(page.locator(".signin-error")).to_contain_text(
        "are only accepted from the trusted proxies (ROLLOUTS_TRUSTED_PROXIES), not from "
        "127.0.0.1")
    expect(page.locator(".account-who")).to_have_text("not signed in")
    expect(page.locator(".d-summary")).to_have_count(0)
    # Without the forged headers the same browser is merely anonymous, which may see nothing
    # here: it is the headers that were refused.
    page.context.set_extra_http_headers({})
    response = page.goto(DETAIL)
    assert response is not None and response.status == 401
    expect(page.get_by_role("heading", name="Unauthenticated (401)")).to_be_visible()
