"""bench/live_perf.py's clients: plain websocket viewers and the writer of status changes.

A viewer notes, for every `perf-<seq>` marker in a frame, when the first frame holding it
arrived, and counts the bytes it took up while counting is on. The writer merge-patches
`status.message` over simcluster's HTTP API, noting `time.time()` just before each request.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

MARKER = re.compile(r"perf-[0-9]+")
ROLLOUTS = "/apis/argoproj.io/v1alpha1/namespaces/{ns}/rollouts/{name}/status"


@dataclass
class Viewer:
    path: str  # /ws/overview or /ws/rollouts/<ns>/<name>
    arrived: dict[str, float] = field(default_factory=dict)
    bytes: int = 0
    counting: bool = False
    task: asyncio.Task | None = None

    async def open(self, session: aiohttp.ClientSession, url: str) -> None:
        socket = await session.ws_connect(url.replace("http", "ws", 1) + self.path,
                                          headers={"Origin": url}, max_msg_size=0)
        self.task = asyncio.create_task(self._read(socket))

    async def _read(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            now = time.time()
            if self.counting:
                self.bytes += len(message.data.encode())
            for marker in MARKER.findall(message.data):
                self.arrived.setdefault(marker, now)


class Writer:
    """Status changes over HTTP, round robin, each with a new marker."""

    def __init__(self, session: aiohttp.ClientSession, sim_url: str,
                 names: list[tuple[str, str]]) -> None:
        self.session, self.sim_url, self.names = session, sim_url, names
        self.seq = 0
        self.writes: dict[str, tuple[float, tuple[str, str]]] = {}
        self._robin = 0

    def next_target(self) -> tuple[str, str]:
        target = self.names[self._robin % len(self.names)]
        self._robin += 1
        return target

    async def change(self, target: tuple[str, str]) -> str:
        marker = f"perf-{self.seq}"
        self.seq += 1
        namespace, name = target
        self.writes[marker] = (time.time(), target)
        async with self.session.patch(
            self.sim_url + ROLLOUTS.format(ns=namespace, name=name),
            json={"status": {"message": marker}},
            headers={"Content-Type": "application/merge-patch+json"},
        ) as response:
            if response.status != 200:
                raise SystemExit(f"patch {namespace}/{name}: HTTP {response.status}")
        return marker

    async def run(self, rate: float, seconds: float, targets: Iterator[tuple[str, str]]
                  ) -> list[str]:
        """`rate` changes a second for `seconds`, each sent at its time without waiting for
        the previous answer (a burst must not be paced by the server)."""
        started = time.monotonic()
        pending: list[asyncio.Task[str]] = []
        for seq in range(int(rate * seconds)):
            delay = started + seq / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(self.change(next(targets))))
        return list(await asyncio.gather(*pending))


async def wait_seen(viewers: list[Viewer], markers: list[str], writes: dict,
                    timeout: float = 10.0) -> None:
    """Until every viewer has the last change of every rollout changed (earlier ones may be
    coalesced away: the page shows the latest), or `timeout`."""
    last = {writes[m][1]: m for m in markers}
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(all(m in v.arrived for m in last.values()) for v in viewers):
            return
        await asyncio.sleep(0.02)


class CommitCounter:
    """Counts commits to the dashboard's SQLite database by another connection, polling
    `PRAGMA data_version` (it moves once per foreign commit seen; commits closer together
    than one poll count as one, so the figure is a lower bound)."""

    def __init__(self, db: Path, poll: float = 0.001) -> None:
        self.db, self.poll = db, poll
        self.commits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> CommitCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        conn = sqlite3.connect(self.db)
        last = conn.execute("PRAGMA data_version").fetchone()[0]
        while not self._stop.is_set():
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            if version != last:
                self.commits += 1
                last = version
            time.sleep(self.poll)
        conn.close()
