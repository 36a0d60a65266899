"""The header's account box: who is signed in and their role where they are looking."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from rollouts.access.guards import cluster, identity_of
from rollouts.dom import ACCOUNT_ID


def _namespace(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.kwargs.get("namespace"):
        return str(match.kwargs["namespace"])
    return request.GET.get("namespace", "").strip()


def account(request: HttpRequest) -> dict[str, Any]:
    identity = identity_of(request)
    namespace = _namespace(request)
    # "*" asks for a role that holds in every namespace (the overview without a filter).
    role = identity.permissions.role_in(cluster(), namespace or "*")
    if role == "none" and not namespace and identity.permissions.view_scopes():
        role = "some namespaces"
    mode = settings.ROLLOUTS_AUTH
    signin = ""
    if mode in ("local", "oidc") and not identity.signed_in \
            and request.path != reverse("signin"):
        signin = reverse("signin") + "?" + urlencode({"next": request.get_full_path()})
    return {"account": {
        "id": ACCOUNT_ID, "identity": identity, "name": identity.name, "role": role,
        "namespace": namespace, "signin_url": signin,
        "can_sign_out": identity.method in ("local", "oidc"),
    }}
