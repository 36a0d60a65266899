"""The guard a confirmation dialog carries is computed from the info the dialog describes
(`expect_from_info(row.info)`, the function the actions service checks with), and it is the
guard the raw object gives: the mirrored info and the object agree on every field it reads."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from rollouts.actions import expect_from_info, expect_from_rollout
from rollouts.models import Rollout
from tests.info.support import FIXTURES, load, stage_now
from tests.web.support import NOW, store
from tests.web.test_upstream_examples import UPSTREAM, example_files, mirror_file

pytestmark = pytest.mark.django_db
FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*.json") if p.name != "guide-stages.json")


def variants(name: str) -> list[dict[str, Any]]:
    """The fixture's Rollout as it is, and with every field the guard reads changed."""
    rollout = load(name).rollout
    changed = []
    for status in ({"abort": True}, {"controllerPause": True, "pauseConditions": None},
                   {"currentStepIndex": 0}, {"stableRS": "other", "currentPodHash": "x"}):
        variant = copy.deepcopy(rollout)
        variant.setdefault("status", {}).update(status)
        changed.append(variant)
    paused = copy.deepcopy(rollout)
    paused["spec"]["paused"] = True
    paused["metadata"]["generation"] = 99
    return [rollout, *changed, paused]


def stored_expect(bundle_name: str, rollout: dict[str, Any]) -> Any:
    bundle = load(bundle_name)
    bundle.rollout = rollout
    now = stage_now(bundle_name) if bundle_name.startswith("guide") else NOW
    row = store(bundle.objects(), now)
    info = Rollout.objects.get(pk=row.pk).info  # through the JSON column, as the view reads it
    row.delete()
    return expect_from_info(info)


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_the_mirrored_info_gives_the_guard_the_object_gives(name: str) -> None:
    for rollout in variants(name):
        assert stored_expect(name, rollout) == expect_from_rollout(rollout)


@pytest.mark.parametrize("path", example_files(), ids=lambda p: str(p.relative_to(UPSTREAM)))
def test_every_upstream_example_gives_the_same_guard_both_ways(path: Path) -> None:
    for name in mirror_file(path, "guard"):
        row = Rollout.objects.get(namespace="guard", name=name)
        assert expect_from_info(row.info) == expect_from_rollout(row.raw)


def test_the_dialog_carries_the_guard_of_the_row_it_describes(client: Client) -> None:
    bundle = load("guide-3-paused-step3.json")
    store(bundle.objects(), stage_now("guide-3-paused-step3.json"))
    row = Rollout.objects.get()
    html = client.get("/rollouts/my-demo/rollouts-demo/confirm/promote").text
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    expect = expect_from_info(row.info)
    assert (fields["expect_rv"], fields["expect_step"], fields["expect_state"]) == (
        expect.resource_version, str(expect.step_index), expect.state)
    assert fields["expect_step"] == "3"
