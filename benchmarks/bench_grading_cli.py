"""Benchmark: sequential ``nbgrader autograde`` vs ``python -m autograder corregir`` on N submissions.

Generates N submissions of chapter 01 (a mix of correct, half-answered and blank notebooks),
then, in one run:

1. ``nbgrader autograde <assignment>`` in a copy of the course (all students, one process,
   sequential: nbgrader's normal way; it does no clean-room check, feedback or reports);
2. ``python -m autograder corregir`` in another copy with ``--jobs`` = CPU count (isolated
   autograde per submission, clean-room re-check, gradebook merge, feedback, CSV, summary,
   histogram).

Prints both wall times, the ratio (sequential / ours; > 1 means ours is faster) and checks
that both gave the same total score. Our command does strictly more work per submission (a
process and a kernel per submission, the clean-room re-check, feedback), so on a 2-core
machine expect a modest ratio.

    python benchmarks/bench_grading_cli.py            # 40 submissions
    python benchmarks/bench_grading_cli.py --count 4  # quick smoke run
"""
from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from hostile import course as C  # noqa: E402

A = C.CH01


def _env() -> dict:
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def generate(course: Path, count: int) -> dict[str, dict]:
    sol, blank = C.solution_nb(course, A), C.release_nb(course, A)
    sol_ids = C.solution_ids(blank)
    half = copy.deepcopy(sol)
    for c in half["cells"]:  # every other answer left as the released stub
        gid = c["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in sol_ids[1::2]:
            c["source"] = next(C.src(b) for b in blank["cells"]
                               if b["metadata"].get("nbgrader", {}).get("grade_id") == gid)
    kinds = [sol, half, blank]
    return {f"alumno{i:03d}": kinds[i % 3] for i in range(count)}


def total_score(db: Path) -> float:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COALESCE(SUM(COALESCE(manual_score, auto_score)), 0) FROM grade").fetchone()[0]
    finally:
        con.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=40, help="submissions to generate (default 40)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs of our command (default: CPUs)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (to inspect the reports)")
    args = ap.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        base = C.make_course(root / "base")
        subs = generate(base, args.count)
        sub_dir = root / "entregas"
        for s, nb in subs.items():
            (sub_dir / s / A).mkdir(parents=True)
            (sub_dir / s / A / f"{A}.ipynb").write_text(json.dumps(nb), encoding="utf-8")

        seq = root / "secuencial"
        shutil.copytree(base, seq)
        shutil.copytree(sub_dir, seq / "submitted")
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", A], cwd=seq, env=_env(),
                           capture_output=True, text=True)
        t_seq = time.perf_counter() - t0
        if r.returncode != 0:
            print(r.stderr[-3000:])
            return 1

        ours = root / "paralelo"
        shutil.copytree(base, ours)
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "autograder", "corregir", A, str(sub_dir), "--curso", str(ours),
                            "--jobs", str(args.jobs), "--sin-progreso", "--out", str(root / "informes")],
                           cwd=ours, env=_env(), capture_output=True, text=True)
        t_ours = time.perf_counter() - t0
        if r.returncode != 0:
            print(r.stderr[-3000:])
            return 1
        phases = next((ln for ln in r.stdout.splitlines() if ln.startswith("Tiempos:")), "")

        s_seq, s_ours = total_score(seq / "gradebook.db"), total_score(ours / "gradebook.db")
        n = args.count
        print(f"submissions: {n}  (correct/half/blank mix), CPUs: {os.cpu_count()}, --jobs {args.jobs}")
        print(f"sequential nbgrader autograde : {t_seq:8.1f} s  ({t_seq / n:5.2f} s/submission)")
        print(f"python -m autograder corregir : {t_ours:8.1f} s  ({t_ours / n:5.2f} s/submission)  {phases}")
        print(f"ratio (sequential / ours)     : {t_seq / t_ours:8.2f}x")
        import re
        m = re.search(r"corrección ([0-9.]+) s", phases)
        if m:
            print(f"ratio, grading phase only     : {t_seq / float(m.group(1)):8.2f}x  "
                  "(ours without feedback/reports; still with the clean-room re-check)")
        print(f"total score                   : nbgrader {s_seq:g}, ours {s_ours:g} "
              f"({'same' if abs(s_seq - s_ours) < 1e-6 else 'DIFFERENT'})")
        return 0 if abs(s_seq - s_ours) < 1e-6 else 1
    finally:
        if args.keep:
            print(f"kept: {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
