"""Small helpers to read and write notebooks as plain JSON (no execution).

Used by the release step, the course/ sync test and the pipeline test.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any, Iterator


def load(path: str | Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def nbgrader_meta(cell: dict) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def cells_by_grade_id(nb: dict) -> dict[str, dict]:
    return {m["grade_id"]: c for c in nb.get("cells", []) if (m := nbgrader_meta(c)).get("grade_id")}


def source_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def iter_code(nb: dict) -> Iterator[dict]:
    return (c for c in nb.get("cells", []) if c.get("cell_type") == "code")


def stripped(nb: dict) -> dict:
    """A copy without outputs, execution counts or widget state (cell ids are kept)."""
    nb = copy.deepcopy(nb)
    nb.get("metadata", {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        cell["source"] = source_text(cell)
        meta = cell.get("metadata", {})
        meta.pop("execution", None)
        meta.pop("collapsed", None)
        meta.pop("scrolled", None)
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    return nb


def dumps(nb: dict) -> str:
    """Stable text (same bytes for the same content)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write(nb: dict, path: str | Path) -> None:
    Path(path).write_text(dumps(nb), encoding="utf-8")


def comparable(nb: dict) -> list[dict[str, Any]]:
    """What the sync test compares: type, source, tags and nbgrader metadata of every cell."""
    return [{"cell_type": c.get("cell_type"), "source": source_text(c), "nbgrader": nbgrader_meta(c),
             "tags": sorted(c.get("metadata", {}).get("tags", []))}
            for c in nb.get("cells", [])]


def exec_cell(source: str, namespace: dict) -> BaseException | None:
    """Execute a code cell's source in ``namespace`` (tests only: no IPython magics).

    Returns the exception the cell raised (like a notebook would show it), or None.
    """
    try:
        exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - our own notebooks
    except Exception as exc:  # a stub's NotImplementedError, like in the notebook
        return exc
    return None
