"""Local accounts in Chromium: read-only as anonymous, sign in from the header, act, sign out."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from simcluster.cluster import SimCluster
from tests.e2e.support import EXPECT_TIMEOUT
from tests.servers import ROOT, Dashboard

NS, NAME = "my-demo", "rollouts-demo"
PASSWORD = "a long enough password"


def _manage(server: Dashboard, *args: str, stdin: str = "") -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=server.env, input=stdin,
                   text=True, check=True, capture_output=True, timeout=120)


@pytest.fixture(scope="module")
def accounts(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
             ) -> Iterator[Dashboard]:
    server = Dashboard(cluster.kubeconfig, tmp_path_factory.mktemp("accounts"), env={
        "ROLLOUTS_AUTH": "local", "ROLLOUTS_ANONYMOUS_ROLE": "viewer"})
    server.migrate()
    _manage(server, "access", "user", "add", "olga", "--password-stdin", stdin=PASSWORD + "\n")
    _manage(server, "access", "grant", "operator", "--user", "olga", "--namespace", NS)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def accounts_page(browser: Browser, accounts: Dashboard) -> Iterator[Page]:
    context = browser.new_context(base_url=accounts.url)
    context.set_default_timeout(EXPECT_TIMEOUT)
    page = context.new_page()
    yield page
    context.close()


def test_anonymous_watches_then_signs_in_from_the_header_and_out_again(
        accounts_page: Page, accounts: Dashboard) -> None:
    page = accounts_page
    page.goto(f"/rollouts/{NS}/{NAME}")
    expect(page.locator(".account-who")).to_have_text("not signed in")
    expect(page.locator(".account-role")).to_have_text(f"viewer in {NS}")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("User name").fill("olga")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{accounts.url}/rollouts/{NS}/{NAME}")  # back where they were
    expect(page.locator(".account-who")).to_have_text("olga")
    expect(page.locator(".account-role")).to_have_text(f"operator in {NS}")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{accounts.url}/")
    expect(page.locator(".account-who")).to_have_text("not signed in")


def test_a_wrong_password_says_so_on_the_sign_in_page(accounts_page: Page) -> None:
    accounts_page.goto("/signin")
    accounts_page.get_by_label("User name").fill("olga")
    accounts_page.get_by_label("Password").fill("wrong")
    accounts_page.get_by_role("button", name="Sign in").click()
    expect(accounts_page.get_by_role("alert")).to_have_text("Wrong user name or password.")
    expect(accounts_page.locator(".account-who")).to_have_text("not signed in")
