"""The kubelet of each simulated node: admits pods and runs them (POD-*, PRB-*).

- ``pod_worker``: one pod's lifecycle (sandbox, images, init containers, sidecars,
  restarts with back-off, deletion) and its status in API shape;
- ``shell``: what a container's process does (servers, interpreted ``sh -c`` scripts);
- ``probes``: prober workers and the health annotations (``sim.k8s-course.io/...``);
- ``backoff``: CrashLoopBackOff delays (POD-8);
- ``status``: the pod phase (POD-6); ``qos``: the QoS class (QOS-1);
- ``volumes``: emptyDir and the files containers write (POD-5).
"""
from __future__ import annotations

__all__ = ["Kubelet"]


class Kubelet:
    """One node's kubelet: its pods, its image cache and its pod IP range."""

    def __init__(self, cluster, node_name: str, node_index: int, internal_ip: str):
        self.cluster = cluster
        self.node_name = node_name
        self.node_index = node_index
        self.internal_ip = internal_ip
        self.images: set[str] = set()
        self.pods: dict[tuple, object] = {}
        self._next_ip = 2

    def _pod_ip(self) -> str:
        n = self._next_ip
        self._next_ip += 1
        if self._next_ip > 254:
            self._next_ip = 2
        return f"10.244.{self.node_index}.{n}"

    def admit(self, pod: dict, fit_failure: tuple | None = None):
        """Accept a bound pod and start it; ``fit_failure`` = (reason, message) rejects it (SCH-1)."""
        from .pod_worker import PodWorker

        worker = PodWorker(self, pod)
        key = (worker.namespace, worker.name)
        self.pods[key] = worker
        if fit_failure:
            worker.reject(*fit_failure)
            return worker
        worker.admit(self.internal_ip, self._pod_ip())
        return worker

    def forget(self, namespace: str, name: str) -> None:
        self.pods.pop((namespace, name), None)
