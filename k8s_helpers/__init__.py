"""Curso de Kubernetes en Jupyter: a simulated cluster, kubectl-like output and checks.

``from k8s_helpers import Cluster, ManifestError`` loads only what it needs:
the heavy modules are imported on first use.
"""
from __future__ import annotations

__all__ = ["Cluster", "ManifestError", "NotFoundError"]


def __getattr__(name):
    if name == "Cluster":
        from .cluster import Cluster
        return Cluster
    if name == "ManifestError":
        from .errors import ManifestError
        return ManifestError
    if name == "NotFoundError":
        from .store import NotFoundError
        return NotFoundError
    raise AttributeError(f"module 'k8s_helpers' has no attribute {name!r}")
