"""`kubectl argo rollouts restart`: pods older than restartAt are replaced, a few at a time."""

from __future__ import annotations

from datetime import timedelta

from simcluster.controllers.objects import format_time
from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

NS = "batch"


def test_restart_replaces_every_pod_then_records_restarted_at(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), basic_canary(NS, "worker", [{"setWeight": 50}], replicas=3)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "worker", "Healthy")
    before = {p.metadata.name for p in kube.pods(NS)}
    restart_at = format_time(cluster.clock.now() + timedelta(seconds=1))
    kube.restart(NS, "worker", restart_at)
    status = wait_phase(kube, NS, "worker", "Healthy", timeout=15)
    assert status["restartedAt"] == restart_at
    after = {p.metadata.name for p in kube.pods(NS)}
    assert len(after) == 3 and not after & before
    kube.close()


def test_a_future_restart_waits_for_its_time(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS), basic_canary(NS, "worker", [{"setWeight": 50}], replicas=2)])
    kube = Kube(cluster)
    wait_phase(kube, NS, "worker", "Healthy")
    before = {p.metadata.name for p in kube.pods(NS)}
    restart_at = format_time(cluster.clock.now() + timedelta(hours=1))
    kube.restart(NS, "worker", restart_at)
    wait_phase(kube, NS, "worker", "Progressing", "rollout is restarting")
    assert {p.metadata.name for p in kube.pods(NS)} == before
    cluster.advance(3601)
    wait_for(lambda: kube.status(NS, "worker").get("restartedAt") == restart_at, timeout=15,
             what="the restart to happen")
    assert not {p.metadata.name for p in kube.pods(NS)} & before
    kube.close()
