"""Why a rollout is stuck: each pod's waiting or terminated state, and the summary line naming
the cause from the ReplicaSet the rollout waits for (kubelet states as a real node writes them)."""

from __future__ import annotations

from rollouts.info.pods import pod_info
from tests.info.support import NOW_STEP3, PAUSED_STEP3, Bundle, build, load

CANARY_RS = "rollouts-demo-5cf4fb69f8"
CANARY_PODS = ("rollouts-demo-5cf4fb69f8-pc986", "rollouts-demo-5cf4fb69f8-f895m")
BAD = "argoproj/rollouts-demo:bad"
PULL_ERROR = ('rpc error: code = NotFound desc = failed to pull and unpack image '
              '"docker.io/argoproj/rollouts-demo:bad": failed to resolve reference '
              '"docker.io/argoproj/rollouts-demo:bad": docker.io/argoproj/rollouts-demo:bad: '
              "not found")


def _app(pod: dict) -> dict:
    """The app's container status (the kubelet lists istio-proxy beside it, sorted by name)."""
    return next(c for c in pod["status"]["containerStatuses"] if c["name"] == "rollouts-demo")


def _canary_short_of(bundle: Bundle, available: int) -> None:
    rs = bundle.named("replicasets", CANARY_RS)
    rs["status"].update({"availableReplicas": available, "readyReplicas": available})


def _unpullable(pod: dict, reason: str = "ImagePullBackOff") -> None:
    next(c for c in pod["spec"]["containers"] if c["name"] == "rollouts-demo")["image"] = BAD
    message = f'Back-off pulling image "{BAD}"' if reason == "ImagePullBackOff" else PULL_ERROR
    pod["status"]["phase"] = "Pending"
    _app(pod).update({"image": BAD, "ready": False, "started": False, "imageID": "",
                      "state": {"waiting": {"reason": reason, "message": message}}})


def _crashing(pod: dict, restarts: int) -> None:
    last = {"exitCode": 1, "reason": "Error", "startedAt": "2025-07-20T08:58:10Z",
            "finishedAt": "2025-07-20T08:58:11Z"}
    _app(pod).update({"ready": False, "started": False, "restartCount": restarts,
                      "lastState": {"terminated": last},
                      "state": {"waiting": {"reason": "CrashLoopBackOff", "message": (
                          "back-off 40s restarting failed container=rollouts-demo "
                          "pod=rollouts-demo-5cf4fb69f8-pc986_my-demo(0c6f)")}}})


def test_a_pod_exposes_its_waiting_container_with_reason_message_and_image():
    bundle = load(PAUSED_STEP3)
    pod = bundle.named("pods", CANARY_PODS[0])
    _unpullable(pod, "ErrImagePull")
    [state] = pod_info(pod).container_states
    assert (state.name, state.image, state.init, state.state) == (
        "rollouts-demo", BAD, False, "waiting")
    assert (state.reason, state.message) == ("ErrImagePull", PULL_ERROR)


def test_a_crash_looping_container_says_how_its_last_run_ended():
    pod = load(PAUSED_STEP3).named("pods", CANARY_PODS[0])
    _crashing(pod, restarts=3)
    info = pod_info(pod)
    [state] = info.container_states
    assert (info.status, info.restarts) == ("CrashLoopBackOff", 3)
    assert (state.reason, state.last_reason, state.last_exit_code, state.restarts) == (
        "CrashLoopBackOff", "Error", 1, 3)
    assert state.message.startswith("back-off 40s restarting failed container=rollouts-demo")


def test_a_healthy_pod_and_its_completed_init_container_list_no_states():
    pod = load(PAUSED_STEP3).named("pods", CANARY_PODS[0])
    assert pod["status"]["initContainerStatuses"][0]["state"]["terminated"]["exitCode"] == 0
    assert pod_info(pod).container_states == ()


def test_the_summary_names_the_canary_pods_that_cannot_pull_their_image():
    bundle = load(PAUSED_STEP3)
    _canary_short_of(bundle, 1)
    _unpullable(bundle.named("pods", CANARY_PODS[0]))
    info = build(bundle, NOW_STEP3)
    assert info.stuck == f"canary not available: 1 pod ImagePullBackOff (rollouts-demo: {BAD})"
    assert info.to_dict()["stuck"] == info.stuck


def test_pods_in_different_states_are_counted_per_state():
    bundle = load(PAUSED_STEP3)
    _canary_short_of(bundle, 0)
    _unpullable(bundle.named("pods", CANARY_PODS[0]), "ErrImagePull")
    _crashing(bundle.named("pods", CANARY_PODS[1]), restarts=2)
    assert build(bundle, NOW_STEP3).stuck == (
        f"canary not available: 1 pod ErrImagePull (rollouts-demo: {BAD}), "
        "1 pod CrashLoopBackOff (rollouts-demo: argoproj/rollouts-demo:yellow)")


def test_two_pods_in_the_same_state_are_one_group():
    bundle = load(PAUSED_STEP3)
    _canary_short_of(bundle, 0)
    for name in CANARY_PODS:
        _unpullable(bundle.named("pods", name))
    assert build(bundle, NOW_STEP3).stuck == (
        f"canary not available: 2 pods ImagePullBackOff (rollouts-demo: {BAD})")


def test_a_failing_init_container_is_named_with_its_image():
    bundle = load(PAUSED_STEP3)
    _canary_short_of(bundle, 1)
    pod = bundle.named("pods", CANARY_PODS[0])
    init = pod["status"]["initContainerStatuses"][0]
    init["state"] = {"terminated": {"exitCode": 2, "reason": "Error",
                                    "startedAt": "2025-07-20T08:58:10Z",
                                    "finishedAt": "2025-07-20T08:58:11Z"}}
    assert pod_info(pod).status == "Init:Error"
    assert build(bundle, NOW_STEP3).stuck == (
        f"canary not available: 1 pod Init:Error (istio-init: {init['image']})")


def test_pods_still_starting_or_a_full_replicaset_are_not_called_stuck():
    bundle = load(PAUSED_STEP3)
    assert build(bundle, NOW_STEP3).stuck == ""
    _canary_short_of(bundle, 1)
    _app(bundle.named("pods", CANARY_PODS[0]))["state"] = {
        "waiting": {"reason": "ContainerCreating"}}
    assert build(bundle, NOW_STEP3).stuck == ""
    # A failing pod beside enough available ones holds nothing up.
    bundle = load(PAUSED_STEP3)
    _unpullable(bundle.named("pods", CANARY_PODS[0]))
    assert build(bundle, NOW_STEP3).stuck == ""
