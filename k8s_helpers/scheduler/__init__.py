"""A kube-scheduler with the framework's filter/score structure (SCH-2).

``framework.py`` runs the plugins; ``plugins/`` holds one file per plugin, like
kube-scheduler's ``pkg/scheduler/framework/plugins/``. Later chapters add
plugins (inter-pod affinity, topology spread, volume binding) to
``default_framework``.
"""
from __future__ import annotations

__all__ = ["Framework", "NodeInfo", "default_framework"]


def __getattr__(name):
    if name in __all__:
        from . import framework
        return getattr(framework, name)
    raise AttributeError(name)
