"""Benchmark the cluster mirror: watcher + batched DB writes + info recomputation.

An in-process SimCluster (controllers off) is seeded with 1,000 Rollouts × 1 ReplicaSet × 4 Pods
(`bench/simcluster.py`'s seeding). The mirror — the real pipeline, `rollouts.runtime.run_mirror`:
the official client over HTTP, the watcher, the mirror on SQLite in a temporary file — runs in a
child process, as it does in production (inside daphne or `manage.py watch_rollouts`, never in
the API server's process): sharing this process's interpreter lock with the simulated API server
and the writer would measure the lock, not the mirror. Prints:

1. time to initial sync: from the child's start until every row is committed (rollouts with their
   info);
2. sustained events/s: a writer thread drives pod and rollout status writes through
   `Store.mutate` as fast as the store takes them for ~10 s; counted are the watch events the
   mirror committed, per second, until it has caught up with the last write;
3. lag from a change in the cluster to its committed row, p50/p95: rollout status writes at a
   steady rate, each timed from the write to the commit that carried it. The child reports each
   commit's time (CLOCK_MONOTONIC, the same clock in both processes) and the rollouts it changed.

Run: `.venv/bin/python bench/mirror.py [--rollouts 1000] [--seconds 10] [--rate 100]`.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


class Reporter:
    """The child's publisher: one JSON line per commit (time, changed rollouts, counters)."""

    def __init__(self, mirror_stats: object = None) -> None:
        self.stats = mirror_stats

    def line(self, **fields: object) -> None:
        counters = {k: getattr(self.stats, k) for k in (
            "ops_committed", "transactions", "process_seconds", "write_seconds")}
        print(json.dumps({"t": time.monotonic(), "cpu": time.process_time(), **fields,
                          **counters}), flush=True)

    async def publish(self, changed, removed, rows=None) -> None:
        self.line(keys=[key.name for key in changed])

    async def cluster_status(self, status) -> None:
        self.line(keys=[])


async def child(args: argparse.Namespace) -> None:
    from rollouts.kinds import ClusterConfig
    from rollouts.mirror import Mirror
    from rollouts.runtime import run_mirror
    from rollouts.watcher import WatchOptions

    reporter = Reporter()
    mirror = Mirror("bench", reporter, batch_seconds=args.batch)
    reporter.stats = mirror.stats
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)

    async def heartbeat() -> None:  # batches that change no rollout publish nothing
        while not stop.is_set():
            reporter.line(keys=[])
            await asyncio.sleep(0.1)

    beat = asyncio.create_task(heartbeat())
    await run_mirror(stop, config=ClusterConfig(kubeconfig=args.kubeconfig, request_timeout=60),
                     options=WatchOptions(timeout_seconds=240, request_timeout=270,
                                          inactivity=90), mirror=mirror)
    beat.cancel()


class ChildMirror:
    def __init__(self, state: Path, kubeconfig: Path, batch: float) -> None:
        env = {**os.environ, "DATABASE_PATH": str(state / "mirror.sqlite3"),
               "DASHBOARD_STATE_DIR": str(state), "ROLLOUTS_WATCHER": "off",
               "DJANGO_SETTINGS_MODULE": "dashboard.settings", "LOG_LEVEL": "WARNING"}
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=ROOT, env=env, check=True)
        self.db = state / "mirror.sqlite3"
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--child", "--kubeconfig", str(kubeconfig),
             "--batch", str(batch)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        self.commits: dict[str, list[float]] = {}
        self.last: dict = {"ops_committed": 0, "transactions": 0, "process_seconds": 0.0,
                           "write_seconds": 0.0, "cpu": 0.0, "t": time.monotonic()}
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            report = json.loads(line)
            for name in report.pop("keys"):
                self.commits.setdefault(name, []).append(report["t"])
            self.last = report

    def counts(self) -> tuple[int, int, int]:
        try:
            with sqlite3.connect(self.db, timeout=5) as conn:
                return tuple(conn.execute(sql).fetchone()[0] for sql in (
                    "SELECT count(*) FROM rollouts_rollout WHERE phase != ''",
                    "SELECT count(*) FROM rollouts_replicaset",
                    "SELECT count(*) FROM rollouts_pod"))  # type: ignore[return-value]
        except sqlite3.OperationalError:
            return (0, 0, 0)

    def spent(self, before: dict | None = None) -> str:
        before = before or {"process_seconds": 0.0, "write_seconds": 0.0, "cpu": 0.0,
                            "t": self.started}
        last = self.last
        cpu, wall = last["cpu"] - before["cpu"], last["t"] - before["t"]
        return (f"[mirror: {last['process_seconds'] - before['process_seconds']:.1f} s "
                f"processing, {last['write_seconds'] - before['write_seconds']:.1f} s writing; "
                f"its process used {cpu:.1f} s of CPU in {wall:.1f} s]")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(30)


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def initial_sync(mirror: ChildMirror, rollouts: int) -> None:
    while mirror.counts() != (rollouts, rollouts, 4 * rollouts):
        time.sleep(0.05)
    took = time.monotonic() - mirror.started
    while mirror.last["ops_committed"] < 6 * rollouts:  # the child's report of that commit
        time.sleep(0.02)
    print(f"initial sync: {took:.2f} s from the mirror's start until all {rollouts} rollouts "
          f"(with info), {rollouts} replicasets and {4 * rollouts} pods were committed "
          f"{mirror.spent()}")


def hammer(store, ns: str, rollouts: int, seconds: float) -> int:
    """Pod and rollout status writes, as fast as the store takes them."""
    pods = [f"app-{n:04d}-7d9f8c6b5-{k}" for n in range(rollouts) for k in range(4)]
    deadline, i = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        if i % 5 == 4:
            store.mutate("rollouts", ns, f"app-{(i // 5) % rollouts:04d}",
                         lambda ro, i=i: ro["status"].update(message=f"burst {i}"))
        else:
            store.mutate("pods", ns, pods[i % len(pods)],
                         lambda pod, i=i: pod["status"].update(restartCount=i))
        i += 1
    return i


def sustained(store, ns: str, mirror: ChildMirror, rollouts: int, seconds: float) -> None:
    before = dict(mirror.last)
    started = time.monotonic()
    written = hammer(store, ns, rollouts, seconds)
    wrote_for = time.monotonic() - started
    while mirror.last["ops_committed"] - before["ops_committed"] < written:
        time.sleep(0.02)
    took = time.monotonic() - started
    applied = mirror.last["ops_committed"] - before["ops_committed"]
    transactions = mirror.last["transactions"] - before["transactions"]
    cpu = mirror.last["cpu"] - before["cpu"]
    print(f"sustained: {written:,} status writes in {wrote_for:.1f} s "
          f"({written / wrote_for:,.0f} writes/s); the mirror committed {applied:,} events "
          f"in {took:.1f} s = {applied / took:,.0f} events/s "
          f"({transactions} transactions, {applied / max(transactions, 1):,.0f} events each; "
          f"{applied / max(cpu, 1e-9):,.0f} events per CPU-second of its process) "
          f"{mirror.spent(before)}")


def lag(store, ns: str, mirror: ChildMirror, rollouts: int, seconds: float,
        rate: float) -> None:
    writes: list[tuple[str, float]] = []
    started = time.monotonic()
    for i in range(int(seconds * rate)):
        name = f"app-{i % rollouts:04d}"
        time.sleep(max(0.0, started + i / rate - time.monotonic()))
        at = time.monotonic()
        store.mutate("rollouts", ns, name, lambda ro, i=i: ro["status"].update(message=f"lag {i}"))
        writes.append((name, at))
    time.sleep(1.5)
    lags = []
    for name, at in writes:
        after = [t for t in mirror.commits.get(name, ()) if t >= at]
        if after:
            lags.append(min(after) - at)
    print(f"lag ({rate:.0f} rollout writes/s for {seconds:.0f} s, {len(lags)}/{len(writes)} "
          f"committed): p50 {statistics.median(lags) * 1000:.0f} ms, "
          f"p95 {percentile(lags, 0.95) * 1000:.0f} ms, max {max(lags) * 1000:.0f} ms")


def main(args: argparse.Namespace) -> None:
    from simcluster.cluster import SimCluster

    spec = importlib.util.spec_from_file_location("bench_simcluster", ROOT / "bench/simcluster.py")
    seeding = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(seeding)  # type: ignore[union-attr]
    state = Path(tempfile.mkdtemp(prefix="bench-mirror-"))
    with SimCluster(seeds=(), controllers=False, history_limit=400_000,
                    bookmark_interval=5.0) as sim:
        kubeconfig = sim.write_kubeconfig(state / "kubeconfig")
        took = seeding.seed(sim.store, args.rollouts)
        print(f"seeded {args.rollouts} rollouts, {args.rollouts} replicasets, "
              f"{4 * args.rollouts} pods in {took:.1f} s (SQLite at {state}); "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        mirror = ChildMirror(state, kubeconfig, args.batch)
        try:
            initial_sync(mirror, args.rollouts)
            sustained(sim.store, seeding.NS, mirror, args.rollouts, args.seconds)
            time.sleep(1.0)
            lag(sim.store, seeding.NS, mirror, args.rollouts, args.seconds, args.rate)
        finally:
            mirror.stop()
        print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--batch", type=float, default=0.15)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--kubeconfig", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        import django

        django.setup()
        asyncio.run(child(arguments))
    else:
        main(arguments)
