"""One action per rollout at a time, across threads and processes, and none on a stale turn.

1. On arrival a request takes a ticket: the rollout's action epoch (0 before any action).
2. It waits for the rollout's turn: first this process's lock (so that one thread per process
   polls the database), then the database lease, claimed by a conditional UPDATE that is atomic
   on SQLite and PostgreSQL alike.
3. Holding the turn it compares the epoch with its ticket. If an action wrote to the cluster in
   between, this request was made against a state that no longer exists: it is refused
   (InProgress). This is what keeps twenty parallel promotes from skipping twenty steps, with or
   without `expect`: the requests that queued behind the first all carry its old epoch. A
   request without `expect` that arrives just after another action (within the cooldown) is
   refused too: it cannot say which of the two states it was meant for.
4. The holder acts, waits (still holding) until the controller has reacted to what it sent, and
   releases, bumping the epoch when it changed the rollout.

The lease expires (LEASE_SECONDS) so that a process killed mid-action blocks its rollout for a
while, not for ever.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from rollouts.actions.errors import Refused
from rollouts.dbthread import give_back_connection
from rollouts.keys import RolloutKey
from rollouts.models import ActionSlot

# Longer than any turn lasts (request timeouts, promote-full's wait, settling): only a holder
# that died keeps its lease this long.
LEASE_SECONDS = 120.0
POLL_SECONDS = 0.02
_PROCESS = f"{socket.gethostname()}:{os.getpid()}"

_locks: dict[RolloutKey, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class Turn:
    """A held turn; the service sets `changed` once something it sent changed the rollout."""

    key: RolloutKey
    holder: str
    action: str
    actor: str
    changed: bool = False


def _slot(key: RolloutKey) -> QuerySet[ActionSlot]:
    return ActionSlot.objects.filter(cluster=key.cluster, namespace=key.namespace, name=key.name)


def ticket(key: RolloutKey) -> int:
    """The epoch a request arrives at: the number of changing actions before it."""
    return _slot(key).values_list("epoch", flat=True).first() or 0


def _thread_lock(key: RolloutKey) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(key, threading.Lock())


def _claim(key: RolloutKey, holder: str) -> bool:
    now = timezone.now()
    until = now + timedelta(seconds=LEASE_SECONDS)
    free = Q(holder="") | Q(held_until__lt=now)
    if _slot(key).filter(free).update(holder=holder, held_until=until):
        return True
    if _slot(key).exists():
        return False
    try:
        with transaction.atomic():
            ActionSlot.objects.create(cluster=key.cluster, namespace=key.namespace,
                                      name=key.name, holder=holder, held_until=until)
    except IntegrityError:  # another process created it first, and holds it
        return False
    return True


def _busy(key: RolloutKey) -> Refused:
    return Refused(f"another action on rollout '{key.name}' is still running; try again",
                   reason="Busy")


def _check_ticket(key: RolloutKey, arrived_at: int, cooldown: float) -> None:
    slot = _slot(key).first()
    if slot is None or slot.last_at is None:
        return
    ago = (timezone.now() - slot.last_at).total_seconds()
    last = f"{slot.last_action} by {slot.last_actor}, {ago:.1f}s ago"
    if slot.epoch != arrived_at:
        raise Refused(
            f"another action on rollout '{key.name}' ({last}) changed it while this request "
            "waited for its turn; look at the rollout again and retry if you still mean it",
            reason="InProgress",
        )
    if ago < cooldown:
        raise Refused(
            f"rollout '{key.name}' was changed a moment ago ({last}) and this request says "
            "nothing of the state it was meant for; send the `expect` you saw, or look again "
            f"and retry after {cooldown:g}s",
            reason="InProgress",
        )


def _release(turn: Turn) -> None:
    changes: dict[str, object] = {"holder": "", "held_until": None}
    if turn.changed:
        changes.update(epoch=F("epoch") + 1, last_action=turn.action[:32],
                       last_actor=turn.actor[:150], last_at=timezone.now())
    _slot(turn.key).filter(holder=turn.holder).update(**changes)


@contextmanager
def turn(key: RolloutKey, arrived_at: int, *, action: str, actor: str, wait: float,
         cooldown: float = 0.0) -> Iterator[Turn]:
    """Hold the rollout's turn; Refused (Busy) after `wait` seconds, (InProgress) if stale.

    `cooldown`: a request that carries no view of the rollout (no `expect`) is also refused
    that long after another action changed it — a promote that queued behind another one
    and arrived a few milliseconds late would otherwise skip the step the first one entered.
    """
    deadline = time.monotonic() + wait
    lock = _thread_lock(key)
    if not lock.acquire(blocking=False):
        # Queued for its turn, a request holds no pooled connection: a hundred would drain it.
        give_back_connection()
        if not lock.acquire(timeout=wait):
            raise _busy(key)
    try:
        holder = f"{_PROCESS}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"
        while not _claim(key, holder):
            if time.monotonic() >= deadline:
                raise _busy(key)
            time.sleep(POLL_SECONDS)
        held = Turn(key, holder, action, actor)
        try:
            _check_ticket(key, arrived_at, cooldown)
            yield held
        finally:
            _release(held)
    finally:
        lock.release()
