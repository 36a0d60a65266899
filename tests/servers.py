"""Servers the tests run for real: daphne serving the app as a child process.

Used by the browser tests and by the tests that need real HTTP concurrency (parallel actions, a
second web process), where Django's test client would serialise everything.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dashboard:
    """daphne serving the real app, restartable on the same port.

    No sign-in and full access (ROLLOUTS_AUTH=none, ROLLOUTS_ANONYMOUS_ROLE=admin) unless `env`
    says otherwise.
    """

    def __init__(self, kubeconfig: Path, state_dir: Path,
                 env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.state_dir = state_dir
        self.log_path = state_dir / "daphne.log"
        self.env = {
            **os.environ,
            "KUBECONFIG": str(kubeconfig),
            "DATABASE_PATH": str(state_dir / "dashboard.sqlite3"),
            "DASHBOARD_STATE_DIR": str(state_dir),
            "ROLLOUTS_WATCHER": "embedded",
            "ROLLOUTS_WATCH_INACTIVITY": "15",
            "LOG_LEVEL": "WARNING",
            "DEBUG": "false",
            "ROLLOUTS_AUTH": "none",
            "ROLLOUTS_ANONYMOUS_ROLE": "admin",
            **(env or {}),
        }
        self.env.pop("KUBE_CONTEXT", None)
        self.process: subprocess.Popen[bytes] | None = None

    def migrate(self) -> None:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                       env=self.env, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
             "dashboard.asgi:application"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited early; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"daphne did not answer within {START_TIMEOUT:.0f}s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def restart(self) -> None:
        self.stop()
        self.start()


def request_json(server: Dashboard, method: str, path: str, body: Any = None
                 ) -> tuple[int, dict[str, Any]]:
    """One JSON API call to `server` on a connection of its own: status and decoded body."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()
