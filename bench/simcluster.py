"""Benchmark the simulated API server: watch fan-out and large lists.

Seeds 1,000 Rollouts x 4 Pods (plus their ReplicaSets) straight into the store with the
controllers off, then prints:

* watch events per second delivered over HTTP to one watcher and to ten watchers. "live": a burst
  of pod status writes is driven through `Store.mutate` (the controllers' write path) while the
  watchers stream, so the writer's speed bounds it. "replay": the burst is written first and the
  watchers then resume from the RV before it, which measures the server's delivery alone.
  Watchers run in their own processes (as the dashboard would): raw aiohttp streams that count
  lines, or the official client's `Watch.stream` (`deserialize=False`, or typed `V1Pod`);
* list latency for the 4,000 pods (p50/p95): raw HTTP + json.loads, and the official client with
  `_preload_content=False` + json.loads; `--typed` adds one fully typed `V1PodList` list (slow:
  that is pydantic model building in the client, not the server).

Run: `.venv/bin/python bench/simcluster.py [--events 10000] [--runs 10] [--typed]`.
The figures depend on the machine's load; the load average is printed with them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from simcluster.cluster import SimCluster, tune_gc_for_server  # noqa: E402
from simcluster.store import Store  # noqa: E402

NS = "bench"


def _rollout(n: int) -> dict:
    name = f"app-{n:04d}"
    labels = {"app": name}
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": NS, "uid": f"ro-{n}"},
        "spec": {"replicas": 4, "selector": {"matchLabels": labels},
                 "strategy": {"canary": {"steps": [{"setWeight": 20}, {"pause": {}},
                                                   {"setWeight": 100}]}},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                     {"name": name, "image": "argoproj/rollouts-demo:blue"}]}}},
        "status": {"phase": "Healthy", "replicas": 4, "readyReplicas": 4,
                   "currentPodHash": "7d9f8c6b5", "stableRS": "7d9f8c6b5"},
    }


def _replicaset(n: int) -> dict:
    name = f"app-{n:04d}"
    labels = {"app": name, "rollouts-pod-template-hash": "7d9f8c6b5"}
    return {
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": f"{name}-7d9f8c6b5", "namespace": NS, "uid": f"rs-{n}",
                     "labels": labels, "ownerReferences": [{
                         "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": name,
                         "uid": f"ro-{n}", "controller": True}]},
        "spec": {"replicas": 4, "selector": {"matchLabels": labels},
                 "template": {"metadata": {"labels": labels}, "spec": {"containers": [
                     {"name": name, "image": "argoproj/rollouts-demo:blue"}]}}},
        "status": {"replicas": 4, "readyReplicas": 4, "availableReplicas": 4},
    }


def _pod(n: int, k: int) -> dict:
    name = f"app-{n:04d}"
    image = "argoproj/rollouts-demo:blue"
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": f"{name}-7d9f8c6b5-{k}", "namespace": NS,
                     "labels": {"app": name, "rollouts-pod-template-hash": "7d9f8c6b5"},
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                          "name": f"{name}-7d9f8c6b5", "uid": f"rs-{n}",
                                          "controller": True}]},
        "spec": {"nodeName": "k3d-mycluster-agent-0", "containers": [
            {"name": name, "image": image, "ports": [{"containerPort": 8080, "name": "http"}],
             "resources": {"requests": {"cpu": "5m", "memory": "32Mi"}}}]},
        "status": {"phase": "Running", "podIP": f"10.42.{n % 250}.{k + 10}",
                   "conditions": [{"type": "Ready", "status": "True",
                                   "lastTransitionTime": "2025-07-16T13:19:13Z"}],
                   "containerStatuses": [{"name": name, "image": image,
                                          "imageID": f"{image}@sha256:{'0' * 64}",
                                          "ready": True, "restartCount": 0, "started": True,
                                          "state": {"running": {
                                              "startedAt": "2025-07-16T13:19:05Z"}}}]},
    }


def seed(store: Store, rollouts: int) -> float:
    started = time.perf_counter()
    store.create("namespaces", {"metadata": {"name": NS}})
    for n in range(rollouts):
        store.create("rollouts", _rollout(n))
        store.create("replicasets", _replicaset(n))
        for k in range(4):
            store.create("pods", _pod(n, k))
    return time.perf_counter() - started


def burst(store: Store, rollouts: int, events: int) -> tuple[float, float]:
    """`events` pod status writes through the controllers' path; (start, end) monotonic."""
    names = [(f"app-{n:04d}-7d9f8c6b5-{k}") for n in range(rollouts) for k in range(4)]
    started = time.monotonic()
    for i in range(events):
        store.mutate("pods", NS, names[i % len(names)],
                     lambda pod, i=i: pod["status"].update(restartCount=i))
    return started, time.monotonic()


# --- watcher processes -----------------------------------------------------------------------
async def _raw_watcher(url: str, rv: str, expect: int) -> dict:
    import aiohttp

    timeout = aiohttp.ClientTimeout(total=None, sock_read=60)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        sent = time.monotonic()
        async with session.get(f"{url}/api/v1/pods",
                               params={"watch": "true", "resourceVersion": rv}) as response:
            print("ready", flush=True)
            count = 0
            async for chunk in response.content.iter_any():
                count += chunk.count(b"\n")
                if count >= expect:
                    break
            return {"count": count, "sent": sent, "last": time.monotonic()}


def _client_watcher(kubeconfig: str, rv: str, expect: int, typed: bool) -> dict:
    from kubernetes import client, config, watch

    core = client.CoreV1Api(config.new_client_from_config(kubeconfig))
    print("ready", flush=True)
    count, w, sent = 0, watch.Watch(), time.monotonic()
    for _ in w.stream(core.list_pod_for_all_namespaces, resource_version=rv,
                      deserialize=typed):
        count += 1
        if count >= expect:
            w.stop()
            break
    return {"count": count, "sent": sent, "last": time.monotonic()}


def watcher_main(args: argparse.Namespace) -> None:
    if args.watcher == "raw":
        result = asyncio.run(_raw_watcher(args.url, args.rv, args.expect))
    else:
        result = _client_watcher(args.kubeconfig, args.rv, args.expect, args.watcher == "typed")
    print(json.dumps(result), flush=True)


def measure_watchers(sim: SimCluster, rollouts: int, events: int, watchers: int, kind: str,
                     replay: bool) -> tuple[float, float, float]:
    """Per-watcher events/s (slowest watcher), the writer's writes/s, and the CPU time this
    process spent per event in microseconds (live: server + writer; replay: server only)."""
    rv = str(sim.store.resource_version)
    if replay:
        written_from, written_to = burst(sim.store, rollouts, events)
    cpu_started = time.process_time()  # replay: the server alone; live: server and writer
    processes = [subprocess.Popen(
        [sys.executable, __file__, "--watcher", kind, "--url", sim.url, "--rv", rv,
         "--expect", str(events), "--kubeconfig", str(sim.kubeconfig)],
        stdout=subprocess.PIPE, text=True) for _ in range(watchers)]
    for process in processes:
        assert process.stdout.readline().strip() == "ready"
    if not replay:
        time.sleep(0.5)  # let every stream reach the server before the burst
        written_from, written_to = burst(sim.store, rollouts, events)
    results = [json.loads(p.stdout.readline()) for p in processes]
    cpu = time.process_time() - cpu_started
    for process in processes:
        process.wait(timeout=60)
    assert all(r["count"] >= events for r in results), results
    # Live: from the first write to the last event received. Replay: from sending the request.
    slowest = min(events / (r["last"] - (r["sent"] if replay else written_from))
                  for r in results)
    return slowest, events / (written_to - written_from), cpu / events * 1e6


# --- lists -----------------------------------------------------------------------------------
def _percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {statistics.median(ordered) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"


def _timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def lister_main(args: argparse.Namespace) -> None:
    """Time the lists from a separate process (its parsing must not load the server's)."""
    from kubernetes import client, config

    core = client.CoreV1Api(config.new_client_from_config(args.kubeconfig))
    url = f"{args.url}/api/v1/namespaces/{NS}/pods"

    def raw_bytes() -> None:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()

    def raw_parsed() -> None:
        with urllib.request.urlopen(url, timeout=60) as response:
            assert len(json.loads(response.read())["items"]) == args.expect

    def client_raw() -> None:
        response = core.list_namespaced_pod(NS, _preload_content=False)
        assert len(json.loads(response.read())["items"]) == args.expect

    def client_typed() -> None:
        assert len(core.list_namespaced_pod(NS).items) == args.expect

    results = {"cold": _timed(raw_bytes, 1), "raw HTTP, bytes only": _timed(raw_bytes, args.runs),
               "raw HTTP + json.loads": _timed(raw_parsed, args.runs),
               "official client, _preload_content=False + json.loads": _timed(client_raw,
                                                                              args.runs)}
    if args.typed:
        results["official client, typed V1PodList"] = _timed(client_typed, 1)
    print(json.dumps(results), flush=True)


def measure_lists(sim: SimCluster, pods: int, runs: int, typed: bool) -> None:
    command = [sys.executable, __file__, "--lister", "--url", sim.url, "--kubeconfig",
               str(sim.kubeconfig), "--expect", str(pods), "--runs", str(runs)]
    output = subprocess.run(command + (["--typed"] if typed else []), capture_output=True,
                            text=True, timeout=1800, check=True).stdout
    results = json.loads(output)
    first = results.pop("cold")[0] * 1000
    print(f"  {'first list':52s} {first:7.1f} ms")
    for label, samples in results.items():
        print(f"  {label:52s} {_percentiles(samples)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rollouts", type=int, default=1000)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--typed", action="store_true", help="also time a typed V1PodList list")
    parser.add_argument("--watcher", choices=("raw", "typed", "untyped"))
    parser.add_argument("--lister", action="store_true")
    parser.add_argument("--url"), parser.add_argument("--rv"), parser.add_argument("--kubeconfig")
    parser.add_argument("--expect", type=int)
    args = parser.parse_args()
    if args.watcher:
        return watcher_main(args)
    if args.lister:
        return lister_main(args)
    with SimCluster(seeds=(), controllers=False, history_limit=4 * args.events) as sim:
        sim.kubeconfig = sim.write_kubeconfig(Path(tempfile.mkdtemp()) / "kubeconfig")
        took = seed(sim.store, args.rollouts)
        tune_gc_for_server()
        print(f"seeded {args.rollouts} rollouts, {args.rollouts} replicasets, "
              f"{4 * args.rollouts} pods in {took:.2f} s")
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        print(f"watch: pod status writes through Store.mutate ({args.events} per run); CPU is "
              "this process's (live: server + writer, replay: server alone) per event")
        for watchers, kind, events, replay in [
            (1, "raw", args.events, False), (10, "raw", args.events, False),
            (1, "raw", args.events, True), (10, "raw", args.events, True),
            (1, "untyped", args.events // 2, False), (1, "typed", args.events // 50, False),
        ]:
            per_watcher, writes, cpu = measure_watchers(sim, args.rollouts, events, watchers,
                                                        kind, replay)
            label = {"raw": "raw aiohttp", "untyped": "official client, deserialize=False",
                     "typed": "official client, typed V1Pod"}[kind]
            mode = "replay" if replay else "live  "
            print(f"  {mode} {watchers:2d} x {label:35s} {per_watcher:8,.0f} events/s per "
                  f"watcher ({per_watcher * watchers:8,.0f} total; writer {writes:,.0f}/s; "
                  f"CPU {cpu:4.0f} us/event)")
        print(f"list {4 * args.rollouts} pods ({args.runs} runs):")
        measure_lists(sim, 4 * args.rollouts, args.runs, args.typed)
        print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
