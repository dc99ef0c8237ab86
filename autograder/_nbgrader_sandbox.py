"""nbgrader pieces for running one submission in its scratch course directory.

- :class:`SandboxedExecute` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``.
  Before the kernel starts it deletes the sanitized notebook that nbgrader wrote to the
  autograded folder (nbgrader writes it *with the hidden tests restored* before executing
  it) and starts the kernel in a separate working directory that holds only the assignment's
  support files. It also blanks the cell sources stored in the *scratch* gradebook
  (``source_cell.source``, only needed by the sanitizing step that has already run, which
  restored the test cells with their hidden tests): from then on the hidden tests exist only
  in the kernel's memory and in the instructor's course folder.
- :class:`IsolatedKernelManager` (set by :class:`SandboxedExecute`) starts the kernel through
  :mod:`autograder._isolation` when the grader put a spec in ``AUTOGRADER_ISOLATION``: the
  kernel then runs in its own Linux user, mount and PID namespaces where the instructor's
  course folder, the submissions and the other scratch folders are empty. Without the spec
  (isolation unavailable or turned off) the kernel starts exactly as nbgrader would.
- :data:`GUARD` is run in the kernel at start-up (``IPKernelApp.exec_lines``, see
  :mod:`autograder._kernel_guard`, a module with no heavy imports): it caps the
  text a cell may print (stdout and stderr) so a flood of output cannot exhaust the grader's
  memory; student code can undo it, and then the address-space limit and the wall timeout
  of the autograde process are what stop it.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3

from jupyter_client import AsyncKernelManager
from nbgrader.preprocessors import Execute

GUARD = "__import__('autograder._kernel_guard', fromlist=['x']).install()"


class IsolatedKernelManager(AsyncKernelManager):
    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        raw = os.environ.get("AUTOGRADER_ISOLATION")
        if not raw:
            return cmd
        from autograder import _isolation
        return _isolation.wrap(cmd, json.loads(raw))


class SandboxedExecute(Execute):
    def __init__(self, *args, **kwargs):
        kwargs["kernel_manager_class"] = IsolatedKernelManager
        super().__init__(*args, **kwargs)

    def preprocess(self, nb, resources=None, km=None):
        resources = resources if resources is not None else {}
        meta = resources.setdefault("metadata", {})
        path = meta.get("path")
        work = os.environ.get("AUTOGRADER_KERNEL_CWD")
        if work and path and os.path.isdir(path):
            os.makedirs(work, exist_ok=True)
            for name in os.listdir(path):
                full = os.path.join(path, name)
                if name.endswith(".ipynb"):
                    os.remove(full)
                elif os.path.isdir(full):
                    shutil.copytree(full, os.path.join(work, name), dirs_exist_ok=True)
                else:
                    shutil.copy(full, os.path.join(work, name))
            meta["path"] = work
        db = os.environ.get("AUTOGRADER_SCRATCH_DB")
        if db and os.path.exists(db):
            con = sqlite3.connect(db)
            try:
                con.execute("UPDATE source_cell SET source = ''")
                con.commit()
                con.execute("VACUUM")
            finally:
                con.close()
        try:
            return super().preprocess(nb, resources, km)
        finally:
            if path:
                meta["path"] = path
