"""The audit trail: one ActionRecord per action, however it ended."""

from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError

from rollouts.keys import RolloutKey, shown
from rollouts.models import ActionRecord

if TYPE_CHECKING:
    from rollouts.actions.service import ActionResult

log = logging.getLogger(__name__)
# Refused parameters are kept as given, up to this size: a 2.5 MB image string would only
# fill the history (the message already quotes its start).
PARAMS_MAX = 4096


def bounded_params(params: Any) -> dict[str, Any]:
    if not isinstance(params, dict):
        return {"raw": shown(params)}
    try:
        size = len(json.dumps(params))
    except (TypeError, ValueError, RecursionError):
        return {"raw": shown(params)}
    return params if size <= PARAMS_MAX else {"raw": shown(params), "size": size}


def write_record(key: RolloutKey, *, action: str, params: Any, seen: dict[str, Any],
                 result: ActionResult, actor: str, source: str, at: datetime,
                 duration_ms: int, attribution: dict[str, Any] | None = None) -> int | None:
    """Save the record; the action already happened, so a database failure is only logged."""
    who = attribution or {}
    try:
        record = ActionRecord.objects.create(
            cluster=key.cluster, namespace=key.namespace, name=key.name,
            actor=actor[:150], source=source[:16], action=action[:32],
            actor_groups=[str(g) for g in who.get("groups") or ()],
            actor_method=str(who.get("method") or "")[:16],
            actor_token=str(who.get("token") or "")[:150],
            actor_address=str(who.get("address") or "")[:64],
            params=bounded_params(params),
            seen=seen, requests=result.requests, outcome=result.outcome,
            message=result.message, at=at, duration_ms=duration_ms,
        )
    except (DatabaseError, TypeError, ValueError):  # TypeError: a value JSON cannot hold
        log.exception("could not record %s of %s (%s: %s)", action, key, result.outcome,
                      result.message)
        return None
    return record.pk


def record_to_dict(record: ActionRecord) -> dict[str, Any]:
    """The JSON shape of a record, for the API and the UI."""
    return {
        "id": record.pk,
        "at": record.at.isoformat(),
        "actor": record.actor,
        "by": {"user": record.actor, "groups": record.actor_groups,
               "method": record.actor_method, "token": record.actor_token,
               "address": record.actor_address},
        "source": record.source,
        "action": record.action,
        "params": record.params,
        "seen": record.seen,
        "requests": record.requests,
        "outcome": record.outcome,
        "message": record.message,
        "durationMs": record.duration_ms,
    }
