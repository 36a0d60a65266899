"""Production mode at scale: change -> frame at many viewers, bytes, CPU per process, watches.

    .venv/bin/python bench/scale.py [--rollouts 1000] [--pods 4] [--rate 50] [--seconds 20]
                                    [--viewers 20] [--mode production|embedded|both] [--no-page]

1. simcluster runs in this process (controllers off), seeded with N rollout trees of P pods.
2. production: PostgreSQL and Redis of their own (scripts/test_services.py, in a temporary
   directory), two `watch_rollouts` replicas with leader election (one leads, one stands by)
   and two daphne web processes with ROLLOUTS_WATCHER=external.
   embedded: one daphne with the watcher inside, on SQLite and the in-memory layer.
3. One websocket viewer opens the overview, then the others, spread over the web processes;
   each time we count the watch connections simcluster holds (viewers must not add any). One
   Chromium page (Debian's, bench/live_pages.py) opens the overview on the first web process.
4. R status changes a second, round-robin over the rollouts (bench/live.py's `drive`), each
   writing a `bench-<seq>` marker; a viewer notes when a frame carrying it arrives.
5. Printed: change -> frame p50/p95 over all (change, viewer) pairs, change -> DOM at the page,
   bytes per changed rollout per viewer, CPU seconds of each process over the run (Chromium's not
   included), and the watch counts.
Targets on the 2-core machine: frame p95 <= 150 ms, DOM p95 <= 250 ms, <= 2 KB per changed
rollout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: bench/simcluster.py is not the package

from bench.live import cpu_seconds, drive, free_port, start_dashboard, wait_for_mirror  # noqa: E402
from bench.live_outcome import Outcome, percentile  # noqa: E402
from simcluster.cluster import SimCluster  # noqa: E402
from tests.mirror.objects import seed_rollout_tree  # noqa: E402
from tests.production.support import Watcher, migrate  # noqa: E402

NAMESPACES = 6
MARKER = re.compile(r"bench-[0-9]+")


@dataclass
class Stack:
    urls: list[str]
    processes: dict[str, subprocess.Popen]  # name -> process, for CPU
    stop: list = field(default_factory=list)  # callables, run in reverse


def seed(cluster: SimCluster, count: int, pods: int) -> list[tuple[str, str]]:
    names = [(f"team-{i % NAMESPACES}", f"app-{i:04d}") for i in range(count)]
    for namespace, name in names:
        seed_rollout_tree(cluster.store, namespace, name, replicas=pods)
    return names


def _terminate(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _services(workdir: Path) -> dict[str, str]:
    state = workdir / "services"
    subprocess.run([sys.executable, "scripts/test_services.py", "start", "--state-dir",
                    str(state)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    lines = (state / "env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if "=" in line)


def production(workdir: Path, kubeconfig: Path) -> Stack:
    urls = _services(workdir)
    stack = Stack([], {}, [lambda: subprocess.run(
        [sys.executable, "scripts/test_services.py", "stop", "--state-dir",
         str(workdir / "services")], cwd=ROOT, check=False)])
    # No sign-in, as in the embedded mode (bench/live.py): the bench measures the live path.
    env = {**urls, "KUBECONFIG": str(kubeconfig), "ROLLOUTS_WATCHER": "external",
           "DASHBOARD_STATE_DIR": str(workdir), "LOG_LEVEL": "WARNING",
           "ROLLOUTS_AUTH": "none", "ROLLOUTS_ANONYMOUS_ROLE": "admin"}
    migrate(env)
    for name in ("watcher-a", "watcher-b"):
        watcher = Watcher(name, env, workdir)
        watcher.env["LOG_LEVEL"] = "WARNING"
        watcher.start()
        stack.processes[name] = watcher.process
        stack.stop.append(watcher.stop)
    for name in ("web-a", "web-b"):
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", str(port),
             "dashboard.asgi:application"], cwd=ROOT, env={**os.environ, **env})
        stack.urls.append(f"http://127.0.0.1:{port}")
        stack.processes[name] = process
        stack.stop.append(lambda p=process: _terminate(p))
    return stack


def embedded(workdir: Path, kubeconfig: Path) -> Stack:
    port = free_port()
    daphne = start_dashboard(workdir, kubeconfig, port, None)
    return Stack([f"http://127.0.0.1:{port}"], {"daphne": daphne}, [lambda: _terminate(daphne)])


def open_watches(cluster: SimCluster) -> int:
    return cluster._in_loop(lambda: len(cluster.server.watches))


@dataclass
class Viewers:
    arrived: list[dict[str, float]] = field(default_factory=list)
    wire: list[int] = field(default_factory=list)
    counting: bool = False

    async def read(self, index: int, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            now = time.time()
            if self.counting:
                self.wire[index] += len(message.data.encode())
            for marker in MARKER.findall(message.data):
                self.arrived[index].setdefault(marker, now)


async def _connect(session: aiohttp.ClientSession, viewers: Viewers, url: str) -> asyncio.Task:
    socket = await session.ws_connect(url.replace("http", "ws", 1) + "/ws/overview",
                                      headers={"Origin": url}, max_msg_size=0)
    viewers.arrived.append({})
    viewers.wire.append(0)
    return asyncio.create_task(viewers.read(len(viewers.wire) - 1, socket))


async def measure(args: argparse.Namespace, cluster: SimCluster, names: list[tuple[str, str]],
                  stack: Stack) -> None:
    viewers, readers = Viewers(), []
    async with aiohttp.ClientSession() as session:
        readers.append(await _connect(session, viewers, stack.urls[0]))
        await asyncio.sleep(3)  # snapshot in, watches settled
        watches_1 = open_watches(cluster)
        for n in range(1, args.viewers):
            readers.append(await _connect(session, viewers, stack.urls[n % len(stack.urls)]))
        await asyncio.sleep(3)
        watches_n = open_watches(cluster)
        cpu_before = {name: cpu_seconds(p.pid) for name, p in stack.processes.items()}
        cpu_before["this (simcluster, viewers)"] = time.process_time()
        writes, page = await _drive_with_page(args, cluster, names, stack, viewers)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and min(map(len, viewers.arrived)) < len(writes):
            await asyncio.sleep(0.1)
        viewers.counting = False
        cpu = {name: cpu_seconds(p.pid) - cpu_before[name] for name, p in stack.processes.items()}
        cpu["this (simcluster, viewers)"] = time.process_time() - cpu_before[
            "this (simcluster, viewers)"]
        for task in readers:
            task.cancel()
        await asyncio.gather(*readers, return_exceptions=True)
    report(args, writes, viewers, cpu, (watches_1, watches_n))
    if page is not None:
        dom = [value * 1000 for value in page.latencies]
        if dom:
            print(f"  change -> DOM (1 Chromium page on {stack.urls[0]}): p50 "
                  f"{percentile(dom, 0.5):.0f} ms, p95 {percentile(dom, 0.95):.0f} ms "
                  f"({len(dom)} samples, {page.missing} never seen)")


async def _drive_with_page(args: argparse.Namespace, cluster: SimCluster,
                           names: list[tuple[str, str]], stack: Stack,
                           viewers: Viewers) -> tuple[dict[str, float], Outcome | None]:
    """The changes, with one Chromium page on the overview too unless --no-page (the page's
    own timing: bench/live_pages.py)."""
    async def run() -> tuple[dict[str, float], float]:
        started = time.monotonic()
        viewers.counting = True
        writes = await drive(cluster, names, args.rate, args.seconds)
        return writes, time.monotonic() - started

    if args.no_page:
        return (await run())[0], None
    from bench.live_pages import measure_pages

    ran: dict[str, dict[str, float]] = {}

    async def run_and_keep() -> tuple[dict[str, float], float]:
        ran["writes"], seconds = await run()
        return ran["writes"], seconds

    outcome = await measure_pages(stack.urls[0] + "/", len(names), 1, run_and_keep)
    return ran["writes"], outcome


def report(args: argparse.Namespace, writes: dict[str, float], viewers: Viewers,
           cpu: dict[str, float], watches: tuple[int, int]) -> None:
    latencies = [(a[m] - t) * 1000 for a in viewers.arrived for m, t in writes.items() if m in a]
    missing = sum(1 for a in viewers.arrived for m in writes if m not in a)
    print(f"{args.mode_now}: {args.rollouts} rollouts, {args.rollouts * args.pods} pods, "
          f"{args.viewers} viewers, {args.rate:g} changes/s for {args.seconds:g}s "
          f"({len(writes)} changes); load average {os.getloadavg()[0]:.1f}")
    if latencies:
        print(f"  change -> frame: p50 {percentile(latencies, 0.5):.0f} ms, "
              f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms "
              f"({len(latencies)} samples, {missing} never seen)")
    per_viewer = [w / max(len(a), 1) for w, a in zip(viewers.wire, viewers.arrived, strict=True)]
    print(f"  bytes per changed rollout, per viewer: {sum(per_viewer) / len(per_viewer):.0f} B")
    for name, seconds in cpu.items():
        print(f"  CPU {name}: {seconds:.1f} s ({seconds / args.seconds * 100:.0f}% of a core)")
    print(f"  watch connections simcluster holds: {watches[0]} with 1 viewer, "
          f"{watches[1]} with {args.viewers}" + ("" if watches[0] == watches[1] else "  (DIFFER)"))


def run_mode(args: argparse.Namespace, mode: str) -> None:
    workdir = Path(tempfile.mkdtemp(prefix=f"scale-{mode}-"))
    workdir.chmod(0o755)  # as root, PostgreSQL runs as `postgres` and must reach its data
    cluster = SimCluster(controllers=False, seeds=("empty",), bookmark_interval=30.0)
    cluster.start()
    stack = None
    try:
        names = seed(cluster, args.rollouts, args.pods)
        kubeconfig = cluster.write_kubeconfig(workdir / "kubeconfig")
        stack = (production if mode == "production" else embedded)(workdir, kubeconfig)
        synced = max(wait_for_mirror(url, args.rollouts, timeout=300) for url in stack.urls)
        print(f"{mode}: mirrored {args.rollouts} rollouts in {synced:.1f}s")
        args.mode_now = mode
        asyncio.run(measure(args, cluster, names, stack))
    finally:
        for stop in reversed(stack.stop if stack else []):
            stop()
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=1000)
    parser.add_argument("--pods", type=int, default=4, help="pods per rollout")
    parser.add_argument("--rate", type=float, default=50.0, help="changes per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--mode", choices=("production", "embedded", "both"), default="both")
    parser.add_argument("--no-page", action="store_true",
                        help="websocket viewers only, no Chromium page (no DOM figure)")
    args = parser.parse_args()
    for mode in ("production", "embedded") if args.mode == "both" else (args.mode,):
        run_mode(args, mode)


if __name__ == "__main__":
    main()
