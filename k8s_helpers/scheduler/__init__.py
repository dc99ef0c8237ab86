"""kube-scheduler 1.36 for the simulated cluster (SCH-1..3, FIT-1, TNT-1, AFF-1, AFF-2).

``scheduler.py`` is the component (queue, cache, one scheduling cycle, preemption);
``framework.py`` runs the extension points; ``profile.py`` is the default profile;
``plugins/`` holds one file per plugin, like kube-scheduler's
``pkg/scheduler/framework/plugins/``; ``explain.py`` replays an attempt plugin by plugin.
"""
from __future__ import annotations

__all__ = ["Framework", "NodeInfo", "PodInfo", "Scheduler", "default_framework"]

_HOMES = {"Framework": "framework", "NodeInfo": "node_info", "PodInfo": "node_info", "Scheduler": "scheduler",
          "default_framework": "profile"}


def __getattr__(name):
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    raise AttributeError(name)
