"""Browser tests: Chromium (Debian's) driving the real app under daphne against simcluster.

* `cluster` — one simcluster for the session, in this process: the demo seed, controllers on,
  its clock sped up (SPEED) so the guide's one-minute pauses take a few seconds.
* `dashboard` — daphne as a child process running `dashboard.asgi:application` with the
  embedded watcher, pointed at the cluster through a kubeconfig, with its own SQLite database
  migrated first. `dashboard.restart()` stops and starts it on the same port.
* `browser` / `page` — Playwright's sync API (this run is a pytest process of its own: the
  sync API keeps an event loop on the main thread).
* `kube` — the official Kubernetes client on the same kubeconfig, for changes made "through
  the API" rather than through the dashboard.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    expect,
    sync_playwright,
)

from simcluster.cluster import SimCluster
from tests.e2e.support import EXPECT_TIMEOUT, SPEED
from tests.servers import Dashboard

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimCluster]:
    sim = SimCluster(seeds=("demo",), controllers=True, speed=SPEED, bookmark_interval=1.0)
    sim.start()
    sim.kubeconfig = sim.write_kubeconfig(tmp_path_factory.mktemp("cluster") / "kubeconfig")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def dashboard(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[Dashboard]:
    server = Dashboard(cluster.kubeconfig, tmp_path_factory.mktemp("dashboard"))
    server.migrate()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


# Each document hands every Content-Security-Policy violation to Python as it happens, so that
# one on a page that has since navigated away is not lost.
REPORT_CSP_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(`${e.effectiveDirective} refused ${e.blockedURI} ` +
    `(${e.sourceFile || location.href}:${e.lineNumber}) ${e.sample || ""}`);
});"""
CSP_MARKER = "csp_violation_expected"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{CSP_MARKER}: the test provokes a CSP violation itself")


@pytest.fixture
def csp_violations() -> list[str]:
    """What the page's documents reported, and Chromium's console said, about the CSP."""
    return []


def watch_csp(context: BrowserContext, violations: list[str]) -> None:
    def report(text: str) -> None:
        violations.append(text)
    context.expose_function("__cspViolation", report)
    context.add_init_script(REPORT_CSP_VIOLATIONS)

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(f"console: {message.text}")
    context.on("console", on_console)


@pytest.fixture
def page(browser: Browser, dashboard: Dashboard, csp_violations: list[str],
         request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(base_url=dashboard.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(EXPECT_TIMEOUT)
    expect.set_options(timeout=EXPECT_TIMEOUT)
    watch_csp(context, csp_violations)
    page = context.new_page()
    yield page
    context.close()
    # Every browser test runs under the policy: any violation is a failure of that test.
    if csp_violations and request.node.get_closest_marker(CSP_MARKER) is None:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(csp_violations))


@pytest.fixture(scope="session")
def kube(cluster: SimCluster) -> Iterator[k8s.ApiClient]:
    api = k8s_config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield api
    api.close()

