"""Many hurried operators at once, over real HTTP against daphne + simcluster (controllers on):
however many promotes race, with or without `expect`, and however many web processes take them,
the guide's rollout paused at 1/9 advances exactly one step; an abort racing promotes: one wins."""

from __future__ import annotations

import http.client
import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from kubernetes import client as k8s
from kubernetes import config as k8s_config

from simcluster.cluster import SimCluster
from tests.servers import Dashboard, request_json

NS, NAME = "my-demo", "rollouts-demo"
ROLLOUT_PATH = f"/apis/argoproj.io/v1alpha1/namespaces/{NS}/rollouts/{NAME}"
# A new tag for every canary: the seed's own `blue` would be a rollback to the stable revision.
TAGS = (f"parallel-{n}" for n in itertools.count(1))
# Fast enough that a canary reaches its first pause in seconds, slow enough that the guide's
# one-minute pause at step 3 outlasts the test's look at it.
SPEED = 4.0


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimCluster]:
    sim = SimCluster(seeds=("demo",), controllers=True, speed=SPEED)
    sim.start()
    sim.kubeconfig = sim.write_kubeconfig(tmp_path_factory.mktemp("cluster") / "kubeconfig")
    yield sim
    sim.stop()


def _server(cluster: SimCluster, state_dir: Path, watcher: str) -> Dashboard:
    server = Dashboard(cluster.kubeconfig, state_dir)
    server.env.update(ROLLOUTS_WATCHER=watcher, ROLLOUTS_NAMESPACES=NS)
    return server


@pytest.fixture(scope="module")
def kube(cluster: SimCluster) -> Iterator[Any]:
    api = k8s_config.new_client_from_config(config_file=str(cluster.kubeconfig))
    yield k8s.CustomObjectsApi(api)
    api.close()


@pytest.fixture(scope="module")
def web(cluster: SimCluster, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[list[Dashboard]]:
    """Two daphne processes on one database: the first runs the watcher, the second only serves."""
    state_dir = tmp_path_factory.mktemp("dashboard")
    first, second = _server(cluster, state_dir, "embedded"), _server(cluster, state_dir, "off")
    first.migrate()
    first.start()
    second.start()
    yield [first, second]
    second.stop()
    first.stop()


def _wait(what: str, check: Callable[[], Any], timeout: float = 60.0,
          show: Callable[[], Any] = lambda: "") -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {show()}"
        time.sleep(0.1)
    return found


def _mirrored(server: Dashboard) -> dict[str, Any]:
    return request_json(server, "GET", f"/api/v1/rollouts/{NS}/{NAME}")[1]


def _paused_at_step_1(kube: Any, server: Dashboard) -> dict[str, Any]:
    """A new canary of the guide's rollout, paused at 1/9 and seen so by the dashboard."""
    image = f"argoproj/rollouts-demo:{next(TAGS)}"
    patch = {"spec": {"template": {"spec": {"containers": [{"name": NAME, "image": image}]}}}}
    rollout = _rollout(kube)
    containers = rollout["spec"]["template"]["spec"]["containers"]
    patch["spec"]["template"]["spec"]["containers"] = [{**c, "image": image} for c in containers]
    kube.patch_namespaced_custom_object("argoproj.io", "v1alpha1", NS, "rollouts", NAME, patch)
    return _wait("the canary to pause at 1/9 in the mirror", lambda: (
        (row := _mirrored(server)).get("step") == 1 and row.get("phase") == "Paused"
        and image in row.get("images", []) and row), show=lambda: _mirrored(server))


def _rollout(kube: Any) -> dict[str, Any]:
    return kube.get_namespaced_custom_object("argoproj.io", "v1alpha1", NS, "rollouts", NAME)


def _burst(servers: list[Dashboard], bodies: list[tuple[str, Any]]
           ) -> list[tuple[str, int, dict[str, Any]]]:
    """Send every (action, body) at the same moment, spread over the servers, connections
    opened first so that the requests leave together."""
    conns = [http.client.HTTPConnection("127.0.0.1", servers[i % len(servers)].port, timeout=90)
             for i in range(len(bodies))]
    for conn in conns:
        conn.connect()
    barrier = threading.Barrier(len(bodies))
    results: list[tuple[str, int, dict[str, Any]]] = []

    def send(conn: http.client.HTTPConnection, action: str, body: Any) -> None:
        barrier.wait()
        conn.request("POST", f"/api/v1/rollouts/{NS}/{NAME}/{action}", body=json.dumps(body),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        results.append((action, response.status, json.loads(response.read())))
        conn.close()

    threads = [threading.Thread(target=send, args=(conn, action, body))
               for conn, (action, body) in zip(conns, bodies, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert len(results) == len(bodies)
    return results


def _dashboard_writes(cluster: SimCluster) -> list[tuple[str, str, Any]]:
    return [(r["method"], r["path"], r["body"]) for r in cluster.requests()
            if r["path"].startswith(ROLLOUT_PATH)]


def _assert_one_promote_won(cluster: SimCluster,
                            results: list[tuple[str, int, dict[str, Any]]]) -> None:
    codes = sorted(code for _, code, _ in results)
    assert codes == [200] + [409] * (len(results) - 1), codes
    refusals = {body["error"]["reason"] for _, code, body in results if code == 409}
    assert refusals <= {"InProgress", "MovedOn"}
    assert _dashboard_writes(cluster) == [
        ("PATCH", ROLLOUT_PATH + "/status", {"status": {"pauseConditions": None}})]


def _assert_one_step_advanced(kube: Any) -> None:
    """The controller goes on to 3/9, the guide's one-minute pause, and waits there."""
    status = _wait("the rollout to pause again", lambda: (
        (s := _rollout(kube).get("status") or {}).get("pauseConditions") and s))
    assert status["currentStepIndex"] == 3
    assert [c["reason"] for c in status["pauseConditions"]] == ["CanaryPauseStep"]


@pytest.mark.parametrize(("count", "guarded"), [(20, False), (20, True), (100, False),
                                                (100, True)])
def test_parallel_promotes_advance_exactly_one_step(cluster: SimCluster, kube: Any,
                                                    web: list[Dashboard], count: int,
                                                    guarded: bool) -> None:
    seen = _paused_at_step_1(kube, web[0])
    body = {"expect": seen["expect"]} if guarded else {}
    cluster.clear_requests()
    results = _burst(web[:1], [("promote", body)] * count)
    _assert_one_promote_won(cluster, results)
    _assert_one_step_advanced(kube)


def test_parallel_promotes_through_two_web_processes_advance_exactly_one_step(
        cluster: SimCluster, kube: Any, web: list[Dashboard]) -> None:
    _paused_at_step_1(kube, web[0])
    cluster.clear_requests()
    results = _burst(web, [("promote", {})] * 20)
    _assert_one_promote_won(cluster, results)
    _assert_one_step_advanced(kube)


@pytest.mark.parametrize("guarded", [False, True])
def test_an_abort_racing_promotes_lets_exactly_one_win(cluster: SimCluster, kube: Any,
                                                       web: list[Dashboard],
                                                       guarded: bool) -> None:
    seen = _paused_at_step_1(kube, web[0])
    body = {"expect": seen["expect"]} if guarded else {}
    cluster.clear_requests()
    results = _burst(web, [("abort" if i % 2 else "promote", body) for i in range(10)])
    winners = [(action, code) for action, code, _ in results if code == 200]
    assert len(winners) == 1, results
    assert sorted(code for _, code, _ in results) == [200] + [409] * 9
    assert len(_dashboard_writes(cluster)) == 1
