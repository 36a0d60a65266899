"""Processes the operations tests run for real: `manage.py watch_rollouts` with its metrics
port, and Debian's Prometheus scraping loopback targets. Both are stopped by their fixtures."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from tests.servers import ROOT, START_TIMEOUT, Dashboard, free_port

PROMETHEUS = "/usr/bin/prometheus"
ROOT_PATH = "/rollouts"


def get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wait_until_answers(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited early; see {log}")
        try:
            if get(url, timeout=1)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {START_TIMEOUT:.0f}s; see {log}")


class Watcher:
    """`manage.py watch_rollouts` on its own SQLite database, metrics on a free loopback port."""

    def __init__(self, kubeconfig: Path, state_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = state_dir / "watcher.log"
        self.env = {
            **os.environ, "KUBECONFIG": str(kubeconfig), "DASHBOARD_STATE_DIR": str(state_dir),
            "DATABASE_PATH": str(state_dir / "watcher.sqlite3"), "ROLLOUTS_WATCHER": "off",
            "ROLLOUTS_METRICS_PORT": str(self.port), "LOG_LEVEL": "WARNING",
        }
        for name in ("KUBE_CONTEXT", "REDIS_URL"):
            self.env.pop(name, None)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                       env=self.env, check=True, capture_output=True, timeout=120)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "manage.py", "watch_rollouts"],
                                        cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)
        wait_until_answers(self.url + "/healthz", self.process, self.log_path)

    def stop(self) -> None:
        stop(self.process)


class Prometheus:
    """Debian's prometheus on loopback, scraping `targets` ({job: "host:port"}) every second."""

    def __init__(self, targets: dict[str, str], data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.config = data_dir / "prometheus.yml"
        self.log_path = data_dir / "prometheus.log"
        jobs = [{"job_name": job, "metrics_path": "/metrics",
                 "static_configs": [{"targets": [target]}]} for job, target in targets.items()]
        config = {"global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
                  "scrape_configs": jobs}
        self.config.write_text(json.dumps(config))  # JSON is YAML
        self.process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which(PROMETHEUS) is not None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [PROMETHEUS, f"--config.file={self.config}",
             f"--storage.tsdb.path={self.data_dir / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_until_answers(self.url + "/-/ready", self.process, self.log_path)

    def query(self, promql: str) -> list[dict[str, Any]]:
        url = self.url + "/api/v1/query?" + urllib.parse.urlencode({"query": promql})
        status, body = get(url, timeout=5)
        answer = json.loads(body)
        if status != 200 or answer.get("status") != "success":
            raise AssertionError(f"{promql}: {status} {answer}")
        return answer["data"]["result"]

    def stop(self) -> None:
        stop(self.process)


class RootPathDashboard(Dashboard):
    """daphne serving the app under ROOT_PATH: `url` is the app's, `origin` the server's."""

    def __init__(self, kubeconfig: Path, state_dir: Path) -> None:
        super().__init__(kubeconfig, state_dir)
        self.origin = self.url
        self.url = self.origin + ROOT_PATH  # start() waits for {url}/healthz
        self.env["ROLLOUTS_ROOT_PATH"] = ROOT_PATH
