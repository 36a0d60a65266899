"""With controllers off (or paused) nothing changes what the seeds posed."""

from __future__ import annotations

import time

from tests.simcluster.ctrl_support import Kube, basic_canary, namespace, setup, wait_phase


def snapshot(cluster) -> dict:
    return {(kind, o["metadata"].get("namespace"), o["metadata"]["name"]):
            o["metadata"]["resourceVersion"]
            for kind in ("rollouts", "replicasets", "pods", "services", "virtualservices")
            for o in cluster.store.list(kind)}


def test_controllers_off_leave_the_demo_seed_untouched(make_simcluster):
    cluster = make_simcluster(seeds=("demo",), controllers=False, speed=50)
    before = snapshot(cluster)
    assert cluster.store.get("rollouts", "my-demo", "rollouts-demo")["status"]["phase"] == \
        "Healthy"
    Kube(cluster).set_image("my-demo", "rollouts-demo", "argoproj/rollouts-demo:yellow")
    cluster.advance(3600)
    time.sleep(0.3)
    after = snapshot(cluster)
    changed = {k for k in before if before[k] != after.get(k)}
    assert changed == {("rollouts", "my-demo", "rollouts-demo")}  # only our own PUT
    assert after.keys() == before.keys()


def test_paused_controllers_do_nothing_until_resumed(make_simcluster):
    cluster = make_simcluster(controllers=True, speed=5)
    setup(cluster, [namespace("batch"), basic_canary("batch", "app", [{"setWeight": 50}],
                                                     replicas=2)])
    kube = Kube(cluster)
    old_hash = wait_phase(kube, "batch", "app", "Healthy")["stableRS"]
    cluster.pause_controllers()
    kube.set_image("batch", "app", "argoproj/rollouts-demo:yellow")
    before = snapshot(cluster)
    time.sleep(0.3)
    assert snapshot(cluster) == before
    cluster.resume_controllers()
    status = wait_phase(kube, "batch", "app", "Healthy")
    assert status["stableRS"] == status["currentPodHash"] != old_hash
    kube.close()
