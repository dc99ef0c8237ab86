"""The scheduling framework's extension points (pkg/scheduler/framework/runtime/framework.go).

One cycle for one pod, as kube-scheduler runs it:

- **PreFilter** every plugin once (``pre_filter``); a plugin may answer *Skip* (its
  Filter will not run this cycle), narrow the candidate nodes (``PreFilterResult``:
  the others get ``node(s) didn't satisfy plugin(s) [NodeAffinity]``) or reject the pod
  for every node.
- **Filter** on each node, plugins in profile order; the first rejection wins
  (``RunFilterPlugins``). With nominated pods on the node (preemption), filters run
  with the nominated pods of equal or higher priority added, and again without them
  (``RunFilterPluginsWithNominatedPods``).
- **PostFilter** when no node fits (DefaultPreemption).
- **PreScore** once per plugin (may *Skip*: its Score does not run), **Score** per
  feasible node (a plugin may offer ``score_nodes``, the same score for a list of nodes
  in one call, which only saves Python call overhead), **NormalizeScore** per plugin to 0..100, then multiplied by the
  plugin's weight and summed (``RunScorePlugins``).

Status codes follow ``fwk.Code``: Unschedulable (preemption may help) and
UnschedulableAndUnresolvable (it cannot). The FailedScheduling text is ``FitError.Error()``
(framework/types.go): ``0/N nodes are available: <reasons histogram, sorted>.`` plus the
PreFilter message or the PostFilter (preemption) message.
"""
from __future__ import annotations

from collections import Counter

__all__ = ["Status", "CycleState", "Framework", "PreFilterResult", "fit_error_message",
           "num_feasible_nodes_to_find", "SUCCESS", "ERROR", "UNSCHEDULABLE", "UNRESOLVABLE", "SKIP",
           "MAX_NODE_SCORE", "go_div"]

SUCCESS, ERROR, UNSCHEDULABLE, UNRESOLVABLE, WAIT, SKIP, PENDING = range(7)
MAX_NODE_SCORE = 100
MIN_FEASIBLE_NODES_TO_FIND = 100            # schedule_one.go minFeasibleNodesToFind
MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5   # schedule_one.go minFeasibleNodesPercentageToFind


def go_div(a: int, b: int) -> int:
    """Go's integer division (truncates toward zero, unlike Python's ``//``)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


class Status:
    """fwk.Status: a code, the reasons (each counted in the FitError histogram) and the plugin."""

    __slots__ = ("code", "reasons", "plugin")

    def __init__(self, code: int = UNSCHEDULABLE, *reasons: str, plugin: str = ""):
        self.code = code
        self.reasons = list(reasons)
        self.plugin = plugin

    @property
    def rejected(self) -> bool:
        return self.code in (UNSCHEDULABLE, UNRESOLVABLE, PENDING)

    @property
    def success(self) -> bool:
        return self.code == SUCCESS

    def message(self) -> str:
        return ", ".join(self.reasons)

    def __repr__(self) -> str:
        return f"Status({self.code}, {self.reasons!r}, plugin={self.plugin!r})"


class PreFilterResult:
    """Nodes a PreFilter plugin allows (``None`` = all)."""

    __slots__ = ("node_names",)

    def __init__(self, node_names=None):
        self.node_names = None if node_names is None else set(node_names)

    def merge(self, other: "PreFilterResult | None") -> "PreFilterResult":
        if other is None or other.node_names is None:
            return self
        if self.node_names is None:
            return PreFilterResult(other.node_names)
        return PreFilterResult(self.node_names & other.node_names)


class CycleState(dict):
    """Per-cycle data of the plugins (keyed by plugin name), plus the skipped plugins.

    ``clone()`` copies each plugin's state with its own ``clone()`` (states that preemption
    and nominated pods change through AddPod/RemovePod must provide one)."""

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.skip_filter: set = set()
        self.skip_score: set = set()
        self.filters: list = []
        self.scorers: list = []

    def clone(self) -> "CycleState":
        c = CycleState({k: (v.clone() if hasattr(v, "clone") else v) for k, v in self.items()})
        c.skip_filter, c.skip_score, c.filters, c.scorers = self.skip_filter, self.skip_score, self.filters, self.scorers
        return c


def num_feasible_nodes_to_find(num_all_nodes: int, percentage: int = 0) -> int:
    """schedule_one.go numFeasibleNodesToFind: all nodes below 100; otherwise an adaptive
    percentage (50 - nodes/125, at least 5 %) and never fewer than 100."""
    if num_all_nodes < MIN_FEASIBLE_NODES_TO_FIND:
        return num_all_nodes
    if percentage == 0:
        percentage = 50 - num_all_nodes // 125
        if percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND:
            percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND
    n = num_all_nodes * percentage // 100
    return max(n, MIN_FEASIBLE_NODES_TO_FIND)


class Framework:
    """A profile: plugins per extension point, in order, and the score weights."""

    def __init__(self, plugins, weights: dict):
        self.plugins = list(plugins)
        self.weights = dict(weights)
        has = lambda attr: [p for p in self.plugins if getattr(p, attr, None) is not None]  # noqa: E731
        self.pre_filter_plugins = has("pre_filter")
        self.filter_plugins = has("filter")
        self.post_filter_plugins = has("post_filter")
        self.pre_score_plugins = has("pre_score")
        self.score_plugins = [p for p in has("score") if p.name in self.weights]
        self.extension_plugins = [p for p in self.pre_filter_plugins if getattr(p, "add_pod", None) is not None]
        self.handle = None
        self._filter_names = [p.name for p in self.filter_plugins]

    # ------------------------------------------------------------------ PreFilter
    def run_pre_filter(self, state: CycleState, pi, snapshot):
        """RunPreFilterPlugins: (PreFilterResult | None, Status | None, plugins that narrowed nodes)."""
        result = None
        with_nodes: list[str] = []
        returned = None
        skip = state.skip_filter = set()
        for p in self.pre_filter_plugins:
            r, st = p.pre_filter(state, pi, snapshot)
            if st is not None and st.code == SKIP:
                skip.add(p.name)
                continue
            if st is not None and not st.success:
                st.plugin = p.name
                if st.code == UNRESOLVABLE:
                    self._set_filters(state)
                    return None, st, []
                if st.code == UNSCHEDULABLE:
                    returned = st
                    continue
                self._set_filters(state)
                return None, st, []
            if r is not None and r.node_names is not None:
                with_nodes.append(p.name)
                result = r if result is None else result.merge(r)
                if not result.node_names:
                    names = sorted(with_nodes)
                    msg = (f"node(s) didn't satisfy plugin {names[0]}" if len(names) == 1 else
                           f"node(s) didn't satisfy plugin(s) [{' '.join(names)}] simultaneously")
                    self._set_filters(state)
                    return result, Status(UNRESOLVABLE, msg), names
        self._set_filters(state)
        return result, returned, sorted(with_nodes)

    def _set_filters(self, state: CycleState) -> None:
        skip = state.skip_filter
        state.filters = [(p.name, p.filter) for p in self.filter_plugins if p.name not in skip]

    def run_pre_filter_add_pod(self, state, pi, pi_to_add, node_info) -> None:
        for p in self.extension_plugins:
            if p.name not in state.skip_filter:
                p.add_pod(state, pi, pi_to_add, node_info)

    def run_pre_filter_remove_pod(self, state, pi, pi_to_remove, node_info) -> None:
        for p in self.extension_plugins:
            if p.name not in state.skip_filter:
                p.remove_pod(state, pi, pi_to_remove, node_info)

    # ------------------------------------------------------------------ Filter
    @staticmethod
    def run_filter(state: CycleState, pi, node_info, record: dict | None = None):
        """RunFilterPlugins: the first rejection, with its plugin; ``record`` gets each result."""
        for name, f in state.filters:
            st = f(state, pi, node_info)
            if st is not None:
                st.plugin = name
                if record is not None:
                    record[name] = st
                return st
            if record is not None:
                record[name] = None
        return None

    def run_filter_with_nominated(self, state: CycleState, pi, node_info, nominated, record=None):
        """RunFilterPluginsWithNominatedPods: with the node's nominated pods of equal or higher
        priority added (first pass), and, if that passes, without them."""
        others = [n for n in nominated if n.priority >= pi.priority and n.uid != pi.uid] if nominated else ()
        if not others:
            return self.run_filter(state, pi, node_info, record)
        ni = node_info.clone()
        st2 = state.clone()
        for n in others:
            ni.add_pod(n)
            self.run_pre_filter_add_pod(st2, pi, n, ni)
        status = self.run_filter(st2, pi, ni, record)
        if status is not None:
            return status
        return self.run_filter(state, pi, node_info, record)

    # ------------------------------------------------------------------ PostFilter
    def run_post_filter(self, state, pi, statuses: dict, absent, num_all_nodes: int):
        """RunPostFilterPlugins: (nominated node or None, Status); ``absent`` is the status of
        nodes without one of their own (all of them when PreFilter rejected the pod)."""
        reasons = []
        result = None
        for p in self.post_filter_plugins:
            nominated, st = p.post_filter(state, pi, statuses, absent, num_all_nodes)
            if st.success or st.code == UNRESOLVABLE:
                st.plugin = p.name
                return nominated, st
            if nominated is not None:
                result = nominated
            reasons.extend(st.reasons)
        return result, Status(UNSCHEDULABLE, *reasons)

    # ------------------------------------------------------------------ Score
    def run_pre_score(self, state: CycleState, pi, nodes, snapshot) -> None:
        skip = state.skip_score = set()
        for p in self.pre_score_plugins:
            st = p.pre_score(state, pi, nodes, snapshot)
            if st is not None and st.code == SKIP:
                skip.add(p.name)
        w = self.weights
        state.scorers = [p for p in self.score_plugins if p.name not in skip and w.get(p.name)]

    def run_score(self, state: CycleState, pi, nodes, record: dict | None = None) -> list[int]:
        """RunScorePlugins: weighted sum of normalised scores per node; ``record`` gets, per plugin,
        ``(raw, normalized, weight)`` lists."""
        totals = [0] * len(nodes)
        for p in state.scorers:
            many = getattr(p, "score_nodes", None)
            if many is not None:
                raw = many(state, pi, nodes)
            else:
                f = p.score
                raw = [f(state, pi, ni) for ni in nodes]
            norm = getattr(p, "normalize", None)
            scores = list(raw) if (norm is not None and record is not None) else raw
            if norm is not None:
                norm(state, pi, scores, nodes)
            w = self.weights[p.name]
            if record is not None:
                record[p.name] = (raw, list(scores), w)
            for i, s in enumerate(scores):
                totals[i] += s * w
        return totals


def fit_error_message(num_all_nodes: int, statuses: dict, absent: "Status | None" = None,
                      pre_filter_msg: str = "", post_filter_msg: str = "") -> str:
    """FitError.Error(): ``0/N nodes are available:`` then the PreFilter message, or the
    reasons of every rejected node counted and sorted as strings (nodes without an explicit
    status count with ``absent``'s reasons), then the PostFilter message.

    With no nodes at all the scheduler fails with ErrNoNodesAvailable instead
    (schedule_one.go): ``no nodes available to schedule pods``."""
    if num_all_nodes == 0:
        return "no nodes available to schedule pods"
    msg = f"0/{num_all_nodes} nodes are available:"
    if pre_filter_msg:
        msg += f" {pre_filter_msg}."
    else:
        reasons: Counter = Counter()
        for st in statuses.values():
            for r in st.reasons:
                reasons[r] += 1
        if absent is not None and len(statuses) < num_all_nodes:
            for r in absent.reasons:
                reasons[r] += num_all_nodes - len(statuses)
        parts = sorted(f"{n} {r}" for r, n in reasons.items())
        if parts:
            msg += f" {', '.join(parts)}."
    if post_filter_msg:
        msg += f" {post_filter_msg}"
    return msg
