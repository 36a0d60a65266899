"""The mirror's database side: load what a previous run left, write one batch per transaction.

Synchronous Django ORM code, run on the mirror's own DB thread (never on an event loop).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction

from rollouts.info.redact import redact
from rollouts.mirror_batch import RolloutRow, WriteSet
from rollouts.models import (
    AnalysisRun,
    ClusterStatus,
    DestinationRule,
    Experiment,
    Pod,
    ReplicaSet,
    Rollout,
    RolloutEvent,
    Service,
    VirtualService,
)
from rollouts.state import OWNED_KINDS, Key, controller_uid, meta, uid_of

MODELS: dict[str, type[models.Model]] = {
    "rollouts": Rollout,
    "replicasets": ReplicaSet,
    "pods": Pod,
    "analysisruns": AnalysisRun,
    "experiments": Experiment,
    "services": Service,
    "virtualservices": VirtualService,
    "destinationrules": DestinationRule,
}
UNIQUE = ["cluster", "namespace", "name"]
RAW_FIELDS = ["uid", "resource_version", "raw", "mirrored_at"]
INFO_FIELDS = [
    "info", "phase", "message", "strategy", "step_index", "step_count", "set_weight",
    "actual_weight", "images", "labels", "needs_attention", "created_at", "changed_at",
]
_CHUNK = 400  # names per DELETE … IN (…), well under SQLite's variable limit


def load_previous(cluster: str, namespaces: Iterable[str] = ()
                  ) -> tuple[dict[Key, dict], dict[str, dict[Key, tuple[str, str]]]]:
    """Infos of the rollouts and (uid, resourceVersion) of every row this cluster has.

    Rows of namespaces no longer watched are deleted first: nothing would keep them current.
    """
    watched = list(namespaces)
    if watched:
        with transaction.atomic():
            for model in MODELS.values():
                model.objects.filter(cluster=cluster).exclude(namespace__in=watched).delete()
    infos = {
        (ns, name): info
        for ns, name, info in Rollout.objects.filter(cluster=cluster).values_list(
            "namespace", "name", "info"
        )
        if isinstance(info, dict) and info
    }
    index: dict[str, dict[Key, tuple[str, str]]] = {}
    for kind, model in MODELS.items():
        rows = model.objects.filter(cluster=cluster).values_list(
            "namespace", "name", "uid", "resource_version"
        )
        index[kind] = {(ns, name): (uid, rv) for ns, name, uid, rv in rows}
    return infos, index


def write_batch(cluster: str, batch: WriteSet, now: datetime) -> ClusterStatus | None:
    """Everything in `batch`, in one transaction. Returns the saved ClusterStatus, if any."""
    status = None
    with transaction.atomic():
        for kind, model in MODELS.items():
            _delete(model, cluster, batch.deletes.get(kind, ()))
            if kind != "rollouts":
                _upsert(model, kind, cluster, batch.upserts.get(kind, {}), now)
        _write_rollouts(cluster, batch.rollouts, now)
        RolloutEvent.objects.bulk_create(
            RolloutEvent(
                cluster=cluster, namespace=key[0], name=key[1], rollout_uid=uid,
                at=event.at, kind=event.kind, message=event.message,
                revision=event.revision, step_index=event.step_index, data=event.data,
            )
            for key, uid, event in batch.events
        )
        if batch.status is not None:
            status, _ = ClusterStatus.objects.update_or_create(
                cluster=cluster, defaults={**batch.status, "updated_at": now}
            )
    return status


def _delete(model: type[models.Model], cluster: str, keys: Iterable[Key]) -> None:
    by_namespace: defaultdict[str, list[str]] = defaultdict(list)
    for namespace, name in keys:
        by_namespace[namespace].append(name)
    for namespace, names in by_namespace.items():
        for start in range(0, len(names), _CHUNK):
            chunk = names[start:start + _CHUNK]
            model.objects.filter(cluster=cluster, namespace=namespace, name__in=chunk).delete()


def _row_fields(kind: str, obj: dict, now: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "uid": uid_of(obj)[:64],
        "resource_version": str(meta(obj).get("resourceVersion") or "")[:64],
        "raw": json.dumps(redact(obj)),  # env values are never stored (rollouts.info.redact)
        "mirrored_at": now,
    }
    if kind in OWNED_KINDS:
        fields["owner_uid"] = controller_uid(obj)[:64]
    return fields


def _upsert_rows(model: type[models.Model], rows: list[dict[str, Any]],
                 update: list[str]) -> None:
    """INSERT … ON CONFLICT (cluster, namespace, name) DO UPDATE, one executemany.

    Values arrive ready for the database (JSON as text, datetimes adapted): Django's
    bulk_create would spend most of a large batch preparing them again, value by value.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = list(rows[0])
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({', '.join(map(quote, UNIQUE))}) DO UPDATE SET "
        + ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in update)
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [tuple(row[c] for c in columns) for row in rows])


def _upsert(model: type[models.Model], kind: str, cluster: str, objects: dict[Key, dict],
            now: datetime) -> None:
    stamp = connection.ops.adapt_datetimefield_value(now)
    rows = [
        {"cluster": cluster, "namespace": ns, "name": name, **_row_fields(kind, obj, stamp)}
        for (ns, name), obj in objects.items()
    ]
    _upsert_rows(model, rows, RAW_FIELDS + (["owner_uid"] if kind in OWNED_KINDS else []))


def rollout_columns(info: dict) -> dict[str, Any]:
    """The indexed columns, read from the info dict (never re-derived)."""
    images = [i.get("image") for i in info.get("images") or () if isinstance(i, dict)]
    labels = info.get("labels")
    return {
        "info": info,
        "phase": str(info.get("status") or "")[:32],
        "message": str(info.get("message") or ""),
        "strategy": str(info.get("strategy") or "")[:16],
        "step_index": _int(info.get("step_index")),
        "step_count": _int(info.get("step_count")) or 0,
        "set_weight": _int(info.get("set_weight")),
        "actual_weight": _int(info.get("actual_weight")),
        "images": ", ".join(str(i) for i in images if i),
        "labels": labels if isinstance(labels, dict) else {},
        "needs_attention": info.get("needs_attention") is True,
        "created_at": _time(info.get("created_at")),
    }


def _rollout_row(cluster: str, key: Key, row: RolloutRow, stamp: Any) -> dict[str, Any]:
    adapt = connection.ops.adapt_datetimefield_value
    columns = rollout_columns(row.info)
    columns.update(info=json.dumps(row.info), labels=json.dumps(columns["labels"]),
                   created_at=adapt(columns["created_at"]), changed_at=adapt(row.changed_at))
    return {"cluster": cluster, "namespace": key[0], "name": key[1],
            **_row_fields("rollouts", row.raw, stamp), **columns}


def _write_rollouts(cluster: str, rows: dict[Key, RolloutRow], now: datetime) -> None:
    stamp = connection.ops.adapt_datetimefield_value(now)
    for info_changed in (True, False):
        chosen = [_rollout_row(cluster, key, row, stamp) for key, row in rows.items()
                  if row.info_changed is info_changed]
        _upsert_rows(Rollout, chosen, RAW_FIELDS + (INFO_FIELDS if info_changed else []))


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None
