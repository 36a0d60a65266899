"""`make run`: the demo cluster and the dashboard, side by side, until Ctrl-C.

1. Start simcluster (`python -m simcluster serve`, demo seed, real-time speed, a new canary now
   and then outside the guide's my-demo namespace) as a child process;
   it writes a kubeconfig into the state directory and prints where.
2. Start daphne as a second child with `KUBECONFIG` pointing at that file and the embedded
   watcher on. That kubeconfig is the only thing the dashboard knows about the demo: pointed at
   a real cluster (`make serve`) it runs exactly the same code.
   Before that, the demo's accounts `viewer`, `operator` and `admin` (each with that role
   everywhere) get the random passwords kept in <state-dir>/demo-accounts.txt (mode 0600,
   made on the first run, reused after), printed at start. The dashboard runs with local
   sign-in and ROLLOUTS_ANONYMOUS_ROLE=viewer: the page opens read-only, with a "Sign in" link.
3. Wait. Ctrl-C / SIGTERM, or either child dying, stops both: daphne first (so the watcher
   does not spend its last seconds reporting a vanished cluster), then simcluster.

Both children stay in our process group, so a Ctrl-C in the terminal reaches them directly (even
if this script were stuck); we then make sure they are gone, killing any that hangs.
"""

from __future__ import annotations

import argparse
import os
import secrets
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


DEMO_ROLES = ("viewer", "operator", "admin")
# Sets each demo account's password (creating the account if need be) from stdin lines.
SET_PASSWORDS = """
import sys
from django.contrib.auth import get_user_model
for line in sys.stdin:
    name, password = line.split()
    user, _ = get_user_model().objects.get_or_create(username=name)
    user.set_password(password)
    user.save()
"""


def demo_passwords(state_dir: Path) -> dict[str, str]:
    """The demo accounts' passwords: read from the state directory, or made and kept there."""
    path = state_dir / "demo-accounts.txt"
    if path.exists():
        pairs = (line.split() for line in path.read_text(encoding="utf-8").splitlines())
        found = {pair[0]: pair[1] for pair in pairs if len(pair) == 2}
        if set(found) == set(DEMO_ROLES):
            return found
    passwords = {name: secrets.token_urlsafe(12) for name in DEMO_ROLES}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text("".join(f"{n} {p}\n" for n, p in passwords.items()), encoding="utf-8")
    return passwords


def ensure_demo_accounts(env: dict[str, str], passwords: dict[str, str]) -> None:
    """The accounts with those passwords, and each its role everywhere (both idempotent)."""
    manage = [sys.executable, "manage.py"]
    lines = "".join(f"{name} {password}\n" for name, password in passwords.items())
    subprocess.run([*manage, "shell", "-c", SET_PASSWORDS], cwd=ROOT, env=env, input=lines,
                   text=True, check=True, capture_output=True)
    for name in passwords:
        subprocess.run([*manage, "access", "grant", name, "--user", name], cwd=ROOT, env=env,
                       check=True, capture_output=True)


def dashboard_env(kubeconfig: Path) -> dict[str, str]:
    env = {**os.environ, "KUBECONFIG": str(kubeconfig), "ROLLOUTS_WATCHER": "embedded",
           "ROLLOUTS_AUTH": "local", "ROLLOUTS_ANONYMOUS_ROLE": "viewer"}
    env.pop("KUBE_CONTEXT", None)  # the demo kubeconfig has one context, its current one
    return env


def start_dashboard(args: argparse.Namespace, kubeconfig: Path) -> subprocess.Popen[str]:
    env = dashboard_env(kubeconfig)
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
    passwords = demo_passwords(args.state_dir)
    try:
        ensure_demo_accounts(dashboard_env(kubeconfig), passwords)
    except subprocess.CalledProcessError as exc:
        stop([cluster])
        raise SystemExit(f"could not set up the demo accounts: {exc.stderr}") from None
    dashboard = start_dashboard(args, kubeconfig)
    print(f"dashboard: http://{args.host}:{args.port}/  (demo cluster: KUBECONFIG={kubeconfig};"
          " Ctrl-C stops both)", flush=True)
    print("read-only until you sign in; demo accounts (also in "
          f"{args.state_dir / 'demo-accounts.txt'}):", flush=True)
    for name, password in passwords.items():
        print(f"  {name:<9} {password}", flush=True)
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
