"""`get rollout` and `list rollouts`: the info model's text, read from the cluster."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.core.management import CommandError

from tests.actions.objects import (
    CANARY_HASH,
    STABLE_HASH,
    paused_at_step_1,
    replicaset,
    with_status,
)
from tests.actions.support import seed
from tests.cli.conftest import Run

pytestmark = pytest.mark.django_db


def _seed_guide_step_1(cluster: Any) -> None:
    seed(cluster, paused_at_step_1(), replicaset(1, STABLE_HASH, "argoproj/rollouts-demo:blue"),
         replicaset(2, CANARY_HASH, "argoproj/rollouts-demo:yellow"))


def test_get_rollout_prints_the_guides_header_and_tree(rollouts_cli: Run, cluster: Any) -> None:
    _seed_guide_step_1(cluster)
    text = rollouts_cli("get", "rollout", "rollouts-demo", "-n", "my-demo", "--no-color")
    assert text.startswith(
        "Name:            rollouts-demo\n"
        "Namespace:       my-demo\n"
        "Status:          ॥ Paused\n"
        "Message:         CanaryPauseStep\n"
        "Strategy:        Canary\n"
        "  Step:          1/9\n"
        "  SetWeight:     20\n"
        "  ActualWeight:  20\n"
    )
    assert "NAME" in text and "KIND" in text
    assert "⧉ rollouts-demo-5cf4fb69f8" in text and "canary" in text
    assert "# revision:1" in text and "stable" in text
    assert "\x1b[" not in text


def test_get_accepts_upstreams_aliases(rollouts_cli: Run, cluster: Any) -> None:
    _seed_guide_step_1(cluster)
    assert rollouts_cli("get", "ro", "rollouts-demo", "-n", "my-demo").startswith("Name:")


def test_get_of_an_unknown_rollout_fails(rollouts_cli: Run, cluster: Any) -> None:
    seed(cluster)
    with pytest.raises(CommandError, match='rollouts.argoproj.io "nope" not found'):
        rollouts_cli("get", "rollout", "nope", "-n", "my-demo")


def test_list_rollouts_prints_upstreams_columns(rollouts_cli: Run, cluster: Any) -> None:
    done = with_status(paused_at_step_1(), phase="Healthy", message=None, pauseConditions=None,
                       controllerPause=None, currentStepIndex=9, stableRS=CANARY_HASH)
    done["metadata"].update(name="cart", uid="cart-uid")
    seed(cluster, paused_at_step_1(), done)
    lines = rollouts_cli("list", "rollouts", "-n", "my-demo").splitlines()
    assert lines[0].split() == ["NAME", "STRATEGY", "STATUS", "STEP", "SET-WEIGHT", "READY",
                                "DESIRED", "UP-TO-DATE", "AVAILABLE"]
    assert lines[1].split() == ["cart", "Canary", "Healthy", "9/9", "100", "5/5", "4", "1", "5"]
    assert lines[2].split() == ["rollouts-demo", "Canary", "Paused", "1/9", "20", "5/5", "4", "1",
                                "5"]


def test_list_all_namespaces_adds_the_namespace_column(rollouts_cli: Run, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    lines = rollouts_cli("list", "rollouts", "-A").splitlines()
    assert lines[0].split()[:2] == ["NAMESPACE", "NAME"]
    assert lines[1].split()[:2] == ["my-demo", "rollouts-demo"]


def test_an_empty_list_says_so_on_stderr(rollouts_cli: Run, cluster: Any) -> None:
    seed(cluster)
    assert rollouts_cli("list", "rollouts", "-n", "my-demo") == ""
    assert rollouts_cli.err.getvalue() == "No resources found.\n"


def test_get_watch_re_renders_when_the_rollout_changes(rollouts_cli: Run, cluster: Any,
                                                       gateway: Any) -> None:
    _seed_guide_step_1(cluster)

    def controller_moves_on() -> None:
        # Once the watch has rendered its first frame, move on.
        deadline = time.monotonic() + 5
        while "Name:" not in rollouts_cli.out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.05)
        gateway.patch("rollouts", "my-demo", "rollouts-demo",
                      {"status": {"currentStepIndex": 2, "pauseConditions": None,
                                  "controllerPause": None, "phase": "Progressing",
                                  "message": "more replicas need to be updated"}},
                      "merge", "status")

    mover = threading.Thread(target=controller_moves_on)
    mover.start()
    text = rollouts_cli("get", "rollout", "rollouts-demo", "-n", "my-demo", "--watch",
                        "--timeout-seconds", "3")
    mover.join()
    frames = [frame for frame in text.split("Name:            rollouts-demo\n") if frame]
    assert len(frames) >= 2  # the first render, then the change
    assert "  Step:          1/9\n" in frames[0]
    assert "  Step:          2/9\n" in frames[-1]
    assert "Status:          ◌ Progressing\n" in frames[-1]
