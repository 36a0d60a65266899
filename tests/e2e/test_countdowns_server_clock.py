"""Pause and scale-down countdowns run on the server's clock: a browser whose clock is 37
minutes ahead of the server's, or 37 minutes behind it, shows the time the server says is left,
and one whose clock jumps while the page is open is measured again when its socket reconnects.

A cluster of its own, controllers off, at real speed: the guide's paused step and its old
revision waiting to scale down are posed with deadlines relative to now, and nothing moves
them, so the server's remaining time is known to the second."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Locator, expect

from simcluster.cluster import SimCluster
from tests.e2e.conftest import Dashboard
from tests.e2e.support import open_live
from tests.web.support import BEFORE_SCALE_DOWN, PAUSED_STEP3, guide

pytestmark = pytest.mark.e2e

PAUSE_LEFT = 50.0  # the guide's step 3 is a 1m pause: started 10 s ago
SCALE_DOWN_LEFT = 100.0
SKEW = timedelta(minutes=37)
TOLERANCE = 2  # seconds: whole-second display, the page's own latency, test steps


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def deadlines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, float]]:
    """The cluster posed, then the dashboard on it; the deadlines as epoch seconds."""
    sim = SimCluster(seeds=(), controllers=False, bookmark_interval=1.0)
    sim.start()
    kubeconfig = sim.write_kubeconfig(tmp_path_factory.mktemp("still") / "kubeconfig")
    now = datetime.now(UTC).replace(microsecond=0)
    paused = guide(PAUSED_STEP3)
    paused.rollout["status"]["pauseConditions"][0]["startTime"] = stamp(
        now - timedelta(seconds=60 - PAUSE_LEFT))
    old = guide(BEFORE_SCALE_DOWN, name="scaling-down")
    for rs in old.lists["replicasets"]:
        if "scale-down-deadline" in rs["metadata"].get("annotations", {}):
            rs["metadata"]["annotations"]["scale-down-deadline"] = stamp(
                now + timedelta(seconds=SCALE_DOWN_LEFT))
    sim.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "my-demo"}},
               paused.rollout, *sum(paused.lists.values(), []),
               old.rollout, *old.lists["replicasets"]])
    server = Dashboard(kubeconfig, tmp_path_factory.mktemp("still-dashboard"))
    server.migrate()
    server.start()
    yield {"url": server.url, "pause": now.timestamp() + PAUSE_LEFT,  # type: ignore[dict-item]
           "scale_down": now.timestamp() + SCALE_DOWN_LEFT, "server": server}
    server.stop()
    sim.stop()


def seconds_left(countdown: Locator) -> int:
    expect(countdown).to_have_text(re.compile(r"^in \d+s$"))
    return int(re.fullmatch(r"in (\d+)s", countdown.inner_text()).group(1))  # type: ignore[union-attr]


@pytest.mark.parametrize("skew", [SKEW, -SKEW], ids=["browser-ahead", "browser-behind"])
def test_countdowns_show_the_servers_remaining_time_whatever_the_browsers_clock(
        browser: Browser, deadlines: dict, skew: timedelta) -> None:
    context = browser.new_context(base_url=deadlines["url"],
                                  viewport={"width": 1280, "height": 900})
    context.clock.install(time=datetime.now(UTC) + skew)
    page = context.new_page()
    try:
        assert abs(page.evaluate("Date.now()") / 1000 - time.time() - skew.total_seconds()) < 5
        open_live(page, "/rollouts/my-demo/rollouts-demo")
        pause = page.locator(".st--current .st-countdown time")
        assert abs(seconds_left(pause) - (deadlines["pause"] - time.time())) <= TOLERANCE

        open_live(page, "/rollouts/my-demo/scaling-down")
        scale_down = page.locator(".d-revisions .scaledown time")
        left = seconds_left(scale_down)
        assert abs(left - (deadlines["scale_down"] - time.time())) <= TOLERANCE
    finally:
        context.close()


def test_a_browser_clock_that_jumps_is_measured_again_when_the_socket_reconnects(
        browser: Browser, deadlines: dict) -> None:
    context = browser.new_context(base_url=deadlines["url"],
                                  viewport={"width": 1280, "height": 900})
    context.clock.install(time=datetime.now(UTC))
    page = context.new_page()
    try:
        open_live(page, "/rollouts/my-demo/rollouts-demo")
        pause = page.locator(".st--current .st-countdown time")
        assert abs(seconds_left(pause) - (deadlines["pause"] - time.time())) <= TOLERANCE
        # The browser's clock is corrected by 37 minutes while the page stays open…
        context.clock.set_system_time(datetime.now(UTC) + SKEW)
        expect(pause).to_have_text("ending")
        # …and the next (re)connect of its websocket measures the offset again (seconds_left
        # waits for the countdown to read "in …" once more).
        deadlines["server"].restart()
        assert abs(seconds_left(pause) - (deadlines["pause"] - time.time())) <= TOLERANCE
    finally:
        context.close()
