"""Scheduler speed: prints figures (no assertions).

1. **Old vs new, same input**: 5,000 pods (100m / 128Mi requests) on 500 nodes, scheduled by
   today's scheduler and by the scheduler of an earlier revision (default: the merge base
   with ``main``), each in its own interpreter: the earlier revision's ``k8s_helpers`` is
   extracted with ``git archive`` into a temporary directory that goes first on ``sys.path``.
   Timed: ``Cluster.run(0)`` after ``apply`` (the scheduling passes and the bindings), in
   pods/s, and the ratio. Old and new runs alternate (``--repeat`` rounds) and the best run
   of each counts, so a busy machine slows both alike.
2. 5,000 pods with preferred pod anti-affinity (hostname, weight 100) and a topology spread
   constraint (zone, maxSkew 5, DoNotSchedule) on 500 nodes (new scheduler only: the old
   one ignored both), in pods/s.
3. ``Cluster.explain_scheduling`` on 100 nodes (1,000 pods placed first), in ms per call.

Run: ``.venv/bin/python benchmarks/bench_scheduler.py [--pods N] [--nodes N] [--old-rev REV]
[--repeat N] [--skip-old]``
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Runs inside a child interpreter: sys.argv = [mode, src, nodes, pods].
CHILD = r'''
import json, statistics, sys, time
mode, src, nodes, pods = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
sys.path.insert(0, src)
import k8s_helpers
assert k8s_helpers.__file__.startswith(src), k8s_helpers.__file__
from k8s_helpers import Cluster

def cluster(n):
    c = Cluster(seed=0)
    for i in range(n):
        c.add_node(f"node-{i:03d}", cpu="32", memory="128Gi", labels={"topology.kubernetes.io/zone": f"z{i % 3}"})
    return c

def pod(i, extra=None):
    spec = {"containers": [{"name": "app", "image": "nginx:1.27",
                            "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}
    spec.update(extra(i) if extra else {})
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": f"p{i}", "labels": {"app": f"web{i % 10}"}}, "spec": spec}

def spread(i):
    app = {"app": f"web{i % 10}"}
    return {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
                {"weight": 100, "podAffinityTerm": {"labelSelector": {"matchLabels": app},
                                                    "topologyKey": "kubernetes.io/hostname"}}]}},
            "topologySpreadConstraints": [{"maxSkew": 5, "topologyKey": "topology.kubernetes.io/zone",
                                           "whenUnsatisfiable": "DoNotSchedule",
                                           "labelSelector": {"matchLabels": app}}]}

def timed_run(c, manifests):
    c.apply(manifests)
    t0 = time.perf_counter()
    c.run(0)
    dt = time.perf_counter() - t0
    bound = sum(1 for p in c.get("pods") if p["spec"].get("nodeName"))
    return dt, bound

out = {}
if mode in ("plain", "affinity"):
    c = cluster(nodes)
    dt, bound = timed_run(c, [pod(i, spread if mode == "affinity" else None) for i in range(pods)])
    out = {"seconds": dt, "bound": bound, "pods_per_s": pods / dt}
elif mode == "explain":
    c = cluster(nodes)
    c.apply([pod(i) for i in range(pods)])
    c.run(0)
    times = []
    for i in range(0, pods, max(1, pods // 50)):
        t0 = time.perf_counter()
        ex = c.explain_scheduling(f"p{i}")
        times.append((time.perf_counter() - t0) * 1000)
        assert ex["selected_node"]
    out = {"median_ms": statistics.median(times), "max_ms": max(times), "calls": len(times),
           "nodes_listed": len(ex["nodes"])}
print(json.dumps(out))
'''


def child(mode: str, src: Path, nodes: int, pods: int) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, mode, str(src), str(nodes), str(pods)],
                          capture_output=True, text=True, cwd=tempfile.gettempdir(),
                          env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    if proc.returncode != 0:
        raise SystemExit(f"{mode} run in {src} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _runs(results) -> str:
    return ", ".join(f"{r['seconds']:.2f}" for r in results)


def extract(rev: str, into: Path) -> Path:
    data = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev, "k8s_helpers"],
                          capture_output=True, check=True).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pods", type=int, default=5000)
    ap.add_argument("--nodes", type=int, default=500)
    ap.add_argument("--old-rev", default=None, help="revision of 'today's' scheduler (default: merge base with main)")
    ap.add_argument("--repeat", type=int, default=2, help="old/new rounds; the best run of each counts")
    ap.add_argument("--skip-old", action="store_true")
    args = ap.parse_args(argv)
    rev = args.old_rev or subprocess.run(["git", "-C", str(ROOT), "merge-base", "HEAD", "main"],
                                         capture_output=True, text=True, check=True).stdout.strip()
    print(f"== scheduler: {args.pods} pods on {args.nodes} nodes (32 cpu / 128Gi, 3 zones)")
    news, olds = [], []
    with tempfile.TemporaryDirectory(prefix="old-k8s-helpers-") as tmp:
        old_src = None if args.skip_old else extract(rev, Path(tmp))
        for _ in range(max(1, args.repeat)):
            if old_src is not None:
                olds.append(child("plain", old_src, args.nodes, args.pods))
            news.append(child("plain", ROOT, args.nodes, args.pods))
    new = min(news, key=lambda r: r["seconds"])
    if olds:
        old = min(olds, key=lambda r: r["seconds"])
        print(f"old scheduler ({rev[:10]})  : {old['seconds']:7.2f} s  {old['pods_per_s']:8.0f} pods/s "
              f"({old['bound']} bound; runs: {_runs(olds)} s)")
    print(f"new scheduler (1.36 profile): {new['seconds']:7.2f} s  {new['pods_per_s']:8.0f} pods/s "
          f"({new['bound']} bound; runs: {_runs(news)} s)")
    if olds:
        print(f"speed-up                    : {new['pods_per_s'] / old['pods_per_s']:7.1f}x")
    aff = child("affinity", ROOT, args.nodes, args.pods)
    print(f"preferred anti-affinity + topology spread: {aff['seconds']:7.2f} s  {aff['pods_per_s']:8.0f} pods/s "
          f"({aff['bound']} bound)")
    ex = child("explain", ROOT, 100, 1000)
    print(f"explain_scheduling, 100 nodes: median {ex['median_ms']:.1f} ms, max {ex['max_ms']:.1f} ms "
          f"over {ex['calls']} calls ({ex['nodes_listed']} nodes listed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
