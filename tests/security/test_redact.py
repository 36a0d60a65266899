"""rollouts.info.redact: literal env values vanish wherever a pod template sits; the rest stays."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from rollouts.info.redact import HIDDEN, LAST_APPLIED, UNREADABLE, env_info, redact

SECRET = "hunter2"


def container(*env: dict[str, Any]) -> dict[str, Any]:
    return {"name": "web", "image": "argoproj/rollouts-demo:blue", "env": list(env)}


def template(*env: dict[str, Any]) -> dict[str, Any]:
    return {"metadata": {"labels": {"app": "web"}},
            "spec": {"containers": [container(*env)],
                     "initContainers": [container({"name": "INIT_TOKEN", "value": SECRET})]}}


LITERAL = {"name": "DB_PASSWORD", "value": SECRET}
FROM_SECRET = {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "api", "key": "key"}}}

# Every place a pod template travels in the kinds the dashboard mirrors or sends.
SHAPES = {
    "rollout": {"kind": "Rollout", "spec": {"template": template(LITERAL)}},
    "replicaset": {"kind": "ReplicaSet", "spec": {"template": template(LITERAL)}},
    "pod": {"kind": "Pod", "spec": template(LITERAL)["spec"], "status": {"phase": "Running"}},
    "experiment": {"kind": "Experiment",
                   "spec": {"templates": [{"name": "canary", "template": template(LITERAL)}]}},
    "analysisrun job": {"kind": "AnalysisRun", "spec": {"metrics": [{"name": "job", "provider": {
        "job": {"spec": {"template": template(LITERAL)}}}}]}},
    "undo json patch": [{"op": "replace", "path": "/spec/template", "value": template(LITERAL)}],
}


@pytest.mark.parametrize("shape", SHAPES)
def test_it_hides_every_literal_value_and_keeps_the_names(shape: str) -> None:
    original = copy.deepcopy(SHAPES[shape])
    redacted = json.dumps(redact(SHAPES[shape]))
    assert SECRET not in redacted
    assert '"DB_PASSWORD"' in redacted and '"INIT_TOKEN"' in redacted
    assert SHAPES[shape] == original  # the object sent to the cluster is left alone


def test_a_hidden_entry_says_so_instead_of_looking_empty() -> None:
    (hidden,) = redact({"env": [LITERAL]})["env"]
    assert hidden == {"name": "DB_PASSWORD", HIDDEN: True}


def test_references_and_empty_values_are_kept_as_they_are() -> None:
    entries = [FROM_SECRET, {"name": "EMPTY", "value": ""}, {"name": "UNSET"}]
    assert redact({"env": entries})["env"] == entries


def test_an_object_without_env_values_comes_back_unchanged_and_uncopied() -> None:
    rollout = {"spec": {"template": template(FROM_SECRET)}}
    rollout["spec"]["template"]["spec"]["initContainers"] = []
    assert redact(rollout) is rollout


def test_last_applied_configuration_is_redacted_inside_its_json() -> None:
    applied = {"kind": "Rollout", "spec": {"template": template(LITERAL)}}
    obj = {"metadata": {"annotations": {LAST_APPLIED: json.dumps(applied), "team": "web"}}}
    annotations = redact(obj)["metadata"]["annotations"]
    assert SECRET not in annotations[LAST_APPLIED]
    assert json.loads(annotations[LAST_APPLIED])["spec"]["template"]["spec"]["containers"][0][
        "env"] == [{"name": "DB_PASSWORD", HIDDEN: True}]
    assert annotations["team"] == "web"


def test_an_unreadable_last_applied_configuration_is_hidden_whole() -> None:
    broken = '{"spec": {"env": [{"name": "A", "value": "' + SECRET  # cut short
    obj = {"metadata": {"annotations": {LAST_APPLIED: broken}}}
    assert redact(obj)["metadata"]["annotations"][LAST_APPLIED] == UNREADABLE


@pytest.mark.parametrize(("entry", "source"), [
    (LITERAL, "value hidden"),
    ({"name": "X", HIDDEN: True}, "value hidden"),
    (FROM_SECRET, "secret api/key"),
    ({"name": "C", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
     "configmap cfg/mode"),
    ({"name": "NS", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}},
     "field metadata.namespace"),
    ({"name": "CPU", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
     "resource limits.cpu"),
    ({"name": "EMPTY", "value": ""}, "empty"),
    ({"name": "ODD", "valueFrom": "not a map"}, "empty"),
])
def test_the_info_model_lists_a_name_and_where_its_value_comes_from(
        entry: dict[str, Any], source: str) -> None:
    info = env_info(entry)
    assert (info.name, info.source) == (entry["name"], source)
