"""Cold import time of the course packages, each in a fresh interpreter.

Prints, per statement, the median/min/max over N fresh processes of the time the statement
itself takes (measured inside the child, so interpreter start-up is excluded), the whole
process wall time, and which heavy third-party modules the statement pulled in.

    .venv/bin/python benchmarks/bench_import.py [--repeat N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STATEMENTS = [
    "import k8s_helpers",
    "from k8s_helpers import Cluster",
    "import autograder",
    # what chapter 01's cells import: its widget and the per-exercise grader
    "from k8s_helpers.widgets.registry_view import RegistryTimeline",
    "from autograder.exercises import grade",
]
HEAVY = ["ipywidgets", "kubernetes", "yaml", "nbformat", "nbgrader", "jsonschema",
         "kubernetes_validate", "IPython", "numpy", "pandas"]

CHILD = """
import json, sys, time
t0 = time.perf_counter()
exec(compile({stmt!r}, "<bench>", "exec"))
elapsed = time.perf_counter() - t0
print(json.dumps({{"seconds": elapsed,
                  "heavy": sorted(m for m in {heavy!r} if m in sys.modules),
                  "modules": len(sys.modules)}}))
"""


def measure(stmt: str, repeat: int) -> dict:
    inner, wall, last = [], [], {}
    code = CHILD.format(stmt=stmt, heavy=HEAVY)
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT / "benchmarks",
                              capture_output=True, text=True)
        wall.append(time.perf_counter() - start)
        if proc.returncode != 0:
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
        last = json.loads(proc.stdout.strip().splitlines()[-1])
        inner.append(last["seconds"])
    return {"median": statistics.median(inner), "min": min(inner), "max": max(inner),
            "wall_median": statistics.median(wall), "heavy": last["heavy"],
            "modules": last["modules"]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    baseline = measure("pass", args.repeat)
    print(f"Cold imports, {args.repeat} fresh `{Path(sys.executable).name}` processes each "
          f"(python start-up alone: {baseline['wall_median'] * 1000:.0f} ms wall, "
          f"{baseline['modules']} modules)")
    print(f"{'statement':<62}{'median':>10}{'min':>10}{'max':>10}{'process':>10}{'modules':>9}"
          f"  heavy modules loaded")
    failures = 0
    for stmt in STATEMENTS:
        r = measure(stmt, args.repeat)
        if "error" in r:
            print(f"{stmt:<62}  FAILED: {r['error']}")
            failures += 1
            continue
        print(f"{stmt:<62}{r['median'] * 1000:>8.0f}ms{r['min'] * 1000:>8.0f}ms"
              f"{r['max'] * 1000:>8.0f}ms{r['wall_median'] * 1000:>8.0f}ms{r['modules']:>9}"
              f"  {', '.join(r['heavy']) or '-'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
