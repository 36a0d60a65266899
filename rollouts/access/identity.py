"""Who is asking: one Identity per request or websocket, whatever the sign-in method.

Worked out in this order, the first that applies wins:
1. a bearer token (`Authorization: Bearer rdt_…`, JSON API only): the token's own grants;
2. in proxy mode, the trusted proxy's identity headers (refused from any other address);
3. the session's user (local or OIDC sign-in);
4. anonymous: `ROLLOUTS_ANONYMOUS_ROLE` everywhere, or nothing at all.
Everyone also holds the anonymous role: signing in never shows less than not signing in.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from rollouts.access.policy import Grant, Permissions, Policy, check_name
from rollouts.access.store import current_policy
from rollouts.access.tokens import PREFIX, digest, find_token, token_permissions
from rollouts.models import ApiToken

SIGNED_IN = ("local", "oidc", "proxy", "token", "cli")
# Session keys written at sign-in: how, and the groups the provider sent then.
SESSION_METHOD = "rollouts_method"
SESSION_GROUPS = "rollouts_groups"


@dataclass(frozen=True)
class Identity:
    user: str  # "" for anonymous
    groups: tuple[str, ...]
    method: str  # local, oidc, proxy, token, anonymous, none, cli
    permissions: Permissions
    token: str = ""
    address: str = ""

    @property
    def signed_in(self) -> bool:
        return self.method in SIGNED_IN

    @property
    def name(self) -> str:
        return self.user or "anonymous"

    def can(self, verb: str, cluster: str, namespace: str) -> bool:
        return self.permissions.can(verb, cluster, namespace)

    def attribution(self) -> dict[str, Any]:
        """What an ActionRecord keeps about who acted, besides the user name."""
        return {"groups": list(self.groups), "method": self.method, "token": self.token,
                "address": self.address}


class Refused(Exception):
    """The request carries a credential that must not be believed; answer `status` at once."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def _with_anonymous_role(permissions: Permissions, policy: Policy) -> Permissions:
    role = str(settings.ROLLOUTS_ANONYMOUS_ROLE)
    if role == "none":
        return permissions
    grant = Grant(role, "user", permissions.user, "*", "*", "ROLLOUTS_ANONYMOUS_ROLE")
    return Permissions(permissions.user, permissions.groups,
                       (*permissions.grants, (grant, policy.verbs_of(role))))


def build(user: str, groups: tuple[str, ...], method: str, address: str = "",
          policy: Policy | None = None) -> Identity:
    policy = policy or current_policy()
    # Anonymous is nobody: no grant may name it, not even one for user "".
    nobody = Permissions("", frozenset(), ())
    permissions = Permissions.of(policy, user, groups) if user else nobody
    return Identity(user, groups, method, _with_anonymous_role(permissions, policy),
                    address=address)


def anonymous(address: str = "") -> Identity:
    return build("", (), "none" if settings.ROLLOUTS_AUTH == "none" else "anonymous", address)


def cli_identity(user: str) -> Identity:
    """The operating-system user running `manage.py rollouts …`: the CLI has the cluster's say."""
    return Identity(user, (), "cli", Permissions(user, frozenset(), ()))


def trusted_proxy(address: str) -> bool:
    try:
        peer = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(peer in network for network in settings.ROLLOUTS_TRUSTED_PROXIES)


def _from_token(secret: str, address: str) -> Identity:
    row = find_token(secret)
    if row is None:
        known = secret.startswith(PREFIX) and ApiToken.objects.filter(
            digest=digest(secret)).exists()
        why = "has expired" if known else "is unknown or was revoked"
        raise Refused(401, "Unauthenticated", f"the bearer token {why}")
    policy = current_policy()
    permissions = _with_anonymous_role(token_permissions(row, policy), policy)
    return Identity(f"token:{row.name}", (), "token", permissions, token=row.name,
                    address=address)


def _proxy_headers() -> tuple[str, str, str]:
    return (settings.ROLLOUTS_PROXY_USER_HEADER, settings.ROLLOUTS_PROXY_EMAIL_HEADER,
            settings.ROLLOUTS_PROXY_GROUPS_HEADER)


def _from_proxy(header: Callable[[str], str], address: str) -> Identity | None:
    names = _proxy_headers()
    sent = [name for name in names if header(name)]
    if not sent:
        return None
    if not trusted_proxy(address):
        raise Refused(403, "Forbidden",
                      f"identity headers ({', '.join(sent)}) are only accepted from the "
                      f"trusted proxies (ROLLOUTS_TRUSTED_PROXIES), not from {address}; "
                      "sign in through the proxy")
    user = header(names[0]).strip() or header(names[1]).strip()
    try:
        check_name("user", user)
    except ValueError as exc:
        raise Refused(403, "Forbidden", f"the proxy's {names[0]} header: {exc}") from None
    groups = tuple(g.strip() for g in header(names[2]).split(",") if g.strip())
    return build(user, groups, "proxy", client_address(address, header))


def client_address(peer: str, header: Callable[[str], str]) -> str:
    """Who is at the other end: behind a trusted proxy, the address that proxy saw."""
    if trusted_proxy(peer):
        forwarded = header("X-Forwarded-For").split(",")[-1].strip()
        if forwarded:
            return forwarded[:64]
    return peer


def resolve(*, address: str, header: Callable[[str], str], session: Any, user: Any,
            api: bool) -> Identity:
    """The identity behind one request; `header(name)` reads a request header ("" if absent)."""
    peer, address = address, client_address(address, header)
    if api:
        kind, _, secret = header("Authorization").partition(" ")
        if kind.lower() == "bearer" and secret.strip():
            return _from_token(secret.strip(), address)
    mode = settings.ROLLOUTS_AUTH
    if mode == "proxy":
        found = _from_proxy(header, peer)
        if found is not None:
            return found
    # A session from another sign-in method (before a configuration change) counts for
    # nothing: it was not checked the way this deployment checks people.
    if (mode in ("local", "oidc") and user is not None and user.is_authenticated
            and session is not None and session.get(SESSION_METHOD, "local") == mode):
        groups = tuple(str(g) for g in session.get(SESSION_GROUPS) or ())
        return build(user.get_username(), groups, mode, address)
    return anonymous(address)


def identity_for_request(request: Any) -> Identity:
    return resolve(address=request.META.get("REMOTE_ADDR", ""),
                   header=lambda name: request.headers.get(name, ""),
                   session=getattr(request, "session", None),
                   user=getattr(request, "user", None),
                   api=request.path.startswith("/api/"))


def identity_for_scope(scope: dict[str, Any]) -> Identity:
    """The same for a websocket, from channels' scope (session and user from AuthMiddlewareStack).

    Touches the database: call it through `channels.db.database_sync_to_async`.
    """
    headers = {k.decode("latin-1").lower(): v.decode("latin-1")
               for k, v in scope.get("headers") or ()}
    client = scope.get("client") or ("", 0)
    return resolve(address=str(client[0] or ""),
                   header=lambda name: headers.get(name.lower(), ""),
                   session=scope.get("session"), user=scope.get("user"), api=False)
