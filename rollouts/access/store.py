"""Where grants come from: the database (the `access` command, the admin page) and the policy file.

The file is re-read when its modification time or size changes. A file that does not parse is
reported (logged, and kept in `file_policy_error()` for the pages that show it) and the policy
read before it stays in force, so a typo in a ConfigMap never locks everyone out or in.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from rollouts.access.policy import Grant, Permissions, Policy, PolicyError, parse_policy
from rollouts.models import AccessGrant

log = logging.getLogger(__name__)


@dataclass
class _FileState:
    stamp: tuple[str, float, int] | None = None
    policy: Policy = Policy()
    error: str = ""


_file = _FileState()
_file_lock = threading.Lock()


def _stamp(path: str) -> tuple[str, float, int]:
    try:
        stat = os.stat(path)
    except OSError:
        return path, -1.0, -1  # missing: read (and reported) once, again when it appears
    return path, stat.st_mtime, stat.st_size


def file_policy() -> Policy:
    """The policy file's roles and grants (empty without ROLLOUTS_POLICY_FILE)."""
    path = str(getattr(settings, "ROLLOUTS_POLICY_FILE", "") or "")
    if not path:
        return Policy()
    stamp = _stamp(path)
    with _file_lock:
        if stamp == _file.stamp:
            return _file.policy
        try:
            text = Path(path).read_text(encoding="utf-8")
            policy = parse_policy(text, source=f"{Path(path).name}")
        except (OSError, UnicodeDecodeError, PolicyError) as exc:
            _file.error = f"{path}: {exc}"
            log.error("policy file not loaded, the previous policy stays in force: %s",
                      _file.error)
        else:
            _file.policy, _file.error = policy, ""
            log.info("policy file %s loaded: %d roles, %d grants", path, len(policy.roles),
                     len(policy.grants))
        _file.stamp = stamp
        return _file.policy


def file_policy_error() -> str:
    file_policy()
    return _file.error


def database_grants() -> tuple[Grant, ...]:
    return tuple(
        Grant(row.role, row.subject_kind, row.subject, row.cluster, row.namespace, "database")
        for row in AccessGrant.objects.order_by("id")
    )


def current_policy() -> Policy:
    """Read afresh on every call: a revoked grant stops working with the next request."""
    base = file_policy()
    return Policy(base.roles, base.grants + database_grants())


def permissions_for(user: str, groups: list[str] | tuple[str, ...] | frozenset[str]
                    ) -> Permissions:
    return Permissions.of(current_policy(), user, groups)
