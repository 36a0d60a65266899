"""What one permission set sees and may press: the unit pages and live frames are rendered for.

Two viewers whose verbs in a namespace are the same get byte-for-byte the same HTML there, so
the live publisher renders once per distinct set of controls (a "variant"), never per viewer.
`variant_id` names that set shortly and stably (the same in every process), for cache keys and
channel group names.
"""

from __future__ import annotations

import fnmatch
import hashlib
import re
from collections.abc import Iterable

from rollouts.access.policy import VIEW, Permissions
from rollouts.actions.availability import LABELS

# The verbs that are buttons (the UI's action names); "view" and "manage-access" are not.
UI_VERBS = frozenset(LABELS)
NO_CONTROLS: frozenset[str] = frozenset()


def controls(permissions: Permissions, cluster: str, namespace: str) -> frozenset[str]:
    """The buttons this person may use in one namespace."""
    return permissions.verbs(cluster, namespace) & UI_VERBS


def variant_id(verbs: Iterable[str]) -> str:
    """A short name for a set of controls: "c-" and 8 hex digits of a hash of the sorted verbs."""
    text = ",".join(sorted(set(verbs)))
    return "c-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def viewable_namespaces(permissions: Permissions, cluster: str) -> list[str] | None:
    """The namespace globs this person may see in `cluster`; None: every namespace."""
    globs = sorted({namespace for grant_cluster, namespace in permissions.view_scopes()
                    if fnmatch.fnmatchcase(cluster, grant_cluster)})
    return None if "*" in globs else globs


def glob_regex(pattern: str) -> str:
    """A namespace glob (`*`, `?`, letters, digits, `.`, `-`) as an anchored regex that SQLite's
    and PostgreSQL's regex operators read alike."""
    out = []
    for char in pattern:
        out.append(".*" if char == "*" else "." if char == "?" else re.escape(char))
    return "^" + "".join(out) + "$"


def may_view(permissions: Permissions, cluster: str, namespace: str) -> bool:
    return permissions.can(VIEW, cluster, namespace)
