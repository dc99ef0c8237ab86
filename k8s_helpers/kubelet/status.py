"""Pod phase and conditions from container states (POD-6), as the kubelet's getPhase.

Container states follow POD-7: ``waiting`` (reason ContainerCreating,
PodInitializing, CrashLoopBackOff, InvalidImageName, ErrImageNeverPull...),
``running`` (startedAt) or ``terminated`` (exitCode, reason Completed/Error,
startedAt, finishedAt). The functions here read the kubelet's runtime objects
(``ContainerRuntime``: ``role``, ``state``, ``exit_code``, ``last_state``,
``started``) and return plain values.
"""
from __future__ import annotations

__all__ = ["pod_phase", "PENDING", "RUNNING", "SUCCEEDED", "FAILED"]

PENDING, RUNNING, SUCCEEDED, FAILED = "Pending", "Running", "Succeeded", "Failed"


def pod_phase(restart_policy: str, containers) -> str:
    """POD-6 (pkg/kubelet/kubelet_pods.go getPhase), rules in order:

    1. a regular init container failed and restartPolicy is Never -> Failed;
    2. initialising, or a regular container waiting with no prior termination -> Pending;
    3. at least one container running -> Running;
    4. all stopped: Always -> Running; all exit 0 -> Succeeded; Never with a
       failure -> Failed; OnFailure with a failure -> Running.
    Terminated sidecars are ignored."""
    pending_init = failed_init = pending_sidecars = 0
    running = waiting = stopped = succeeded = 0
    for c in containers:
        if c.role == "init":
            if c.state == "running":
                pending_init += 1
            elif c.state == "terminated":
                if c.exit_code != 0:
                    failed_init += 1
            elif c.last_state is not None:
                if c.last_state["exitCode"] != 0:
                    failed_init += 1
            else:
                pending_init += 1
        elif c.role == "sidecar":
            if c.state == "running":
                if not c.started:
                    pending_sidecars += 1
                running += 1
            elif c.state == "waiting" and c.last_state is None:
                pending_sidecars += 1
        else:
            if c.state == "running":
                running += 1
            elif c.state == "terminated":
                stopped += 1
                if c.exit_code == 0:
                    succeeded += 1
            elif c.last_state is not None:
                stopped += 1
            else:
                waiting += 1
    if failed_init and restart_policy == "Never":
        return FAILED
    if pending_init or pending_sidecars or waiting:
        return PENDING
    if running:
        return RUNNING
    if stopped:
        if restart_policy == "Always":
            return RUNNING
        if stopped == succeeded:
            return SUCCEEDED
        if restart_policy == "Never":
            return FAILED
        return RUNNING
    return PENDING
