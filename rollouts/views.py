"""The dashboard's pages and the buttons' endpoints.

Pages render from the read model with the same fragment functions the live publisher uses.
Buttons never act directly: a GET fetches a confirmation dialog that shows what will happen and
carries the state it was computed from (the concurrency guard); its POST (CSRF-protected) runs
the shared actions service with `source="ui"` and answers with a toast. The new state of the
rollout reaches the page through the watch, not through this response.
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from asgiref.sync import sync_to_async
from django import db
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST

from rollouts import fragments, notices, paths, readmodel
from rollouts.access import guards
from rollouts.access.identity import Identity
from rollouts.access.variants import controls, may_view, viewable_namespaces
from rollouts.actions import availability, expect_from_info, run_action
from rollouts.actions.preview import describe
from rollouts.keys import InvalidName, RolloutKey
from rollouts.listing import STATUSES, ListQuery, counts, shown_rows
from rollouts.live import snapshots
from rollouts.present import detail_url, rollout_path

# UI action → (service action, fixed parameters)
UI_ACTIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "promote": ("promote", {}),
    "promote-full": ("promote", {"full": True}),
    "resume": ("promote", {}),
    "abort": ("abort", {}),
    "retry": ("retry", {}),
    "pause": ("pause", {}),
    "restart": ("restart", {}),
    "rollback": ("undo", {}),
    "set-image": ("set_image", {}),
}


def _key(namespace: str, name: str) -> RolloutKey:
    """The key, or a 404: no page exists for a name no rollout can have."""
    try:
        return RolloutKey(settings.ROLLOUTS_CLUSTER_NAME, namespace, name).check()
    except InvalidName as exc:
        raise Http404(str(exc)) from None


def _live_status() -> str:
    return fragments.live_status(readmodel.load_cluster_status())


@require_GET
@guards.page
def overview(request: HttpRequest) -> HttpResponse:
    query = ListQuery.from_params(request.GET)
    # `?namespace=a,b` works as on the API and the websocket; the menu offers one at a time.
    namespaces = [ns.strip() for ns in query.namespace.split(",") if ns.strip()]
    permissions, cluster = guards.identity_of(request).permissions, guards.cluster()
    # Only what the viewer may see: the rows, so the counts and the search, and the menu.
    globs = viewable_namespaces(permissions, cluster)
    rows = readmodel.load_rows(namespaces=namespaces, globs=globs)
    shown = shown_rows(rows, query)
    tally = counts(rows, query)
    chips = [{"status": s, "count": tally[s], "on": s in query.statuses,
              "url": query.toggle_status(s), "icon": f"i-{s.lower()}"} for s in STATUSES]
    ws_url = paths.url("/ws/overview")
    if query.namespace:
        ws_url += "?" + urlencode({"namespace": query.namespace})
    context = {
        "query": query, "chips": chips, "attention_count": tally["attention"],
        "attention_url": query.url(attention=not query.attention),
        "columns": _columns(query),
        # From the rendered-row cache the live publisher fills: a row renders once per change.
        "rows_html": fragments.row_list(row.html for row in snapshots.rendered_rows(
            shown, lambda ns: controls(permissions, cluster, ns))),
        "total": len(rows), "shown": len(shown),
        "namespaces": readmodel.namespaces(globs=globs),
        "ws_url": ws_url, "live_status_html": _live_status(),
        "toasts_html": notices.page_toasts(request),
    }
    return render(request, "rollouts/overview.html", context)


# The overview's header: (css class, label, sortable keys with their link text).
COLUMNS = (
    ("c-status", "Status", (("status", "Status"),)),
    ("c-name", "Rollout", (("name", "Rollout"), ("namespace", "ns"))),
    ("c-strategy", "Strategy", ()),
    ("c-step", "Step", (("step", "Step"),)),
    ("c-traffic", "Traffic", ()),
    ("c-rs", "ReplicaSets · images · pods", ()),
    ("c-changed", "Changed", (("changed", "Changed"),)),
    ("c-actions", "Actions", ()),
)


def _columns(query: ListQuery) -> list[dict[str, Any]]:
    return [{"css": css, "label": label,
             "links": [{"key": key, "label": text, "url": query.sort_url(key)}
                       for key, text in links]}
            for css, label, links in COLUMNS]


@require_GET
@guards.page
def detail(request: HttpRequest, namespace: str, name: str) -> HttpResponse:
    key = _key(namespace, name)
    permissions = guards.identity_of(request).permissions
    visible = may_view(permissions, key.cluster, key.namespace)
    # Outside the viewer's scope it is answered as a rollout never seen: no history leaks.
    data = readmodel.load_detail(key) if visible else None
    status = 200
    if data is None:
        # Deleted (or never seen): keep what history there is, and say so.
        status = 404
        data = (readmodel.DetailData(key, {}, None, readmodel.load_events(key),
                                     readmodel.load_actions(key)) if visible
                else readmodel.DetailData(key, {}, None, (), ()))
    parts = fragments.detail_parts(data, controls(permissions, key.cluster, key.namespace))
    if status == 404:
        parts["summary"] = fragments.detail_deleted(
            key, known=visible and readmodel.ever_known(key))
    context = {"key": key, "parts": parts, "found": status == 200, "url": detail_url(key),
               "ws_url": paths.url("/ws" + rollout_path(key)),
               "live_status_html": _live_status(), "toasts_html": notices.page_toasts(request)}
    return render(request, "rollouts/detail.html", context, status=status)


def _int_or_text(value: str | None) -> int | str | None:
    if value is None or value == "":
        return None
    # isascii: "²".isdigit() is true, yet int("²") fails; past 19 digits (int64) it stays text
    # to be refused, and int() never sees a 5,000-digit string.
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 19 else value


def _params(action: str, data: Any) -> dict[str, Any]:
    """The service's parameters from the dialog's form (bad values go through to be refused)."""
    params = dict(UI_ACTIONS[action][1])
    if action == "rollback":
        params["to_revision"] = _int_or_text(data.get("revision"))
    if action == "set-image":
        params["container"] = data.get("container", "")
        params["image"] = data.get("image", "").strip()
    return params


@require_GET
@guards.button
def confirm(request: HttpRequest, namespace: str, name: str, action: str) -> HttpResponse:
    """The dialog for one action: what happens next, computed from the state it carries.

    htmx fetches it into the page's <dialog>; any other GET (no JavaScript) gets it as a page
    of its own, whose form posts natively and comes back to `?next=`.
    """
    key = _key(namespace, name)
    row = readmodel.load_row(key)
    if action not in UI_ACTIONS or row is None:
        message = (f"unknown action {action!r}" if action not in UI_ACTIONS
                   else f"rollout '{name}' is not in namespace '{namespace}' (any more)")
        return render(request, "rollouts/_confirm_missing.html", {"message": message},
                      status=404)
    params = {"revision": _int_or_text(request.GET.get("revision")),
              "container": request.GET.get("container", ""), "image": ""}
    available = availability.find(row.info, action, params["revision"])
    if action == "set-image":
        params["image"] = _current_image(row.info, params["container"])
    context = {
        "key": key, "info": row.info, "action": action, "params": params,
        "available": available, "preview": describe(row.info, action, params),
        # From the info the dialog describes, with the function the service checks it with.
        "expect": expect_from_info(row.info).to_dict(),
        "post_url": f"{detail_url(key)}/actions/{action}",
        "containers": [c for c in row.info.get("containers") or [] if isinstance(c, dict)],
        "next": notices.safe_next(request, request.GET.get("next"), detail_url(key)),
        # In a page's dialog the button waits for htmx to wire the form (static/js/dashboard.js).
        "in_dialog": bool(request.htmx),
    }
    if context["in_dialog"]:
        return render(request, "rollouts/_confirm.html", context)
    return render(request, "rollouts/confirm.html",
                  {**context, "live_status_html": _live_status(), "url": detail_url(key)})


def _current_image(info: dict[str, Any], container: str) -> str:
    for entry in info.get("containers") or []:
        if isinstance(entry, dict) and entry.get("name") == container:
            return str(entry.get("image") or "")
    return ""


def _expect(data: Any) -> dict[str, Any] | None:
    expect = {"resourceVersion": data.get("expect_rv") or None,
              "step": _int_or_text(data.get("expect_step")),
              "state": data.get("expect_state") or None}
    return expect if any(value is not None for value in expect.values()) else None


def _act_in_worker(key: RolloutKey, action: str, params: dict[str, Any],
                   expect: dict[str, Any] | None, from_detail: bool, who: Identity
                   ) -> tuple[dict[str, Any], int, str]:
    """The toast's context, the status code, and the action records if the page shows them."""
    try:
        result = run_action(None, key, UI_ACTIONS[action][0], params, expect=expect,
                            source="ui", actor=who.name, attribution=who.attribution())
        records = (fragments.action_records(key, readmodel.load_actions(key))
                   if from_detail else "")
        return _toast(action, result), result.status_code, records
    finally:
        db.connection.close()  # a worker thread's connection would otherwise linger


@require_POST
@guards.button
async def act(request: HttpRequest, namespace: str, name: str, action: str) -> HttpResponse:
    """Run one action through the actions service and answer with a toast.

    Async, like the API's action view: the action (a promote-full waiting up to
    ROLLOUTS_PROMOTE_FULL_WAIT for the controller, a slow or unreachable cluster) runs on a
    worker thread of its own, so it holds up no other request whatever the ASGI server's
    threading. CSRF protection is the middleware's, as for every view. A plain form POST
    (no htmx) is answered with a redirect back to its page, which shows the toast.
    """
    key, form = _key(namespace, name), request.POST
    if action not in UI_ACTIONS:
        toast = {"kind": "bad", "title": "Unknown action", "message": f"no such action: {action}"}
        status, records = 404, ""
    else:
        toast, status, records = await sync_to_async(_act_in_worker, thread_sensitive=False)(
            key, action, _params(action, form), _expect(form),
            bool(request.htmx) and form.get("from") == "detail", guards.identity_of(request))
    if not request.htmx:
        notices.remember(request, toast)
        return notices.SeeOther(notices.safe_next(request, form.get("next"), detail_url(key)))
    return HttpResponse(render_to_string("rollouts/_toast.html", toast) + records, status=status)


_TOAST = {"ok": ("ok", "{label}: sent"), "noop": ("info", "{label}: nothing to do"),
          "refused": ("warn", "{label}: not sent"), "error": ("bad", "{label} failed")}


def _toast(action: str, result: Any) -> dict[str, Any]:
    kind, title = _TOAST.get(result.outcome, ("bad", "{label} failed"))
    label = availability.LABELS.get(action, action)
    message = result.message
    if result.outcome == "ok":
        message += " — the new state arrives through the watch."
    return {"kind": kind, "title": title.format(label=label), "message": message,
            "code": result.status_code}


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    # now_ms: the clock pages re-read when their websocket (re)connects (static/js/times.js).
    return JsonResponse({"ok": True, "now_ms": int(time.time() * 1000)})
