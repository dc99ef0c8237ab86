"""Simulator speed: prints figures (no assertions).

1. 100 nodes x 2,000 pods with probes over 1 hour of virtual time: wall time of
   apply, scheduling and run(3600), and clock events processed per second.
2. One ``run(seconds=1)`` step of a 3-node teaching cluster with 20 pods (ms), plus
   the ``get("pods")`` a widget does after each step.

Run: ``.venv/bin/python benchmarks/bench_simulator.py [--pods N] [--nodes N] [--hours H]``
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from k8s_helpers import Cluster  # noqa: E402


def pod(i: int) -> dict:
    kind = i % 4
    meta = {"name": f"app-{i}", "labels": {"app": f"app-{i % 50}"}}
    container = {
        "name": "app", "image": "nginx:1.27",
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
        "ports": [{"containerPort": 80}],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 10},
        "readinessProbe": {"httpGet": {"path": "/ready", "port": 80}, "periodSeconds": 5},
    }
    if kind == 1:  # slow starter with a startup probe
        container["startupProbe"] = {"httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 5,
                                     "failureThreshold": 30}
        meta["annotations"] = {"sim.k8s-course.io/startup-seconds": "60"}
    elif kind == 2:  # hangs after 20 minutes: liveness restarts it
        meta["annotations"] = {"sim.k8s-course.io/fail-after-seconds": "1200"}
    elif kind == 3:  # a crashing script
        container = {"name": "app", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 30; exit 1"],
                     "resources": {"requests": {"cpu": "50m", "memory": "32Mi"}}}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": {"containers": [container]}}


def big(nodes: int, pods: int, hours: float) -> None:
    c = Cluster(seed=0)
    for i in range(nodes):
        c.add_node(f"node-{i:03d}", cpu="16", memory="64Gi", labels={"zone": f"z{i % 3}"})
    manifests = [pod(i) for i in range(pods)]
    t0 = time.perf_counter()
    c.apply(manifests)
    t1 = time.perf_counter()
    c.run(0)
    t2 = time.perf_counter()
    before = c.clock.processed
    cpu0 = time.process_time()
    c.run(3600 * hours)
    cpu = time.process_time() - cpu0
    t3 = time.perf_counter()
    processed = c.clock.processed - before
    running = sum(1 for p in c.get("pods") if p["status"]["phase"] == "Running")
    t4 = time.perf_counter()
    probes = len(c.probe_results(namespace=None))
    t5 = time.perf_counter()
    print(f"== {nodes} nodes x {pods} pods, {hours:g} h of virtual time")
    print(f"apply (validation + defaults) : {t1 - t0:8.2f} s")
    print(f"scheduling (run(0))           : {t2 - t1:8.2f} s")
    print(f"run({3600 * hours:g})                    : {t3 - t2:8.2f} s wall")
    print(f"  (CPU time of this process)  : {cpu:8.2f} s  (the machine may be shared)")
    print(f"clock events processed        : {processed:8d}  ({processed / max(t3 - t2, 1e-9):,.0f} events/s wall, "
          f"{processed / max(cpu, 1e-9):,.0f} events/s CPU)")
    print(f"probe executions              : {probes:8d}  (probe_results() of all pods: {t5 - t4:.2f} s)")
    print(f"events recorded               : {len(c.events()):8d}")
    print(f"get('pods') of {pods} pods      : {t4 - t3:8.2f} s ({running} Running)")
    print(f"total                         : {t5 - t0:8.2f} s")


def teaching(steps: int = 200) -> None:
    c = Cluster.kind(workers=3, seed=0)
    docs = []
    for i in range(20):
        p = pod(i)
        docs.append(p)
    c.apply(docs)
    c.run(0)
    c.run(120)
    run_ms, get_ms = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        c.run(1)
        t1 = time.perf_counter()
        c.get("pods")
        t2 = time.perf_counter()
        run_ms.append((t1 - t0) * 1000)
        get_ms.append((t2 - t1) * 1000)
    print("== teaching cluster: kind 1+3 nodes, 20 pods with probes")
    print(f"run(seconds=1)  mean {statistics.mean(run_ms):.3f} ms, median {statistics.median(run_ms):.3f} ms, max {max(run_ms):.3f} ms "
          f"({steps} steps)")
    print(f"get('pods')     median {statistics.median(get_ms):.3f} ms, max {max(get_ms):.3f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--pods", type=int, default=2000)
    ap.add_argument("--hours", type=float, default=1.0)
    args = ap.parse_args()
    teaching()
    big(args.nodes, args.pods, args.hours)


if __name__ == "__main__":
    main()
