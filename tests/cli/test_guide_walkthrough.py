"""The guide's walkthrough, driven through `manage.py rollouts` against the demo seed with the
simulated controllers on, while the embedded watcher mirrors it and records the timeline."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from rollouts.models import Rollout, RolloutEvent
from tests.cli.conftest import Run

SPEED = 40.0  # simulated seconds per real second: a `pause: {duration: 1m}` takes 1.5 s
NAMESPACE, NAME = "my-demo", "rollouts-demo"


def _demo_available() -> bool:
    try:
        from simcluster.controllers import ControllerManager  # noqa: F401
        from simcluster.seeds import apply_seed  # noqa: F401
    except ImportError:
        return False
    return True


pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _demo_available(), reason="simcluster's demo seed or controllers "
                       "are not available yet"),
]


@pytest.fixture
def demo(make_simcluster: Callable[..., Any], settings: Any) -> Iterator[Any]:
    from rollouts.publish import RecordingPublisher
    from rollouts.runtime import EmbeddedWatcher

    cluster = make_simcluster(seeds=["demo"], controllers=True, speed=SPEED)
    settings.KUBECONFIG = str(cluster.kubeconfig)
    settings.KUBE_CONTEXT = ""
    settings.ROLLOUTS_CLUSTER_NAME = "demo"
    settings.ROLLOUTS_NAMESPACES = [NAMESPACE]
    settings.ROLLOUTS_BATCH_SECONDS = 0.05
    settings.ROLLOUTS_PROMOTE_FULL_WAIT = 5.0
    # The cooldown is in real seconds: at SPEED the guide's operator acts 40 times faster.
    settings.ROLLOUTS_ACTION_COOLDOWN = 2.0 / SPEED
    watcher = EmbeddedWatcher(RecordingPublisher()).start()
    # The timeline starts from what the mirror first saw: let it see the healthy revision 1.
    deadline = time.monotonic() + 20
    # Healthy in the row is not enough: a row written before every kind was listed (served at
    # once, computed properly later) can say so before the timeline has its first event.
    while not (Rollout.objects.filter(cluster="demo", name=NAME, phase="Healthy").exists()
               and RolloutEvent.objects.filter(cluster="demo", name=NAME).exists()):
        assert time.monotonic() < deadline, "the mirror never stored the demo rollout"
        time.sleep(0.1)
    yield cluster
    watcher.stop()


def _until(run: Run, *expected: str, timeout: float = 30.0) -> str:
    """`get rollout` until its text shows every expected line."""
    deadline = time.monotonic() + timeout
    while True:
        text = run("get", "rollout", NAME, "-n", NAMESPACE)
        if all(line in text for line in expected):
            return text
        if time.monotonic() > deadline:
            raise AssertionError(f"never showed {expected!r}; last:\n{text}")
        time.sleep(0.1)


def _events(kind: str) -> list[RolloutEvent]:
    return list(RolloutEvent.objects.filter(cluster="demo", namespace=NAMESPACE, name=NAME,
                                            kind=kind).order_by("at", "id"))


def _until_event(kind: str, timeout: float = 10.0) -> list[RolloutEvent]:
    deadline = time.monotonic() + timeout
    while not _events(kind):
        if time.monotonic() > deadline:
            raise AssertionError(f"no {kind} event was recorded")
        time.sleep(0.1)
    return _events(kind)


def test_the_guides_walkthrough_through_the_cli(demo: Any) -> None:
    run = Run()
    _until(run, "Status:          ✔ Healthy\n", "  Step:          9/9\n")

    printed = run("set", "image", NAME, "rollouts-demo=argoproj/rollouts-demo:yellow",
                  "-n", NAMESPACE)
    assert printed == 'rollout "rollouts-demo" image updated\n'
    text = _until(run, "Status:          ॥ Paused\n", "Message:         CanaryPauseStep\n",
                  "  Step:          1/9\n", "  SetWeight:     20\n", "  ActualWeight:  20\n")
    assert "argoproj/rollouts-demo:yellow (canary)" in text
    _until_event("paused")

    assert run("promote", NAME, "-n", NAMESPACE) == "rollout 'rollouts-demo' promoted\n"
    _until(run, "Status:          ॥ Paused\n", "  Step:          3/9\n", "  SetWeight:     40\n")

    # The three one-minute pauses pass by themselves on the fast clock.
    text = _until(run, "Status:          ✔ Healthy\n", "  Step:          9/9\n",
                  "  SetWeight:     100\n", "argoproj/rollouts-demo:yellow (stable)",
                  timeout=60.0)

    _until_event("completed")
    started = _events("update-started")
    assert [e.revision for e in started] == [2]
    entered = [e.step_index for e in _events("step-entered")]
    assert {1, 3} <= set(entered)
    assert entered == sorted(entered)
    assert [e.step_index for e in _events("paused")][:2] == [1, 3]
    assert [e.step_index for e in _events("promoted")] == [1]  # the timed pauses end alone
    weights = [e.data.get("set_weight") for e in _events("weight-changed")]
    weights = [w for w in weights if w is not None]
    assert weights[0] == 20 and weights[-1] == 100 and weights == sorted(weights)
    assert [e.revision for e in _events("completed")] == [2]
