"""What ``kubectl get pods`` shows for one pod: READY, STATUS, RESTARTS (POD-9).

A port of printPod in kubernetes/kubernetes pkg/printers/internalversion/printers.go, on
API-shaped dicts (simulated or live pods alike):

- STATUS starts from ``status.reason`` or the phase. Init containers are walked in order:
  terminated with exit 0 is skipped; a started sidecar (init container with
  ``restartPolicy: Always``) is skipped and counts in READY; terminated non-zero gives
  ``Init:<reason>`` (or ``Init:Signal:N`` / ``Init:ExitCode:N``); waiting with a reason
  other than PodInitializing gives ``Init:<reason>``; otherwise ``Init:<i>/<N>``.
- When not initialising (or Initialized=True), the regular containers are walked from
  last to first, so the FIRST container with a waiting/terminated reason wins
  (CrashLoopBackOff, Completed, Error, OOMKilled, ``ExitCode:N``); ``Completed`` with a
  container still running becomes ``Running`` (Ready condition) or ``NotReady``.
- ``metadata.deletionTimestamp`` on a non-terminal pod gives ``Terminating``.
- READY = ready containers / (containers + sidecars) (POD-3: sidecars count).
- RESTARTS sums restartCount; ``3 (12s ago)`` when a last termination is known. Once
  initialised, only sidecars' restarts are added to the regular containers'.
"""
from __future__ import annotations

from .timefmt import human_duration, to_epoch

__all__ = ["is_sidecar", "pod_summary", "pod_status_reason", "pod_ready", "pod_restarts"]


def is_sidecar(container: dict | None) -> bool:
    """Restartable init container (POD-3): ``restartPolicy: Always`` inside initContainers."""
    return bool(container) and container.get("restartPolicy") == "Always"


def _condition_true(status: dict, ctype: str) -> bool:
    return any(c.get("type") == ctype and c.get("status") == "True"
               for c in status.get("conditions") or [])


def _finished_at(cstatus: dict, cluster):
    term = ((cstatus.get("lastState") or {}).get("terminated")) or None
    if not term:
        return None
    return to_epoch(term.get("finishedAt"), cluster)


def pod_summary(pod: dict, now: float | None = None, cluster=None) -> dict:
    """READY, STATUS and RESTARTS cells for ``pod`` as printPod computes them.

    ``now`` (epoch seconds) is needed only for the ``(12s ago)`` part of RESTARTS.
    Returns ``{"ready": "1/2", "status": "CrashLoopBackOff", "restarts": "3 (12s ago)",
    "ready_count": 1, "total": 2, "restart_count": 3}``.
    """
    spec = pod.get("spec") or {}
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    restarts = 0
    sidecar_restarts = 0
    total = len(spec.get("containers") or [])
    ready = 0
    last_restart = None
    last_sidecar_restart = None

    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c.get("name"): c for c in spec.get("initContainers") or []}
    total += sum(1 for c in init_specs.values() if is_sidecar(c))
    n_init = len(spec.get("initContainers") or [])

    initializing = False
    for i, cs in enumerate(status.get("initContainerStatuses") or []):
        restarts += int(cs.get("restartCount") or 0)
        fin = _finished_at(cs, cluster)
        if fin is not None and (last_restart is None or fin > last_restart):
            last_restart = fin
        sidecar = is_sidecar(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += int(cs.get("restartCount") or 0)
            if fin is not None and (last_sidecar_restart is None or fin > last_sidecar_restart):
                last_sidecar_restart = fin
        state = cs.get("state") or {}
        term = state.get("terminated")
        waiting = state.get("waiting")
        if term is not None and int(term.get("exitCode") or 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if term is not None:
            if not term.get("reason"):
                if term.get("signal"):
                    reason = f"Init:Signal:{term['signal']}"
                else:
                    reason = f"Init:ExitCode:{int(term.get('exitCode') or 0)}"
            else:
                reason = "Init:" + term["reason"]
        elif waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing":
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{i}/{n_init}"
        initializing = True
        break

    if not initializing or _condition_true(status, "Initialized"):
        restarts = sidecar_restarts
        last_restart = last_sidecar_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += int(cs.get("restartCount") or 0)
            fin = _finished_at(cs, cluster)
            if fin is not None and (last_restart is None or fin > last_restart):
                last_restart = fin
            state = cs.get("state") or {}
            waiting = state.get("waiting")
            term = state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif term is not None and term.get("reason"):
                reason = term["reason"]
            elif term is not None:
                if term.get("signal"):
                    reason = f"Signal:{term['signal']}"
                else:
                    reason = f"ExitCode:{int(term.get('exitCode') or 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            reason = "Running" if _condition_true(status, "Ready") else "NotReady"

    if meta.get("deletionTimestamp") and status.get("reason") == "NodeLost":
        reason = "Unknown"
    elif meta.get("deletionTimestamp") and phase not in ("Succeeded", "Failed"):
        reason = "Terminating"

    restarts_str = str(restarts)
    if restarts != 0 and last_restart is not None and now is not None:
        restarts_str = f"{restarts} ({human_duration(now - last_restart)} ago)"

    return {"ready": f"{ready}/{total}", "status": reason, "restarts": restarts_str,
            "ready_count": ready, "total": total, "restart_count": restarts}


def pod_status_reason(pod: dict) -> str:
    """The STATUS column (POD-9): ``Running``, ``Init:1/2``, ``CrashLoopBackOff``, ``Terminating``..."""
    return pod_summary(pod)["status"]


def pod_ready(pod: dict) -> str:
    """The READY column: ``1/2`` (ready containers, sidecars included / all of them)."""
    return pod_summary(pod)["ready"]


def pod_restarts(pod: dict, now: float | None = None, cluster=None) -> str:
    """The RESTARTS column: ``0`` or ``3 (12s ago)``."""
    return pod_summary(pod, now, cluster)["restarts"]
