"""Volumes as the kubelet sees them, and the files containers write (POD-5).

An ``emptyDir`` is created empty when the Pod is assigned to a node, survives
container restarts and is deleted when the Pod leaves the node; every container
that mounts it sees the same files (POD-5). Other volume types (configMap,
secret, persistentVolumeClaim, hostPath...) are mounted as empty directories
for now: later chapters fill them in. A container's own filesystem (paths not
under a mount) is private and starts empty at every (re)start, except for the
usual directories of a Linux image (``/tmp``, ``/etc``, ``/var/log``...) and the
parent directories of its mount points, which exist (``cd`` works there).

The API server does not validate ``emptyDir.medium`` (validation.go only checks
``sizeLimit``), so ``medium: memory`` (lower case) is accepted; the kubelet's
emptyDir plugin then fails ``SetUp`` with ``unknown storage medium "memory"``
(pkg/volume/emptydir/empty_dir.go SetUpAt) and the pod never gets its sandbox:
see :func:`setup_error`.
"""
from __future__ import annotations

import posixpath

__all__ = ["Volume", "FileSystem", "setup_error", "IMAGE_DIRS"]

# Directories every common base image has (busybox, alpine, debian...).
IMAGE_DIRS = frozenset({
    "/", "/bin", "/dev", "/etc", "/home", "/mnt", "/opt", "/proc", "/root", "/run", "/sbin", "/srv",
    "/sys", "/tmp", "/usr", "/usr/bin", "/usr/local", "/usr/local/bin", "/usr/sbin", "/usr/share",
    "/var", "/var/log", "/var/tmp", "/var/run", "/var/cache", "/var/lib",
})
_DIR = ".dir:"


def setup_error(volume: dict, pod_spec: dict) -> str | None:
    """Why the kubelet's volume plugin cannot set ``volume`` up, or None.

    emptyDir (pkg/volume/emptydir/empty_dir.go SetUpAt): medium ``""`` is a directory,
    ``Memory`` a tmpfs; ``HugePages``/``HugePages-<size>`` need a hugepages request in
    some container (getPageSizeMountOption); anything else, including ``memory`` in
    lower case, is ``unknown storage medium "<medium>"``."""
    ed = volume.get("emptyDir")
    if not isinstance(ed, dict):
        return None
    medium = ed.get("medium") or ""
    if not isinstance(medium, str):
        medium = str(medium)
    if medium in ("", "Memory"):
        return None
    if medium == "HugePages" or medium.startswith("HugePages-"):
        for c in (pod_spec.get("containers") or []) + (pod_spec.get("initContainers") or []):
            requests = ((c or {}).get("resources") or {}).get("requests") or {}
            if any(str(k).startswith("hugepages-") for k in requests):
                return None
        return f"medium {medium}: hugePages storage requested, but there is no resource request for huge pages"
    return f'unknown storage medium "{medium}"'


class Volume:
    """A pod volume: a dict of relative path -> text content."""

    __slots__ = ("name", "source", "files")

    def __init__(self, name: str, source: str):
        self.name = name
        self.source = source
        self.files: dict[str, str] = {}


class FileSystem:
    """A container's view: its private files plus its volume mounts (absolute paths)."""

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

    def in_volume(self, path: str) -> bool:
        """Whether ``path`` is under a volume mount (other containers may write it)."""
        return self._where(path)[0] is not self.own

    def read(self, path: str):
        files, key, _ = self._where(path)
        return files.get(key)

    def writable(self, path: str) -> bool:
        return not self._where(path)[2]

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
        if p in IMAGE_DIRS:
            return True
        for m, _, _ in self.mounts:  # a mount point and its parents exist
            if m == p or m.startswith(p.rstrip("/") + "/"):
                return True
        files, key, _ = self._where(p)
        if key == ".":
            return True
        if _DIR + key in files:
            return True
        prefix = key.rstrip("/") + "/"
        return any(k.startswith(prefix) or k.startswith(_DIR + prefix) for k in files)

    def listdir(self, path: str):
        """Sorted names in directory ``path``, or None when it is not a directory."""
        p = posixpath.normpath(posixpath.join("/", path))
        if not self.is_dir(p):
            return None
        files, key, _ = self._where(p)
        prefix = "" if key == "." else key.rstrip("/") + "/"
        names = set()
        for k in files:
            name = k[len(_DIR):] if k.startswith(_DIR) else k
            if name.startswith(prefix) and name != prefix.rstrip("/"):
                names.add(name[len(prefix):].split("/", 1)[0])
        for m, _, _ in self.mounts:
            if m != p and m.startswith(p.rstrip("/") + "/"):
                names.add(m[len(p.rstrip("/")) + 1:].split("/", 1)[0])
        names.discard("")
        return sorted(names)

    def mkdir(self, paths) -> None:
        """Create directories (and their parents, like ``mkdir -p``)."""
        for p in paths:
            files, key, ro = self._where(p)
            if ro or key == ".":
                continue
            while key not in ("", ".", "/"):
                files.setdefault(_DIR + key, "")
                key = posixpath.dirname(key)
