"""One leading `watch_rollouts` among its replicas, elected through a coordination.k8s.io/v1 Lease.

The protocol is client-go's leader election:

1. Each replica has an identity: its pod's name (POD_NAME, else HOSTNAME) and its pid.
2. Every `retry` seconds a standby reads the Lease. When there is none it creates it; when
   nobody holds it, or its holder has not renewed it for `leaseDurationSeconds` by this
   replica's own clock (counted from when this replica last saw the record change, so the
   replicas' clocks need not agree), it writes itself in as holder by an update carrying the
   resourceVersion it read. A 409 means another replica wrote first: it stays a standby.
3. The leader renews the same way (renewTime now, acquireTime and leaseTransitions kept) every
   `retry` seconds; a new holder sets acquireTime and adds one to leaseTransitions.
4. Fencing: the leader may write and publish only while its last successful renewal started
   less than `renew_deadline` ago (`may_write`, asked by the mirror before each write and each
   publish, from the clock: a stalled loop cannot write late either). Past that it stops its
   mirror at once. As renew_deadline < lease duration, it has stopped before any other replica
   can find the lease expired.
5. Leading runs a fresh mirror: it loads what the database holds, lists every kind again and
   goes on watching from there, so nothing the previous leader missed is lost.
6. Stopped (SIGTERM), the leader lets its mirror write its last batch, then releases the Lease
   (holder cleared, duration 1 s) so that a standby takes over at its next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import socket
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from rollouts.errors import ClusterError, Conflict
from rollouts.gateway import SERVICE_ACCOUNT_NAMESPACE

log = logging.getLogger(__name__)

Lead = Callable[[asyncio.Event, Callable[[], bool]], Awaitable[None]]

_state: dict[str, Any] = {"enabled": False, "leading": False, "holder": "", "identity": "",
                          "last_renew": None}


def leadership_state() -> dict[str, Any]:
    """For readiness and metrics: is election on, do we lead, who holds the Lease, and when we
    last renewed it (RFC 3339, None if never)."""
    return dict(_state)


def default_identity() -> str:
    pod = os.environ.get("POD_NAME") or os.environ.get("HOSTNAME") or socket.gethostname()
    return f"{pod}_{os.getpid()}"


def default_namespace() -> str:
    try:
        with open(SERVICE_ACCOUNT_NAMESPACE, encoding="utf-8") as handle:
            return handle.read().strip() or "default"
    except OSError:
        return "default"


def micro_time(moment: datetime) -> str:
    """A Lease's MicroTime: RFC 3339 in UTC with exactly six fraction digits."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class LeaseConfig:
    name: str
    namespace: str
    identity: str
    duration: float = 15.0
    renew_deadline: float = 10.0
    retry: float = 2.0

    @classmethod
    def from_settings(cls) -> LeaseConfig:
        from django.conf import settings

        return cls(settings.ROLLOUTS_LEASE_NAME,
                   settings.ROLLOUTS_LEASE_NAMESPACE or default_namespace(), default_identity(),
                   settings.ROLLOUTS_LEASE_DURATION, settings.ROLLOUTS_LEASE_RENEW_DEADLINE,
                   settings.ROLLOUTS_LEASE_RETRY)


class Elector:
    """Reads and writes the Lease (through the sync gateway, on a thread of its own)."""

    def __init__(self, config: LeaseConfig, gateway: Any, *,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.config, self.gateway, self.clock, self.now = config, gateway, clock, now
        self.renewed_at: float | None = None  # clock() when the last successful try started
        self._observed: tuple = ()
        self._observed_at = 0.0
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rollouts-lease")
        _state.update(enabled=True, identity=config.identity)

    def may_write(self) -> bool:
        return (self.renewed_at is not None
                and self.clock() - self.renewed_at < self.config.renew_deadline)

    async def attempt(self) -> bool:
        """One try to acquire or renew; True when we hold the Lease now. Gives up (False) when
        the answer would come after the renew deadline anyway."""
        timeout = self.config.renew_deadline
        if self.renewed_at is not None:
            timeout = max(0.1, self.renewed_at + self.config.renew_deadline - self.clock())
        future = asyncio.get_running_loop().run_in_executor(self._thread, self._attempt)
        try:
            won = await asyncio.wait_for(future, timeout)
        except (TimeoutError, ClusterError, ValueError, TypeError) as exc:  # a Lease gone odd
            log.warning("lease %s/%s: %s", self.config.namespace, self.config.name, exc)
            won = False
        _state.update(leading=won and self.may_write())
        return _state["leading"]

    def _attempt(self) -> bool:
        started = self.clock()
        namespace, name = self.config.namespace, self.config.name
        lease = self.gateway.get_lease(namespace, name)
        try:
            if lease is None:
                lease = self.gateway.create_lease(namespace, {
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": name, "namespace": namespace},
                    "spec": self._spec({})})
            else:
                spec = lease.get("spec") or {}
                if not self._may_take(spec):
                    self.renewed_at = None  # another replica holds it: we do not lead
                    return False
                lease = self.gateway.replace_lease(namespace, name,
                                                   {**lease, "spec": self._spec(spec)})
        except Conflict:  # another replica wrote first
            return False
        self._observe(lease.get("spec") or {})
        self.renewed_at = started
        _state.update(last_renew=micro_time(self.now()))
        return True

    def _observe(self, spec: dict) -> None:
        record = tuple(str(spec.get(f)) for f in ("holderIdentity", "renewTime", "acquireTime",
                                                  "leaseTransitions", "leaseDurationSeconds"))
        if record != self._observed:
            self._observed, self._observed_at = record, self.clock()
        _state.update(holder=spec.get("holderIdentity") or "")

    def _may_take(self, spec: dict) -> bool:
        self._observe(spec)
        holder = spec.get("holderIdentity") or ""
        if not holder or holder == self.config.identity:
            return True
        duration = spec.get("leaseDurationSeconds") or self.config.duration
        return self.clock() >= self._observed_at + float(duration)

    def _spec(self, old: dict) -> dict:
        now = micro_time(self.now())
        mine = bool(old) and old.get("holderIdentity") == self.config.identity
        transitions = int(old.get("leaseTransitions") or 0)
        return {"holderIdentity": self.config.identity,
                "leaseDurationSeconds": math.ceil(self.config.duration),
                "acquireTime": old.get("acquireTime") if mine else now, "renewTime": now,
                "leaseTransitions": transitions if mine or not old else transitions + 1}

    async def release(self) -> None:
        """Hand the Lease back (still ours): a standby need not wait for it to expire."""
        future = asyncio.get_running_loop().run_in_executor(self._thread, self._release)
        try:
            await asyncio.wait_for(future, self.config.retry)
        except (TimeoutError, ClusterError) as exc:
            log.warning("lease %s/%s not released: %s", self.config.namespace,
                        self.config.name, exc)
        self.renewed_at = None
        _state.update(leading=False)

    def _release(self) -> None:
        lease = self.gateway.get_lease(self.config.namespace, self.config.name)
        spec = (lease or {}).get("spec") or {}
        if lease is None or spec.get("holderIdentity") != self.config.identity:
            return
        now = micro_time(self.now())
        released = {**spec, "holderIdentity": "", "leaseDurationSeconds": 1,
                    "acquireTime": now, "renewTime": now}
        with contextlib.suppress(Conflict):
            self.gateway.replace_lease(self.config.namespace, self.config.name,
                                       {**lease, "spec": released})
            _state.update(holder="")

    def close(self) -> None:
        self._thread.shutdown(wait=False)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def run_elected(stop: asyncio.Event, elector: Elector, lead: Lead) -> None:
    """Stand by, and lead (`lead(term_stop, may_write)`) whenever elected, until `stop`."""
    config = elector.config
    log.info("leader election: %s stands by for lease %s/%s", config.identity,
             config.namespace, config.name)
    try:
        while not stop.is_set():
            if await elector.attempt():
                await _lead(stop, elector, lead)
            # After a term too: a mirror that keeps failing must not restart in a tight loop.
            await _wait(stop, config.retry)
    finally:
        elector.close()


async def _lead(stop: asyncio.Event, elector: Elector, lead: Lead) -> None:
    config = elector.config
    log.info("leader election: %s leads", config.identity)
    term_stop = asyncio.Event()
    task = asyncio.create_task(lead(term_stop, elector.may_write), name="leading")
    try:
        while not stop.is_set() and not task.done():
            waiter = asyncio.ensure_future(_wait(stop, config.retry))
            await asyncio.wait([task, waiter], return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if stop.is_set() or task.done():
                break
            await elector.attempt()
            if not elector.may_write():
                log.error("leader election: %s could not renew within %.0fs; stopped leading",
                          config.identity, config.renew_deadline)
                break
    finally:
        term_stop.set()
        if stop.is_set() and elector.may_write():  # a clean stop: the last batch is written
            await asyncio.gather(task, return_exceptions=True)
            await elector.release()
        else:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            _state.update(leading=False)
            elector.renewed_at = None


def lease_gateway(config: LeaseConfig) -> Any:
    """The sync gateway, patient for no longer than a retry period per request."""
    from rollouts.gateway import Gateway
    from rollouts.kinds import ClusterConfig

    cluster = ClusterConfig.from_settings()
    return Gateway(replace(cluster, request_timeout=min(cluster.request_timeout,
                                                        max(1.0, config.retry))))
