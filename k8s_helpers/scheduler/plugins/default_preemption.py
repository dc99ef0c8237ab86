"""DefaultPreemption (plugins/defaultpreemption/default_preemption.go, framework/preemption/).

PostFilter when no node fits:

1. ``PodEligibleToPreemptOthers``: not with ``preemptionPolicy: Never``
   (``not eligible due to preemptionPolicy=Never.``), nor while a lower-priority pod that
   the scheduler preempted is still terminating on the pod's nominated node
   (``not eligible due to a terminating pod on the nominated node.``).
2. Candidates: only nodes rejected as Unschedulable (UnschedulableAndUnresolvable ones,
   e.g. taints or node affinity, never help). Dry run on each, starting at a random
   offset, until enough candidates (10 % of them, at least 100) with at least one that
   violates no PodDisruptionBudget: ``SelectVictimsOnNode`` removes every pod of lower
   priority, checks that the pod then fits (else that node's Filter reason is kept), and
   gives pods back, most important first (higher priority, then earlier start), as long
   as the pod still fits; PDB-violating pods are given back first. A node without
   lower-priority pods: ``No preemption victims found for incoming pod``.
3. The best candidate (``pickOneNodeForPreemption``): fewest PDB violations, then the
   lowest highest-victim priority, the lowest sum of priorities, the fewest victims, the
   latest start of the highest-priority victims.
4. Victims get the DisruptionTarget condition (``PreemptionByScheduler``) and are deleted
   gracefully; each gets a Normal ``Preempted`` event ``Preempted by pod <uid> on node
   <node>`` from default-scheduler. The pod is nominated to the node
   (``status.nominatedNodeName``) and lower-priority pods nominated there lose it.

When no candidate exists the message is a FitError of its own, prefixed ``preemption:``:
``preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod,
3 Preemption is not helpful for scheduling.``

PodDisruptionBudgets: ``status.disruptionsAllowed`` when present; the simulator has no
disruption controller yet, so without a status it is computed as that controller would
for pods it can count: healthy (Running and Ready... here: bound, not terminating) pods
selected minus the required ones (``minAvailable``, or selected pods minus
``maxUnavailable``; percentages rounded up).
"""
from __future__ import annotations

import math

from k8s_helpers.api.labels import SelectorError, label_selector_to_selector

from ..framework import SUCCESS, UNRESOLVABLE, UNSCHEDULABLE, Status, fit_error_message

__all__ = ["DefaultPreemption", "disruptions_allowed", "REASON_NO_VICTIMS", "REASON_NOT_HELPFUL"]

REASON_NO_VICTIMS = "No preemption victims found for incoming pod"
REASON_NOT_HELPFUL = "Preemption is not helpful for scheduling"
MIN_CANDIDATE_NODES_PERCENTAGE = 10
MIN_CANDIDATE_NODES_ABSOLUTE = 100


def _int_or_percent(value, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value or 0)


def disruptions_allowed(pdb: dict, pods) -> int:
    """status.disruptionsAllowed, or what the disruption controller would compute (see module doc)."""
    status = pdb.get("status") or {}
    if "disruptionsAllowed" in status:
        return int(status["disruptionsAllowed"])
    try:
        sel = label_selector_to_selector((pdb.get("spec") or {}).get("selector"))
    except SelectorError:
        return 0
    ns = pdb["metadata"].get("namespace") or "default"
    selected = [p for p in pods if p.namespace == ns and sel.matches(p.labels)]
    healthy = sum(1 for p in selected if not p.terminating)
    spec = pdb.get("spec") or {}
    if spec.get("maxUnavailable") is not None:
        desired = len(selected) - _int_or_percent(spec["maxUnavailable"], len(selected))
    else:
        desired = _int_or_percent(spec.get("minAvailable", 0), len(selected))
    return max(0, healthy - desired)


class _Budget:
    __slots__ = ("namespace", "selector", "allowed", "disrupted")

    def __init__(self, pdb: dict, pods):
        self.namespace = pdb["metadata"].get("namespace") or "default"
        try:
            self.selector = label_selector_to_selector((pdb.get("spec") or {}).get("selector"))
        except SelectorError:
            self.selector = None
        self.allowed = disruptions_allowed(pdb, pods)
        self.disrupted = set(((pdb.get("status") or {}).get("disruptedPods") or {}))


def filter_pods_with_pdb_violation(victims, budgets):
    """filterPodsWithPDBViolation: (violating, non-violating), keeping the given order."""
    allowed = [b.allowed for b in budgets]
    violating, ok = [], []
    for v in victims:
        bad = False
        if v.labels:
            for i, b in enumerate(budgets):
                if b.namespace != v.namespace or b.selector is None:
                    continue
                if b.selector.empty() or not b.selector.matches(v.labels):
                    continue
                if v.name in b.disrupted:
                    continue
                allowed[i] -= 1
                if allowed[i] < 0:
                    bad = True
        (violating if bad else ok).append(v)
    return violating, ok


class DefaultPreemption:
    name = "DefaultPreemption"

    def __init__(self, handle=None):
        self.handle = handle

    # ------------------------------------------------------------------ helpers
    def _start(self, pi):
        t = self.handle.pod_start_time(pi.key) if self.handle is not None else None
        return math.inf if t is None else t

    def _more_important_key(self, pi):
        """util.MoreImportantPod as a sort key: higher priority, then earlier start."""
        return (-pi.priority, self._start(pi))

    def eligible(self, pod, statuses) -> tuple[bool, str]:
        if pod.preemption_policy == "Never":
            return False, "not eligible due to preemptionPolicy=Never."
        nom = pod.nominated_node
        if nom:
            st = statuses.get(nom)
            if st is not None and st.code == UNRESOLVABLE:
                return True, ""
            ni = self.handle.snapshot().get(nom)
            if ni is not None:
                for p in ni.pods:
                    if p.priority < pod.priority and p.terminating and self.handle.preempted_by_scheduler(p.key):
                        return False, "not eligible due to a terminating pod on the nominated node."
        return True, ""

    # ------------------------------------------------------------------ PostFilter
    def post_filter(self, state, pod, statuses: dict, absent, num_all_nodes: int):
        ok, msg = self.eligible(pod, statuses)
        if not ok:
            return None, Status(UNSCHEDULABLE, "preemption: " + msg)
        snapshot = self.handle.snapshot()
        potential = [ni for ni in snapshot.nodes
                     if (statuses[ni.name].code == UNSCHEDULABLE if ni.name in statuses
                         else absent is not None and absent.code == UNSCHEDULABLE)]
        node_statuses: dict = {}
        candidates = []
        if potential:
            budgets = [_Budget(p, self.handle.assigned_pods()) for p in self.handle.list_objects("PodDisruptionBudget")]
            n = len(potential)
            offset = self.handle.rng.randrange(n)
            wanted = min(max(n * MIN_CANDIDATE_NODES_PERCENTAGE // 100, MIN_CANDIDATE_NODES_ABSOLUTE), n)
            non_violating, violating = [], []
            for i in range(n):
                ni = potential[(offset + i) % n].clone()
                st2 = state.clone()
                victims, n_violations, status = self.select_victims_on_node(st2, pod, ni, budgets)
                if status.success and victims:
                    (non_violating if n_violations == 0 else violating).append((ni.name, victims, n_violations))
                    if non_violating and len(non_violating) + len(violating) >= wanted:
                        break
                    continue
                node_statuses[ni.name] = status
            candidates = non_violating + violating
        if not candidates:
            msg = fit_error_message(len(snapshot.nodes), node_statuses, Status(UNRESOLVABLE, REASON_NOT_HELPFUL))
            return "", Status(UNSCHEDULABLE, "preemption: " + msg)
        name, victims = self.pick_one(candidates)
        self.handle.preempt(pod, name, victims)
        return name, Status(SUCCESS)

    def select_victims_on_node(self, state, pod, ni, budgets):
        """SelectVictimsOnNode on a copy of the node: (victims, PDB violations, Status)."""
        fw = self.handle.framework
        potential = [p for p in ni.pods if p.priority < pod.priority]
        for p in potential:
            ni.remove_pod(p)
            fw.run_pre_filter_remove_pod(state, pod, p, ni)
        if not potential:
            return [], 0, Status(UNRESOLVABLE, REASON_NO_VICTIMS)
        nominated = self.handle.nominated_pods(ni.name)
        st = fw.run_filter_with_nominated(state, pod, ni, nominated)
        if st is not None:
            return [], 0, st
        potential.sort(key=self._more_important_key)
        violating, non_violating = filter_pods_with_pdb_violation(potential, budgets)
        victims = []
        n_violating = 0

        def reprieve(p) -> bool:
            ni.add_pod(p)
            fw.run_pre_filter_add_pod(state, pod, p, ni)
            if fw.run_filter_with_nominated(state, pod, ni, nominated) is None:
                return True
            ni.remove_pod(p)
            fw.run_pre_filter_remove_pod(state, pod, p, ni)
            victims.append(p)
            return False

        for p in violating:
            if not reprieve(p):
                n_violating += 1
        for p in non_violating:
            reprieve(p)
        if violating and non_violating:
            victims.sort(key=self._more_important_key)
        return victims, n_violating, Status(SUCCESS)

    def pick_one(self, candidates):
        """pickOneNodeForPreemption; candidates are (node, victims, violations)."""
        if len(candidates) == 1:
            return candidates[0][0], candidates[0][1]

        def earliest_start(victims):
            top = max(v.priority for v in victims)
            return min(self._start(v) for v in victims if v.priority == top)

        scorers = (
            lambda c: -c[2],
            lambda c: -c[1][0].priority,
            lambda c: -sum(v.priority + 2 ** 31 for v in c[1]),
            lambda c: -len(c[1]),
            lambda c: earliest_start(c[1]),
        )
        pool = list(candidates)
        for f in scorers:
            best = max(f(c) for c in pool)
            pool = [c for c in pool if f(c) == best]
            if len(pool) == 1:
                break
        return pool[0][0], pool[0][1]
