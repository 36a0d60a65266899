"""Pod STATUS column (kubectl's printer as upstream copies it), ready, restarts and icons."""

from __future__ import annotations

import copy

import pytest

from rollouts.info.pods import pod_info
from tests.info.support import PAUSED_STEP3, load

POD = "rollouts-demo-5cf4fb69f8-f895m"


def running_pod() -> dict:
    return copy.deepcopy(load(PAUSED_STEP3).named("pods", POD))


def containers(pod: dict) -> list[dict]:
    return pod["status"]["containerStatuses"]


def test_a_running_pod_with_both_containers_ready_is_running_2_of_2() -> None:
    info = pod_info(running_pod())
    assert (info.status, info.ready, info.restarts, info.icon, info.ui_class) == (
        "Running",
        "2/2",
        0,
        "✔",
        "success",
    )


def test_a_running_pod_with_an_unready_container_is_pending_in_the_web_ui() -> None:
    pod = running_pod()
    containers(pod)[0]["ready"] = False
    info = pod_info(pod)
    assert (info.status, info.ready, info.icon, info.ui_class) == ("Running", "1/2", "✔", "pending")


def test_restarts_are_summed_over_the_regular_containers() -> None:
    pod = running_pod()
    containers(pod)[0]["restartCount"] = 2
    containers(pod)[1]["restartCount"] = 3
    assert pod_info(pod).restarts == 5


@pytest.mark.parametrize(
    ("state", "status", "icon", "ui_class"),
    [
        ({"waiting": {"reason": "CrashLoopBackOff"}}, "CrashLoopBackOff", "✖", "failure"),
        ({"waiting": {"reason": "ImagePullBackOff"}}, "ImagePullBackOff", "⚠", "warning"),
        ({"waiting": {"reason": "ErrImagePull"}}, "ErrImagePull", "⚠", "unknown"),
        (
            {"waiting": {"reason": "CreateContainerConfigError"}},
            "CreateContainerConfigError",
            "⚠",
            "unknown",
        ),
        ({"waiting": {"reason": "ContainerCreating"}}, "ContainerCreating", "◌", "pending"),
        ({"waiting": {"reason": "InvalidImageName"}}, "InvalidImageName", "✖", "failure"),
        ({"terminated": {"exitCode": 137, "reason": "OOMKilled"}}, "OOMKilled", " ", "unknown"),
        ({"terminated": {"exitCode": 3}}, "ExitCode:3", "✖", "unknown"),
        ({"terminated": {"exitCode": 0, "signal": 9}}, "Signal:9", "✖", "unknown"),
    ],
)
def test_a_container_state_becomes_the_pod_status(
    state: dict, status: str, icon: str, ui_class: str
) -> None:
    pod = running_pod()
    containers(pod)[1]["state"] = state
    containers(pod)[1]["ready"] = False
    info = pod_info(pod)
    assert (info.status, info.icon, info.ui_class) == (status, icon, ui_class)


def test_the_first_container_wins_because_containers_are_scanned_last_to_first() -> None:
    pod = running_pod()
    containers(pod)[0]["state"] = {"waiting": {"reason": "ImagePullBackOff"}}
    containers(pod)[1]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    assert pod_info(pod).status == "ImagePullBackOff"


def test_a_completed_container_beside_a_running_one_reads_running() -> None:
    pod = running_pod()
    pod["status"]["phase"] = "Succeeded"
    containers(pod)[1]["state"] = {"terminated": {"exitCode": 0, "reason": "Completed"}}
    containers(pod)[1]["ready"] = False
    assert pod_info(pod).status == "Running"


def test_a_pending_pod_is_pending() -> None:
    pod = running_pod()
    pod["status"] = {
        "phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False"}],
    }
    info = pod_info(pod)
    assert (info.status, info.ready, info.icon, info.ui_class) == ("Pending", "0/2", "◌", "pending")


@pytest.mark.parametrize(
    ("init_state", "status"),
    [
        ({"waiting": {"reason": "PodInitializing"}}, "Init:0/1"),
        ({"running": {"startedAt": "2025-07-17T17:14:24Z"}}, "Init:0/1"),
        ({"waiting": {"reason": "ImagePullBackOff"}}, "Init:ImagePullBackOff"),
        ({"terminated": {"exitCode": 1}}, "Init:ExitCode:1"),
        ({"terminated": {"exitCode": 2, "signal": 15}}, "Init:Signal:15"),
        ({"terminated": {"exitCode": 1, "reason": "Error"}}, "Init:Error"),
    ],
)
def test_an_initialising_pod_shows_the_init_container_progress(
    init_state: dict, status: str
) -> None:
    pod = running_pod()
    pod["status"]["phase"] = "Pending"
    pod["status"]["initContainerStatuses"][0].update(state=init_state, ready=False, restartCount=2)
    info = pod_info(pod)
    assert (info.status, info.icon, info.restarts) == (status, "◌", 2)


def test_a_started_and_ready_sidecar_init_container_does_not_hold_initialisation() -> None:
    pod = running_pod()
    pod["spec"]["initContainers"][0]["restartPolicy"] = "Always"
    pod["status"]["initContainerStatuses"][0].update(
        state={"running": {"startedAt": "2025-07-17T17:14:24Z"}}, started=True, ready=True
    )
    assert pod_info(pod).status == "Running"


def test_a_pod_being_deleted_is_terminating() -> None:
    pod = running_pod()
    pod["metadata"]["deletionTimestamp"] = "2025-07-17T17:14:49Z"
    info = pod_info(pod)
    assert (info.status, info.icon, info.ui_class, info.terminating) == (
        "Terminating",
        "◌",
        "pending",
        True,
    )


def test_a_deleted_pod_on_a_lost_node_is_unknown() -> None:
    pod = running_pod()
    pod["metadata"]["deletionTimestamp"] = "2025-07-17T17:14:49Z"
    pod["status"]["reason"] = "NodeLost"
    info = pod_info(pod)
    assert (info.status, info.icon, info.ui_class) == ("Unknown", "?", "unknown")


def test_a_failed_pod_reads_failed() -> None:
    pod = running_pod()
    pod["status"] = {"phase": "Failed"}
    info = pod_info(pod)
    assert (info.status, info.icon, info.ui_class) == ("Failed", "✖", "failure")
