"""URLs under ROLLOUTS_ROOT_PATH, from any thread.

Django's reverse() and {% url %} know the prefix only on a request's thread (FORCE_SCRIPT_NAME
is applied per request); the live publisher renders fragments on threads of its own, so every
link a fragment carries is built here from the setting instead.
"""

from __future__ import annotations

from django.conf import settings


def url(path: str) -> str:
    """`path` (absolute inside the app, e.g. "/api/v1/rollouts") as the browser must ask for it."""
    return f"{settings.ROLLOUTS_ROOT_PATH}{path}"


def inside(path: str) -> str | None:
    """The path inside the root path, or None for a path outside it."""
    root = settings.ROLLOUTS_ROOT_PATH
    if not root:
        return path
    if path == root or path.startswith(root + "/"):
        return path[len(root):] or "/"
    return None
