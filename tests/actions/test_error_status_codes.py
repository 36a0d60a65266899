"""Every way an action can fail, mapped to a status code, a reason and a clear message."""

from __future__ import annotations

from typing import Any

import pytest

from rollouts.actions import run_action
from rollouts.gateway import Gateway
from rollouts.keys import RolloutKey
from rollouts.kinds import ClusterConfig
from tests.actions.objects import paused_at_step_1
from tests.actions.support import KEY, seed, writes

pytestmark = pytest.mark.django_db


def test_an_unknown_rollout_is_a_404_with_the_apis_message(cluster: Any, gateway: Any) -> None:
    seed(cluster)
    result = run_action(gateway, RolloutKey("default", "my-demo", "nope"), "abort", {})
    assert (result.ok, result.outcome, result.status_code) == (False, "error", 404)
    assert result.reason == "NotFound"
    assert "nope" in result.message and "not found" in result.message
    assert writes(cluster) == []


def test_forbidden_writes_are_a_403(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(403, method="PATCH")
    result = run_action(gateway, KEY, "pause", {})
    assert (result.ok, result.status_code, result.reason) == (False, 403, "Forbidden")


def test_a_conflict_from_the_api_is_a_409(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(409, method="PATCH")
    assert run_action(gateway, KEY, "pause", {}).status_code == 409


def test_other_api_errors_are_a_502(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(422, method="PATCH")
    result = run_action(gateway, KEY, "pause", {})
    assert (result.status_code, result.outcome) == (502, "error")


def test_bad_input_is_a_422_and_nothing_is_read(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "undo", {"revision": "two"})
    assert (result.ok, result.outcome, result.status_code) == (False, "refused", 422)
    assert result.requests == []
    assert run_action(gateway, KEY, "resume", {}).status_code == 422
    assert run_action(gateway, KEY, "abort", {}, expect={"step": "x"}).status_code == 422


def test_an_unreachable_cluster_is_a_503(make_simcluster: Any, settings: Any) -> None:
    cluster = make_simcluster()
    settings.ROLLOUTS_REQUEST_TIMEOUT = 2.0
    gateway = Gateway(ClusterConfig(kubeconfig=str(cluster.kubeconfig), request_timeout=2.0))
    cluster.stop()
    result = run_action(gateway, KEY, "abort", {})
    assert (result.ok, result.outcome, result.status_code) == (False, "error", 503)
    assert result.reason == "ConnectionError"


def test_no_configured_cluster_is_a_503(settings: Any, tmp_path: Any) -> None:
    settings.KUBECONFIG = str(tmp_path / "missing-kubeconfig")
    result = run_action(None, KEY, "abort", {})
    assert (result.status_code, result.reason) == (503, "ConfigError")
    assert "missing-kubeconfig" in result.message
