"""kube-scheduler inside the simulated cluster (pkg/scheduler/{scheduler,schedule_one,eventhandlers}.go).

The cluster tells the scheduler what happens, as informers would: nodes added, changed or
deleted; pods created, bound, updated or gone (a pod that ends, Succeeded or Failed, is
gone for the scheduler: its informer never lists terminal pods). The scheduler keeps its
cache (nodes and assigned pods), its queue and, per pod, the last attempt.

One attempt (``schedule_one``) on a snapshot of the cache:

1. PreFilter; then, if the pod has a nominated node (after preemption), that node alone
   first; then Filter over the nodes starting at ``nextStartNodeIndex`` until
   ``numFeasibleNodesToFind`` nodes pass (all of them below 100 nodes) — with the node's
   nominated pods of equal or higher priority taken into account;
2. no node: PostFilter (preemption) and FailedScheduling with the FitError text, the pod
   back to the queue; one node: it; several: PreScore, Score, NormalizeScore, weights,
   and the highest total wins (ties broken by the cluster's seeded generator);
3. bind (``Cluster._bind``: Scheduled event, then the kubelet).

Each attempt keeps only what is needed to replay it (the cache version, the start index,
the pod as parsed, nominated pods): ``explain`` re-runs the cycle on that old snapshot and
records every plugin's verdict (``explain.py``).
"""
from __future__ import annotations

from .cache import SchedulerCache
from .framework import UNRESOLVABLE, CycleState, Status, fit_error_message, num_feasible_nodes_to_find
from .node_info import PodInfo, pod_key
from .priority import resolve_priority
from .profile import default_framework
from .queue import SchedulingQueue

__all__ = ["Scheduler", "Attempt"]

SCHEDULER_NAME = "default-scheduler"


class Attempt:
    """The last scheduling attempt of a pod: enough to replay it."""

    __slots__ = ("time", "version", "start", "pi", "nominated", "selected", "message")

    def __init__(self, time, version, start, pi, nominated):
        self.time = time
        self.version = version
        self.start = start
        self.pi = pi
        self.nominated = nominated
        self.selected = None
        self.message = None


class Handle:
    """What plugins may read (framework.Handle): the snapshot, listers over the store, the
    nominator, the random generator; and the preemption executor's actions."""

    def __init__(self, scheduler: "Scheduler"):
        self._s = scheduler
        self.framework = None
        self.current = None

    @property
    def rng(self):
        return self._s.cluster.rng

    def snapshot(self):
        return self.current if self.current is not None else self._s.cache.snapshot()

    def namespace_labels(self, namespace: str) -> dict:
        ns = self._s.cluster.store.get("Namespace", None, namespace)
        return dict((ns or {}).get("metadata", {}).get("labels") or {})

    def namespaces(self):
        return [(o["metadata"]["name"], o["metadata"].get("labels") or {})
                for o in self._s.cluster.store.list("Namespace")]

    def list_objects(self, kind: str, namespace: str | None = None) -> list:
        return self._s.cluster.store.list(kind, namespace)

    def get_object(self, kind: str, namespace: str, name: str):
        return self._s.cluster.store.get(kind, namespace, name)

    def assigned_pods(self):
        return list(self._s.cache.pods.values())

    def pod_start_time(self, key):
        worker = self._s.cluster._workers.get(key)
        return None if worker is None else worker.start_time

    def preempted_by_scheduler(self, key) -> bool:
        return key in self._s.preempted

    def nominated_pods(self, node_name: str):
        return self._s.nominated_for(node_name)

    def preempt(self, pod, node_name, victims) -> None:
        self._s.preempt(pod, node_name, victims)


class Scheduler:
    def __init__(self, cluster):
        self.cluster = cluster
        self.cache = SchedulerCache()
        self.queue = SchedulingQueue()
        self.handle = Handle(self)
        self.framework = default_framework(self.handle)
        self.next_start_node_index = 0
        self.attempts: dict[tuple, Attempt] = {}
        self.nominated: dict[tuple, tuple] = {}     # pod key -> (node, PodInfo)
        self.preempted: set = set()
        self._priorities: dict[str, tuple] = {}    # pod uid -> (priority, preemptionPolicy)
        self._in_flight = None   # cluster events seen while a pod is being scheduled
        self._run_timer = None
        self._flush_timer = None
        self._error_timer = None
        self._plugins_by_name = {p.name: p for p in self.framework.plugins}

    # ------------------------------------------------------------------ pod infos
    def pod_info(self, pod: dict) -> PodInfo:
        uid = pod["metadata"].get("uid") or ""
        prio = self._priorities.get(uid)
        if prio is None:
            prio = self._priorities[uid] = resolve_priority(pod.get("spec") or {},
                                                            self.cluster.store.list("PriorityClass"))
        return PodInfo(pod, prio[0], prio[1])

    def nominated_for(self, node_name: str):
        if not self.nominated:
            return ()
        return [pi for node, pi in self.nominated.values() if node == node_name]

    # ------------------------------------------------------------------ informer events
    def node_added(self, node: dict) -> None:
        ni = self.cache.add_node(node)
        self._move("NodeAdd", None, ni)

    def node_updated(self, node: dict) -> None:
        old, new = self.cache.update_node(node)
        self._move("NodeUpdate", old, new)

    def node_removed(self, name: str) -> None:
        old = self.cache.remove_node(name)
        if old is not None:
            self._move("NodeDelete", old, None)

    def pod_added(self, pod: dict) -> None:
        """A new pod without ``spec.nodeName``: into activeQ."""
        self.queue.add(self.pod_info(pod), self.cluster.now)
        self._kick()

    def pod_bound(self, pod: dict) -> PodInfo:
        """``spec.nodeName`` is set (by the scheduler or by the user): the pod counts on its node."""
        qp = self.queue.pods.get(pod_key(pod))
        if qp is not None and qp.pi.pod is pod:
            pi = qp.pi.bound_to(pod["spec"]["nodeName"])
        else:
            pi = self.pod_info(pod)
        self.queue.delete(pi.key)
        self.nominated.pop(pi.key, None)
        self.cache.add_pod(pi)
        self._move("AssignedPodAdd", None, pi)
        return pi

    def pod_updated(self, pod: dict) -> None:
        """Labels changed, or deletion started (``deletionTimestamp``)."""
        key = pod_key(pod)
        pi = self.pod_info(pod)
        if key in self.cache.pods:
            old = self.cache.update_pod(pi)
            if old is not None and old.labels != pi.labels:
                self._move("AssignedPodUpdate", old, pi)
            return
        qp = self.queue.pods.get(key)
        if qp is not None:
            qp.pi = pi
            if qp.where == "unschedulable":
                self.queue.requeue(qp, self.cluster.now)
                self._kick()

    def pod_gone(self, key: tuple) -> None:
        """Deleted, or terminal: it no longer counts, and pending pods may fit now."""
        self.attempts.pop(key, None)
        self.preempted.discard(key)
        self.nominated.pop(key, None)
        self.queue.delete(key)
        old = self.cache.remove_pod(key)
        if old is not None:
            self._move("AssignedPodDelete", old, None)

    def _worth_requeuing(self, qp, event: str, old, new) -> bool:
        """isPodWorthRequeuing: a plugin that rejected the pod registered the event and its hint says Queue."""
        plugins = self._plugins_by_name
        for name in qp.plugins:
            p = plugins.get(name)
            if p is not None and event in getattr(p, "EVENTS", ()) and p.queueing_hint(event, qp.pi, old, new):
                return True
        return False

    def _move(self, event: str, old, new) -> None:
        """MoveAllToActiveOrBackoffQueue: unschedulable pods a rejecting plugin's hint says may fit."""
        if self._in_flight is not None:
            self._in_flight.append((event, old, new))
        if not self.queue.unschedulable:
            return
        now = self.cluster.now
        moved = False
        for qp in sorted(self.queue.unschedulable.values(), key=lambda q: q.sort_key()):
            if self._worth_requeuing(qp, event, old, new):
                self.queue.requeue(qp, now)
                moved = True
        if moved:
            self._kick()

    # ------------------------------------------------------------------ the loop
    def _kick(self) -> None:
        if self._run_timer is None:
            self._run_timer = self.cluster.clock.at(self.cluster.now, self._run)

    def _run(self) -> None:
        self._run_timer = None
        store = self.cluster.store
        while True:
            qp = self.queue.pop()
            if qp is None:
                break
            pod = store.get("Pod", qp.key[0], qp.key[1])
            if pod is None or pod["spec"].get("nodeName") or pod["metadata"].get("deletionTimestamp"):
                self.queue.delete(qp.key)
                continue
            self.schedule_one(qp, pod)
        self._arm_timers()

    def _arm_timers(self) -> None:
        clock = self.cluster.clock
        t = self.queue.next_flush_time()
        if t is not None and (self._flush_timer is None or self._flush_timer.cancelled or self._flush_timer.time != t):
            if self._flush_timer is not None:
                self._flush_timer.cancel()
            self._flush_timer = clock.at(t, self._flush)
        t = self.queue.next_error_backoff()
        if t is not None and (self._error_timer is None or self._error_timer.cancelled or self._error_timer.time != t):
            if self._error_timer is not None:
                self._error_timer.cancel()
            self._error_timer = clock.at(t, self._flush_errors)

    def _flush(self) -> None:
        self._flush_timer = None
        if self.queue.flush_unschedulable_leftover(self.cluster.now):
            self._kick()
        self._arm_timers()

    def _flush_errors(self) -> None:
        self._error_timer = None
        if self.queue.flush_error_backoff(self.cluster.now):
            self._kick()
        self._arm_timers()

    # ------------------------------------------------------------------ one cycle
    def schedule_one(self, qp, pod: dict) -> None:
        pi = qp.pi  # refreshed by pod_updated whenever the pod changes
        snapshot = self.cache.snapshot()
        nominated: dict = {}
        for node, npi in self.nominated.values():
            nominated.setdefault(node, []).append(npi)
        attempt = Attempt(self.cluster.now, snapshot.version, self.next_start_node_index, pi, nominated)
        self.attempts[pi.key] = attempt
        self._maybe_prune()
        self._in_flight = []
        self.handle.current = snapshot
        try:
            result = self.run_cycle(pi, snapshot, attempt.start, nominated)
        finally:
            self.handle.current = None
        self.next_start_node_index = result["next_start"]
        if result["node"] is not None:
            self._in_flight = None
            attempt.selected = result["node"]
            self.cluster._bind(pod, result["node"], by_scheduler=True)
            return
        state = result["state"]
        message, nominated_node = result["message"], None
        if result["fit_error"] and self.framework.post_filter_plugins:
            self.handle.current = snapshot
            try:
                nominated_node, st = self.framework.run_post_filter(state, pi, result["statuses"], result["absent"],
                                                                    len(snapshot.nodes))
            finally:
                self.handle.current = None
            if st.message():
                message += " " + st.message()
        attempt.message = message
        self._record_failure(pod, pi, message, nominated_node)
        if nominated_node is not None:  # the next attempt tries the nominated node first
            qp.pi = self.nominated[pi.key][1] if nominated_node else self.pod_info(pod)
        events, self._in_flight = self._in_flight, None
        self.queue.add_unschedulable(qp, result["plugins"], self.cluster.now)
        # determineSchedulingHintForInFlightPod: an event during the attempt (a preempted victim
        # already gone, say) that may make the pod schedulable sends it back at once.
        if qp.where == "unschedulable" and any(self._worth_requeuing(qp, *e) for e in events):
            self.queue.requeue(qp, self.cluster.now)

    def _maybe_prune(self) -> None:
        """Keep the cache's history bounded: drop versions older than the oldest kept attempt."""
        cache = self.cache
        if cache.history_size() <= 4 * (len(cache.nodes) + len(self.attempts)) + 1000:
            return
        cache.prune(min((a.version for a in self.attempts.values()), default=cache.version))

    def run_cycle(self, pi, snapshot, start: int, nominated: dict, record: dict | None = None) -> dict:
        """findNodesThatFitPod + prioritizeNodes + selectHost; with ``record`` (explain) every
        plugin's Filter verdict and score is stored per node and no node is chosen at random."""
        fw = self.framework
        nodes_all = snapshot.nodes
        n_all = len(nodes_all)
        out = {"node": None, "statuses": {}, "absent": None, "message": None, "plugins": set(),
               "fit_error": False, "next_start": start, "state": None, "feasible": [], "totals": None}
        if n_all == 0:
            out["message"] = fit_error_message(0, {})
            return out
        state = CycleState()
        out["state"] = state
        pre_res, st, narrowed_by = fw.run_pre_filter(state, pi, snapshot)
        statuses = out["statuses"]
        if st is not None and not st.success:
            out["plugins"] = {st.plugin} if st.plugin else set()
            if record is not None:
                for ni in nodes_all:
                    record.setdefault(ni.name, {})[st.plugin or "PreFilter"] = st
            if not st.rejected:
                out["message"] = st.message()
                return out
            out["absent"] = st
            out["fit_error"] = True
            out["message"] = fit_error_message(n_all, {}, st, pre_filter_msg=st.message())
            return out
        nodes = nodes_all
        if pre_res is not None and pre_res.node_names is not None:
            nodes = [ni for ni in nodes_all if ni.name in pre_res.node_names]
            out["absent"] = Status(UNRESOLVABLE, f"node(s) didn't satisfy plugin(s) [{' '.join(narrowed_by)}]")
            out["plugins"].update(narrowed_by)
        feasible = None
        if pi.nominated_node and snapshot.get(pi.nominated_node) is not None:
            ni = snapshot.get(pi.nominated_node)
            rec = {} if record is not None else None
            status = fw.run_filter_with_nominated(state, pi, ni, nominated.get(ni.name), rec)
            if record is not None:
                record[ni.name] = rec
            if status is None:
                feasible = [ni]
            else:
                statuses[ni.name] = status
        if feasible is None:
            feasible = self._find_feasible(state, pi, nodes, start, nominated, statuses, record, snapshot)
            processed = len(feasible) + len(statuses)
            out["next_start"] = (start + processed) % n_all
        out["feasible"] = feasible
        for status in statuses.values():
            if status.plugin:
                out["plugins"].add(status.plugin)
        if not feasible:
            out["fit_error"] = True
            out["message"] = fit_error_message(n_all, statuses, out["absent"])
            return out
        if len(feasible) == 1:
            out["node"] = feasible[0].name
            return out
        fw.run_pre_score(state, pi, feasible, snapshot)
        scores = {} if record is not None else None
        totals = fw.run_score(state, pi, feasible, scores)
        out["totals"] = totals
        out["scores"] = scores
        best = max(totals)
        top = [ni.name for ni, t in zip(feasible, totals) if t == best]
        if record is None:
            out["node"] = top[0] if len(top) == 1 else self.cluster.rng.choice(sorted(top))
        else:
            out["top"] = top
        return out

    def _find_feasible(self, state, pi, nodes, start, nominated, statuses, record, snapshot):
        """findNodesThatPassFilters: from ``start``, until ``numFeasibleNodesToFind`` nodes pass.

        Outside an explanation, filters that say they pass every node of this snapshot
        (``passes_all``: no cordoned node, no NoSchedule taint, no ``nodeName``) are not called."""
        fw = self.framework
        n = len(nodes)
        want = num_feasible_nodes_to_find(n)
        feasible = []
        plugins = self._plugins_by_name
        filters = [(name, f) for name, f in state.filters
                   if not (getattr(plugins[name], "passes_all", None) and plugins[name].passes_all(pi, snapshot))]
        if len(filters) == 1 and record is None and not nominated:  # the common case, one call per node
            name, f = filters[0]
            for i in range(n):
                ni = nodes[(start + i) % n]
                status = f(state, pi, ni)
                if status is None:
                    feasible.append(ni)
                    if len(feasible) >= want:
                        break
                else:
                    status.plugin = name
                    statuses[ni.name] = status
            return feasible
        for i in range(n):
            ni = nodes[(start + i) % n]
            if record is not None or (nominated and ni.name in nominated):
                rec = {} if record is not None else None
                status = fw.run_filter_with_nominated(state, pi, ni, nominated.get(ni.name), rec)
                if record is not None:
                    record[ni.name] = rec
            else:
                status = None
                for name, f in filters:
                    status = f(state, pi, ni)
                    if status is not None:
                        status.plugin = name
                        break
            if status is None:
                feasible.append(ni)
                if len(feasible) >= want:
                    break
            else:
                statuses[ni.name] = status
        return feasible

    # ------------------------------------------------------------------ failure
    def _record_failure(self, pod: dict, pi: PodInfo, message: str, nominated_node) -> None:
        """handleSchedulingFailure: FailedScheduling event, PodScheduled=False, nominatedNodeName."""
        c = self.cluster
        key = pi.key
        ref = {"kind": "Pod", "name": key[1], "namespace": key[0], "uid": pod["metadata"]["uid"]}
        c._recorder.record(ref, "Warning", "FailedScheduling", message, source=SCHEDULER_NAME)
        status = pod.setdefault("status", {})
        cond = {"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                "lastTransitionTime": c.timestamp(c.now), "reason": "Unschedulable", "message": message}
        old = next((x for x in status.get("conditions") or () if x.get("type") == "PodScheduled"), None)
        if old is not None and old.get("status") == "False":
            cond["lastTransitionTime"] = old.get("lastTransitionTime")
        status["conditions"] = [x for x in status.get("conditions") or () if x.get("type") != "PodScheduled"] + [cond]
        if nominated_node is not None:
            if nominated_node:
                status["nominatedNodeName"] = nominated_node
                self.nominated[key] = (nominated_node, self.pod_info(pod))
            else:
                status.pop("nominatedNodeName", None)
                self.nominated.pop(key, None)
        c.store.put(pod)

    # ------------------------------------------------------------------ preemption
    def preempt(self, preemptor: PodInfo, node_name: str, victims) -> None:
        """The preemption executor: DisruptionTarget, graceful deletion and the Preempted event
        for each victim; lower-priority pods nominated to the node lose their nomination."""
        c = self.cluster
        for v in victims:
            pod = c.store.get("Pod", v.namespace, v.name)
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                continue
            worker = c._workers.get(v.key)
            if worker is not None:
                worker.conditions["DisruptionTarget"] = [
                    "True", c.now, "PreemptionByScheduler",
                    f"{SCHEDULER_NAME}: preempting to accommodate a higher priority pod"]
            self.preempted.add(v.key)
            c._recorder.record({"kind": "Pod", "name": v.name, "namespace": v.namespace, "uid": v.uid},
                               "Normal", "Preempted", f"Preempted by pod {preemptor.uid} on node {node_name}",
                               source=SCHEDULER_NAME)
            c._delete_pod(pod, False, None)
        for key, (node, pi) in list(self.nominated.items()):
            if node == node_name and pi.priority < preemptor.priority:
                del self.nominated[key]
                pod = c.store.get("Pod", key[0], key[1])
                if pod is not None:
                    pod.get("status", {}).pop("nominatedNodeName", None)

    # ------------------------------------------------------------------ explanation
    def explain(self, key: tuple):
        from .explain import explain_attempt

        attempt = self.attempts.get(key)
        if attempt is None:
            return None
        return explain_attempt(self, attempt)

