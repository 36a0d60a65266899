"""The pages run under a Content-Security-Policy that refuses inline script: the dashboard's own
code still works (every browser test fails on a violation, tests/e2e/conftest.py), and code an
attacker manages to inject does not run."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.support import open_live

INJECT = """() => new Promise((resolve) => {
  const seen = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    seen.push(e.effectiveDirective);
    if (seen.length === 2) resolve(seen.sort());
  });
  const script = document.createElement("script");
  script.textContent = "window.__injected = 'script'";
  document.body.append(script);
  const holder = document.createElement("div");
  holder.innerHTML = '<img src="/static/img/favicon.svg" ' +
    'onload="window.__injected = \\'handler\\'">';
  document.body.append(holder);
})"""


def test_the_pages_are_served_with_the_policy(page: Page) -> None:
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy


@pytest.mark.csp_violation_expected
def test_an_injected_inline_script_and_handler_are_blocked_and_reported(
        page: Page, csp_violations: list[str]) -> None:
    open_live(page, "/")
    directives = page.evaluate(INJECT)
    assert directives == ["script-src-attr", "script-src-elem"]
    assert page.evaluate("window.__injected === undefined")
    page.wait_for_function("() => document.querySelector('div > img').complete")
    assert page.evaluate("window.__injected === undefined")
    assert any("script-src-elem refused inline " in v for v in csp_violations), csp_violations


# A second policy, in a <meta> added before anything loads: the browser enforces both, so
# this one alone decides where the page may connect.
TIGHTEN = """new MutationObserver((_, observer) => {
  if (!document.head) return;
  observer.disconnect();
  const meta = document.createElement("meta");
  meta.httpEquiv = "Content-Security-Policy";
  meta.content = "connect-src %s";
  document.head.prepend(meta);
}).observe(document, {childList: true, subtree: true});"""


def test_connect_src_self_alone_lets_chromium_open_the_websocket(page: Page) -> None:
    """CSP 3: 'self' matches ws: on the page's own host and port; the header names ws:// and
    wss:// as well, for browsers that predate that (Safari before 15.4)."""
    page.add_init_script(TIGHTEN % "'self'")
    open_live(page, "/")  # the socket's first frame arrived
    expect(page.locator("#rollout-list .row").first).to_be_visible()


@pytest.mark.csp_violation_expected
def test_the_tightened_policy_is_enforced_so_the_check_above_means_something(
        page: Page, csp_violations: list[str]) -> None:
    page.add_init_script(TIGHTEN % "'none'")
    page.add_init_script("""document.addEventListener("securitypolicyviolation",
      (e) => { document.documentElement.dataset.refused = e.effectiveDirective; });""")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("data-refused", "connect-src")
    assert any(v.startswith("connect-src refused ws://") for v in csp_violations), csp_violations
