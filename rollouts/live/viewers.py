"""Who is on the other end of a live socket, what they may see there, and whether it changed.

Sync (database, sessions): consumers call these through `database_sync_to_async`. A socket's
plan names the channel groups it joins: one per permission set ("variant") it needs, so the
publisher renders each change once per set, never per viewer (rollouts.access.variants).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import auth

from rollouts import readmodel
from rollouts.access.identity import Identity, Refused, identity_for_scope
from rollouts.access.policy import Permissions
from rollouts.access.variants import controls, may_view, variant_id, viewable_namespaces
from rollouts.keys import RolloutKey
from rollouts.live.audience import Variants
from rollouts.publish import cluster_group, namespace_group, rollout_group, variant_group

SIGNED_OUT = "Signed out — sign in again"
CHANGED = "Your access changed — reloading"
GONE = "Your access changed — nothing to show here"


def _reloaded(scope: dict[str, Any]) -> dict[str, Any]:
    """The scope with its session and user read again: the session may have ended since."""
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if not key:
        return scope
    fresh = import_module(settings.SESSION_ENGINE).SessionStore(key)
    user = auth.get_user(SimpleNamespace(session=fresh))  # type: ignore[arg-type]
    return {**scope, "session": fresh, "user": user}


def identity_now(scope: dict[str, Any], *, again: bool = False) -> Identity | None:
    """The socket's identity (at connect, or `again` from the session as it is now); None
    for a credential that must not be believed."""
    try:
        return identity_for_scope(_reloaded(scope) if again else scope)
    except Refused:
        return None


def signature(permissions: Permissions) -> frozenset[tuple[str, str, frozenset[str]]]:
    """What a person may see and do, to compare: their grants' scopes with the verbs."""
    return frozenset((g.cluster, g.namespace, verbs) for g, verbs in permissions.grants)


@dataclass(frozen=True)
class Plan:
    identity: Identity
    groups: tuple[str, ...]  # the rows' or detail's groups, one per variant
    variants: Variants  # the variants those groups are for, with their controls
    # (cluster, namespace) -> its variant (None: not shown), filled as rows arrive
    _seen: dict[tuple[str, str], str | None] = field(default_factory=dict, compare=False,
                                                     repr=False)

    @property
    def permissions(self) -> Permissions:
        return self.identity.permissions

    def variant_for(self, cluster: str, namespace: str) -> str | None:
        """The variant this socket shows a namespace's rollouts in; None: not shown."""
        where = (cluster, namespace)
        if where not in self._seen:
            self._seen[where] = (variant_id(controls(self.permissions, cluster, namespace))
                                 if may_view(self.permissions, cluster, namespace) else None)
        return self._seen[where]

    def same_access(self, other: Plan) -> bool:
        return signature(self.permissions) == signature(other.permissions)


def _variants(permissions: Permissions, cluster: str, namespaces: list[str]
              ) -> tuple[dict[str, str], Variants]:
    by_namespace = {ns: controls(permissions, cluster, ns) for ns in namespaces}
    return ({ns: variant_id(verbs) for ns, verbs in by_namespace.items()},
            {variant_id(verbs): verbs for verbs in by_namespace.values()})


def _examples(globs: list[str]) -> list[str]:
    """A namespace name each glob matches (`payments-*` -> `payments-x`)."""
    return [glob.replace("*", "x").replace("?", "x") for glob in globs]


def overview_plan(scope: dict[str, Any], cluster: str, asked: list[str] | None, *,
                  again: bool = False) -> Plan | None:
    """The overview socket's groups (None: it may see nothing, refuse it).

    Over all namespaces: one cluster group per variant among the mirrored namespaces it may
    view; over some: the namespace group of each it may view, in its variant.
    """
    identity = identity_now(scope, again=again)
    if identity is None:
        return None
    permissions = identity.permissions
    globs = viewable_namespaces(permissions, cluster)
    if globs == []:  # nothing in this cluster (grants elsewhere do not count)
        return None
    if asked is None:
        # The globs' own variants too: rollouts of a namespace not mirrored yet arrive then
        # without a reconnect (one of a permission set still missing makes the recheck rejoin).
        shown = sorted({*readmodel.namespaces(cluster, globs), *_examples(globs or ["*"])})
    else:
        shown = [ns for ns in asked if may_view(permissions, cluster, ns)]
    variant_of, variants = _variants(permissions, cluster, shown)
    if asked is None:
        groups = [variant_group(cluster_group(cluster), v) for v in sorted(variants)]
    else:
        groups = [variant_group(namespace_group(cluster, ns), variant_of[ns]) for ns in shown]
    return Plan(identity, tuple(groups), variants)


def detail_plan(scope: dict[str, Any], key: RolloutKey, *, again: bool = False
                ) -> Plan | None:
    """The detail socket's group, in its rollout's variant (None: outside the scope)."""
    identity = identity_now(scope, again=again)
    if identity is None or not may_view(identity.permissions, key.cluster, key.namespace):
        return None
    variant_of, variants = _variants(identity.permissions, key.cluster, [key.namespace])
    return Plan(identity, (variant_group(rollout_group(key), variant_of[key.namespace]),),
                variants)


def ended_notice(before: Plan, now: Identity | None) -> str:
    """What a socket whose user may see nothing any more says before it closes."""
    if before.identity.signed_in and (now is None or not now.signed_in):
        return SIGNED_OUT
    return GONE


ACCESS_ENDED = 4403  # no reconnect: static/js/live.js leaves the notice in place
RECONNECT = 1012  # htmx's ws extension reconnects, and the new connect gets the new scope


def recheck(before: Plan, scope: dict[str, Any], plan_now: Any) -> tuple[str, int]:
    """(notice, close code) for a socket planned as `before`, now `plan_now()`; code 0:
    nothing changed, carry on."""
    now = plan_now()
    if now is None:
        return ended_notice(before, identity_now(scope, again=True)), ACCESS_ENDED
    if not before.same_access(now):
        return CHANGED, RECONNECT
    if set(now.groups) != set(before.groups):
        # A namespace of a permission set it has no group for yet appeared: join anew.
        return "", RECONNECT
    return "", 0
