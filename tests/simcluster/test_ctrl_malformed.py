"""A malformed Rollout gets an InvalidSpec condition; nothing crashes; a fix recovers it."""

from __future__ import annotations

import pytest

from tests.simcluster.ctrl_support import (
    Kube,
    basic_canary,
    namespace,
    setup,
    start_cluster,
    wait_phase,
)

NS = "batch"


@pytest.fixture
def kube(make_simcluster):
    cluster = start_cluster(make_simcluster)
    setup(cluster, [namespace(NS)])
    kube = Kube(cluster)
    yield kube
    kube.close()


BROKEN = [
    ("no-selector", lambda ro: ro["spec"].pop("selector"),
     "spec.selector: Required value: Rollout has missing field '.spec.selector'"),
    ("no-strategy", lambda ro: ro["spec"].__setitem__("strategy", {}),
     "spec.strategy: Required value: Rollout has missing field "
     "'.spec.strategy.canary or .spec.strategy.blueGreen'"),
    ("bad-weight", lambda ro: ro["spec"]["strategy"]["canary"].__setitem__(
        "steps", [{"setWeight": "lots"}]),
     'spec.strategy.canary.steps[0].setWeight: Invalid value: "lots": SetWeight needs to be '
     "between 0 and 100"),
    ("bad-step", lambda ro: ro["spec"]["strategy"]["canary"].__setitem__(
        "steps", [{"jump": 3}]),
     'spec.strategy.canary.steps[0]: Invalid value: {"jump":3}: Step must have one of the '
     "following set: experiment, setWeight, setCanaryScale, plugin or pause"),
    ("mismatch", lambda ro: ro["spec"]["selector"].__setitem__("matchLabels", {"app": "other"}),
     'spec.template.metadata.labels: Invalid value: {"app":"mismatch"}: `selector` does not '
     "match template `labels`"),
    ("no-service", lambda ro: ro["spec"]["strategy"]["canary"].update(
        canaryService="nope-canary", stableService="nope-stable",
        trafficRouting={"istio": {"virtualService": {"name": "vs"}}}),
     'spec.strategy.canary.stableService: Invalid value: "nope-stable": services "nope-stable" '
     "not found"),
    ("garbage", lambda ro: ro.__setitem__("spec", "oops"),
     "spec: Required value: Rollout has missing field '.spec'"),
]


@pytest.mark.parametrize(("name", "breaks", "error"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_malformed_rollout_is_reported_as_invalid_spec(kube, name, breaks, error):
    rollout = basic_canary(NS, name, [{"setWeight": 50}], replicas=1)
    breaks(rollout)
    setup(kube.cluster, [rollout, basic_canary(NS, "healthy", [{"setWeight": 50}], replicas=1)])
    status = wait_phase(kube, NS, name, "Degraded")
    assert status["message"] == f'InvalidSpec: The Rollout "{name}" is invalid: {error}'
    invalid = next(c for c in status["conditions"] if c["type"] == "InvalidSpec")
    assert (invalid["status"], invalid["reason"]) == ("True", "InvalidSpec")
    wait_phase(kube, NS, "healthy", "Healthy")  # the manager kept working


def test_fixing_an_invalid_rollout_clears_the_condition(kube):
    rollout = basic_canary(NS, "app", [{"setWeight": 500}], replicas=1)
    setup(kube.cluster, [rollout])
    wait_phase(kube, NS, "app", "Degraded")
    kube.patch(NS, "app", {"spec": {"strategy": {"canary": {"steps": [{"setWeight": 50}]}}}})
    status = wait_phase(kube, NS, "app", "Healthy")
    assert all(c["type"] != "InvalidSpec" for c in status["conditions"])
