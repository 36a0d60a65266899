"""Issue 17's figures: change → frame latency, CPU and bytes per change, start, page, bursts.

    .venv/bin/python bench/live_perf.py [--rollouts 300] [--viewers 5] [--seconds 12]
        [--interval 0.2] [--burst-rate 200] [--burst-seconds 3] [--bulk 1000]
        [--page-rollouts 1000] [--batch-seconds S]

simcluster runs in this process, controllers off, seeded with N rollouts (each with 2
Services, a VirtualService, one ReplicaSet and 2 pods). daphne runs the real app as a
subprocess (embedded watcher, its own SQLite DB). Viewers are plain websocket clients
(bench/live_perf_viewers.py), so the figures are the server's share alone. Phases:

1. start: from daphne's launch until its JSON API lists all N rollouts; then the rendered
   overview page (GET /, p50 of 10 after one warm-up).
2. one overview viewer: one merge-patch of `status.message` every `--interval` s for
   `--seconds` s, round robin → latency and CPU per change (daphne's utime+stime from
   /proc/<pid>/stat over the phase, divided by the changes).
3. `--viewers` overview viewers and one detail viewer (on the first rollout, which every fifth
   change targets): the same → overview p50/p95, detail p50, CPU, bytes per viewer per change.
4. burst: `--burst-rate` changes/s for `--burst-seconds` s → p95 and CPU per change.
5. bulk: `--bulk` changes in one second → DB commits counted (bench/live_perf_viewers.py's
   CommitCounter) against changes.
6. the overview page again after growing the cluster to `--page-rollouts` rollouts.

Missed = (change, viewer) pairs never seen; watch connections = simcluster's open watch
streams, with one viewer and with all. Figures depend on the machine's load (printed).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: bench/simcluster.py is not the package

from bench.live import cpu_seconds, free_port, seed, start_dashboard  # noqa: E402
from bench.live_outcome import percentile  # noqa: E402
from bench.live_perf_viewers import CommitCounter, Viewer, Writer, wait_seen  # noqa: E402
from simcluster.cluster import SimCluster  # noqa: E402
from tests.mirror.objects import seed_rollout_tree  # noqa: E402

DETAIL_EVERY = 5


async def served(session: aiohttp.ClientSession, url: str, count: int,
                 timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            async with session.get(f"{url}/api/v1/rollouts") as response:
                if response.status == 200 and (await response.json())["count"] == count:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise SystemExit(f"the dashboard did not list {count} rollouts within {timeout:.0f}s")


async def page(session: aiohttp.ClientSession, url: str, count: int, runs: int = 10) -> str:
    """The rendered overview page: p50 of `runs` after one warm-up, and its size per rollout."""
    samples = []
    for run in range(runs + 1):
        started = time.perf_counter()
        async with session.get(url + "/") as response:
            body = await response.read()
        if run:
            samples.append((time.perf_counter() - started) * 1000)
    return (f"rendered overview page ({count} rollouts): {statistics.median(samples):.0f} ms, "
            f"{len(body) / count:.0f} B per rollout")


def ms(values: list[float], share: float) -> str:
    return f"{percentile(values, share) * 1000:.1f}" if values else "-"


class Run:
    def __init__(self, args: argparse.Namespace, cluster: SimCluster, daphne_pid: int,
                 url: str, names: list[tuple[str, str]], session: aiohttp.ClientSession) -> None:
        self.args, self.cluster, self.pid, self.url = args, cluster, daphne_pid, url
        self.names, self.session = names, session
        self.writer = Writer(session, cluster.url, names)
        self.overview: list[Viewer] = []
        self.detail: Viewer | None = None

    def watches(self) -> int:
        return self.cluster._in_loop(lambda: len(self.cluster.server.watches))

    def targets(self) -> Iterator[tuple[str, str]]:
        if self.detail is None:
            while True:
                yield self.writer.next_target()
        for n in itertools.count():
            yield self.names[0] if n % DETAIL_EVERY == 0 else self.writer.next_target()

    async def add_viewers(self, count: int, detail: bool) -> None:
        new = [Viewer("/ws/overview") for _ in range(count)]
        if detail:
            namespace, name = self.names[0]
            self.detail = Viewer(f"/ws/rollouts/{namespace}/{name}")
            new.append(self.detail)
        for viewer in new:
            await viewer.open(self.session, self.url)
        self.overview += [v for v in new if v is not self.detail]
        await asyncio.sleep(2.0)  # snapshots in, publisher quiet

    async def phase(self, rate: float, seconds: float) -> dict:
        for viewer in self.overview:
            viewer.bytes, viewer.counting = 0, True
        cpu_before = cpu_seconds(self.pid)
        started = time.monotonic()
        markers = await self.writer.run(rate, seconds, self.targets())
        wrote = time.monotonic() - started
        await wait_seen(self.overview, markers, self.writer.writes)
        cpu = cpu_seconds(self.pid) - cpu_before
        for viewer in self.overview:
            viewer.counting = False
        return self.outcome(markers, cpu, wrote)

    def outcome(self, markers: list[str], cpu: float, wrote: float) -> dict:
        writes = self.writer.writes
        lat = [v.arrived[m] - writes[m][0] for v in self.overview for m in markers
               if m in v.arrived]
        missed = sum(len(unseen(v, markers, writes)) for v in self.overview)
        detail_lat: list[float] = []
        if self.detail is not None:
            mine = [m for m in markers if writes[m][1] == self.names[0]]
            detail_lat = [self.detail.arrived[m] - writes[m][0] for m in mine
                          if m in self.detail.arrived]
            missed += len(unseen(self.detail, mine, writes))
        seen = len(lat) / max(len(self.overview), 1)
        wire = statistics.fmean(v.bytes for v in self.overview)
        return {"changes": len(markers), "lat": lat, "detail": detail_lat, "missed": missed,
                "cpu_ms": cpu / max(len(markers), 1) * 1000, "bytes": wire / max(seen, 1),
                "wrote": wrote}


def unseen(viewer: Viewer, markers: list[str], writes: dict) -> list[str]:
    """Markers the viewer never got although no later change of the same rollout reached it
    (a change superseded within the publisher's coalescing window is not missed)."""
    latest_seen: dict[tuple[str, str], int] = {}
    for marker in markers:
        if marker in viewer.arrived:
            target, seq = writes[marker][1], int(marker.split("-")[1])
            latest_seen[target] = max(latest_seen.get(target, -1), seq)
    return [m for m in markers if m not in viewer.arrived
            and latest_seen.get(writes[m][1], -1) < int(m.split("-")[1])]


def line(label: str, result: dict) -> str:
    detail = f", detail p50 {ms(result['detail'], 0.5)} ms" if result["detail"] else ""
    return (f"  {label}: {result['changes']} changes in {result['wrote']:.1f}s; overview frame "
            f"p50 {ms(result['lat'], 0.5)} ms, p95 {ms(result['lat'], 0.95)} ms{detail}; "
            f"CPU {result['cpu_ms']:.2f} ms/change; {result['bytes']:.0f} B per viewer per "
            f"changed rollout; missed {result['missed']}")


async def measure(args: argparse.Namespace, cluster: SimCluster, names: list[tuple[str, str]],
                  workdir: Path, kubeconfig: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    daphne = start_dashboard(workdir, kubeconfig, port, args.batch_seconds, args.profile)
    launched = time.monotonic()
    try:
        async with aiohttp.ClientSession() as session:
            await served(session, url, len(names))
            print(f"  process start -> all {len(names)} served: "
                  f"{time.monotonic() - launched:.2f} s")
            await asyncio.sleep(1.0)
            print(f"  {await page(session, url, len(names))}")
            run = Run(args, cluster, daphne.pid, url, names, session)
            await phases(args, run, workdir)
    finally:
        daphne.terminate()
        daphne.wait(15)


async def phases(args: argparse.Namespace, run: Run, workdir: Path) -> None:
    rate = 1 / args.interval
    await run.add_viewers(1, detail=False)
    watches_one = run.watches()
    cpu_before = cpu_seconds(run.pid)
    await asyncio.sleep(3.0)
    print(f"  idle (1 viewer, no changes): daphne CPU "
          f"{(cpu_seconds(run.pid) - cpu_before) / 3.0 * 1000:.1f} ms/s")
    print(line("1 viewer   ", await run.phase(rate, args.seconds)))
    await run.add_viewers(args.viewers - 1, detail=True)
    watches_all = run.watches()
    print(line(f"{args.viewers} viewers+1d", await run.phase(rate, args.seconds)))
    print(f"  watch connections held by simcluster: {watches_one} with 1 viewer, "
          f"{watches_all} with {args.viewers + 1}")
    if args.burst_rate:
        await asyncio.sleep(1.0)
        print(line(f"burst {args.burst_rate:g}/s", await run.phase(args.burst_rate,
                                                                  args.burst_seconds)))
    if args.bulk:
        await asyncio.sleep(1.0)
        with CommitCounter(workdir / "db.sqlite3") as commits:
            result = await run.phase(args.bulk, 1.0)
            await asyncio.sleep(0.5)
        print(line(f"bulk {args.bulk}/1s", result))
        print(f"  {result['changes']} changes -> {commits.commits} DB transactions "
              "(commits seen by polling PRAGMA data_version: a lower bound)")
    if args.page_rollouts > len(run.names):
        for i in range(len(run.names), args.page_rollouts):
            seed_rollout_tree(run.cluster.store, f"team-{i % 6}", f"app-{i:04d}", replicas=2)
        await served(run.session, run.url, args.page_rollouts)
        await asyncio.sleep(2.0)
        print(f"  {await page(run.session, run.url, args.page_rollouts)}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=300)
    parser.add_argument("--viewers", type=int, default=5, help="overview viewers (phase 3)")
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--interval", type=float, default=0.2, help="seconds between changes")
    parser.add_argument("--burst-rate", type=float, default=200.0, help="0: no burst")
    parser.add_argument("--burst-seconds", type=float, default=3.0)
    parser.add_argument("--bulk", type=int, default=1000, help="changes in 1 s; 0: none")
    parser.add_argument("--page-rollouts", type=int, default=1000,
                        help="grow to this many rollouts and time the page again")
    parser.add_argument("--batch-seconds", type=float, default=None,
                        help="ROLLOUTS_BATCH_SECONDS (default: the app's)")
    parser.add_argument("--profile", type=Path, default=None, metavar="FILE",
                        help="run daphne under cProfile (every thread) and save the stats "
                             "into FILE (the figures are then the profiler's, not ours)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="live-perf-"))
    cluster = SimCluster(controllers=False, seeds=("empty",), bookmark_interval=30.0,
                         history_limit=50_000)
    cluster.start()
    try:
        names = seed(cluster, args.rollouts)
        kubeconfig = cluster.write_kubeconfig(workdir / "kubeconfig")
        print(f"live perf: {args.rollouts} rollouts, {args.viewers} overview viewers + 1 detail;"
              f" load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        asyncio.run(measure(args, cluster, names, workdir, kubeconfig))
        print(f"  load average {os.getloadavg()[0]:.1f} at the end")
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
