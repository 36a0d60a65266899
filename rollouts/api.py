"""The JSON API under /api/v1/: rollouts from the mirror, their timeline and audit trail, actions.

Reads come from the database the watcher fills, so they work while the cluster is away; actions
go to the cluster through the actions service. Errors are `{"error": {code, reason, message}}`.

The action endpoints insist on `Content-Type: application/json`: a cross-site form cannot send
that without a CORS preflight, which this API never grants. Callers signed in by a cookie (or a
proxy) must also send the CSRF token; bearer-token callers need not. Who may see and do what is
checked by rollouts/access/guards.py before anything runs. The UI's buttons post to separate,
CSRF-protected views.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import sync_to_async
from django import db
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rollouts.access import guards
from rollouts.access.identity import Identity
from rollouts.actions import expect_from_info, run_action
from rollouts.actions.records import record_to_dict
from rollouts.keys import InvalidName, RolloutKey, check_namespace, shown
from rollouts.models import ActionRecord, ClusterStatus, Rollout, RolloutEvent
from rollouts.search import SelectorError, parse_search, parse_selector, search_matches
from rollouts.search import selector_matches as labels_match

PHASES = ("Healthy", "Progressing", "Paused", "Degraded", "Unknown")
DEFAULT_LIMIT, MAX_LIMIT = 200, 1000


def error(code: int, reason: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "reason": reason, "message": message}, **extra},
                        status=code)


def _invalid_key(namespace: str, name: str) -> JsonResponse | None:
    """The 422 for a namespace or name no rollout can have (so nothing is looked up or sent)."""
    try:
        RolloutKey(_cluster(), namespace, name).check()
    except InvalidName as exc:
        return error(422, "Invalid", str(exc))
    return None


def _cluster() -> str:
    return settings.ROLLOUTS_CLUSTER_NAME


def cluster_status() -> dict[str, Any]:
    row = ClusterStatus.objects.filter(cluster=_cluster()).first()
    if row is None:
        return {"name": _cluster(), "state": "unknown", "message": "no watcher has reported yet",
                "kinds": {}, "updatedAt": None}
    return {"name": row.cluster, "state": row.state, "message": row.message, "kinds": row.kinds,
            "updatedAt": row.updated_at.isoformat()}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def rollout_summary(row: Rollout) -> dict[str, Any]:
    """The columns of a row; `resourceVersion` and `step` are enough to guard an action."""
    return {
        "namespace": row.namespace,
        "name": row.name,
        "uid": row.uid,
        "resourceVersion": row.resource_version,
        "phase": row.phase,
        "message": row.message,
        "strategy": row.strategy,
        "step": row.step_index,
        "stepCount": row.step_count,
        "setWeight": row.set_weight,
        "actualWeight": row.actual_weight,
        "images": [image for image in row.images.split(", ") if image],
        "labels": row.labels,
        "needsAttention": row.needs_attention,
        "createdAt": _iso(row.created_at),
        "changedAt": _iso(row.changed_at),
    }


def _statuses(text: str) -> set[str]:
    wanted = {part.strip().lower() for part in text.split(",") if part.strip()}
    unknown = wanted - {phase.lower() for phase in PHASES}
    if unknown:
        raise ValueError(f"unknown status {sorted(unknown)[0]!r}; expected any of "
                         f"{', '.join(PHASES)}")
    return {phase for phase in PHASES if phase.lower() in wanted}


@require_GET
@guards.api_list
def rollouts(request: HttpRequest) -> JsonResponse:
    """`?namespace=a,b&status=Paused,Degraded&selector=app=x&search=demo,!old&attention=true`"""
    query = request.GET
    try:
        statuses = _statuses(query.get("status", ""))
        requirements = parse_selector(query.get("selector", ""))
    except (ValueError, SelectorError) as exc:
        return error(422, "Invalid", str(exc))
    # The raw object and the info dict are the bulk of a row; the summary needs neither.
    rows = (Rollout.objects.filter(cluster=_cluster()).defer("raw", "info")
            .order_by("namespace", "name"))
    namespaces = [ns.strip() for ns in query.get("namespace", "").split(",") if ns.strip()]
    try:
        for namespace in namespaces:
            check_namespace(namespace)
    except InvalidName as exc:
        return error(422, "Invalid", str(exc))
    if namespaces:
        rows = rows.filter(namespace__in=namespaces)
    if statuses:
        rows = rows.filter(phase__in=statuses)
    if query.get("attention", "").lower() in ("1", "true", "yes"):
        rows = rows.filter(needs_attention=True)
    terms = parse_search(query.get("search", ""))
    items = [
        rollout_summary(row)
        for row in rows
        if guards.may_view(request, row.namespace)
        and search_matches(terms, row.name, _labels(row))
        and labels_match(requirements, _labels(row))
    ]
    return JsonResponse({"cluster": cluster_status(), "count": len(items), "rollouts": items})


def _labels(row: Rollout) -> dict[str, str]:
    return row.labels if isinstance(row.labels, dict) else {}


def _find(namespace: str, name: str) -> Rollout | None:
    return Rollout.objects.filter(cluster=_cluster(), namespace=namespace, name=name).first()


def _not_found(namespace: str, name: str) -> JsonResponse:
    return error(404, "NotFound", f"rollout '{name}' not found in namespace '{namespace}'")


@require_GET
@guards.api_read
def rollout(request: HttpRequest, namespace: str, name: str) -> JsonResponse:
    if invalid := _invalid_key(namespace, name):
        return invalid
    row = _find(namespace, name)
    if row is None:
        return _not_found(namespace, name)
    info = row.info if isinstance(row.info, dict) else {}
    return JsonResponse({**rollout_summary(row), "expect": expect_from_info(info).to_dict(),
                         "info": info, "cluster": cluster_status()})


def _limit(request: HttpRequest) -> int:
    text = request.GET.get("limit", "")
    if not text:
        return DEFAULT_LIMIT
    # isascii: "²".isdigit() is true; the length keeps int() off 5,000-digit strings.
    if (not text.isascii() or not text.isdigit() or len(text) > 4
            or not 1 <= int(text) <= MAX_LIMIT):
        raise ValueError(f"limit must be a number from 1 to {MAX_LIMIT}, not {shown(text)}")
    return int(text)


def _newest(request: HttpRequest, model: type[RolloutEvent] | type[ActionRecord],
            namespace: str, name: str) -> list[Any] | JsonResponse:
    """A rollout's newest `limit` rows of `model`, or the error to answer with."""
    if invalid := _invalid_key(namespace, name):
        return invalid
    try:
        limit = _limit(request)
    except ValueError as exc:
        return error(422, "Invalid", str(exc))
    rows = model.objects.filter(cluster=_cluster(), namespace=namespace, name=name)
    newest = list(rows.order_by("-at", "-id")[:limit])
    if not newest and _find(namespace, name) is None:
        return _not_found(namespace, name)
    return newest


@require_GET
@guards.api_read
def timeline(request: HttpRequest, namespace: str, name: str) -> JsonResponse:
    """The newest `limit` events, oldest first; still served after the rollout is deleted."""
    newest = _newest(request, RolloutEvent, namespace, name)
    if isinstance(newest, JsonResponse):
        return newest
    return JsonResponse({"namespace": namespace, "name": name,
                         "events": [_event_to_dict(e) for e in reversed(newest)]})


def _event_to_dict(event: RolloutEvent) -> dict[str, Any]:
    return {"id": event.pk, "at": event.at.isoformat(), "kind": event.kind,
            "message": event.message, "revision": event.revision, "step": event.step_index,
            "data": event.data}


@require_GET
@guards.api_read
def actions(request: HttpRequest, namespace: str, name: str) -> JsonResponse:
    """The newest `limit` action records, newest first."""
    newest = _newest(request, ActionRecord, namespace, name)
    if isinstance(newest, JsonResponse):
        return newest
    return JsonResponse({"namespace": namespace, "name": name,
                         "actions": [record_to_dict(r) for r in newest]})


def _run_in_worker(key: RolloutKey, action: str, body: dict[str, Any], expect: Any,
                   who: Identity) -> Any:
    try:
        return run_action(None, key, action, body, expect=expect, source="api", actor=who.name,
                          attribution=who.attribution())
    finally:
        db.connection.close()  # a worker thread's connection would otherwise linger


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not a JSON number")


def _json_body(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    """The body as a JSON object, or the 4xx saying why it is not one."""
    try:
        raw = request.body
    except RequestDataTooBig:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return error(413, "RequestEntityTooLarge", f"the body is over {limit} bytes")
    try:
        # NaN and Infinity are Python's extensions, not JSON; no parameter could use them.
        body = json.loads(raw or b"{}", parse_constant=_reject_constant)
    except RecursionError:
        return error(422, "Invalid", "the body is not valid JSON: nested too deeply")
    except (ValueError, UnicodeDecodeError) as exc:
        return error(422, "Invalid", f"the body is not valid JSON: {exc}")
    if not isinstance(body, dict):
        return error(422, "Invalid", "the body must be a JSON object")
    return body


@csrf_exempt  # guards.api_action checks CSRF unless a bearer token signs the request
@require_POST
@guards.api_action
async def action(request: HttpRequest, namespace: str, name: str, action: str) -> JsonResponse:
    """Body: the action's parameters plus an optional `expect` ({resourceVersion, step, state}).

    Async so that a slow action (a promote-full waiting for the controller, an unreachable
    cluster) runs on its own worker thread instead of holding up every other sync view.
    """
    if invalid := _invalid_key(namespace, name):
        return invalid
    if request.content_type != "application/json":
        return error(415, "UnsupportedMediaType",
                     "send the parameters as JSON with Content-Type: application/json")
    body = _json_body(request)
    if isinstance(body, JsonResponse):
        return body
    expect = body.pop("expect", None)
    key = RolloutKey(_cluster(), namespace, name)
    result = await sync_to_async(_run_in_worker, thread_sensitive=False)(
        key, action, body, expect, guards.identity_of(request))
    payload = {"outcome": result.outcome, "requests": result.requests, "record": result.record_id}
    if not result.ok:
        return error(result.status_code, result.reason or "Error", result.message, **payload)
    return JsonResponse({"ok": True, "message": result.message, **payload},
                        status=result.status_code)
