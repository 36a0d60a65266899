"""API tokens for automation: created once, stored as a digest, scoped to a role and namespaces."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.utils import timezone

from rollouts.access.policy import Grant, Permissions, Policy
from rollouts.models import ApiToken

PREFIX = "rdt_"
_EXPIRY = re.compile(r"^(\d{1,6})([mhdw])$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_EXPIRY = timedelta(days=3650)


def parse_expiry(text: str) -> timedelta:
    """`90m`, `12h`, `30d`, `8w`."""
    match = _EXPIRY.match(text.strip())
    if not match:
        raise ValueError(f"expiry {text!r} must be a number and a unit: m, h, d or w "
                         "(e.g. 30d)")
    delta = timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])
    if not timedelta(0) < delta <= MAX_EXPIRY:
        raise ValueError(f"expiry {text!r} must be more than 0 and at most 10 years")
    return delta


def digest(secret: str) -> str:
    # Tokens are 256 random bits: a plain hash is enough, no slow password hash is needed.
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(name: str, role: str, namespaces: list[str], cluster: str = "*",
                 expires: timedelta | None = None, created_by: str = "") -> tuple[ApiToken, str]:
    secret = PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    row = ApiToken.objects.create(
        name=name, role=role, cluster=cluster, namespaces=list(namespaces),
        digest=digest(secret), created_at=now, created_by=created_by,
        expires_at=now + expires if expires else None)
    return row, secret


def token_grants(row: ApiToken) -> tuple[Grant, ...]:
    return tuple(Grant(row.role, "user", f"token:{row.name}", row.cluster, namespace,
                       f"token {row.name}") for namespace in row.namespaces or ["*"])


def find_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The live token with this secret, or None (unknown, revoked or expired)."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = ApiToken.objects.filter(digest=digest(secret)).first()
    now = now or timezone.now()
    if row is None or (row.expires_at is not None and row.expires_at <= now):
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


def token_permissions(row: ApiToken, policy: Policy) -> Permissions:
    subject = f"token:{row.name}"
    scoped = Policy(policy.roles, token_grants(row))
    return Permissions.of(scoped, subject, ())
