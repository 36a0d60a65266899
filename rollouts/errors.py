"""Errors that leave the gateway. Callers never see the kubernetes client's exceptions.

No kubernetes import here: actions, views and the watcher catch these without depending on
the client library.
"""

from __future__ import annotations


class ClusterError(Exception):
    """The cluster refused or failed a request. `status` is the HTTP code (0 if none)."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(f"{status} {reason}: {message}" if status else f"{reason}: {message}")
        self.status = status
        self.reason = reason
        self.message = message


class NotFound(ClusterError):
    """404: the object, or the whole kind (CRD not installed), does not exist."""


class Conflict(ClusterError):
    """409: stale resourceVersion or the object already exists."""


class Forbidden(ClusterError):
    """401 or 403: the credentials are not allowed to do this."""


class Gone(ClusterError):
    """410: the resourceVersion is too old (or from another server); list again."""


class Unreachable(ClusterError):
    """No usable answer: connection refused or reset, timeouts, 5xx after retries."""


class ClusterConfigError(ClusterError):
    """No way to reach a cluster: no kubeconfig, a broken one, or no in-cluster account."""

    def __init__(self, message: str) -> None:
        super().__init__(0, "ConfigError", message)


def error_for_status(status: int, reason: str, message: str) -> ClusterError:
    """The exception class the contract uses for an HTTP status code."""
    if status == 404:
        return NotFound(status, reason, message)
    if status == 409:
        return Conflict(status, reason, message)
    if status in (401, 403):
        return Forbidden(status, reason, message)
    if status == 410:
        return Gone(status, reason, message)
    if status >= 500 or status in (0, 429):
        return Unreachable(status, reason, message)
    return ClusterError(status, reason, message)
