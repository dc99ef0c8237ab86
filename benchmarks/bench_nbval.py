"""nbval time per instructor notebook: `pytest --nbval-lax` on each source/NN-*/ notebook.

One pytest process per notebook (kernel start-up included, as in the test suite), run from
the repository root. Prints wall seconds, cell count and pass/fail per notebook.

    .venv/bin/python benchmarks/bench_nbval.py [--repeat N] [NOTEBOOK ...]
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def notebooks(selected: list[str]) -> list[Path]:
    if selected:
        return [Path(p).resolve() for p in selected]
    return sorted(p for p in (ROOT / "source").glob("[0-9]*/*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def run_once(nb: Path) -> tuple[float, bool, str]:
    cmd = [sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-cell-timeout=300", "-q",
           "-p", "no:cacheprovider", "-o", "addopts=", str(nb)]
    env = dict(os.environ, JUPYTER_PLATFORM_DIRS="1",
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=1200)
    elapsed = time.perf_counter() - start
    summary = (proc.stdout.strip().splitlines() or [""])[-1]
    return elapsed, proc.returncode == 0, re.sub(r"\s+in [\d.]+s.*$", "", summary)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("notebooks", nargs="*")
    args = parser.parse_args()

    found = notebooks(args.notebooks)
    if not found:
        print("no notebooks in source/")
        return 1
    print(f"pytest --nbval-lax, one process per notebook, {args.repeat} run(s) each "
          f"({os.cpu_count()} CPUs)")
    print(f"{'notebook':<52}{'cells':>6}{'median':>9}{'min':>8}{'max':>8}  result")
    failed = 0
    total = 0.0
    for nb in found:
        cells = sum(1 for c in json.loads(nb.read_text(encoding="utf-8"))["cells"]
                    if c["cell_type"] == "code")
        times, ok, summary = [], True, ""
        for _ in range(args.repeat):
            seconds, passed, summary = run_once(nb)
            times.append(seconds)
            ok = ok and passed
        failed += not ok
        total += statistics.median(times)
        name = str(nb.relative_to(ROOT)) if nb.is_relative_to(ROOT) else str(nb)
        print(f"{name:<52}{cells:>6}{statistics.median(times):>8.1f}s{min(times):>7.1f}s"
              f"{max(times):>7.1f}s  {'ok' if ok else 'FAILED'} ({summary})")
    print(f"{'total (medians)':<58}{total:>8.1f}s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
