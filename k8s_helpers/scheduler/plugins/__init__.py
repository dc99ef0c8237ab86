"""Scheduler plugins, one per file, named like kube-scheduler's
(pkg/scheduler/framework/plugins/). ``profile.py`` lists the default profile.

Each plugin implements the extension points it has upstream as methods:
``pre_filter(state, pod, snapshot) -> (PreFilterResult | None, Status | None)``,
``filter(state, pod, node) -> Status | None``, ``add_pod``/``remove_pod`` (PreFilter
extensions), ``post_filter``, ``pre_score(state, pod, nodes, snapshot) -> Status | None``,
``score(state, pod, node) -> int`` and ``normalize(state, pod, scores, nodes)`` (in place).
``EVENTS`` and ``queueing_hint(event, pod, old, new)`` say which cluster events may make a
pod it rejected schedulable (the plugin's EventsToRegister and QueueingHintFn).
"""
