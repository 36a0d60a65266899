"""The pure rules, on infos the info model computes from realistic objects."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

from rollouts.info import ClusterObjects, build_rollout_info
from rollouts.timeline import derive_events
from tests.mirror.objects import rollout

NOW = datetime(2025, 7, 16, 13, 45, tzinfo=UTC)


def info_of(ro: dict) -> dict:
    ro = copy.deepcopy(ro)
    ro["metadata"].update({"uid": "u-1", "resourceVersion": "7", "generation": 2,
                           "creationTimestamp": "2025-07-16T13:14:27Z"})
    ro["status"]["observedGeneration"] = "2"
    return build_rollout_info(ClusterObjects(rollout=ro), NOW).to_dict()


def healthy() -> dict:
    return rollout("rollouts-demo", "my-demo")


def paused_at_step_one() -> dict:
    ro = healthy()
    ro["status"].update({
        "currentPodHash": "5cf4fb69f8", "currentStepIndex": 1, "phase": "Paused",
        "message": "CanaryPauseStep", "controllerPause": True,
        "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2025-07-16T13:44:00Z"}],
    })
    ro["status"]["canary"]["weights"]["canary"].update({"podTemplateHash": "5cf4fb69f8",
                                                        "weight": 20})
    ro["status"]["canary"]["weights"]["stable"]["weight"] = 80
    return ro


def kinds(prev: dict | None, new: dict | None) -> list[str]:
    return [e.kind for e in derive_events(prev, new, NOW)]


def test_a_first_sight_is_a_creation_and_a_disappearance_a_deletion():
    info = info_of(healthy())
    assert kinds(None, info) == ["created"]
    assert kinds(info, None) == ["deleted"]
    assert kinds(None, None) == []


def test_the_same_info_twice_is_no_event():
    assert kinds(info_of(healthy()), info_of(healthy())) == []


def test_an_update_that_reaches_a_pause_step_tells_each_stage():
    events = derive_events(info_of(healthy()), info_of(paused_at_step_one()), NOW)
    assert [e.kind for e in events] == ["update-started", "step-entered", "weight-changed",
                                        "paused"]
    paused = events[-1]
    assert paused.data["reasons"] == ["CanaryPauseStep"] and paused.step_index == 1
    assert "20%" in events[2].message


def test_clearing_an_indefinite_pause_is_a_promotion():
    promoted = paused_at_step_one()
    promoted["status"].update({"pauseConditions": None, "currentStepIndex": 2,
                               "phase": "Progressing", "message": "more replicas need to be "
                               "updated", "controllerPause": False})
    events = derive_events(info_of(paused_at_step_one()), info_of(promoted), NOW)
    assert [e.kind for e in events] == ["step-left", "step-entered", "weight-changed",
                                        "promoted", "resumed"]
    assert events[3].step_index == 1


def test_an_abort_is_one_event_and_a_retry_another():
    aborted = paused_at_step_one()
    aborted["status"].update({"abort": True, "pauseConditions": None, "phase": "Degraded",
                              "controllerPause": False,
                              "message": "RolloutAborted: Rollout aborted update to revision 2"})
    abort = derive_events(info_of(paused_at_step_one()), info_of(aborted), NOW)
    # The abort sends traffic back to stable; it is not also "degraded" nor "resumed".
    assert [e.kind for e in abort] == ["aborted", "weight-changed"]
    assert "RolloutAborted" in abort[0].message
    retried = paused_at_step_one()
    assert "retried" in kinds(info_of(aborted), info_of(retried))


def test_reaching_the_last_step_healthy_is_a_completion():
    done = healthy()
    done["status"].update({"currentPodHash": "5cf4fb69f8", "stableRS": "5cf4fb69f8"})
    assert "completed" in kinds(info_of(paused_at_step_one()), info_of(done))


def test_odd_infos_give_no_crash():
    assert derive_events({"steps": "x", "replicasets": 5}, {"pause_conditions": [1]}, NOW) == []


def test_a_status_that_catches_up_with_an_abort_later_adds_no_degraded_event():
    flagged = paused_at_step_one()
    flagged["status"].update({"abort": True, "pauseConditions": None, "controllerPause": False})
    degraded = copy.deepcopy(flagged)
    degraded["status"].update({"phase": "Degraded",
                               "message": "RolloutAborted: Rollout aborted update to revision 2"})
    assert "aborted" in kinds(info_of(paused_at_step_one()), info_of(flagged))
    assert "degraded" not in kinds(info_of(flagged), info_of(degraded))


def test_a_real_degradation_is_recorded_and_so_is_the_recovery():
    stuck = paused_at_step_one()
    stuck["status"].update({"phase": "Degraded", "pauseConditions": None,
                            "controllerPause": False,
                            "message": "ProgressDeadlineExceeded: ReplicaSet has timed out"})
    assert "degraded" in kinds(info_of(paused_at_step_one()), info_of(stuck))
    assert "recovered" in kinds(info_of(stuck), info_of(paused_at_step_one()))
