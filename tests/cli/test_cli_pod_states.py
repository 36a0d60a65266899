"""`get rollout` prints the pods of a stuck update the way upstream does: kubectl's status
column (Init:0/1, ErrImagePull, ImagePullBackOff, CrashLoopBackOff), its icon and restarts,
read from simcluster's kubelet over HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.cli.conftest import Run
from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    namespace,
    setup,
    start_cluster,
    wait_for,
    wait_phase,
)

pytestmark = pytest.mark.django_db
NS = "my-demo"


def _point_settings_at(cluster: Any, settings: Any) -> None:
    settings.KUBECONFIG = str(cluster.kubeconfig)
    settings.KUBE_CONTEXT = ""
    settings.ROLLOUTS_REQUEST_TIMEOUT = 5.0


def _start(make_simcluster, settings, **options: Any) -> Kube:
    cluster = start_cluster(make_simcluster, **options)
    _point_settings_at(cluster, settings)
    setup(cluster, [namespace(NS, istio=True),
                    basic_canary(NS, "app", [{"setWeight": 50}, {"pause": {}}], replicas=2)])
    return Kube(cluster)


def _pod_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if re.search(r"\bPod\b", line)]


def _get(run: Run) -> str:
    return run("get", "rollout", "app", "-n", NS, "--no-color")


def test_pods_whose_init_container_still_runs_print_init_0_of_1(make_simcluster, settings):
    kube = _start(make_simcluster, settings, start_delay=120.0)
    run = Run()
    wait_for(lambda: len(kube.pods(NS)) == 2, what="two pods")
    lines = _pod_lines(_get(run))
    assert len(lines) == 2 and all("◌ Init:0/1" in line for line in lines), lines
    kube.close()


def test_an_unpullable_canary_prints_its_pull_error_and_a_crashing_one_its_restarts(
        make_simcluster, settings):
    kube = _start(make_simcluster, settings)
    wait_phase(kube, NS, "app", "Healthy")
    run = Run()
    kube.set_image(NS, "app", "argoproj/rollouts-demo:bad")
    line = wait_for(lambda: [x for x in _pod_lines(_get(run)) if "ImagePullBackOff" in x],
                    what="an ImagePullBackOff pod line")[0]
    assert "⚠ ImagePullBackOff" in line and "ready:1/2" in line
    kube.cluster.advance(10)  # the back-off is over: the next pull fails again
    wait_for(lambda: [x for x in _pod_lines(_get(run)) if "⚠ ErrImagePull" in x],
             what="an ErrImagePull pod line")

    kube.set_image(NS, "app", "argoproj/rollouts-demo:crash")
    line = wait_for(lambda: [x for x in _pod_lines(_get(run))
                             if "CrashLoopBackOff" in x and "restarts:" in x],
                    what="a CrashLoopBackOff pod line")[0]
    assert "✖ CrashLoopBackOff" in line
    assert int(re.search(r"restarts:(\d+)", line).group(1)) >= 1
    kube.close()
