"""The production set-up for tests and the bench: a database of its own on the PostgreSQL of
DATABASE_URL, a Redis database of its own on REDIS_URL, `watch_rollouts` replicas and daphne
web processes (tests.servers.Dashboard) in external-watcher mode, all as child processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from tests.servers import ROOT, Dashboard

# Short lease timings keep a fail-over test short; the order client-go requires is kept.
FAST_LEASE = {"ROLLOUTS_LEASE_DURATION": "6", "ROLLOUTS_LEASE_RENEW_DEADLINE": "4",
              "ROLLOUTS_LEASE_RETRY": "0.5"}
LEASE_NAME, LEASE_NAMESPACE = "rollouts-dashboard-watcher", "default"


def real_services() -> tuple[str, str]:
    """DATABASE_URL and REDIS_URL, or skip: `make test` starts both for its second pass."""
    database, redis = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if not database or not redis:
        pytest.skip("needs PostgreSQL and Redis: DATABASE_URL and REDIS_URL (make test)")
    return database, redis


class Databases:
    """A fresh PostgreSQL database (dropped at the end) and a flushed Redis database."""

    def __init__(self, database_url: str, redis_url: str, redis_db: int = 7) -> None:
        self.admin_url = database_url
        self.name = f"prod_{uuid.uuid4().hex[:10]}"
        self.url = urlsplit(database_url)._replace(path=f"/{self.name}").geturl()
        self.redis_url = urlsplit(redis_url)._replace(path=f"/{redis_db}").geturl()

    def _admin(self, sql: str) -> None:
        with psycopg.connect(self._conninfo(self.admin_url), autocommit=True) as conn:
            conn.execute(sql)

    @staticmethod
    def _conninfo(url: str) -> str:
        return url.replace("postgres://", "postgresql://", 1)

    def create(self) -> None:
        self._admin(f'CREATE DATABASE "{self.name}"')
        import redis

        client = redis.Redis.from_url(self.redis_url)
        client.flushdb()
        client.close()

    def drop(self) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def query(self, sql: str, *args: object) -> list[tuple]:
        with psycopg.connect(self._conninfo(self.url), autocommit=True) as conn:
            return conn.execute(sql, args).fetchall()


def production_env(dbs: Databases, kubeconfig: Path, namespaces: str) -> dict[str, str]:
    return {"DATABASE_URL": dbs.url, "REDIS_URL": dbs.redis_url, "KUBECONFIG": str(kubeconfig),
            "ROLLOUTS_WATCHER": "external", "ROLLOUTS_NAMESPACES": namespaces,
            "ROLLOUTS_LEASE_NAMESPACE": LEASE_NAMESPACE, **FAST_LEASE}


def web_process(env: dict[str, str], kubeconfig: Path, state_dir: Path) -> Dashboard:
    state_dir.mkdir(parents=True, exist_ok=True)
    server = Dashboard(kubeconfig, state_dir)
    server.env.update(env)
    return server


class Watcher:
    """`manage.py watch_rollouts` as pod `name`."""

    def __init__(self, name: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.env = {**os.environ, **env, "POD_NAME": name, "LOG_LEVEL": "INFO"}
        self.env.pop("KUBE_CONTEXT", None)
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def identity(self) -> str:
        assert self.process is not None
        return f"{self.name}_{self.process.pid}"

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen([sys.executable, "manage.py", "watch_rollouts"],
                                        cwd=ROOT, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.kill()


def migrate(env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True, timeout=120)


def wait_for(what: str, check, timeout: float = 60.0, show=lambda: ""):
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {show()}"
        time.sleep(0.05)
    return found
