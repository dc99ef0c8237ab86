"""Generate the student version of an assignment into course/ (``make release``).

    python -m autograder.release 01-imagenes-y-tags [more assignments...]

Runs ``nbgrader generate_assignment --force`` in a throwaway course root (a temporary copy
of source/<assignment>/ and nbgrader_config.py, with its own gradebook), so nothing is left
in the repository but course/<assignment>/, written deterministically: notebooks as stable
JSON without outputs or execution counts, other files copied as they are.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder import notebook_tools as nbt

REPO = Path(__file__).resolve().parents[1]
IGNORE = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


class ReleaseError(RuntimeError):
    pass


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader subprocesses: the venv's bin first on PATH (nbgrader runs
    the `alembic` command from PATH when it creates a gradebook)."""
    bindir = os.path.dirname(sys.executable)
    path = os.environ.get("PATH", "")
    return {**os.environ, "PATH": bindir + os.pathsep + path if path else bindir,
            "JUPYTER_PLATFORM_DIRS": "1"}


def generate(assignment: str, dest: Path, repo: Path = REPO, timeout: float = 600) -> Path:
    """Write the normalised release of ``assignment`` into ``dest`` (created/replaced)."""
    src = repo / "source" / assignment
    if not src.is_dir():
        raise ReleaseError(f"no such assignment folder: {src}")
    with tempfile.TemporaryDirectory(prefix="k8s-release-") as tmp:
        root = Path(tmp)
        shutil.copy(repo / "nbgrader_config.py", root / "nbgrader_config.py")
        shutil.copytree(src, root / "source" / assignment, ignore=IGNORE)
        proc = subprocess.run(
            [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force"],
            cwd=root, capture_output=True, text=True, timeout=timeout,
            env=nbgrader_env())
        released = root / "release" / assignment
        if proc.returncode != 0 or not released.is_dir():
            raise ReleaseError(f"nbgrader generate_assignment {assignment} failed:\n{proc.stdout}\n{proc.stderr}")
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        for path in sorted(released.rglob("*")):
            rel = path.relative_to(released)
            if any(part in (".ipynb_checkpoints", "__pycache__") for part in rel.parts):
                continue
            target = dest / rel
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif path.suffix == ".ipynb":
                target.parent.mkdir(parents=True, exist_ok=True)
                nbt.write(tag_stubs(nbt.stripped(nbt.load(path))), target)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    return dest


def tag_stubs(nb: dict) -> dict:
    """Tag the released answer stubs ``raises-exception``.

    A stub raises NotImplementedError until the student answers; with the tag, JupyterLab's
    "Run All" goes on past it (the kernel does not abort the queue), so a student who runs the
    whole notebook still reaches the widgets and the feedback cells below.
    """
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and nbt.nbgrader_meta(cell).get("solution") \
                and "NotImplementedError" in nbt.source_text(cell):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "raises-exception" not in tags:
                tags.append("raises-exception")
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate course/<assignment>/ from source/<assignment>/.")
    parser.add_argument("assignments", nargs="+", help="folder names in source/, e.g. 01-imagenes-y-tags")
    args = parser.parse_args(argv)
    for assignment in args.assignments:
        assignment = assignment.rstrip("/").split("/")[-1]
        try:
            dest = generate(assignment, REPO / "course" / assignment)
        except (ReleaseError, subprocess.TimeoutExpired) as exc:
            print(f"release {assignment}: {exc}", file=sys.stderr)
            return 1
        print(f"release {assignment} -> {dest.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
