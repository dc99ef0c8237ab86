"""Time of autograder.check_manifest: cold (fresh interpreter), warm, the whole corpus, and many
documents with syntax errors (100 KB and 1 MB of tab errors: time and report size).

Run:  .venv/bin/python benchmarks/bench_check_manifest.py [--baseline GIT-REV] [--timeout S]

With ``--baseline`` the same measurements also run, in fresh interpreters, against the
``k8s_helpers``/``autograder`` of that revision (``git archive``), printed side by side.
The corpus is ``tests/data/corpus`` (skipped when absent).
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "data" / "corpus"

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

TAB_DOC = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n"

# Runs in a fresh interpreter with the code under test first on sys.path; prints one JSON line.
PROBE = r"""
import json, sys, time
from pathlib import Path
what, arg = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
from autograder import check_manifest
t1 = time.perf_counter()
if what == "cold":
    r = check_manifest(sys.stdin.read()); t2 = time.perf_counter()
    assert r.ok, str(r)
    print(json.dumps({"import": t1 - t0, "first": t2 - t1}))
elif what == "warm":
    text = sys.stdin.read(); check_manifest(text); n = int(arg)
    t = time.perf_counter()
    for _ in range(n):
        check_manifest(text)
    print(json.dumps({"warm": (time.perf_counter() - t) / n}))
elif what == "tabs":
    doc = sys.stdin.read(); size = int(arg)
    text = "---\n".join([doc] * (size // (len(doc) + 4)))
    t = time.perf_counter(); r = check_manifest(text); dt = time.perf_counter() - t
    print(json.dumps({"time": dt, "report": len(str(r)), "problems": len(r.problems), "chars": len(text)}))
elif what == "corpus":
    files = sorted(p for p in Path(arg).rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())
    texts = [p.read_text(encoding="utf-8") for p in files]
    t = time.perf_counter(); reports = [check_manifest(x) for x in texts]; dt = time.perf_counter() - t
    print(json.dumps({"files": len(files), "docs": sum(len(r.documents) for r in reports),
                      "bad": sum(not r.ok for r in reports), "time": dt}))
"""


def _run(code_root: Path, what: str, arg: str, stdin: str, timeout: float):
    env_path = str(code_root)
    cmd = [sys.executable, "-c", f"import sys; sys.path.insert(0, {env_path!r}); " + PROBE, what, arg]
    try:
        out = subprocess.run(cmd, input=stdin, capture_output=True, text=True, cwd=code_root, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode:
        raise SystemExit(f"{what} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _median(values):
    values = sorted(values)
    return values[len(values) // 2]


def measure(code_root: Path, timeout: float, corpus: Path) -> dict:
    res = {}
    cold = [_run(code_root, "cold", "", TYPICAL, timeout) for _ in range(3)]
    res["import_ms"] = _median([c["import"] for c in cold]) * 1000
    res["first_ms"] = _median([c["first"] for c in cold]) * 1000
    res["warm_ms"] = _run(code_root, "warm", "200", TYPICAL, timeout)["warm"] * 1000
    for size, label in ((100_000, "100 KB"), (999_000, "1 MB")):
        res[label] = _run(code_root, "tabs", str(size), TAB_DOC, timeout)
    res["corpus"] = _run(code_root, "corpus", str(corpus), "", timeout) if corpus.is_dir() else None
    return res


def _baseline_tree(rev: str) -> Path:
    tmp = Path(tempfile.mkdtemp(prefix="bench-baseline-"))
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "k8s_helpers", "autograder"],
                             capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive, check=True)
    return tmp


def _fmt_tabs(r) -> str:
    if r is None:
        return "timeout"
    return f"{r['time']:.2f} s, report {r['report']:,} chars ({r['problems']:,} problems)"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", help="git revision to compare with (e.g. main)")
    ap.add_argument("--timeout", type=float, default=180.0, help="seconds per measurement")
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="folder of manifests (default tests/data/corpus)")
    args = ap.parse_args()
    runs = {"this tree": measure(ROOT, args.timeout, args.corpus)}
    if args.baseline:
        import shutil
        tree = _baseline_tree(args.baseline)
        try:
            runs[args.baseline] = measure(tree, args.timeout, args.corpus)
        finally:
            shutil.rmtree(tree, ignore_errors=True)
    names = list(runs)
    width = 50
    print("measure".ljust(22) + "".join(n.ljust(width) for n in names))
    rows = [("import (cold)", lambda r: f"{r['import_ms']:.1f} ms"),
            ("first call (cold)", lambda r: f"{r['first_ms']:.1f} ms"),
            ("warm Deploy+Service", lambda r: f"{r['warm_ms']:.2f} ms"),
            ("tab errors, 100 KB", lambda r: _fmt_tabs(r["100 KB"])),
            ("tab errors, 1 MB", lambda r: _fmt_tabs(r["1 MB"])),
            ("corpus", lambda r: "no corpus folder" if r["corpus"] is None else
             f"{r['corpus']['files']} files, {r['corpus']['docs']} docs, {r['corpus']['time']:.2f} s"
             f" ({r['corpus']['bad']} with problems)")]
    for label, show in rows:
        print(label.ljust(22) + "".join(show(runs[n]).ljust(width) for n in names))


if __name__ == "__main__":
    main()
