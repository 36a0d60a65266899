"""Readiness checks: what `/readyz` (web) and the watcher's metrics port report.

A check is a function, plain or async, returning True/False or `(ok, detail)`; raising counts as
failing, with the exception as its detail. `register_check(name, fn)` adds one (or replaces
the one of that name: the leader election module replaces the default "leadership" check when
it is loaded). Checks registered with `watcher=True` only run in a process that runs the
watcher: embedded in a web process, or `manage.py watch_rollouts`.

Built in: the database (a query), the channel layer (a group_send to a probe group: a real
round trip on Redis), and for the watcher the cluster connection (the ClusterStatus row the
mirror writes) and leadership (without election a running watcher leads). A standby watcher
is ready: it is doing its job, waiting to lead; only a broken election should fail readiness.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection

CHECK_TIMEOUT = 3.0
PROBE_GROUP = "rollouts_readiness_probe"


@dataclass(frozen=True)
class Check:
    fn: Callable[[], Any]
    watcher: bool


_checks: dict[str, Check] = {}
_standalone_watcher = False


def register_check(name: str, fn: Callable[[], Any], *, watcher: bool = False) -> None:
    _checks[name] = Check(fn, watcher)


def serve_as_watcher() -> None:
    """This process is `manage.py watch_rollouts`: its checks include the watcher's."""
    global _standalone_watcher
    _standalone_watcher = True


def runs_watcher() -> bool:
    return _standalone_watcher or settings.ROLLOUTS_WATCHER == "embedded"


async def _outcome(fn: Callable[[], Any]) -> dict[str, Any]:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT):
            value = fn()
            if inspect.isawaitable(value):
                value = await value
    except TimeoutError:
        return {"ok": False, "detail": f"no answer within {CHECK_TIMEOUT:.0f}s"}
    except Exception as exc:  # a failing dependency is the answer, not an error of ours
        return {"ok": False, "detail": f"{type(exc).__name__}: {exc}"}
    ok, detail = value if isinstance(value, tuple) else (bool(value), "")
    return {"ok": bool(ok), "detail": str(detail)}


async def run_checks() -> tuple[bool, dict[str, dict[str, Any]]]:
    """Every applicable check, concurrently: (all passed, {name: {ok, detail}})."""
    watcher = runs_watcher()
    chosen = {name: check for name, check in _checks.items() if watcher or not check.watcher}
    outcomes = await asyncio.gather(*(_outcome(check.fn) for check in chosen.values()))
    results = dict(zip(chosen, outcomes, strict=True))
    return all(result["ok"] for result in results.values()), results


# --- the built-in checks ------------------------------------------------------------------


def _query_database() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, connection.vendor
    finally:
        connection.close()  # a probe thread must not keep a connection open


async def database() -> tuple[bool, str]:
    return await sync_to_async(_query_database, thread_sensitive=False)()


async def channel_layer() -> tuple[bool, str]:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if layer is None:
        return False, "no channel layer configured"
    await layer.group_send(PROBE_GROUP, {"type": "rollouts.probe"})
    return True, type(layer).__name__


def _cluster_state() -> tuple[bool, str]:
    from rollouts.readmodel import load_cluster_status

    try:
        status = load_cluster_status(settings.ROLLOUTS_CLUSTER_NAME)
    finally:
        connection.close()
    detail = f"{status.state}: {status.message}" if status.message else status.state
    return status.state == "live", detail


async def cluster() -> tuple[bool, str]:
    return await sync_to_async(_cluster_state, thread_sensitive=False)()


def leadership() -> tuple[bool, str]:
    """A standby is ready too: refusing it would stall a rolling update of the watchers."""
    from rollouts.leader import leadership_state

    state = leadership_state()
    if not state["enabled"]:
        return True, "leader election off: this process's watcher leads"
    if state["leading"]:
        return True, f"leading as {state['identity']}, renewed {state['last_renew']}"
    return True, f"standby as {state['identity']}: {state['holder'] or 'nobody'} leads"


register_check("database", database)
register_check("channel_layer", channel_layer)
register_check("cluster", cluster, watcher=True)
register_check("leadership", leadership, watcher=True)
