"""Failed sign-ins per user name and client address, counted in the cache for a while.

After ROLLOUTS_SIGNIN_ATTEMPTS failures within ROLLOUTS_SIGNIN_LOCKOUT_SECONDS that name is
refused from that address (even with the right password) until the window has passed. Keyed
by both so that someone guessing at `admin` from one address cannot lock the real admin out
everywhere.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _key(username: str, address: str) -> str:
    digest = hashlib.sha256(f"{username.lower()}\0{address}".encode()).hexdigest()[:32]
    return f"signin-failures:{digest}"


def locked(username: str, address: str) -> bool:
    return int(cache.get(_key(username, address), 0)) >= settings.ROLLOUTS_SIGNIN_ATTEMPTS


def failed(username: str, address: str) -> None:
    key = _key(username, address)
    # add() starts the window on the first failure; incr() keeps its expiry.
    if not cache.add(key, 1, timeout=settings.ROLLOUTS_SIGNIN_LOCKOUT_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, timeout=settings.ROLLOUTS_SIGNIN_LOCKOUT_SECONDS)


def succeeded(username: str, address: str) -> None:
    cache.delete(_key(username, address))


def lockout_minutes() -> int:
    return max(1, round(settings.ROLLOUTS_SIGNIN_LOCKOUT_SECONDS / 60))
