"""The scheduling queue (pkg/scheduler/backend/queue/scheduling_queue.go, backoff_queue.go).

Three places a pending pod can wait:

- **activeQ**, ordered by PrioritySort (higher priority first, then arrival);
- **backoffQ**, pods a cluster event made worth retrying while their back-off
  (1 s, doubling per failed attempt, at most 10 s: ``DefaultPodInitialBackoffDuration``,
  ``DefaultPodMaxBackoffDuration``, expiries truncated to the second) has not expired.
  With SchedulerPopFromBackoffQ (beta, on since 1.33) the scheduler takes from it as
  soon as activeQ is empty. Pods that failed with an error rather than a plugin
  rejection (no nodes at all) wait in the error back-off queue until it expires;
- **unschedulablePods**: pods plugins rejected. A cluster event moves one out only when
  a plugin that rejected it says the event may help (its queueing hint); otherwise it
  is retried when it has waited more than 5 minutes
  (``DefaultPodMaxInUnschedulablePodsDuration``), checked every 30 s
  (``flushUnschedulablePodsLeftover``). Each retry that fails records FailedScheduling again.
"""
from __future__ import annotations

import heapq
import itertools
import math

from .plugins.priority_sort import PrioritySort

__all__ = ["SchedulingQueue", "QueuedPod", "INITIAL_BACKOFF", "MAX_BACKOFF", "MAX_IN_UNSCHEDULABLE",
           "FLUSH_PERIOD"]

INITIAL_BACKOFF = 1       # seconds, DefaultPodInitialBackoffDuration
MAX_BACKOFF = 10          # seconds, DefaultPodMaxBackoffDuration
MAX_IN_UNSCHEDULABLE = 300  # seconds, DefaultPodMaxInUnschedulablePodsDuration
FLUSH_PERIOD = 30         # seconds, flushUnschedulablePodsLeftover's wait.Until period

ACTIVE, BACKOFF, ERROR_BACKOFF, UNSCHEDULABLE = "active", "backoff", "error-backoff", "unschedulable"


class QueuedPod:
    """QueuedPodInfo: the pod, when it (re)entered the queue, its failed attempts and rejectors."""

    __slots__ = ("pi", "timestamp", "seq", "unschedulable_count", "error_count", "plugins", "where", "token")

    def __init__(self, pi, timestamp, seq):
        self.pi = pi
        self.timestamp = timestamp
        self.seq = seq
        self.unschedulable_count = 0
        self.error_count = 0
        self.plugins: set = set()
        self.where = None
        self.token = 0

    @property
    def key(self):
        return self.pi.key

    def sort_key(self) -> tuple:
        return PrioritySort.sort_key(self.pi.priority, self.timestamp, self.seq)

    def backoff_expiration(self) -> float:
        """getBackoffTime: timestamp + 1 s x 2^(count-1), at most 10 s, truncated to the second."""
        count = self.error_count or self.unschedulable_count
        if count == 0:
            return -math.inf
        duration = MAX_BACKOFF if INITIAL_BACKOFF << (count - 1) > MAX_BACKOFF else INITIAL_BACKOFF << (count - 1)
        return math.floor(self.timestamp + duration)


class SchedulingQueue:
    def __init__(self):
        self._seq = itertools.count()
        self.pods: dict[tuple, QueuedPod] = {}
        self._active: list = []
        self._backoff: list = []
        self._error_backoff: list = []
        self.unschedulable: dict[tuple, QueuedPod] = {}

    def __len__(self) -> int:
        return len(self.pods)

    # ------------------------------------------------------------------ moves
    def _push(self, qp: QueuedPod, where: str) -> None:
        if qp.where == UNSCHEDULABLE:
            self.unschedulable.pop(qp.key, None)
        qp.where = where
        qp.token += 1
        if where == ACTIVE:
            heapq.heappush(self._active, (qp.sort_key(), qp.token, qp))
        elif where == BACKOFF:
            heapq.heappush(self._backoff, ((qp.backoff_expiration(),) + qp.sort_key(), qp.token, qp))
        elif where == ERROR_BACKOFF:
            heapq.heappush(self._error_backoff, ((qp.backoff_expiration(),) + qp.sort_key(), qp.token, qp))
        else:
            self.unschedulable[qp.key] = qp

    def add(self, pi, now) -> QueuedPod:
        """A new pending pod: straight to activeQ."""
        qp = self.pods.get(pi.key)
        if qp is None:
            qp = self.pods[pi.key] = QueuedPod(pi, now, next(self._seq))
        else:
            qp.pi = pi
        self._push(qp, ACTIVE)
        return qp

    def delete(self, key) -> None:
        qp = self.pods.pop(key, None)
        if qp is not None:
            self.unschedulable.pop(key, None)
            qp.where = None
            qp.token += 1

    def _valid(self, entry) -> bool:
        _, token, qp = entry
        return qp.token == token and self.pods.get(qp.key) is qp

    def pop(self):
        """Pop: activeQ first; when empty, backoffQ (SchedulerPopFromBackoffQ). None if both empty."""
        for heap in (self._active, self._backoff):
            while heap:
                entry = heapq.heappop(heap)
                if self._valid(entry):
                    qp = entry[2]
                    qp.where = None
                    qp.token += 1
                    return qp
        return None

    def is_backing_off(self, qp: QueuedPod, now) -> bool:
        return qp.backoff_expiration() >= math.floor(now)

    def requeue(self, qp: QueuedPod, now) -> None:
        """requeuePodWithQueueingStrategy(queueAfterBackoff)."""
        if self.is_backing_off(qp, now):
            self._push(qp, BACKOFF)
        else:
            self._push(qp, ACTIVE)

    def add_unschedulable(self, qp: QueuedPod, plugins: set, now) -> None:
        """AddUnschedulableIfNotPresent after a failed attempt: rejected by plugins -> the
        unschedulable pool; failed without a rejecting plugin (an error) -> error back-off."""
        if self.pods.get(qp.key) is not qp:
            return
        qp.timestamp = now
        qp.plugins = set(plugins)
        if not plugins:
            qp.error_count += 1
            self._push(qp, ERROR_BACKOFF)
        else:
            qp.unschedulable_count += 1
            qp.error_count = 0
            self._push(qp, UNSCHEDULABLE)

    def flush_error_backoff(self, now) -> bool:
        """flushBackoffQCompleted for pods that failed with an error: expired ones go to activeQ."""
        moved = False
        heap = self._error_backoff
        while heap and heap[0][0][0] <= now:
            entry = heapq.heappop(heap)
            if self._valid(entry):
                self._push(entry[2], ACTIVE)
                moved = True
        return moved

    def next_error_backoff(self):
        heap = self._error_backoff
        while heap and not self._valid(heap[0]):
            heapq.heappop(heap)
        return heap[0][0][0] if heap else None

    def flush_unschedulable_leftover(self, now) -> bool:
        """Pods unschedulable for more than 5 minutes are retried (EventUnschedulableTimeout)."""
        due = [qp for qp in self.unschedulable.values() if now - qp.timestamp > MAX_IN_UNSCHEDULABLE]
        due.sort(key=lambda q: q.sort_key())
        for qp in due:
            self.requeue(qp, now)
        return bool(due)

    def next_flush_time(self):
        """The first 30 s tick at which some unschedulable pod will have waited > 5 minutes."""
        if not self.unschedulable:
            return None
        oldest = min(qp.timestamp for qp in self.unschedulable.values())
        return FLUSH_PERIOD * (math.floor((oldest + MAX_IN_UNSCHEDULABLE) / FLUSH_PERIOD) + 1)

