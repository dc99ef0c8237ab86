"""Fork server for ``nbgrader autograde``: pay nbgrader's import time once per worker.

Importing nbgrader, nbconvert, nbclient, jupyter_client and SQLAlchemy costs about 2 s of
CPU; a run of 40 submissions would pay it 40 times. This process imports them once, then for
each request (one JSON line on stdin) forks a child that becomes an ordinary one-submission
``nbgrader autograde`` process: new session, its own resource limits, working directory,
environment and log file. The child is as isolated as a freshly started process (copy-on-write
memory, nothing shared afterwards); a crash, a kill or a timeout of the child never affects
this server nor the other submissions.

Protocol (stdout of this process, one JSON line each): ``{"pid": N}`` when the child has been
forked, then ``{"exit": code}`` when it has ended (negative: killed by that signal).
"""
from __future__ import annotations

import json
import os
import resource
import sys
import traceback


def _child(req: dict) -> int:
    os.setsid()
    fd = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    from autograder.cleanroom import set_limit
    set_limit(resource.RLIMIT_AS, int(req["memory_mb"]) * 1024 * 1024)
    set_limit(resource.RLIMIT_CPU, int(req["cpu_seconds"]), 5)
    set_limit(resource.RLIMIT_FSIZE, 256 * 1024 * 1024)
    set_limit(resource.RLIMIT_CORE, 0)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    sys.argv = ["nbgrader", *req["argv"]]
    from nbgrader.apps.nbgraderapp import NbGraderApp
    try:
        NbGraderApp.launch_instance(argv=req["argv"])
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def main() -> None:
    # the expensive imports, done once and shared (copy-on-write) by every child
    import nbgrader.apps.nbgraderapp  # noqa: F401
    import nbgrader.converters  # noqa: F401
    import nbgrader.preprocessors  # noqa: F401
    import nbconvert.exporters  # noqa: F401
    import nbclient  # noqa: F401
    import jupyter_client  # noqa: F401
    import sqlalchemy  # noqa: F401
    import autograder._nbgrader_sandbox  # noqa: F401

    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # nothing else may write on the protocol channel
    out.write(json.dumps({"ready": True}) + "\n")
    out.flush()
    for line in sys.stdin:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(req)
            except BaseException:  # noqa: BLE001
                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)
        out.write(json.dumps({"pid": pid}) + "\n")
        out.flush()
        _, status = os.waitpid(pid, 0)
        out.write(json.dumps({"exit": os.waitstatus_to_exitcode(status)}) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
