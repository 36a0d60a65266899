"""The simulated kubelet's timeline, read off its pure function of the pod's age (what the
controllers serve over HTTP at every moment): init first, then the image back-off cycle of a
real kubelet (10 s doubling to a 5 min cap) and the crash loop with its last termination."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from simcluster.controllers.kubelet import simulate
from simcluster.controllers.options import ControllerOptions
from simcluster.controllers.podspec import inject_sidecar

CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPTIONS = ControllerOptions()  # schedule 0.5 s, init runs 2 s, ready 2 s later
STEP = 0.25


def _pod(image: str) -> dict:
    pod = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "rollouts-demo-687d76d795-x2x9k", "namespace": "my-demo",
                        "uid": "5b0b1c7e-7a0e-4f0c-9a0e-2f1c3b0d9e11",
                        "creationTimestamp": "2026-03-02T09:00:00Z",
                        "labels": {"app": "rollouts-demo"}},
           "spec": {"containers": [{"name": "rollouts-demo", "image": image}]}}
    inject_sidecar(pod)
    return pod


def _at(pod: dict, age: float) -> dict:
    status, _node, _next = simulate(pod, CREATED + timedelta(seconds=age), OPTIONS)
    return status


def _app(status: dict) -> dict:
    return next(c for c in status["containerStatuses"] if c["name"] == "rollouts-demo")


def _spans(pod: dict, reason: str, until: float) -> list[float]:
    """Lengths of the stretches in which the app container waits with `reason`."""
    spans, start, age = [], None, 0.0
    while age < until:
        status = _at(pod, age)
        waiting = _app(status)["state"].get("waiting", {}) if "containerStatuses" in status \
            else {}
        if waiting.get("reason") == reason and start is None:
            start = age
        elif waiting.get("reason") != reason and start is not None:
            spans.append(age - start)
            start = None
        age += STEP
    return spans


def test_init_containers_run_first_even_when_the_app_image_cannot_be_pulled():
    pod = _pod("argoproj/rollouts-demo:bad")
    initializing = _at(pod, 1.0)
    assert initializing["phase"] == "Pending"
    assert "running" in initializing["initContainerStatuses"][0]["state"]
    assert _app(initializing)["state"] == {"waiting": {"reason": "PodInitializing"}}
    pulled = _at(pod, 3.0)
    init = pulled["initContainerStatuses"][0]["state"]["terminated"]
    assert (init["reason"], init["exitCode"]) == ("Completed", 0)
    assert _app(pulled)["state"]["waiting"]["reason"] == "ErrImagePull"
    assert pulled["phase"] == "Pending" and pulled["podIP"]
    proxy = next(c for c in _at(pod, 5.0)["containerStatuses"] if c["name"] == "istio-proxy")
    assert proxy["ready"] is True  # the other containers of the pod do start


def test_an_unpullable_image_backs_off_10s_doubling_to_a_5_minute_cap():
    pod = _pod("argoproj/rollouts-demo:bad")
    assert _spans(pod, "ImagePullBackOff", 1000) == [10, 20, 40, 80, 160, 300, 300]
    assert set(_spans(pod, "ErrImagePull", 1000)) == {2.0}


def test_the_back_off_is_still_capped_days_later():
    pod = _pod("argoproj/rollouts-demo:bad")
    day = 86400.0
    reasons = {_app(_at(pod, day + t))["state"]["waiting"]["reason"] for t in range(0, 302, 2)}
    assert reasons == {"ErrImagePull", "ImagePullBackOff"}


def test_a_crashing_image_loops_with_growing_back_off_restarts_and_its_last_termination():
    pod = _pod("argoproj/rollouts-demo:crash")
    waits = _spans(pod, "CrashLoopBackOff", 700)
    assert waits == [10, 20, 40, 80, 160, 300]
    status = _at(pod, 100.0)
    app = _app(status)
    waiting = app["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    assert waiting["message"] == (
        "back-off 80s restarting failed container=rollouts-demo "
        "pod=rollouts-demo-687d76d795-x2x9k_my-demo(5b0b1c7e-7a0e-4f0c-9a0e-2f1c3b0d9e11)")
    assert app["restartCount"] == 4
    last = app["lastState"]["terminated"]
    assert (last["exitCode"], last["reason"]) == (1, "Error")
    started = datetime.fromisoformat(last["startedAt"].replace("Z", "+00:00"))
    finished = datetime.fromisoformat(last["finishedAt"].replace("Z", "+00:00"))
    assert finished - started == timedelta(seconds=1)
    assert status["phase"] == "Running"
    ready = next(c for c in status["conditions"] if c["type"] == "Ready")
    assert (ready["status"], ready["reason"]) == ("False", "ContainersNotReady")
    assert ready["message"] == "containers with unready status: [rollouts-demo]"
