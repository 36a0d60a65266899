"""`get rollout NAME --watch`: the watcher's list+watch loops feeding an in-memory sink, and the
rollout re-rendered whenever what it shows changes (at most every 200 ms, like upstream)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

from django.utils import timezone

from rollouts.gateway import AsyncGateway
from rollouts.info import build_rollout_info, render_rollout_text
from rollouts.kinds import ClusterConfig
from rollouts.state import MIRRORED_KINDS, ClusterState, key_of
from rollouts.watcher import malformed, run_watcher

FLICKER_GUARD = 0.2  # seconds between two renders
TICK = 1.0  # re-render this often anyway: ages and countdowns move
FIRST_SYNC_GRACE = 3.0  # render even if a kind has not listed by then


class MemorySink:
    """A watcher sink that keeps the namespace in memory and flags every change."""

    def __init__(self) -> None:
        self.state = ClusterState()
        self.changed = asyncio.Event()
        self.synced: set[str] = set()
        self.problems: dict[str, str] = {}

    def resync(self, kind: str, scope: str | None, items: list[dict]) -> None:
        if kind not in MIRRORED_KINDS:
            return
        listed = {key_of(obj): obj for obj in items if malformed(obj) is None}
        for key in self.state.keys(kind, scope) - listed.keys():
            self.state.remove(kind, key)
        for obj in listed.values():
            self.state.put(kind, obj)
        self.synced.add(kind)
        self.changed.set()

    def apply(self, kind: str, event_type: str, obj: dict) -> None:
        if kind not in MIRRORED_KINDS or malformed(obj) is not None:
            return
        if event_type == "DELETED":
            self.state.remove(kind, key_of(obj))
        else:
            self.state.put(kind, obj)
        self.changed.set()

    def health(self, kind: str, state: str, message: str = "", *,
               scope: str | None = None) -> None:
        if state in ("synced", "missing", "connecting"):
            self.problems.pop(kind, None)
        else:
            self.problems[kind] = f"{kind}: {state} ({message})" if message else state
        self.changed.set()


def render(sink: MemorySink, namespace: str, name: str, color: bool) -> str:
    now = timezone.now()
    objects = sink.state.objects_for((namespace, name))
    if objects is None:
        text = f'rollout "{name}" not found in namespace "{namespace}" (watching for it)\n'
    else:
        text = render_rollout_text(build_rollout_info(objects, now), now, color=color)
    for problem in sorted(sink.problems.values()):
        text += f"\nwarning: {problem}\n"
    return text


async def watch_rollout(config: ClusterConfig, namespace: str, name: str,
                        write: Callable[[str], None], *, color: bool = False,
                        timeout: float = 0.0) -> None:
    """Render until `timeout` seconds have passed (0: until cancelled / Ctrl-C)."""
    sink, stop = MemorySink(), asyncio.Event()
    started = time.monotonic()
    deadline = started + timeout if timeout > 0 else None
    async with AsyncGateway(config) as gateway:
        watcher = asyncio.create_task(run_watcher(gateway, sink, namespaces=[namespace],
                                                  stop=stop))
        last = ""
        try:
            while deadline is None or time.monotonic() < deadline:
                wait = TICK if deadline is None else min(TICK, deadline - time.monotonic())
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(sink.changed.wait(), max(wait, 0.0))
                sink.changed.clear()
                ready = sink.synced >= set(MIRRORED_KINDS)
                if not ready and time.monotonic() - started < FIRST_SYNC_GRACE:
                    continue
                text = render(sink, namespace, name, color)
                if text != last:
                    write(text)
                    last = text
                await asyncio.sleep(FLICKER_GUARD)
        finally:
            stop.set()
            await asyncio.gather(watcher, return_exceptions=True)
