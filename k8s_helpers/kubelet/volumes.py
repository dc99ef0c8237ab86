"""Volumes as the kubelet sees them, and the files containers write (POD-5).

An ``emptyDir`` is created empty when the Pod is assigned to a node, survives
container restarts and is deleted when the Pod leaves the node; every container
that mounts it sees the same files (POD-5). Other volume types (configMap,
secret, persistentVolumeClaim, hostPath...) are mounted as empty directories
for now: later chapters fill them in. A container's own filesystem (paths not
under a mount) is private and starts empty at every (re)start.
"""
from __future__ import annotations

import posixpath

__all__ = ["Volume", "FileSystem"]


class Volume:
    """A pod volume: a dict of relative path -> text content."""

    __slots__ = ("name", "source", "files")

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source
        self.files: dict[str, str] = {}


class FileSystem:
    """A container's view: its private files plus its volume mounts."""

    __slots__ = ("own", "mounts")

    def __init__(self, mounts: list[tuple[str, Volume, bool]]):
        self.own: dict[str, str] = {}
        # Longest mount path first so nested mounts win.
        self.mounts = sorted(((posixpath.normpath(p), v, ro) for p, v, ro in mounts),
                             key=lambda m: -len(m[0]))

    def _where(self, path: str):
        path = posixpath.normpath(posixpath.join("/", path))
        for mount, vol, ro in self.mounts:
            if path == mount or path.startswith(mount.rstrip("/") + "/"):
                return vol.files, posixpath.relpath(path, mount), ro
        return self.own, path, False

    def read(self, path: str):
        files, key, _ = self._where(path)
        return files.get(key)

    def write(self, path: str, content: str) -> bool:
        files, key, ro = self._where(path)
        if ro:
            return False
        files[key] = content
        return True

    def remove(self, path: str) -> bool:
        files, key, ro = self._where(path)
        if ro or key not in files:
            return False
        del files[key]
        return True

    def is_dir(self, path: str) -> bool:
        p = posixpath.normpath(posixpath.join("/", path))
        if p == "/" or any(p == m for m, _, _ in self.mounts):
            return True
        files, key, _ = self._where(p)
        prefix = "" if key in (".", "/") else key.rstrip("/") + "/"
        return any(k.startswith(prefix) for k in files) or (".dir:" + key) in files

    def mkdir(self, paths) -> None:
        for p in paths:
            files, key, ro = self._where(p)
            if not ro:
                files.setdefault(".dir:" + key, "")
