"""Time of autograder.check_manifest: cold (fresh interpreter), warm, and the whole corpus.

Run: .venv/bin/python benchmarks/bench_check_manifest.py
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT))

TYPICAL = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
        resources:
          requests: {cpu: 100m, memory: 128Mi}
          limits: {cpu: 500m, memory: 256Mi}
        readinessProbe:
          httpGet: {path: /, port: 80}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
"""

COLD = (
    "import time; t0 = time.perf_counter(); from autograder import check_manifest; "
    "t1 = time.perf_counter(); r = check_manifest(open(0).read()); t2 = time.perf_counter(); "
    "assert r.ok, str(r); print(f'{t1 - t0:.4f} {t2 - t1:.4f}')"
)


def main() -> None:
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", COLD], input=TYPICAL, capture_output=True, text=True,
                             cwd=ROOT, check=True).stdout.split()
        runs.append((float(out[0]), float(out[1])))
    imp = statistics.median(r[0] for r in runs)
    first = statistics.median(r[1] for r in runs)
    print(f"cold (fresh interpreter, median of 3): import {imp * 1000:.1f} ms, first check_manifest {first * 1000:.1f} ms")

    from autograder import check_manifest
    check_manifest(TYPICAL)
    n = 200
    t = time.perf_counter()
    for _ in range(n):
        check_manifest(TYPICAL)
    warm = (time.perf_counter() - t) / n
    print(f"warm (Deployment+Service, mean of {n}): {warm * 1000:.2f} ms")

    files = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json"))
    texts = [p.read_text(encoding="utf-8") for p in files]
    t = time.perf_counter()
    reports = [check_manifest(x) for x in texts]
    total = time.perf_counter() - t
    docs = sum(len(r.documents) for r in reports)
    bad = sum(not r.ok for r in reports)
    print(f"corpus: {len(files)} files, {docs} documents, {bad} files with problems, "
          f"{total:.2f} s total ({total / max(len(files), 1) * 1000:.2f} ms per file)")


if __name__ == "__main__":
    main()
