"""The policy file is re-read when it changes; a broken one is reported and the old one stays."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from rollouts.access.store import file_policy_error, permissions_for

pytestmark = pytest.mark.django_db


def _write(path: Path, text: str, stamp: int) -> None:
    path.write_text(text)
    os.utime(path, (stamp, stamp))  # a new mtime even within one clock tick


def test_a_changed_file_takes_effect_and_a_broken_one_keeps_the_previous(
        tmp_path: Path, settings: Any) -> None:
    path = tmp_path / "policy.csv"
    settings.ROLLOUTS_POLICY_FILE = str(path)
    _write(path, "g, user:alice, role:viewer, my-demo\n", 1_000)
    assert permissions_for("alice", []).verbs("default", "my-demo") == {"view"}

    _write(path, "g, user:alice, role:operator, my-demo\n", 2_000)
    assert permissions_for("alice", []).can("promote", "default", "my-demo")
    assert file_policy_error() == ""

    _write(path, "g, user:alice, role:admin\ng, user:alice, role:operater\n", 3_000)
    assert permissions_for("alice", []).can("promote", "default", "my-demo")
    assert not permissions_for("alice", []).can("set-image", "default", "my-demo")
    assert "line 2: expected role:<name>, found 'role:operater'" not in file_policy_error()
    assert "line 2: role:operater is not defined" in file_policy_error()

    _write(path, "g, user:alice, role:admin\n", 4_000)
    assert permissions_for("alice", []).can("set-image", "default", "my-demo")
    assert file_policy_error() == ""


def test_a_file_that_disappears_is_reported_and_the_previous_policy_stays(
        tmp_path: Path, settings: Any) -> None:
    path = tmp_path / "policy.csv"
    settings.ROLLOUTS_POLICY_FILE = str(path)
    _write(path, "g, group:sre, role:viewer\n", 5_000)
    assert permissions_for("zed", ["sre"]).view_scopes() == [("*", "*")]
    path.unlink()
    assert permissions_for("zed", ["sre"]).view_scopes() == [("*", "*")]
    assert "policy.csv" in file_policy_error()
