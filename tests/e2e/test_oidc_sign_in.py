"""Single sign-on in Chromium against a real OpenID provider (oidc-provider-mock, its own process).

The dashboard runs with ROLLOUTS_AUTH=oidc; its issuer is IssuerProxy, a transparent proxy in
front of the provider that can make a token name another issuer, carry a nonce the dashboard never
sent, or arrive expired. A grant gives
the group `team-a` the operator role in my-demo: the provider's groups claim decides the role.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from simcluster.cluster import SimCluster
from tests.e2e.oidc_provider import EXPIRING_MAX_AGE, FORGED_NONCE, IssuerProxy, Provider
from tests.e2e.support import EXPECT_TIMEOUT
from tests.servers import ROOT, Dashboard

NS, NAME = "my-demo", "rollouts-demo"
ALICE = {"email": "alice@example.com", "preferred_username": "alice", "groups": ["team-a"]}


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[IssuerProxy]:
    log_dir = tmp_path_factory.mktemp("oidc")
    normal = Provider(log_dir)
    expiring = Provider(log_dir, "--token-max-age", str(EXPIRING_MAX_AGE))
    normal.start()
    expiring.start()
    proxy = IssuerProxy(normal, expiring)
    proxy.start()
    yield proxy
    proxy.stop()
    expiring.stop()
    normal.stop()


@pytest.fixture(scope="module")
def sso(cluster: SimCluster, issuer: IssuerProxy, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Dashboard]:
    server = Dashboard(cluster.kubeconfig, tmp_path_factory.mktemp("sso"), env={
        "ROLLOUTS_AUTH": "oidc", "ROLLOUTS_ANONYMOUS_ROLE": "none",
        "ROLLOUTS_OIDC_ISSUER": issuer.url, "ROLLOUTS_OIDC_CLIENT_ID": "rollouts-dashboard",
        "ROLLOUTS_OIDC_CLIENT_SECRET": "not-checked-by-the-test-provider"})
    server.migrate()
    subprocess.run([sys.executable, "manage.py", "access", "grant", "operator", "--group",
                    "team-a", "--namespace", NS], cwd=ROOT, env=server.env, check=True,
                   capture_output=True, timeout=120)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def sso_page(browser: Browser, sso: Dashboard, issuer: IssuerProxy) -> Iterator[Page]:
    issuer.mode = "normal"
    for provider in (issuer.normal, issuer.expiring):
        provider.set_user("alice", **ALICE)
    context = browser.new_context(base_url=sso.url)
    context.set_default_timeout(EXPECT_TIMEOUT)
    page = context.new_page()
    yield page
    context.close()


def _sign_in_at_the_provider(page: Page, issuer: IssuerProxy, path: str = "/",
                             sub: str = "alice") -> None:
    """Open a page: anonymous may see nothing here, so the provider asks who this is."""
    page.goto(path)
    page.wait_for_url(f"{issuer.url}/oauth2/authorize?*")
    page.locator("input[name=sub]").fill(sub)
    page.get_by_role("button", name="Authorize").click()


def test_signing_in_maps_the_groups_claim_to_a_role_and_signing_out_ends_it(
        sso_page: Page, sso: Dashboard, issuer: IssuerProxy) -> None:
    page = sso_page
    with page.expect_request(re.compile(r".*/oauth2/authorize\?.*")) as authorize:
        _sign_in_at_the_provider(page, issuer, f"/rollouts/{NS}/{NAME}")
    assert "code_challenge_method=S256" in authorize.value.url  # PKCE
    page.wait_for_url(f"{sso.url}/rollouts/{NS}/{NAME}")
    expect(page.locator(".account-who")).to_have_text("alice")
    expect(page.locator(".account-role")).to_have_text(f"operator in {NS}")
    assert page.request.get(f"{sso.url}/api/v1/rollouts").status == 200

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{issuer.url}/oauth2/end_session?*")  # the provider's own logout
    page.get_by_role("button", name="End session").click()
    # Back at the dashboard, signed out: it sends the browser to the provider again.
    page.wait_for_url(f"{issuer.url}/oauth2/authorize?*")
    assert page.request.get(f"{sso.url}/api/v1/rollouts").status == 401


def test_groups_are_read_again_at_every_sign_in(sso_page: Page, sso: Dashboard,
                                                issuer: IssuerProxy) -> None:
    issuer.normal.set_user("alice", **{**ALICE, "groups": ["team-a", "team-b"]})
    _sign_in_at_the_provider(sso_page, issuer, f"/rollouts/{NS}/{NAME}")
    expect(sso_page.locator(".account-role")).to_have_text(f"operator in {NS}")
    sso_page.get_by_role("button", name="Sign out").click()
    sso_page.get_by_role("button", name="End session").click()
    issuer.normal.set_user("alice", **{**ALICE, "groups": ["someone-else"]})
    sso_page.locator("input[name=sub]").fill("alice")
    sso_page.get_by_role("button", name="Authorize").click()
    # No grant for someone-else: signed in, but with nothing to see.
    expect(sso_page.locator(".signin-error")).to_have_text(
        "alice may not see any rollouts: ask an admin for a grant")


def _refused(page: Page, message: str) -> None:
    expect(page.get_by_role("heading", name="Sign-in failed")).to_be_visible()
    expect(page.locator(".signin-error")).to_contain_text(message)
    expect(page.locator(".account-who")).to_have_text("not signed in")


def test_a_callback_with_a_forged_state_is_refused_with_a_clear_page(
        sso_page: Page, sso: Dashboard, issuer: IssuerProxy) -> None:
    sso_page.goto("/")
    sso_page.wait_for_url(f"{issuer.url}/oauth2/authorize?*")
    response = sso_page.goto(f"{sso.url}/oidc/callback/?code=stolen&state=forged")
    assert response is not None and response.status == 403
    _refused(sso_page, "its state matches no sign-in this browser started")


def test_an_id_token_from_another_issuer_is_refused_with_a_clear_page(
        sso_page: Page, issuer: IssuerProxy) -> None:
    issuer.mode = "wrong-issuer"
    _sign_in_at_the_provider(sso_page, issuer)
    _refused(sso_page, f"not by '{issuer.url}'")


def test_an_id_token_with_a_nonce_the_dashboard_never_sent_is_refused_with_a_clear_page(
        sso_page: Page, sso: Dashboard, issuer: IssuerProxy) -> None:
    issuer.mode = "forged-nonce"
    with (sso_page.expect_request(re.compile(r".*/oauth2/authorize\?.*")) as authorize,
          sso_page.expect_response(re.compile(r".*/oidc/callback/\?.*")) as callback):
        _sign_in_at_the_provider(sso_page, issuer)
    # The dashboard sent a nonce of its own; only the provider was told another one.
    assert "nonce=" in authorize.value.url and FORGED_NONCE not in authorize.value.url
    assert callback.value.status == 403
    _refused(sso_page, "the ID token's nonce is not the one this sign-in sent")
    # No session came of it: the API still takes this browser for anonymous.
    assert sso_page.request.get(f"{sso.url}/api/v1/rollouts").status == 401


def test_an_expired_id_token_is_refused_with_a_clear_page(sso_page: Page,
                                                          issuer: IssuerProxy) -> None:
    issuer.mode = "expired"
    _sign_in_at_the_provider(sso_page, issuer)
    _refused(sso_page, "the provider's ID token has expired")
