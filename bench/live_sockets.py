"""bench/live.py's browserless side: plain websocket clients on the overview socket.

They time when each marker's frame arrives, which is the server's share of the latency (watch,
mirror, publisher, consumers, network) without any page's main thread in the way.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable

import aiohttp

from bench.live_outcome import Outcome

MARKER = re.compile(r"bench-[0-9]+")


async def measure_sockets(url: str, count: int,
                          drive: Callable[[], Awaitable[tuple[dict[str, float], float]]]
                          ) -> Outcome:
    arrived: list[dict[str, float]] = [{} for _ in range(count)]
    wire = [0] * count
    counting = asyncio.Event()

    async def read(index: int, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            now = time.time()
            if counting.is_set():
                wire[index] += len(message.data.encode())
            for marker in MARKER.findall(message.data):
                arrived[index].setdefault(marker, now)

    async with aiohttp.ClientSession() as session:
        sockets = [await session.ws_connect(url.replace("http", "ws", 1) + "/ws/overview",
                                            headers={"Origin": url}, max_msg_size=0)
                   for _ in range(count)]
        readers = [asyncio.create_task(read(i, s)) for i, s in enumerate(sockets)]
        await asyncio.sleep(2)  # snapshots in, publisher quiet
        counting.set()
        writes, _ = await drive()
        deadline = time.monotonic() + 10
        while (time.monotonic() < deadline
               and min(len(a) for a in arrived) < len(writes)):
            await asyncio.sleep(0.1)
        counting.clear()
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    latencies = [a[m] - t for a in arrived for m, t in writes.items() if m in a]
    missing = sum(1 for a in arrived for m in writes if m not in a)
    return Outcome(latencies, missing, wire, [])
