"""Autograding cost per submission, for chapter 01's solution.

In a temporary course folder (source/<assignment>/ and nbgrader_config.py copied, as
tests/test_pipeline.py does): `nbgrader generate_assignment` once, then N copies of the
solution (the instructor notebook with outputs cleared) are graded

  1. by plain `nbgrader autograde` (one process grading all N, sequentially), and
  2. by the course's grading command, `python -m autograder corregir` (sandboxed nbgrader
     autograde + clean-room re-check + gradebook merge + reports), with --jobs = CPU count
     (its default; --jobs-list 1,2 to compare).

Prints wall seconds per submission for each, and checks every copy got the full score.

    .venv/bin/python benchmarks/bench_autograde.py [--copies N] [--assignment NAME]
                                                  [--jobs-list 1,2] [--skip-cli]

Reference figures (2 shared cores, quiet to busy): see benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from autograder.release import nbgrader_env  # noqa: E402


def run(args: list[str], cwd: Path, timeout: float = 900) -> float:
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=nbgrader_env())
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"FAILED ({proc.returncode}): {' '.join(args)}\n{proc.stdout[-3000:]}\n"
                 f"{proc.stderr[-3000:]}")
    return elapsed


def cleared(nb: dict) -> dict:
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="01-imagenes-y-tags")
    parser.add_argument("--copies", type=int, default=2)
    parser.add_argument("--jobs-list", default=str(os.cpu_count() or 1),
                        help="comma-separated --jobs values for the grading command")
    parser.add_argument("--skip-cli", action="store_true",
                        help="only plain nbgrader, not the course's grading command")
    args = parser.parse_args()

    source_dir = ROOT / "source" / args.assignment
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        sys.exit(f"no notebook in {source_dir}")
    notebook = notebooks[0]
    solution = cleared(json.loads(notebook.read_text(encoding="utf-8")))
    py = sys.executable
    print(f"Autograding {args.copies} copies of the solution of {args.assignment}/{notebook.name} "
          f"({os.cpu_count()} CPUs)")

    with tempfile.TemporaryDirectory(prefix="k8s-course-bench-") as tmp:
        root = Path(tmp) / "curso"
        root.mkdir()
        shutil.copy(ROOT / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(source_dir, root / "source" / args.assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        t_generate = run([py, "-m", "nbgrader", "generate_assignment", args.assignment, "--force"],
                         root)
        print(f"  {'nbgrader generate_assignment (once)':<44}{t_generate:7.1f} s")

        students = [f"alumno{i:02d}" for i in range(1, args.copies + 1)]
        entregas = Path(tmp) / "entregas"
        for student in students:
            for base in (root / "submitted" / student / args.assignment,
                         entregas / student / args.assignment):
                base.mkdir(parents=True)
                (base / notebook.name).write_text(json.dumps(solution, ensure_ascii=False),
                                                  encoding="utf-8")

        t_auto = run([py, "-m", "nbgrader", "autograde", args.assignment, "--force"], root)
        run([py, "-m", "nbgrader", "export", "--to", str(Path(tmp) / "grades.csv")], root)
        with open(Path(tmp) / "grades.csv", newline="") as f:
            rows = [r for r in csv.DictReader(f) if r["assignment"] == args.assignment]
        scores = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in rows}
        perfect = all(scores.get(s, (0, 1))[0] == scores.get(s, (0, 1))[1] for s in students)
        print(f"  {f'nbgrader autograde, {args.copies} sequential':<44}{t_auto:7.1f} s  "
              f"-> {t_auto / args.copies:5.1f} s per submission"
              f"{'' if perfect else '  (WARNING: not every copy got full marks: ' + str(scores) + ')'}")

        if not args.skip_cli:
            for jobs in [int(j) for j in args.jobs_list.split(",")]:
                out = Path(tmp) / f"informes-j{jobs}"
                t_cli = run([py, "-m", "autograder", "corregir", args.assignment, str(entregas),
                             "--curso", str(root), "--jobs", str(jobs), "--out", str(out),
                             "--sin-progreso"], ROOT)
                print(f"  {f'python -m autograder corregir --jobs {jobs}':<44}{t_cli:7.1f} s  "
                      f"-> {t_cli / args.copies:5.1f} s per submission (clean-room check, "
                      f"gradebook, feedback and reports included)")
    return 0 if perfect else 1


if __name__ == "__main__":
    sys.exit(main())
