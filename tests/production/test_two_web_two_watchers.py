"""Production mode end to end: two daphne web processes and two `watch_rollouts` replicas on
PostgreSQL and Redis, against simcluster (controllers on). A websocket client stands for the
page on web process A (the frames are what htmx would swap in).

One scripted story, in order: a change made through B reaches the page on A; the leading
watcher is SIGKILLed and the other one leads within the lease duration, named by the Lease;
twenty promotes spread over A and B advance exactly one step; the mirror equals the cluster
and the timeline holds each expected event exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest

from rollouts.gateway import Gateway
from rollouts.kinds import ClusterConfig
from rollouts.mirror_db import MODELS
from simcluster.cluster import SimCluster
from tests.production.support import (
    FAST_LEASE,
    LEASE_NAME,
    LEASE_NAMESPACE,
    Databases,
    Watcher,
    migrate,
    production_env,
    real_services,
    wait_for,
    web_process,
)
from tests.servers import Dashboard, request_json

NS, NAME = "my-demo", "rollouts-demo"
TAGS = (f"prod-{n}" for n in itertools.count(1))
LEASE_SECONDS = float(FAST_LEASE["ROLLOUTS_LEASE_DURATION"])


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    database_url, redis_url = real_services()
    root = tmp_path_factory.mktemp("production")
    sim = SimCluster(seeds=("demo",), controllers=True, speed=4.0)
    sim.start()
    dbs = Databases(database_url, redis_url)
    started: list[Any] = []
    try:
        sim.kubeconfig = sim.write_kubeconfig(root / "kubeconfig")
        with contextlib.suppress(Exception):
            sim.store.create("namespaces", {"metadata": {"name": LEASE_NAMESPACE}})
        dbs.create()
        env = production_env(dbs, sim.kubeconfig, NS)
        migrate(env)
        webs = [web_process(env, sim.kubeconfig, root / name) for name in ("web-a", "web-b")]
        watchers = [Watcher(name, env, root) for name in ("watcher-a", "watcher-b")]
        for process in (*watchers, *webs):
            started.append(process)  # first: a daphne that fails to answer is still stopped
            process.start()
        gateway = Gateway(ClusterConfig(kubeconfig=str(sim.kubeconfig)))
        yield {"sim": sim, "dbs": dbs, "webs": webs, "watchers": watchers, "gateway": gateway}
        gateway.close()
    finally:
        for process in reversed(started):
            process.stop()
        sim.stop()
        with contextlib.suppress(Exception):
            dbs.drop()


def _holder(gateway: Gateway) -> str:
    lease = gateway.get_lease(LEASE_NAMESPACE, LEASE_NAME) or {}
    return (lease.get("spec") or {}).get("holderIdentity") or ""


def _mirrored(server: Dashboard) -> dict[str, Any]:
    return request_json(server, "GET", f"/api/v1/rollouts/{NS}/{NAME}")[1]


def _status(gateway: Gateway) -> dict[str, Any]:
    return gateway.get("rollouts", NS, NAME).get("status") or {}


def _new_canary(gateway: Gateway, server: Dashboard) -> str:
    """A new image; waits until the canary is paused at 1/9 in the mirror (seen through web)."""
    image = f"argoproj/rollouts-demo:{next(TAGS)}"
    gateway.patch("rollouts", NS, NAME, [{"op": "replace", "value": image,
                                          "path": "/spec/template/spec/containers/0/image"}],
                  "json")
    wait_for("the canary to pause at 1/9 in the mirror", lambda: (
        (row := _mirrored(server)).get("step") == 1 and row.get("phase") == "Paused"
        and image in row.get("images", [])), show=lambda: _mirrored(server))
    return image


def _promote(server: Dashboard) -> tuple[int, dict[str, Any]]:
    return request_json(server, "POST", f"/api/v1/rollouts/{NS}/{NAME}/promote", {})


def _burst(servers: list[Dashboard], count: int) -> list[int]:
    """`count` promotes at the same moment, spread over the servers."""
    conns = [http.client.HTTPConnection("127.0.0.1", servers[i % len(servers)].port, timeout=90)
             for i in range(count)]
    for conn in conns:
        conn.connect()
    barrier, codes = threading.Barrier(count), []

    def send(conn: http.client.HTTPConnection) -> None:
        barrier.wait()
        conn.request("POST", f"/api/v1/rollouts/{NS}/{NAME}/promote", body="{}",
                     headers={"Content-Type": "application/json"})
        codes.append(conn.getresponse().status)
        conn.close()

    threads = [threading.Thread(target=send, args=(conn,)) for conn in conns]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return sorted(codes)


async def _frames_after(server: Dashboard, act, predicate, timeout: float = 10.0) -> str:
    """Open the detail page's websocket on `server`, read its first frame, `act()`, and return
    the first later frame that satisfies `predicate`."""
    url = f"ws://127.0.0.1:{server.port}/ws/rollouts/{NS}/{NAME}"
    async with aiohttp.ClientSession() as session, session.ws_connect(
            url, headers={"Origin": server.url}) as socket:
        await socket.receive_str(timeout=10)
        await asyncio.to_thread(act)
        deadline = time.monotonic() + timeout
        while True:
            frame = await socket.receive_str(timeout=max(0.1, deadline - time.monotonic()))
            if predicate(frame):
                return frame


def _mirror_differences(stack: dict[str, Any]) -> list[str]:
    gateway, dbs, problems = stack["gateway"], stack["dbs"], []
    for kind, model in MODELS.items():
        cluster = {o["metadata"]["name"]: o for o in gateway.list(kind, NS)[0]}
        rows = dbs.query(f'SELECT name, raw FROM "{model._meta.db_table}" WHERE namespace = %s',
                         NS)
        mirrored = dict(rows)
        if set(cluster) != set(mirrored):
            problems.append(f"{kind}: {sorted(set(cluster) ^ set(mirrored))[:4]}")
        problems += [f"{kind} {n} stale" for n in cluster if n in mirrored
                     and cluster[n] != mirrored[n]]
    return problems


def _events(dbs: Databases, after: int) -> list[tuple[str, int | None, int | None]]:
    return [tuple(row) for row in dbs.query(
        "SELECT kind, revision, step_index FROM rollouts_rolloutevent "
        "WHERE namespace = %s AND name = %s AND id > %s ORDER BY at, id", NS, NAME, after)]


def test_two_web_processes_and_two_watchers_share_one_live_state(stack):
    sim, gateway, dbs = stack["sim"], stack["gateway"], stack["dbs"]
    web_a, web_b = stack["webs"]
    identities = {w.identity: w for w in stack["watchers"]}
    leader = identities[wait_for("a leader", lambda: _holder(gateway) in identities and
                                 _holder(gateway))]
    wait_for("the first deploy in the mirror", lambda: _mirrored(web_a).get("phase") == "Healthy")
    first_event = dbs.query("SELECT coalesce(max(id), 0) FROM rollouts_rolloutevent")[0][0]
    _new_canary(gateway, web_a)

    # A change made through web process B reaches the page on web process A.
    frame = asyncio.run(_frames_after(web_a, lambda: _promote(web_b),
                                      lambda f: "3/9" in f))
    assert NAME in frame
    wait_for("the controller to pause at 3/9", lambda: (
        (s := _status(gateway)).get("currentStepIndex") == 3 and s.get("pauseConditions")))

    # The leader dies; the standby leads within the lease duration and the Lease says so.
    killed_at = time.monotonic()
    leader.kill()
    standby = next(w for w in stack["watchers"] if w is not leader)
    wait_for("the standby to lead", lambda: _holder(gateway) == standby.identity,
             timeout=LEASE_SECONDS * 3, show=lambda: _holder(gateway))
    assert time.monotonic() - killed_at <= LEASE_SECONDS + 2 * 0.5 + 1.0

    # Twenty promotes over both web processes, handled by the new leader's mirror.
    _new_canary(gateway, web_b)
    assert _burst([web_a, web_b], 20) == [200] + [409] * 19
    status = wait_for("the rollout to pause again", lambda: (
        (s := _status(gateway)).get("pauseConditions") and s))
    assert status["currentStepIndex"] == 3

    sim.pause_controllers()
    try:
        wait_for("the mirror to equal the cluster", lambda: not _mirror_differences(stack),
                 show=lambda: _mirror_differences(stack))
    finally:
        sim.resume_controllers()
    events = _events(dbs, first_event)
    assert _story(events) == _story(expected_events()), events


def _story(events: list[tuple[str, int | None, int | None]]) -> Counter:
    """Each event of the story, counted: none lost, none doubled. How the mirror's batches cut
    the controller's writes decides the order of events noted at one moment, and whether a
    `resumed` is noted at the step the pause was on or at the next one; not whether it happened."""
    return Counter((kind, revision, None if kind == "resumed" else step)
                   for kind, revision, step in events)


def _steps_to_pause_at_3(revision: int) -> list[tuple[str, int | None, int | None]]:
    """A canary of the guide from its update to the one-minute pause at 3/9, promoted at 1/9."""
    return [
        ("step-entered", revision, 0), ("weight-changed", revision, None),
        ("step-left", revision, 0), ("step-entered", revision, 1),
        ("weight-changed", revision, None), ("paused", revision, 1),
        ("step-left", revision, 1), ("step-entered", revision, 2),
        ("weight-changed", revision, None), ("promoted", revision, 1), ("resumed", revision, 2),
        ("step-left", revision, 2), ("step-entered", revision, 3),
        ("weight-changed", revision, None), ("paused", revision, 3),
    ]


def expected_events() -> list[tuple[str, int | None, int | None]]:
    """Revision 2 (promoted once through B, leader killed at 3/9), then revision 3 replacing it
    (the new leader's; promoted once by the burst): each event exactly once, none missing."""
    second = _steps_to_pause_at_3(3)
    return [("update-started", 2, None), *_steps_to_pause_at_3(2),
            ("update-started", 3, None), *second[:2], ("resumed", 3, 0), *second[2:]]
