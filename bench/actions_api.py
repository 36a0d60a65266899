"""Benchmark the JSON API's list endpoint and the actions service.

* `GET /api/v1/rollouts` over 1,000 mirrored rollouts (rows as the mirror writes them, in a
  throw-away SQLite database): unfiltered, with a search, and with a label selector (p50/p95).
* One action end to end against simcluster over HTTP: `pause` (GET + PATCH + ActionRecord),
  p50/p95 over repeated runs.

Run: `.venv/bin/python bench/actions_api.py [--rollouts 1000] [--runs 30]`.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
STATE = tempfile.mkdtemp(prefix="bench-actions-")
os.environ.update(DJANGO_SETTINGS_MODULE="dashboard.settings", DASHBOARD_STATE_DIR=STATE,
                  DATABASE_PATH=f"{STATE}/bench.sqlite3", ROLLOUTS_WATCHER="off",
                  LOG_LEVEL="WARNING",
                  # Controllers are off and the same action repeats: measure the action itself,
                  # not the wait for a controller nor the cooldown between unguarded actions.
                  ROLLOUTS_ACTION_SETTLE_SECONDS="0", ROLLOUTS_ACTION_COOLDOWN="0",
                  # Measured without sign-in: everyone may do everything.
                  ROLLOUTS_AUTH="none", ROLLOUTS_ANONYMOUS_ROLE="admin")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from rollouts.actions import run_action  # noqa: E402
from rollouts.gateway import Gateway  # noqa: E402
from rollouts.info import ClusterObjects, build_rollout_info  # noqa: E402
from rollouts.keys import RolloutKey  # noqa: E402
from rollouts.kinds import ClusterConfig  # noqa: E402
from rollouts.mirror_db import rollout_columns  # noqa: E402
from rollouts.models import Rollout  # noqa: E402
from simcluster.cluster import SimCluster  # noqa: E402
from tests.actions.objects import paused_at_step_1  # noqa: E402

NOW = datetime(2025, 7, 17, 17, 20, tzinfo=UTC)


def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def seed_rows(count: int) -> None:
    rows = []
    for n in range(count):
        raw = copy.deepcopy(paused_at_step_1())
        raw["metadata"].update(name=f"app-{n:04d}", namespace=f"team-{n % 20:02d}",
                               uid=f"uid-{n}", labels={"app": f"app-{n:04d}",
                                                       "tier": "web" if n % 3 else "api"})
        info = build_rollout_info(ClusterObjects(rollout=raw), NOW).to_dict()
        rows.append(Rollout(cluster="default", namespace=raw["metadata"]["namespace"],
                            name=raw["metadata"]["name"], uid=f"uid-{n}",
                            resource_version=str(n), raw=raw, mirrored_at=NOW, changed_at=NOW,
                            **rollout_columns(info)))
    Rollout.objects.bulk_create(rows)


def bench_list(runs: int) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    for label, query in (("all", ""), ("search", "?search=app-01"),
                         ("selector", "?selector=tier%3Dapi&status=Paused")):
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            response = client.get(f"/api/v1/rollouts{query}")
            samples.append(time.perf_counter() - started)
        count = response.json()["count"]
        print(f"GET /api/v1/rollouts {label:9} ({count:4d} rows)  {_percentiles(samples)}")


def bench_action(runs: int) -> None:
    with SimCluster(controllers=False) as cluster:
        kubeconfig = cluster.write_kubeconfig(Path(STATE) / "kubeconfig")
        cluster.apply([{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "my-demo"}},
                       paused_at_step_1()])
        gateway = Gateway(ClusterConfig(kubeconfig=str(kubeconfig)))
        key = RolloutKey("default", "my-demo", "rollouts-demo")
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            result = run_action(gateway, key, "pause", {})
            samples.append(time.perf_counter() - started)
            assert result.ok, result.message
        print(f"run_action pause (GET + PATCH + record)        {_percentiles(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rollouts", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    seed_rows(args.rollouts)
    print(f"seeded {args.rollouts} mirrored rollouts in {time.perf_counter() - started:.1f} s")
    bench_list(args.runs)
    bench_action(args.runs)


if __name__ == "__main__":
    main()
