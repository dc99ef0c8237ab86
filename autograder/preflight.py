"""Pre-flight: find the submissions and check each notebook before nbgrader sees it.

Accepted layouts of the submissions folder (or of a .zip with the same content, optionally
wrapped in one top-level folder):

1. nbgrader's own: ``<dir>/<student>/<assignment>/<notebook>.ipynb`` (e.g. ``submitted/``;
   a ``timestamp.txt`` next to the notebook is kept for late penalties);
2. one folder per student: ``<dir>/<student>/<notebook>.ipynb``;
3. flat: ``<dir>/<student>.ipynb`` (one notebook per student; the file name is the student id).

Student ids are reduced to ``[A-Za-z0-9_.-]`` (anything else becomes ``_``).

Each notebook is checked and repaired *in memory*; every decision is recorded as a Spanish
sentence in ``Prepared.outcomes`` (shown in the results table and the CSV):

- not JSON, not an object, nbformat other than 4, or not valid against the nbformat 4 schema
  -> "no es un cuaderno válido" (score 0, nbgrader is not run);
- a single ``.ipynb`` with another name (an assignment of one notebook) -> renamed to the
  expected name and recorded;
- the kernelspec is reset to the source notebook's (nbgrader does it too; we record it);
- nbgrader metadata with a grade_id that is not in the source -> removed (otherwise
  nbgrader's metadata validation fails the whole notebook); duplicated grade_ids -> kept
  once; both recorded;
- deleted locked cells (test cells and read-only code cells) are put back, from the source
  without the hidden-test blocks, right after the cell that precedes them in the source.
  nbgrader's own ``OverwriteCells.add_missing_cells`` is not used: in 0.9.6 it fails with a
  KeyError when the previous source cell is a read-only cell. Edited locked cells and
  changed cell types are left to nbgrader, which restores them from the gradebook by
  grade_id (checksum and cell_type checks in OverwriteCells); we only record them.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.cleanroom import strip_hidden

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_ZIP_BYTES = 500 * 1024 * 1024
INVALID = "no es un cuaderno válido"


@dataclass
class Found:
    student: str
    files: list[Path]            # every .ipynb found for the student
    timestamp: Path | None = None
    notes: list[str] = field(default_factory=list)
    flat: bool = False           # <student>.ipynb: the file name is the student id, not the notebook's


@dataclass
class Prepared:
    student: str
    notebooks: dict[str, dict] = field(default_factory=dict)   # expected name -> repaired nb
    outcomes: list[str] = field(default_factory=list)
    valid: bool = True
    timestamp: str | None = None


def safe_id(name: str) -> str:
    s = re.sub(r"[^A-Za-z0-9_.-]", "_", name).strip(".") or "estudiante"
    return s[:100]


def extract_zip(zpath: Path, dest: Path) -> Path:
    """Extract safely (no absolute paths, no '..', bounded total size)."""
    total = 0
    with zipfile.ZipFile(zpath) as zf:
        for info in zf.infolist():
            name = info.filename
            if name.startswith(("/", "\\")) or ".." in Path(name).parts or "__MACOSX" in name:
                continue
            total += info.file_size
            if total > MAX_ZIP_BYTES:
                raise ValueError("el zip descomprimido supera el tamaño máximo")
            target = dest / name
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
    return dest


def _visible(p: Path) -> bool:
    return not p.name.startswith(".") and p.name != "__MACOSX"


def discover(root: Path, assignment: str, expected: list[str] | None = None) -> list[Found]:
    """Students and their notebooks, for the three layouts above."""
    root = Path(root)
    entries = [p for p in root.iterdir() if _visible(p)]
    expected = expected or []
    # a folder (often inside a zip) wrapping the submissions: descend into it
    if len(entries) == 1 and entries[0].is_dir() and not (entries[0] / assignment).is_dir():
        inner = [q for q in entries[0].iterdir() if _visible(q)]
        looks = [q for q in inner if q.is_dir() or q.suffix.lower() == ".ipynb"]
        if entries[0].name == "submitted" or (
                len(looks) > 1 and not any(q.stem in expected for q in inner if q.is_file())):
            return discover(entries[0], assignment, expected)
    found: dict[str, Found] = {}
    for p in sorted(entries):
        if p.is_file() and p.suffix.lower() == ".ipynb":
            sid = safe_id(p.stem)
            f = found.setdefault(sid, Found(sid, [], flat=True))
            f.files.append(p)
            if sid != p.stem:
                f.notes.append(f"identificador de estudiante «{p.stem}» cambiado a «{sid}»")
        elif p.is_dir():
            sid = safe_id(p.name)
            base = p / assignment if (p / assignment).is_dir() else p
            files = sorted(q for q in base.rglob("*.ipynb")
                           if ".ipynb_checkpoints" not in q.parts and _visible(q))
            f = found.setdefault(sid, Found(sid, []))
            f.files.extend(files)
            ts = base / "timestamp.txt"
            if ts.is_file():
                f.timestamp = ts
            if sid != p.name:
                f.notes.append(f"identificador de estudiante «{p.name}» cambiado a «{sid}»")
    return [found[k] for k in sorted(found)]


def _meta(cell) -> dict:
    m = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    m = m.get("nbgrader", {}) if isinstance(m, dict) else {}
    return m if isinstance(m, dict) else {}


def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def load_notebook(path: Path) -> tuple[dict | None, str]:
    """(notebook, "") or (None, Spanish reason)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        return None, f"{INVALID}: no se puede leer ({exc.strerror})"
    if size > MAX_NOTEBOOK_BYTES:
        return None, f"{INVALID}: ocupa {size // (1024 * 1024)} MiB (máximo {MAX_NOTEBOOK_BYTES // (1024 * 1024)})"
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        return None, f"{INVALID}: no es texto UTF-8"
    except (ValueError, RecursionError):
        return None, f"{INVALID}: no es JSON"
    if not isinstance(data, dict) or not isinstance(data.get("cells", data.get("worksheets")), list):
        return None, f"{INVALID}: el JSON no tiene la forma de un cuaderno"
    major = data.get("nbformat")
    if major != 4:
        return None, f"{INVALID}: formato nbformat {major} (se esperaba 4; ábrelo y guárdalo con Jupyter actual)"
    try:
        nb = nbformat.from_dict(data)
        nbformat.validate(nb)
    except Exception as exc:  # noqa: BLE001 - any schema problem
        msg = str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__
        return None, f"{INVALID}: no cumple el esquema nbformat 4 ({msg})"
    return data, ""


def repair(nb: dict, source_nb: dict, outcomes: list[str]) -> dict:
    """Fix what would make nbgrader fail or skip a test; record each fix (Spanish)."""
    nb = copy.deepcopy(nb)
    src_cells = source_nb.get("cells", [])
    src_ids = [_meta(c).get("grade_id") for c in src_cells]
    known = {g for g in src_ids if g}
    by_id = {_meta(c).get("grade_id"): c for c in src_cells if _meta(c).get("grade_id")}

    ks = source_nb.get("metadata", {}).get("kernelspec")
    mine = nb.setdefault("metadata", {}).get("kernelspec")
    if ks and (not isinstance(mine, dict) or mine.get("name") != ks.get("name")):
        name = mine.get("name") if isinstance(mine, dict) else None
        outcomes.append(f"kernel «{name}» sustituido por «{ks.get('name')}»")
    if ks:
        nb["metadata"]["kernelspec"] = copy.deepcopy(ks)

    seen: set[str] = set()
    for cell in nb.get("cells", []):
        m = _meta(cell)
        gid = m.get("grade_id")
        if not m:
            continue
        if gid not in known:
            cell["metadata"].pop("nbgrader", None)
            outcomes.append(f"metadatos de nbgrader desconocidos ({gid!r}) retirados de una celda")
            continue
        if gid in seen:
            cell["metadata"].pop("nbgrader", None)
            outcomes.append(f"celda duplicada «{gid}»: se corrige solo la primera")
            continue
        seen.add(gid)
        sc = by_id[gid]
        if cell.get("cell_type") != sc.get("cell_type"):
            outcomes.append(f"tipo de la celda «{gid}» cambiado a {cell.get('cell_type')}: "
                            f"nbgrader la devuelve a {sc.get('cell_type')}")
        elif _meta(sc).get("locked") and _meta(sc).get("grade") and not _meta(sc).get("solution") \
                and _src(cell).strip() != strip_hidden(_src(sc)).strip():
            outcomes.append(f"celda de pruebas «{gid}» modificada: nbgrader restaura la original")

    # put back deleted locked code cells (tests and read-only code), in source order
    cells = nb.setdefault("cells", [])
    for i, sc in enumerate(src_cells):
        m = _meta(sc)
        gid = m.get("grade_id")
        if not gid or gid in seen or not m.get("locked") or sc.get("cell_type") != "code":
            continue
        new = copy.deepcopy(sc)
        new["source"] = strip_hidden(_src(sc))
        new["outputs"], new["execution_count"] = [], None
        new.pop("id", None)
        pos = len(cells)
        for j in range(i - 1, -1, -1):
            prev = src_ids[j]
            idx = next((k for k, c in enumerate(cells) if prev and _meta(c).get("grade_id") == prev), None)
            if idx is not None:
                pos = idx + 1
                break
        else:
            pos = 0
        cells.insert(pos, new)
        seen.add(gid)
        kind = "de pruebas" if m.get("grade") else "de solo lectura"
        outcomes.append(f"celda {kind} «{gid}» borrada: restaurada")
    # nbformat 4.5 cell ids: make sure every cell has a unique one
    if nb.get("nbformat_minor", 0) >= 5:
        ids = set()
        for k, c in enumerate(cells):
            cid = c.get("id")
            if not isinstance(cid, str) or cid in ids or not re.fullmatch(r"[a-zA-Z0-9-_]{1,64}", cid):
                cid = f"ag-{k}"
                c["id"] = cid
            ids.add(cid)
    return nb


def prepare(found: Found, expected: dict[str, dict]) -> Prepared:
    """Check and repair the notebooks of one student. ``expected``: name -> source notebook."""
    prep = Prepared(found.student, outcomes=list(found.notes))
    if found.timestamp is not None:
        try:
            prep.timestamp = found.timestamp.read_text(encoding="utf-8", errors="replace")[:100].strip()
        except OSError:
            pass
    files = {p.stem: p for p in found.files}
    names = list(expected)
    if not files:
        prep.valid = False
        prep.outcomes.append(f"{INVALID}: no hay ningún .ipynb en la entrega")
        return prep
    mapping: dict[str, Path] = {n: files[n] for n in names if n in files}
    missing = [n for n in names if n not in mapping]
    extra = [p for s, p in files.items() if s not in expected]
    if len(names) == 1 and missing and len(extra) == 1:
        mapping[names[0]] = extra[0]
        if not found.flat:
            prep.outcomes.append(f"archivo mal nombrado: «{extra[0].name}» se corrige como «{names[0]}.ipynb»")
        missing = []
    elif extra:
        prep.outcomes.append("archivos ignorados: " + ", ".join(sorted(p.name for p in extra)))
    for n in missing:
        prep.outcomes.append(f"falta el cuaderno «{n}.ipynb» (0 puntos en él)")
    for name, path in mapping.items():
        nb, why = load_notebook(path)
        if nb is None:
            prep.outcomes.append(why if len(names) == 1 else f"{name}: {why}")
            continue
        prep.notebooks[name] = repair(nb, expected[name], prep.outcomes)
    if not prep.notebooks:
        prep.valid = False
    return prep


def write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    os.chmod(path, 0o644)
