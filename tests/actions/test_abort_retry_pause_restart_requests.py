"""Abort, retry, pause and restart against simcluster: the exact writes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from rollouts.actions import run_action
from tests.actions.objects import paused_at_step_1, with_status
from tests.actions.support import KEY, MERGE, ROLLOUT_PATH, STATUS_PATH, codes, seed, writes

pytestmark = pytest.mark.django_db


def test_abort_sets_abort_through_the_status_subresource(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "abort", {})
    assert result.message == "rollout 'rollouts-demo' aborted"
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}})]
    assert gateway.get("rollouts", "my-demo", "rollouts-demo")["status"]["abort"] is True


def test_abort_falls_back_to_the_main_resource_on_a_404(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    cluster.fail_next(404, path=r".*/status$")
    assert run_action(gateway, KEY, "abort", {}).ok
    assert writes(cluster) == [
        ("PATCH", STATUS_PATH, MERGE, {"status": {"abort": True}}),
        ("PATCH", ROLLOUT_PATH, MERGE, {"status": {"abort": True}}),
    ]
    assert codes(cluster) == [404, 200]


def test_retry_clears_abort(cluster: Any, gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), abort=True, abortedAt="2025-07-17T17:30:00Z"))
    result = run_action(gateway, KEY, "retry", {})
    assert result.message == "rollout 'rollouts-demo' retried"
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"abort": False}})]


def test_retry_falls_back_to_the_main_resource_on_a_404(cluster: Any, gateway: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), abort=True))
    cluster.fail_next(404, path=r".*/status$")
    run_action(gateway, KEY, "retry", {})
    assert writes(cluster)[1] == ("PATCH", ROLLOUT_PATH, MERGE, {"status": {"abort": False}})


def test_pause_sets_spec_paused_on_the_main_resource(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    result = run_action(gateway, KEY, "pause", {})
    assert result.message == "rollout 'rollouts-demo' paused"
    assert writes(cluster) == [("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"paused": True}})]


def test_restart_sets_restart_at_to_now_in_utc_seconds(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    now = datetime(2025, 7, 17, 17, 45, 12, 345678, tzinfo=UTC)
    result = run_action(gateway, KEY, "restart", {}, now=now)
    assert result.message == "rollout 'rollouts-demo' restarts in 0s"
    assert writes(cluster) == [
        ("PATCH", ROLLOUT_PATH, MERGE, {"spec": {"restartAt": "2025-07-17T17:45:12Z"}}),
    ]


def test_restart_in_a_while_is_scheduled_later(cluster: Any, gateway: Any) -> None:
    seed(cluster, paused_at_step_1())
    now = datetime(2025, 7, 17, 17, 45, 12, tzinfo=UTC)
    result = run_action(gateway, KEY, "restart", {"in": "5m"}, now=now)
    assert result.message == "rollout 'rollouts-demo' restarts in 5m"
    assert writes(cluster)[0][3] == {"spec": {"restartAt": "2025-07-17T17:50:12Z"}}
