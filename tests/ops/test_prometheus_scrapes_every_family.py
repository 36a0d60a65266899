"""A real Prometheus (Debian's) scrapes a web process's /metrics and a watcher process's own
port; one PromQL query per metric family returns data, from the process that should have it."""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from simcluster.cluster import SimCluster
from tests.mirror.objects import seed_rollout_tree
from tests.ops.support import Prometheus, Watcher
from tests.servers import Dashboard

WEB, WATCHER = "dashboard", "watcher"
BOTH = {WEB, WATCHER}
# family -> (query, the jobs that must answer it)
QUERIES = {
    "watch events": ('sum by (job) (rollouts_watch_events_total{type="MODIFIED"}) > 0', BOTH),
    "re-lists": ('sum by (job) (rollouts_relists_total{kind="rollouts"}) > 0', BOTH),
    "watch errors": ("sum by (job) (rollouts_watch_errors_total) > 0", BOTH),
    "batch size": ("sum by (job) (rollouts_mirror_batch_size_count) > 0", BOTH),
    "commit time": ("histogram_quantile(0.95, sum by (job, le) "
                    "(rollouts_mirror_commit_seconds_bucket))", BOTH),
    "publish lag": ("sum by (job) (rollouts_publish_lag_seconds_count) > 0", BOTH),
    "renders": ('sum by (job) (rollouts_renders_total{part="row"}) > 0', {WEB}),
    "frames sent": ('rollouts_frames_sent_total{page="overview"} > 0', {WEB}),
    "bytes sent": ('rollouts_sent_bytes_total{page="overview"} > 1000', {WEB}),
    "sockets": ('rollouts_websockets_connected{page="overview"} >= 1', {WEB}),
    "actions": ('sum by (job) (rollouts_actions_total{action="pause"}) > 0', {WEB}),
    "leader": ("rollouts_watcher_leader == 1", BOTH),
}
DEADLINE = 90.0


@pytest.fixture
def stack(simcluster: SimCluster, tmp_path: Path) -> Iterator[tuple[Dashboard, Prometheus]]:
    if not Prometheus.available():
        pytest.skip("Debian's prometheus is not installed: `make test` installs it when run as "
                    "root, or run `apt-get install prometheus`")
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    (tmp_path / "web").mkdir()
    (tmp_path / "prom").mkdir()
    web = Dashboard(simcluster.kubeconfig, tmp_path / "web")
    watcher = Watcher(simcluster.kubeconfig, tmp_path)
    prometheus: Prometheus | None = None
    try:
        web.migrate()
        web.start()
        watcher.start()
        targets = {WEB: f"127.0.0.1:{web.port}", WATCHER: f"127.0.0.1:{watcher.port}"}
        prometheus = Prometheus(targets, tmp_path / "prom")
        prometheus.start()
        yield web, prometheus
    finally:
        if prometheus is not None:
            prometheus.stop()
        watcher.stop()
        web.stop()


def post_action(web: Dashboard, action: str) -> None:
    request = urllib.request.Request(
        f"{web.url}/api/v1/rollouts/my-demo/rollouts-demo/{action}", data=b"{}",
        headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        json.loads(response.read())


def answers(prometheus: Prometheus) -> dict[str, set[str]]:
    """family -> the jobs whose answer to its query is a finite number."""
    found = {}
    for family, (query, _) in QUERIES.items():
        found[family] = {series["metric"].get("job", "") for series in prometheus.query(query)
                         if math.isfinite(float(series["value"][1]))}
    return found


def wait_for_every_family(prometheus: Prometheus) -> dict[str, set[str]]:
    deadline = time.monotonic() + DEADLINE
    while True:
        found = answers(prometheus)
        if all(jobs <= found[family] for family, (_, jobs) in QUERIES.items()):
            return found
        if time.monotonic() > deadline:
            return found
        time.sleep(0.5)  # the next scrape is at most a second away


async def read_frames(socket: aiohttp.ClientWebSocketResponse, frames: list[str]) -> None:
    async for message in socket:
        frames.append(message.data)


async def test_every_metric_family_reaches_prometheus(simcluster: SimCluster, stack) -> None:
    web, prometheus = stack
    frames: list[str] = []
    async with aiohttp.ClientSession() as session:
        socket = await session.ws_connect(web.url.replace("http", "ws", 1) + "/ws/overview",
                                          headers={"Origin": web.url})
        reader = asyncio.create_task(read_frames(socket, frames))
        try:
            while not any("rollouts-demo" in frame for frame in frames):
                await asyncio.sleep(0.05)  # the snapshot: the rollout is mirrored and shown
            await asyncio.to_thread(post_action, web, "pause")
            simcluster.store.patch("rollouts", "my-demo", "rollouts-demo",
                                   {"metadata": {"labels": {"team": "ops"}}},
                                   "application/merge-patch+json")
            simcluster.fail_next(500, path="/pods", count=2)
            simcluster.drop_watches()
            found = await asyncio.to_thread(wait_for_every_family, prometheus)
        finally:
            reader.cancel()
            await socket.close()
    missing = {family: sorted(jobs - found[family]) for family, (_, jobs) in QUERIES.items()
               if not jobs <= found[family]}
    assert missing == {}
