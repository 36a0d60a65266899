"""How fast a cluster change reaches open overview pages, and what it costs on the wire and CPU.

    .venv/bin/python bench/live.py [--rollouts 300] [--pages 5] [--rate 50] [--seconds 20]
                                   [--sockets] [--batch-seconds S] [--query Q] [--trace FILE]

1. simcluster runs in this process (controllers off), seeded directly with N rollout trees.
2. daphne runs the real app as a subprocess (embedded watcher, its own migrated SQLite DB)
   against simcluster's kubeconfig; we wait until its API lists all N rollouts.
3. P clients open the overview: Chromium pages (Debian's, through Playwright; see
   bench/live_pages.py for how the DOM is timed and the clocks aligned), or with `--sockets`
   plain websocket clients, which time the server's share alone (bench/live_sockets.py).
4. We write R status changes per second through simcluster's store, round-robin over the
   rollouts (so coalescing never hides one), each setting `status.message = "bench-<seq>"`
   and noting `time.time()` just before.
5. Latency = when the marker reached the client (the DOM, or the socket) minus its write time.
   Bytes = the websocket frames' payload bytes each client took up during the run (for pages,
   counted in the page as htmx receives each message: Playwright's `framereceived` would ship
   every payload through DevTools to us, which costs the very browser we measure), divided by
   the row updates it got. CPU = utime+stime of the daphne process from /proc/<pid>/stat over
   the run, as a percentage of one core.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: bench/simcluster.py is not the package

from bench.live_outcome import Outcome, percentile  # noqa: E402
from simcluster.cluster import SimCluster  # noqa: E402
from tests.mirror.objects import seed_rollout_tree  # noqa: E402

NAMESPACES = 6


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def seed(cluster: SimCluster, count: int) -> list[tuple[str, str]]:
    names = [(f"team-{i % NAMESPACES}", f"app-{i:04d}") for i in range(count)]
    for namespace, name in names:
        seed_rollout_tree(cluster.store, namespace, name, replicas=2)
    return names


def start_dashboard(workdir: Path, kubeconfig: Path, port: int,
                    batch_seconds: float | None, profile: Path | None = None
                    ) -> subprocess.Popen[bytes]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "ROLLOUTS_WATCHER": "embedded",
           "DASHBOARD_STATE_DIR": str(workdir), "DATABASE_PATH": str(workdir / "db.sqlite3"),
           "LOG_LEVEL": "WARNING", "ROLLOUTS_AUTH": "none", "ROLLOUTS_ANONYMOUS_ROLE": "admin"}
    env.pop("KUBE_CONTEXT", None)
    if batch_seconds is not None:
        env["ROLLOUTS_BATCH_SECONDS"] = str(batch_seconds)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=ROOT, env=env, check=True)
    # With `profile`, every thread runs under cProfile (bench/live_profile.py).
    wrapper = [str(ROOT / "bench" / "live_profile.py"), str(profile)] if profile else []
    command = [sys.executable, *wrapper, "-m", "daphne", "-v", "0", "-b", "127.0.0.1",
               "-p", str(port), "dashboard.asgi:application"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for_mirror(url: str, count: int, timeout: float = 120.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with urllib.request.urlopen(f"{url}/api/v1/rollouts", timeout=5) as response:
                if json.load(response).get("count") == count:
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"the dashboard did not list {count} rollouts within {timeout:.0f}s")


async def drive(cluster: SimCluster, names: list[tuple[str, str]], rate: float,
                seconds: float) -> dict[str, float]:
    """Write `rate` changes a second for `seconds`; returns marker -> write time."""
    writes: dict[str, float] = {}
    started = time.monotonic()
    for seq in range(int(rate * seconds)):
        delay = started + seq / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        namespace, name = names[seq % len(names)]
        marker = f"bench-{seq}"

        def mark(rollout: dict, marker: str = marker) -> None:
            rollout.setdefault("status", {})["message"] = marker

        writes[marker] = time.time()
        cluster.store.mutate("rollouts", namespace, name, mark)
    return writes


def report(args: argparse.Namespace, changes: int, outcome: Outcome, cpu: float) -> None:
    clients = "sockets" if args.sockets else "pages"
    where = "socket" if args.sockets else "DOM"
    shown = f" (overview ?{args.query})" if args.query and not args.sockets else ""
    print(f"live bench: {args.rollouts} rollouts, {args.pages} {clients}{shown}, {args.rate:g} "
          f"changes/s for {args.seconds:g}s ({changes} changes); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    ms = [value * 1000 for value in outcome.latencies]
    if ms:
        print(f"  write -> {where} latency: p50 {percentile(ms, 0.5):.0f} ms, "
              f"p95 {percentile(ms, 0.95):.0f} ms, max {max(ms):.0f} ms, mean "
              f"{statistics.fmean(ms):.0f} ms ({len(ms)} samples, {outcome.missing} never seen)")
    # Per row update a client actually got: a page that fell behind has not been sent (TCP
    # backpressure) what it has not taken up yet, so dividing by all changes would flatter it.
    updates = len(outcome.latencies) / len(outcome.wire) if outcome.latencies else changes
    wire = statistics.fmean(outcome.wire)
    print(f"  bytes per changed rollout, per client: {wire / max(updates, 1):.0f} B "
          f"({wire / 1024:.0f} KiB per client for {updates:.0f} row updates)")
    print(f"  daphne CPU at {args.rate:g} changes/s: {cpu * 100:.0f}% of one core")
    for note in outcome.notes:
        print(f"  {note}")


async def measure(args: argparse.Namespace, cluster: SimCluster, names: list[tuple[str, str]],
                  url: str, daphne: subprocess.Popen[bytes]) -> None:
    measured: dict[str, float] = {}

    async def run() -> tuple[dict[str, float], float]:
        cpu_before, started = cpu_seconds(daphne.pid), time.time()
        writes = await drive(cluster, names, args.rate, args.seconds)
        seconds = time.time() - started
        measured["cpu"] = (cpu_seconds(daphne.pid) - cpu_before) / seconds
        return writes, seconds

    if args.sockets:
        from bench.live_sockets import measure_sockets

        outcome = await measure_sockets(url, args.pages, run)
    else:
        from bench.live_pages import measure_pages

        page_url = url + "/" + (f"?{args.query}" if args.query else "")
        outcome = await measure_pages(page_url, len(names), args.pages, run, args.trace)
    report(args, int(args.rate * args.seconds), outcome, measured["cpu"])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=300)
    parser.add_argument("--pages", type=int, default=5, help="how many clients")
    parser.add_argument("--rate", type=float, default=50.0, help="changes per second")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sockets", action="store_true",
                        help="plain websocket clients instead of Chromium pages")
    parser.add_argument("--query", default="",
                        help="pages only: the overview's query, e.g. 'sort=-changed' (every "
                             "change then moves its row to the top of the screen)")
    parser.add_argument("--trace", type=Path, default=None, metavar="FILE",
                        help="pages only: record a Chromium trace of the run into FILE and "
                             "print where the renderers' main threads spent their time "
                             "(tracing itself costs some CPU: compare runs without it)")
    parser.add_argument("--batch-seconds", type=float, default=None,
                        help="the mirror's batching window (ROLLOUTS_BATCH_SECONDS; default: "
                             "the app's)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="live-bench-"))
    cluster = SimCluster(controllers=False, seeds=("empty",), bookmark_interval=30.0)
    cluster.start()
    daphne = None
    try:
        names = seed(cluster, args.rollouts)
        kubeconfig = cluster.write_kubeconfig(workdir / "kubeconfig")
        port = free_port()
        daphne = start_dashboard(workdir, kubeconfig, port, args.batch_seconds)
        url = f"http://127.0.0.1:{port}"
        synced = wait_for_mirror(url, args.rollouts)
        print(f"dashboard mirrored {args.rollouts} rollouts in {synced:.1f}s")
        asyncio.run(measure(args, cluster, names, url, daphne))
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait(15)
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
