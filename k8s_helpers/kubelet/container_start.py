"""Helpers of the pod worker for starting containers and running commands in them (POD-7).

- :func:`image_files`: the image's own files (nginx's welcome page...) in a new container's
  filesystem, hidden under a volume mounted on top (as on a real node);
- :func:`start_context`: the interpreter context of a container's process, bound to its image
  (which programs exist, its /bin/sh flavour) and to the log templates of the catalog;
- :func:`exec_runner`: what an exec probe runs (the same lookup of the program in the image).

A container whose program runc cannot start ends as ``StartError`` with exit code
:data:`START_ERROR_EXIT_CODE` (128) and ``startedAt`` at the Unix epoch (containerd
pkg/cri/server helpers.go); until the kubelet's next sync, which comes with the PLEG's next
relist (:data:`PLEG_RELIST_SECONDS`), its status waits with reason ``RunContainerError``
(kubelet_pods.go convertToAPIContainerStatuses: the reason cache of the failed sync).
"""
from __future__ import annotations

import hashlib
import posixpath

from .process import START_ERROR_EXIT_CODE, exec_error_message
from .shell import Context, run_sync

__all__ = ["image_files", "start_context", "exec_runner", "START_ERROR_EXIT_CODE", "PLEG_RELIST_SECONDS",
           "UNIX_EPOCH"]

PLEG_RELIST_SECONDS = 1
UNIX_EPOCH = "1970-01-01T00:00:00Z"


def image_files(fs, image) -> None:
    """Copy the image's files into the container's own filesystem (not under a mount)."""
    if image is None:
        return
    for path, text in image.files.items():
        path = posixpath.normpath(path)
        if not fs.in_volume(path):
            fs.own[path] = text


def start_context(log, fs, env: dict, hostname: str, clock_now, timestamp, epoch, pod_ip, image) -> Context:
    from k8s_helpers.catalog import render

    ctx = Context(log, fs, env, hostname=hostname, now=clock_now, timestamp=timestamp)
    if image is not None:
        ctx.has = image.has
    ctx.render = lambda text, values: render(text, epoch, clock_now(), ip=pod_ip or "", hostname=hostname,
                                             **values)
    return ctx


def exec_runner(c, pod_name: str, clock_now, timestamp):
    """``runner(argv) -> (exit code, output, error) | None`` for an exec probe in container ``c``."""
    image = getattr(c.program, "image", None)

    def runner(argv):
        out: list[str] = []
        ctx = Context(out.append, c.fs, c.ctx.env, hostname=pod_name, now=clock_now, timestamp=timestamp)
        ctx.has = c.ctx.has
        ctx.shell = image.shell or "ash" if image is not None else "ash"
        result = run_sync(argv, ctx, image)
        if result is None:
            return None
        code, error = result
        if error is not None:
            exec_id = hashlib.sha256(f"{c.container_id}/{' '.join(map(str, argv))}".encode()).hexdigest()
            return None, "", "rpc error: code = Unknown desc = " + exec_error_message(error, exec_id)
        return code, "".join(out), None
    return runner
