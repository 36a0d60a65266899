from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tests.mirror.objects import seed_rollout_tree

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict, *args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def rows(db: Path, table: str) -> int:
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:
        return -1


def test_watch_rollouts_mirrors_until_sigterm_and_says_so(simcluster, tmp_path):
    seed_rollout_tree(simcluster.store, "my-demo", "rollouts-demo")
    db = tmp_path / "dashboard.sqlite3"
    env = {**os.environ, "DATABASE_PATH": str(db), "KUBECONFIG": str(simcluster.kubeconfig),
           "ROLLOUTS_WATCHER": "off", "ROLLOUTS_CLUSTER_NAME": "cli",
           "DASHBOARD_STATE_DIR": str(tmp_path), "ROLLOUTS_METRICS_PORT": "0"}
    env.pop("REDIS_URL", None)
    env.pop("DATABASE_URL", None)  # this test reads the SQLite file itself
    assert manage(env, "migrate", "--noinput").wait(60) == 0
    process = manage(env, "watch_rollouts")
    try:
        deadline = time.monotonic() + 30
        while rows(db, "rollouts_pod") < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rows(db, "rollouts_rollout") == 1 and rows(db, "rollouts_pod") == 4
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    finally:
        process.kill()
    assert process.returncode == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("watch_rollouts: mirroring cluster cli (all namespaces) from ")
    assert lines[-1] == "watch_rollouts: stopped"
