"""The server-side checks, keyed by (cluster, namespace, verb), for the JSON API and the buttons.

Every check runs before anything is sent to the cluster. An anonymous caller who is refused
gets 401 (signing in may help); a signed-in one gets 403 naming who and what. A rollout its
caller may not see is answered exactly as a missing one (404), so nothing about it leaks.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.template.loader import render_to_string
from django.urls import reverse

from rollouts.access.identity import Identity, anonymous
from rollouts.access.middleware import refusal
from rollouts.access.policy import ACTION_VERBS, VIEW
from rollouts.actions.availability import LABELS
from rollouts.actions.errors import BadInput
from rollouts.actions.params import normalize_action

View = Callable[..., Any]
# Signed in through something the browser sends by itself: a cross-site page could ride it.
AMBIENT = ("local", "oidc", "proxy")


@dataclass(frozen=True)
class Denial:
    status: int
    reason: str
    message: str


def identity_of(request: HttpRequest) -> Identity:
    found = getattr(request, "identity", None)
    return found if isinstance(found, Identity) else anonymous()


def cluster() -> str:
    return str(settings.ROLLOUTS_CLUSTER_NAME)


def denial(identity: Identity, verb: str, cluster_name: str, namespace: str) -> Denial | None:
    if identity.can(verb, cluster_name, namespace):
        return None
    if not identity.signed_in:
        return Denial(401, "Unauthenticated",
                      f"sign in (or send a bearer token) to {verb} rollouts in {namespace}")
    return Denial(403, "Forbidden", f"{identity.name} cannot {verb} rollouts in {namespace}")


def may_view(request: HttpRequest, namespace: str) -> bool:
    """The filter for every list: rows of namespaces outside the caller's grants are left out."""
    return identity_of(request).can(VIEW, cluster(), namespace)


def json_error(status: int, reason: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": status, "reason": reason, "message": message}},
                        status=status)


def _wrap(view: View, check: Callable[..., HttpResponse | None]) -> View:
    """`view` behind `check(request, **kwargs)`; sync or async as the view is (checks do no I/O)."""
    if iscoroutinefunction(view):
        async def async_guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return check(request, **kwargs) or await view(request, *args, **kwargs)
        return functools.wraps(view)(async_guarded)

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return check(request, **kwargs) or view(request, *args, **kwargs)
    return guarded


# --- the JSON API ---------------------------------------------------------------------------

def _list_check(request: HttpRequest, **_: Any) -> HttpResponse | None:
    identity = identity_of(request)
    if not identity.signed_in and not identity.permissions.view_scopes():
        return json_error(401, "Unauthenticated", "sign in (or send a bearer token) to see "
                                                  "rollouts")
    return None


def api_list(view: View) -> View:
    """A list view: 401 for an anonymous caller who may see nothing; rows filter with may_view."""
    return _wrap(view, _list_check)


def _view_check(request: HttpRequest, namespace: str = "", name: str = "",
                **_: Any) -> HttpResponse | None:
    found = denial(identity_of(request), VIEW, cluster(), namespace)
    if found is None:
        return None
    if found.status == 401:
        return json_error(found.status, found.reason, found.message)
    return json_error(404, "NotFound", f"rollout '{name}' not found in namespace '{namespace}'")


def api_read(view: View) -> View:
    """One rollout's data: only for whoever may view its namespace."""
    return _wrap(view, _view_check)


def api_verb(action: str, body: Any) -> str:
    """The verb an API action needs; an unknown one needs only `view` (the service refuses it)."""
    try:
        name = normalize_action(action)
    except BadInput:
        return VIEW
    if name == "promote" and isinstance(body, dict) and body.get("full") is True:
        return "promote-full"
    return ACTION_VERBS[name]


class _ApiCsrf(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> HttpResponse:
        return json_error(403, "CsrfFailed",
                          f"CSRF check failed ({reason}): a signed-in browser must send the "
                          "X-CSRFToken header; automation should use a bearer token")


def _csrf_failure(request: HttpRequest) -> HttpResponse | None:
    return _ApiCsrf(lambda _: HttpResponse()).process_view(request, None, (), {})


def _action_check(request: HttpRequest, namespace: str = "", action: str = "",
                  **_: Any) -> HttpResponse | None:
    identity = identity_of(request)
    if identity.method in AMBIENT:
        failed = _csrf_failure(request)
        if failed is not None:
            return failed
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError, RecursionError, RequestDataTooBig):
        body = None  # the view answers that, in the API's own words
    found = denial(identity, api_verb(action, body), cluster(), namespace)
    return None if found is None else json_error(found.status, found.reason, found.message)


def api_action(view: View) -> View:
    """An action POST: CSRF for cookie sign-ins (not for bearer tokens), then the verb's check."""
    return _wrap(view, _action_check)


# --- pages ----------------------------------------------------------------------------------

def _page_check(request: HttpRequest, **_: Any) -> HttpResponse | None:
    identity = identity_of(request)
    if identity.permissions.view_scopes():
        return None
    if not identity.signed_in and settings.ROLLOUTS_AUTH in ("local", "oidc"):
        return HttpResponseRedirect(reverse("signin") + "?"
                                    + urlencode({"next": request.get_full_path()}))
    if not identity.signed_in:
        return refusal(request, 401, "Unauthenticated", "sign in to see rollouts")
    return refusal(request, 403, "Forbidden", f"{identity.name} may not see any rollouts: "
                                              "ask an admin for a grant")


def page(view: View) -> View:
    """A page: whoever may see nothing at all is sent to sign in (or told so)."""
    return _wrap(view, _page_check)


# --- the buttons ----------------------------------------------------------------------------

def _hidden(request: HttpRequest, namespace: str, name: str) -> HttpResponse:
    """A rollout outside the caller's scope: the answer for a missing one, word for word."""
    message = f"rollout '{name}' is not in namespace '{namespace}' (any more)"
    if request.method == "GET":
        html = render_to_string("rollouts/_confirm_missing.html", {"message": message})
    else:
        html = render_to_string("rollouts/_toast.html", {
            "kind": "bad", "title": "Not found", "message": message, "code": 404})
    return HttpResponse(html, status=404)


def _button_check(request: HttpRequest, namespace: str = "", name: str = "",
                  action: str = "", **_: Any) -> HttpResponse | None:
    if action not in LABELS:
        return None  # the view's own 404
    identity = identity_of(request)
    unseen = denial(identity, VIEW, cluster(), namespace)
    if unseen is not None and unseen.status == 403:
        return _hidden(request, namespace, name)
    found = denial(identity, action, cluster(), namespace)
    if found is None:
        return None
    if request.method == "GET":  # the dialog
        html = render_to_string("rollouts/_confirm_missing.html", {"message": found.message})
    else:
        html = render_to_string("rollouts/_toast.html", {
            "kind": "bad", "title": f"{LABELS[action]}: not allowed", "message": found.message,
            "code": found.status})
    return HttpResponse(html, status=found.status)


def button(view: View) -> View:
    """A button's dialog or POST (`action` is the UI's name, which is the verb)."""
    return _wrap(view, _button_check)
