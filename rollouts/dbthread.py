"""Database connections of the long-lived worker threads (the mirror's, the publisher's).

Django's `close_old_connections` is made for request threads: with the default
CONN_MAX_AGE = 0 it closes the connection after every call, so a worker thread that calls it
before each task opened a new connection (and ran the SQLite init pragmas) for every change.
These threads keep their connection and drop it only when it broke.
"""

from __future__ import annotations

from django.db import connections


def drop_broken_connections() -> None:
    """Close this thread's connections that failed and are no longer usable (as
    `close_old_connections` would), keeping the healthy ones whatever their age."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is None:
            continue
        if conn.get_autocommit() != conn.settings_dict["AUTOCOMMIT"]:
            conn.close()  # a transaction left open by a failed task
        elif conn.errors_occurred:
            if conn.is_usable():
                conn.errors_occurred = False
            else:
                conn.close()


def give_back_connection() -> None:
    """Return this thread's pooled connection now instead of at the end of the request.

    With psycopg's pool (DATABASE_URL) a request keeps its connection until it finishes; one
    that then waits (an action queued for its rollout's turn, an async view on another thread)
    would hold it idle, and a hundred such requests drain the pool. Without a pool nothing is
    gained by closing, so nothing is done.
    """
    conn = connections["default"]
    pooled = bool((conn.settings_dict.get("OPTIONS") or {}).get("pool"))
    if pooled and conn.connection is not None and not conn.in_atomic_block:
        conn.close()
