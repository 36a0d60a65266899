"""What the pages and the live fragments render, read from the mirror's tables.

The views, the publisher and the websocket consumers all build their `RowData` / `DetailData`
here, so the first page render and every live update start from the same data and cannot drift.
Rows hold the info model's dict (`Rollout.info`) as the watcher stored it; nothing here
re-derives a rule the info model computes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from rollouts.access.variants import glob_regex
from rollouts.keys import RolloutKey
from rollouts.models import ActionRecord, ClusterStatus, Rollout, RolloutEvent

TIMELINE_LIMIT = 60
ACTIONS_LIMIT = 12


@dataclass(frozen=True)
class RowData:
    """One rollout as the overview shows it."""

    key: RolloutKey
    info: dict[str, Any]
    changed_at: datetime | None = None


@dataclass(frozen=True)
class EventData:
    at: datetime
    kind: str
    message: str
    revision: int | None = None
    step_index: int | None = None


@dataclass(frozen=True)
class ActionData:
    at: datetime
    actor: str
    source: str
    action: str
    params: dict[str, Any]
    outcome: str
    message: str
    duration_ms: int = 0
    how: str = ""  # how the actor signed in: "oidc · groups a, b", "token deploy-bot", …

    @property
    def params_text(self) -> str:
        """The parameters that say something ("full=true", "to_revision=1"); false ones drop."""
        return ", ".join(f"{key}={json.dumps(value)}" for key, value in sorted(self.params.items())
                         if value not in (False, None, "", "0s"))


@dataclass(frozen=True)
class DetailData:
    """One rollout with its history: the timeline (newest first) and the latest actions."""

    key: RolloutKey
    info: dict[str, Any]
    changed_at: datetime | None = None
    events: tuple[EventData, ...] = ()
    actions: tuple[ActionData, ...] = ()


@dataclass(frozen=True)
class ClusterStatusData:
    cluster: str
    state: str  # connecting / live / reconnecting / unreachable / unknown
    message: str = ""
    kinds: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


# What a RowData needs: the raw object (the biggest column by far) stays in the database.
ROW_FIELDS = ("cluster", "namespace", "name", "info", "changed_at")


def default_cluster() -> str:
    return settings.ROLLOUTS_CLUSTER_NAME


def key_of(row: Rollout) -> RolloutKey:
    return RolloutKey(row.cluster, row.namespace, row.name)


def row_data(row: Rollout) -> RowData:
    # A row written before its info was computed (or a damaged one) still shows its name.
    info = row.info if isinstance(row.info, dict) else {}
    return RowData(key_of(row), info, row.changed_at)


def within(rows: Any, globs: Sequence[str] | None) -> Any:
    """`rows` narrowed to namespaces matching one of `globs` (None: all), in the same query."""
    if globs is None:
        return rows
    if not globs:
        return rows.none()
    plain = [g for g in globs if "*" not in g and "?" not in g]
    wanted = Q(namespace__in=plain) if plain else Q(pk__in=[])
    for glob in globs:
        if glob not in plain:
            wanted |= Q(namespace__regex=glob_regex(glob))
    return rows.filter(wanted)


def _rollouts(cluster: str | None, namespaces: Sequence[str] = (),
              globs: Sequence[str] | None = None) -> Any:
    rows = Rollout.objects.filter(cluster=cluster or default_cluster()).only(*ROW_FIELDS)
    if namespaces:
        rows = rows.filter(namespace__in=list(namespaces))
    return within(rows, globs).order_by("namespace", "name")


def load_rows(cluster: str | None = None, namespaces: Sequence[str] = (),
              globs: Sequence[str] | None = None) -> list[RowData]:
    """Every mirrored rollout of the cluster (optionally of some namespaces, and only in
    namespaces matching `globs` when given), by namespace/name."""
    return [row_data(row) for row in _rollouts(cluster, namespaces, globs)]


def load_row(key: RolloutKey) -> RowData | None:
    row = (Rollout.objects.filter(cluster=key.cluster, namespace=key.namespace, name=key.name)
           .only(*ROW_FIELDS).first())
    return row_data(row) if row is not None else None


def load_rows_for(keys: Iterable[RolloutKey]) -> dict[RolloutKey, RowData]:
    """Rows of several rollouts in one query per cluster (keys without a row are left out)."""
    wanted = set(keys)
    found: dict[RolloutKey, RowData] = {}
    for cluster in {key.cluster for key in wanted}:
        names = {key.name for key in wanted if key.cluster == cluster}
        for row in Rollout.objects.filter(cluster=cluster, name__in=names).only(*ROW_FIELDS):
            data = row_data(row)
            if data.key in wanted:
                found[data.key] = data
    return found


def namespaces(cluster: str | None = None, globs: Sequence[str] | None = None) -> list[str]:
    rows = within(Rollout.objects.filter(cluster=cluster or default_cluster()), globs)
    return list(rows.order_by("namespace").values_list("namespace", flat=True).distinct())


def _events(key: RolloutKey, limit: int) -> tuple[EventData, ...]:
    rows = RolloutEvent.objects.filter(cluster=key.cluster, namespace=key.namespace,
                                       name=key.name).order_by("-at", "-id")[:limit]
    return tuple(EventData(e.at, e.kind, e.message, e.revision, e.step_index) for e in rows)


def _how(record: ActionRecord) -> str:
    parts = [f"token {record.actor_token}" if record.actor_token else record.actor_method]
    if record.actor_groups:
        parts.append("groups " + ", ".join(str(g) for g in record.actor_groups))
    parts.append(record.actor_address)
    return " · ".join(part for part in parts if part)


def _actions(key: RolloutKey, limit: int) -> tuple[ActionData, ...]:
    rows = ActionRecord.objects.filter(cluster=key.cluster, namespace=key.namespace,
                                       name=key.name).order_by("-at", "-id")[:limit]
    return tuple(
        ActionData(r.at, r.actor, r.source, r.action,
                   r.params if isinstance(r.params, dict) else {}, r.outcome, r.message,
                   r.duration_ms, _how(r))
        for r in rows
    )


def load_events(key: RolloutKey, limit: int = TIMELINE_LIMIT) -> tuple[EventData, ...]:
    return _events(key, limit)


def load_actions(key: RolloutKey, limit: int = ACTIONS_LIMIT) -> tuple[ActionData, ...]:
    return _actions(key, limit)


def ever_known(key: RolloutKey) -> bool:
    """Whether this rollout ever existed as far as the dashboard knows: the mirror writes a
    timeline event when it first sees one (and when it goes), and an action that went
    through (ok / noop) found it in the cluster. A refused or failed action proves nothing:
    one is recorded for a name that never existed too."""
    where = {"cluster": key.cluster, "namespace": key.namespace, "name": key.name}
    return (RolloutEvent.objects.filter(**where).exists()
            or ActionRecord.objects.filter(**where, outcome__in=("ok", "noop")).exists())


def load_detail(key: RolloutKey, *, events: int = TIMELINE_LIMIT,
                actions: int = ACTIONS_LIMIT) -> DetailData | None:
    """The rollout with its newest timeline events and action records; None when not mirrored."""
    row = load_row(key)
    if row is None:
        return None
    return DetailData(key, row.info, row.changed_at, _events(key, events), _actions(key, actions))


def cluster_status_data(status: ClusterStatus | None, cluster: str | None = None
                        ) -> ClusterStatusData:
    """The indicator's data from a ClusterStatus row (or its absence: no watcher yet)."""
    if status is None:
        return ClusterStatusData(cluster or default_cluster(), "unknown",
                                 "no watcher has reported yet")
    kinds = status.kinds if isinstance(status.kinds, dict) else {}
    return ClusterStatusData(status.cluster, str(status.state or "unknown"),
                             str(status.message or ""), kinds, status.updated_at)


def load_cluster_status(cluster: str | None = None) -> ClusterStatusData:
    cluster = cluster or default_cluster()
    return cluster_status_data(ClusterStatus.objects.filter(cluster=cluster).first(), cluster)
