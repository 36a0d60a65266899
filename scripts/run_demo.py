"""`make run`: the demo cluster and the dashboard, side by side, until Ctrl-C.

1. Start simcluster (`python -m simcluster serve`, demo seed, real-time speed, a new canary now
   and then outside the guide's my-demo namespace) as a child process;
   it writes a kubeconfig into the state directory and prints where.
2. Start daphne as a second child with `KUBECONFIG` pointing at that file and the embedded
   watcher on. That kubeconfig is the only thing the dashboard knows about the demo: pointed at
   a real cluster (`make serve`) it runs exactly the same code.
3. Wait. Ctrl-C / SIGTERM, or either child dying, stops both: daphne first (so the watcher
   does not spend its last seconds reporting a vanished cluster), then simcluster.

Both children stay in our process group, so a Ctrl-C in the terminal reaches them directly (even
if this script were stuck); we then make sure they are gone, killing any that hangs.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
STOP_TIMEOUT = 10.0
START_TIMEOUT = 60.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the demo cluster and the dashboard.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "3100")))
    parser.add_argument("--state-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--seed", action="append", default=None,
                        help="simcluster seed(s): demo, empty or a YAML file (default: demo)")
    parser.add_argument("--speed", type=float, default=1.0,
                        help="simulated seconds per real second (default: real time)")
    parser.add_argument("--change-every", type=float, default=120.0, metavar="S",
                        help="every S seconds promote a waiting demo rollout and start a new "
                             "canary on another, outside my-demo (0: never)")
    return parser.parse_args(argv)


def forward(stream: IO[str], prefix: str, found: dict[str, str] | None = None) -> None:
    """Copy a child's output to ours, line by line, noting the kubeconfig line if asked."""
    for line in stream:
        if found is not None and line.startswith("kubeconfig: "):
            found["kubeconfig"] = line.removeprefix("kubeconfig: ").strip()
        sys.stdout.write(f"{prefix}{line}")
        sys.stdout.flush()


def start_simcluster(args: argparse.Namespace) -> tuple[subprocess.Popen[str], Path]:
    kubeconfig = (args.state_dir / "demo-cluster" / "kubeconfig").resolve()
    kubeconfig.unlink(missing_ok=True)  # a stale one would point at a dead port
    command = [sys.executable, "-m", "simcluster", "serve", "--speed", str(args.speed),
               "--kubeconfig-out", str(kubeconfig)]
    for seed in args.seed or ["demo"]:
        command += ["--seed", seed]
    if args.change_every > 0:
        # my-demo is the guide's: it moves only when the user moves it.
        command += ["--change-every", str(args.change_every), "--change-skip-namespace", "my-demo"]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, bufsize=1)
    found: dict[str, str] = {}
    assert child.stdout is not None
    threading.Thread(target=forward, args=(child.stdout, "[cluster] ", found),
                     daemon=True).start()
    deadline = time.monotonic() + START_TIMEOUT
    while "kubeconfig" not in found:
        if child.poll() is not None:
            raise SystemExit(f"simcluster exited with code {child.returncode} before it served")
        if time.monotonic() > deadline:
            stop([child])
            raise SystemExit("simcluster did not start within a minute")
        time.sleep(0.05)
    return child, Path(found["kubeconfig"])


def start_dashboard(args: argparse.Namespace, kubeconfig: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "ROLLOUTS_WATCHER": "embedded"}
    env.pop("KUBE_CONTEXT", None)  # the demo kubeconfig has one context, its current one
    command = [sys.executable, "-m", "daphne", "-b", args.host, "-p", str(args.port),
               "dashboard.asgi:application"]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True)


def stop(children: list[subprocess.Popen[str]]) -> None:
    """SIGTERM each child in order, wait for it, SIGKILL it if it will not go."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
        try:
            child.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    cluster, kubeconfig = start_simcluster(args)
    dashboard = start_dashboard(args, kubeconfig)
    print(f"dashboard: http://{args.host}:{args.port}/  (demo cluster: KUBECONFIG={kubeconfig};"
          " Ctrl-C stops both)", flush=True)
    children = [dashboard, cluster]
    try:
        while not stopping.wait(0.2):
            dead = [child for child in children if child.poll() is not None]
            if dead:
                name = "the dashboard" if dead[0] is dashboard else "simcluster"
                print(f"{name} exited with code {dead[0].returncode}; stopping", flush=True)
                return 1
        return 0
    finally:
        stop(children)
        print("stopped", flush=True)


if __name__ == "__main__":
    sys.exit(main())
