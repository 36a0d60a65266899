"""`manage.py rollouts <action>`: upstream's messages on success, a non-zero exit on failure."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError

from rollouts.management.commands.rollouts import Command
from rollouts.models import ActionRecord
from tests.actions.objects import (
    CANARY_HASH,
    STABLE_HASH,
    paused_at_step_1,
    replicaset,
    with_status,
)
from tests.actions.support import MERGE, ROLLOUT_PATH, STATUS_PATH, seed, writes
from tests.cli.conftest import Run

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("args", "printed"),
    [
        (("promote", "rollouts-demo"), "rollout 'rollouts-demo' promoted"),
        (("promote", "rollouts-demo", "--full"), "rollout 'rollouts-demo' fully promoted"),
        (("abort", "rollouts-demo"), "rollout 'rollouts-demo' aborted"),
        (("retry", "rollout", "rollouts-demo"), "rollout 'rollouts-demo' retried"),
        (("retry", "rollouts-demo"), "rollout 'rollouts-demo' retried"),
        (("restart", "rollouts-demo"), "rollout 'rollouts-demo' restarts in 0s"),
        (("restart", "rollouts-demo", "--in", "10s"), "rollout 'rollouts-demo' restarts in 10s"),
        (("pause", "rollouts-demo"), "rollout 'rollouts-demo' paused"),
        (("set", "image", "rollouts-demo", "rollouts-demo=argoproj/rollouts-demo:red"),
         'rollout "rollouts-demo" image updated'),
        (("undo", "rollouts-demo"), "rollout 'rollouts-demo' undo"),
        (("undo", "rollouts-demo", "--to-revision", "2"),
         "skipped rollback (current template already matches revision 2)"),
    ],
)
def test_each_action_prints_upstreams_message(rollouts_cli: Run, cluster: Any,
                                              args: tuple[str, ...], printed: str) -> None:
    seed(cluster, paused_at_step_1(), replicaset(1, STABLE_HASH, "argoproj/rollouts-demo:blue"),
         replicaset(2, CANARY_HASH, "argoproj/rollouts-demo:yellow"))
    assert rollouts_cli(*args, "-n", "my-demo") == printed + "\n"
    assert ActionRecord.objects.get().source == "cli"


def test_the_namespace_may_come_before_the_command(rollouts_cli: Run, cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    rollouts_cli("-n", "my-demo", "promote", "rollouts-demo")
    assert writes(cluster) == [("PATCH", STATUS_PATH, MERGE, {"status": {"pauseConditions": None}})]


def test_abort_and_pause_take_several_names(rollouts_cli: Run, cluster: Any) -> None:
    second = paused_at_step_1()
    second["metadata"].update(name="rollouts-demo-2", uid="another-uid")
    seed(cluster, paused_at_step_1(), second)
    printed = rollouts_cli("pause", "rollouts-demo", "rollouts-demo-2", "-n", "my-demo")
    assert printed.splitlines() == ["rollout 'rollouts-demo' paused",
                                    "rollout 'rollouts-demo-2' paused"]
    assert [w[1] for w in writes(cluster)] == [ROLLOUT_PATH, ROLLOUT_PATH + "-2"]


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("abort", "nope"), 'rollouts.argoproj.io "nope" not found'),
        (("undo", "rollouts-demo", "--to-revision", "9"),
         "unable to find specified revision 9 in history"),
        (("set", "image", "rollouts-demo", "sidecar=x:1"), 'unable to find container named'),
        (("set", "image", "rollouts-demo", "no-equals-sign"), "expected CONTAINER=IMAGE"),
        (("retry", "experiment", "exp-1"), "retrying experiments is not supported"),
        (("restart", "rollouts-demo", "--in", "soon"), "'in' must be a duration"),
    ],
)
def test_failures_raise_a_command_error_with_a_clear_message(
    rollouts_cli: Run, cluster: Any, args: tuple[str, ...], problem: str
) -> None:
    seed(cluster, paused_at_step_1(), replicaset(2, CANARY_HASH, "argoproj/rollouts-demo:yellow"))
    with pytest.raises(CommandError, match=problem):
        rollouts_cli(*args, "-n", "my-demo")
    assert writes(cluster) == []


def test_a_repeated_promote_is_refused_instead_of_skipping_a_step(rollouts_cli: Run,
                                                                  cluster: Any) -> None:
    seed(cluster, paused_at_step_1())
    rollouts_cli("promote", "rollouts-demo", "-n", "my-demo")
    with pytest.raises(CommandError, match="was changed a moment ago"):
        rollouts_cli("promote", "rollouts-demo", "-n", "my-demo")
    assert len(writes(cluster)) == 1


def test_a_promote_after_the_cooldown_is_still_refused_while_unpausing(
        rollouts_cli: Run, cluster: Any, settings: Any) -> None:
    settings.ROLLOUTS_ACTION_COOLDOWN = 0.0
    seed(cluster, paused_at_step_1())
    rollouts_cli("promote", "rollouts-demo", "-n", "my-demo")
    with pytest.raises(CommandError, match="already being promoted"):
        rollouts_cli("promote", "rollouts-demo", "-n", "my-demo")
    assert len(writes(cluster)) == 1


def test_a_failure_exits_non_zero_from_the_command_line(cluster: Any,
                                                        capsys: Any) -> None:
    seed(cluster, with_status(paused_at_step_1(), abort=True))
    with pytest.raises(SystemExit) as exited:
        Command().run_from_argv(["manage.py", "rollouts", "retry", "nope", "-n", "my-demo"])
    assert exited.value.code == 1
    assert 'rollouts.argoproj.io "nope" not found' in capsys.readouterr().err


def test_usage_errors_name_the_problem(rollouts_cli: Run) -> None:
    with pytest.raises(CommandError, match="invalid choice: 'resume'"):
        rollouts_cli("resume", "rollouts-demo")
