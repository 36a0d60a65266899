"""What redacting env values costs the mirror: `redact` per object, next to the json.dumps the
mirror does for every row anyway.

Objects are the guide's, as `kubectl get -o json` returned them (tests/fixtures), once as they
are (no env: the copy-free path) and once with three literal env values and a
last-applied-configuration annotation per pod template (the copying path). Prints µs per object
for each kind and the share redact adds to serialising the row.

Run: `.venv/bin/python bench/redact.py [--runs 2000]`.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rollouts.info.redact import LAST_APPLIED, redact  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "guide-2-paused-step1.json"
ENV = [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "canary"},
       {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "api", "key": "token"}}},
       {"name": "REGION", "value": "eu-west-1"}]


def with_env(obj: dict) -> dict:
    obj = copy.deepcopy(obj)
    spec = obj.get("spec", {})
    pod_spec = spec.get("template", {}).get("spec") if "template" in spec else spec
    for container in (pod_spec or {}).get("containers", []):
        container["env"] = copy.deepcopy(ENV)
    if obj.get("kind") == "Rollout":
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = json.dumps(
            {"apiVersion": obj["apiVersion"], "kind": "Rollout", "spec": obj["spec"]})
    return obj


def per_object_us(fn, obj: dict, runs: int) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        fn(obj)
    return (time.perf_counter() - started) / runs * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    runs = parser.parse_args().runs
    items = json.loads(FIXTURE.read_text())["items"]
    by_kind = {}
    for item in items:
        by_kind.setdefault(item["kind"], item)
    print(f"{'kind':<16}{'env':>5}{'redact µs':>12}{'dumps µs':>12}{'redact/dumps':>14}")
    for kind, obj in sorted(by_kind.items()):
        for label, sample in (("no", obj), ("yes", with_env(obj))):
            cost = per_object_us(redact, sample, runs)
            dumps = per_object_us(json.dumps, sample, runs)
            print(f"{kind:<16}{label:>5}{cost:>12.1f}{dumps:>12.1f}{cost / dumps:>13.0%}")


if __name__ == "__main__":
    main()
