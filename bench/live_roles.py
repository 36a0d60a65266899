"""Live updates for viewers of different roles and scopes: renders stay per permission set.

    .venv/bin/python bench/live_roles.py [--rollouts 60] [--viewers 20] [--rate 20]
                                         [--seconds 10]

1. simcluster runs in this process (controllers off), seeded with N rollouts over six
   namespaces (bench/live.py's seed); daphne runs the real app with local accounts.
2. V accounts spread over 3 roles (viewer, operator, admin) and 3 namespace scopes (`*`,
   `team-0`, `team-1`) sign in over HTTP and open the overview socket with their session.
3. R status changes per second go round robin over the rollouts (bench/live.py's drive).
4. Renders per change = the app's own counter of rendered rows (`rollouts_renders_total`,
   from /metrics) over the run, divided by the changes: bounded by the distinct permission
   sets listening (3 here), whatever V is. Bytes per change = every socket's frame bytes over
   the run divided by the changes. Latency = write -> the first frame holding its marker, per
   socket that may see the rollout; a marker reaching a socket that may not is a leak.
"""

from __future__ import annotations

import argparse
import asyncio
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # before bench/: bench/simcluster.py is not the package

import aiohttp  # noqa: E402

from bench.live import drive, free_port, seed  # noqa: E402
from bench.live_outcome import percentile  # noqa: E402
from simcluster.cluster import SimCluster  # noqa: E402

ROLES = ("viewer", "operator", "admin")
SCOPES = ("*", "team-0", "team-1")
PASSWORD = "bench password, long enough"
MARKER = re.compile(r"bench-[0-9]+")
RENDERS = re.compile(r'^rollouts_renders_total\{part="row"\} ([0-9.e+]+)$', re.M)
USERS = """
from django.contrib.auth import get_user_model
from django.utils import timezone
from rollouts.models import AccessGrant
for name, role, scope in {people!r}:
    get_user_model().objects.create_user(name, password={password!r})
    AccessGrant.objects.create(role=role, subject_kind="user", subject=name,
                               namespace=scope, created_at=timezone.now())
from rollouts.access.tokens import create_token
print(create_token("bench", "viewer", ["*"])[1])
"""


def people(count: int) -> list[tuple[str, str, str]]:
    """(user, role, namespace scope): roles and scopes cycle independently."""
    return [(f"user-{i:02d}", ROLES[i % 3], SCOPES[(i // 3) % 3]) for i in range(count)]


def start(workdir: Path, kubeconfig: Path, port: int, who: list[tuple[str, str, str]]
          ) -> tuple[subprocess.Popen[bytes], str]:
    """daphne, and a bearer token for reading the API (to see the mirror is complete)."""
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "ROLLOUTS_WATCHER": "embedded",
           "DASHBOARD_STATE_DIR": str(workdir), "DATABASE_PATH": str(workdir / "db.sqlite3"),
           "LOG_LEVEL": "WARNING", "ROLLOUTS_AUTH": "local", "ROLLOUTS_ANONYMOUS_ROLE": "none"}
    env.pop("KUBE_CONTEXT", None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    made = subprocess.run([*manage, "shell", "-c", USERS.format(people=who, password=PASSWORD)],
                          cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    token = made.stdout.strip().splitlines()[-1]
    return subprocess.Popen([sys.executable, "-m", "daphne", "-v", "0", "-b", "127.0.0.1",
                             "-p", str(port), "dashboard.asgi:application"], cwd=ROOT,
                            env=env), token


def wait_for_mirror(url: str, token: str, count: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{url}/api/v1/rollouts",
                                     headers={"Authorization": f"Bearer {token}"})
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if json.load(response).get("count") == count:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"the dashboard did not list {count} rollouts within {timeout:.0f}s")


def rows_rendered(url: str) -> float:
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        found = RENDERS.search(response.read().decode())
    return float(found.group(1)) if found else 0.0


async def open_socket(url: str, user: str) -> tuple[aiohttp.ClientSession, object]:
    session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    await (await session.get(f"{url}/signin")).read()
    token = next(c.value for c in session.cookie_jar if c.key == "csrftoken")
    answer = await session.post(f"{url}/signin", allow_redirects=False, data={
        "username": user, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"})
    if answer.status != 302:
        raise SystemExit(f"{user} could not sign in: {answer.status}")
    socket = await session.ws_connect(url.replace("http", "ws", 1) + "/ws/overview",
                                      headers={"Origin": url}, max_msg_size=0)
    return session, socket


async def measure(args: argparse.Namespace, cluster: SimCluster,
                  names: list[tuple[str, str]], url: str,
                  who: list[tuple[str, str, str]]) -> None:
    arrived: list[dict[str, float]] = [{} for _ in who]
    wire = [0] * len(who)
    counting = asyncio.Event()

    async def read(index: int, socket: aiohttp.ClientWebSocketResponse) -> None:
        async for message in socket:
            now = time.time()
            if counting.is_set():
                wire[index] += len(message.data.encode())
            for marker in MARKER.findall(message.data):
                arrived[index].setdefault(marker, now)

    opened = [await open_socket(url, user) for user, _, _ in who]
    readers = [asyncio.create_task(read(i, s)) for i, (_, s) in enumerate(opened)]
    await asyncio.sleep(2)  # snapshots in, publisher quiet
    before = rows_rendered(url)
    counting.set()
    writes = await drive(cluster, names, args.rate, args.seconds)
    namespace_of = {f"bench-{seq}": names[seq % len(names)][0] for seq in range(len(writes))}
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(
            marker in arrived[i] for i, (_, _, scope) in enumerate(who)
            for marker in writes if fnmatch.fnmatchcase(namespace_of[marker], scope)):
        await asyncio.sleep(0.1)
    counting.clear()
    renders = rows_rendered(url) - before
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    for session, _ in opened:
        await session.close()
    report(args, who, writes, namespace_of, arrived, wire, renders)


def report(args: argparse.Namespace, who: list[tuple[str, str, str]], writes: dict[str, float],
           namespace_of: dict[str, str], arrived: list[dict[str, float]], wire: list[int],
           renders: float) -> None:
    latencies, missing, leaked = [], 0, 0
    for index, (_, _, scope) in enumerate(who):
        for marker, at in writes.items():
            visible = fnmatch.fnmatchcase(namespace_of[marker], scope)
            if marker in arrived[index]:
                if visible:
                    latencies.append((arrived[index][marker] - at) * 1000)
                else:
                    leaked += 1
            elif visible:
                missing += 1
    changes = len(writes)
    sets = len({(role, scope) for _, role, scope in who})
    print(f"live roles bench: {args.rollouts} rollouts, {len(who)} viewers over "
          f"{len(ROLES)} roles x {len(SCOPES)} scopes ({sets} distinct grants), "
          f"{args.rate:g} changes/s for {args.seconds:g}s ({changes} changes); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  row renders per change: {renders / max(changes, 1):.2f} "
          f"(at most {len(ROLES)}: one per permission set listening, not one per viewer)")
    print(f"  bytes per change, all viewers: {sum(wire) / max(changes, 1):.0f} B "
          f"({sum(wire) / max(changes, 1) / len(who):.0f} B per viewer)")
    if latencies:
        print(f"  change -> frame: p50 {percentile(latencies, 0.5):.0f} ms, "
              f"p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms "
              f"({len(latencies)} samples, {missing} never seen)")
    print(f"  markers of rollouts outside a viewer's scope that reached it: {leaked}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=60)
    parser.add_argument("--viewers", type=int, default=20)
    parser.add_argument("--rate", type=float, default=20.0, help="changes per second")
    parser.add_argument("--seconds", type=float, default=10.0)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="live-roles-bench-"))
    cluster = SimCluster(controllers=False, seeds=("empty",), bookmark_interval=30.0)
    cluster.start()
    daphne = None
    try:
        names = seed(cluster, args.rollouts)
        who = people(args.viewers)
        port = free_port()
        daphne, token = start(workdir, cluster.write_kubeconfig(workdir / "kubeconfig"), port,
                              who)
        url = f"http://127.0.0.1:{port}"
        wait_for_mirror(url, token, args.rollouts)
        asyncio.run(measure(args, cluster, names, url, who))
    finally:
        if daphne is not None:
            daphne.terminate()
            daphne.wait(15)
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
