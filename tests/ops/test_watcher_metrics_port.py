"""`manage.py watch_rollouts` serves /metrics, /healthz and /readyz on its own port; its
readiness includes the cluster connection and leadership, and fails when the cluster is lost."""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from rollouts.metrics_server import start_metrics_server
from simcluster.cluster import SimCluster
from tests.mirror.objects import seed_rollout_tree
from tests.ops.support import Watcher, get

WAIT = 60.0


@pytest.fixture
def watcher(simcluster: SimCluster, tmp_path: Path) -> Iterator[Watcher]:
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    process = Watcher(simcluster.kubeconfig, tmp_path)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def readiness_until(watcher: Watcher, status: int) -> dict:
    deadline = time.monotonic() + WAIT
    while True:
        code, body = get(watcher.url + "/readyz", timeout=5)
        if code == status or time.monotonic() > deadline:
            assert code == status, body
            return json.loads(body)
        time.sleep(0.2)


def test_the_watcher_is_ready_once_the_cluster_is_live(watcher: Watcher) -> None:
    body = readiness_until(watcher, 200)
    assert set(body["checks"]) == {"database", "channel_layer", "cluster", "leadership"}
    assert body["checks"]["cluster"] == {"ok": True, "detail": "live"}
    code, text = get(watcher.url + "/metrics")
    assert code == 200
    assert b'rollouts_relists_total{kind="rollouts"} 1.0' in text
    assert b"rollouts_watcher_leader 1.0" in text
    assert get(watcher.url + "/nothing")[0] == 404


def test_the_watcher_is_not_ready_while_the_cluster_is_unreachable(
        simcluster: SimCluster, watcher: Watcher) -> None:
    readiness_until(watcher, 200)
    simcluster.fail_next(503, count=10_000)
    simcluster.drop_watches()
    body = readiness_until(watcher, 503)
    assert body["checks"]["cluster"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True
    assert get(watcher.url + "/healthz")[0] == 200  # alive all the same: no restart wanted


def test_a_busy_port_is_an_error_in_the_log_not_the_end_of_the_watcher(caplog) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with caplog.at_level(logging.ERROR, logger="rollouts.metrics_server"):
            assert start_metrics_server("127.0.0.1", port) is None
    assert f"cannot listen on 127.0.0.1:{port}" in caplog.text
    assert start_metrics_server("127.0.0.1", 0) is None  # 0: no server, nothing logged
