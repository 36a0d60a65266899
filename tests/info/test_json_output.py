"""to_dict(): JSON-safe, complete, with timestamps as RFC3339 strings."""

from __future__ import annotations

import json

from rollouts.info import RolloutInfo
from tests.info.support import NOW_STEP3, PAUSED_STEP3, build, load


def test_the_whole_info_serialises_to_json() -> None:
    data = json.loads(json.dumps(build(load(PAUSED_STEP3), NOW_STEP3).to_dict()))
    assert data["name"] == "rollouts-demo"
    assert data["created_at"] == "2025-07-17T16:25:30Z"
    assert data["replicas"] == {
        "desired": 4,
        "current": 6,
        "updated": 2,
        "ready": 6,
        "available": 6,
    }
    assert data["steps"][3]["pause_duration"] == 60.0
    assert data["steps"][3]["pause_ends_at"] == "2025-07-17T17:15:35Z"
    assert data["current_step"]["index"] == 3


def test_derived_properties_are_included_beside_the_fields() -> None:
    data = build(load(PAUSED_STEP3), NOW_STEP3).to_dict()
    assert [rs["tags"] for rs in data["replicasets"]] == [["canary"], ["stable"]]
    assert data["traffic"]["router"] == "istio"
    assert data["traffic"]["routes"][0]["other_destinations"] == []
    assert data["revisions"][0]["replicasets"][0]["pods"][0]["ready"] == "2/2"


def test_every_dataclass_field_appears_in_the_dict() -> None:
    data = build(load(PAUSED_STEP3), NOW_STEP3).to_dict()
    assert set(RolloutInfo.__dataclass_fields__) <= set(data)


def test_the_info_is_immutable() -> None:
    info = build(load(PAUSED_STEP3), NOW_STEP3)
    try:
        info.status = "Healthy"  # type: ignore[misc]
    except AttributeError:
        pass
    else:  # pragma: no cover - the assertion below explains the failure
        raise AssertionError("RolloutInfo accepted an assignment")
    assert isinstance(info.replicasets, tuple) and isinstance(info.steps, tuple)
