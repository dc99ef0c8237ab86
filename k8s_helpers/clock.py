"""A discrete-event clock on virtual time (architecture property 4).

Time jumps from one due event to the next: the queue is a heap of
``(time, sequence, callback)``, so an hour of a 2,000-pod cluster costs one
heap operation per probe or state change, never one step per second per pod.
Events due at the same instant run in the order they were scheduled
(the sequence number), which makes every run reproducible.
"""
from __future__ import annotations

import heapq
import itertools

__all__ = ["Clock", "Timer"]


class Timer:
    """Handle of a scheduled callback; ``cancel()`` drops it (lazily)."""

    __slots__ = ("time", "fn", "args", "cancelled")

    def __init__(self, time, fn, args):
        self.time = time
        self.fn = fn
        self.args = args
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class Clock:
    """Virtual seconds since the cluster started, and the queue of due work."""

    def __init__(self) -> None:
        self.now = 0
        self._heap: list = []
        self._seq = itertools.count()
        self.processed = 0  # callbacks run so far (benchmarks report events/s)

    def at(self, time, fn, *args) -> Timer:
        """Run ``fn(*args)`` at virtual ``time`` (never earlier than now)."""
        if time < self.now:
            time = self.now
        timer = Timer(time, fn, args)
        heapq.heappush(self._heap, (time, next(self._seq), timer))
        return timer

    def after(self, delay, fn, *args) -> Timer:
        """Run ``fn(*args)`` ``delay`` seconds from now."""
        return self.at(self.now + delay, fn, *args)

    def next_time(self):
        """Time of the next live event, or None."""
        heap = self._heap
        while heap and heap[0][2].cancelled:
            heapq.heappop(heap)
        return heap[0][0] if heap else None

    def run_until(self, end) -> None:
        """Run every event due at or before ``end`` in (time, sequence) order, then set now = end."""
        heap = self._heap
        pop = heapq.heappop
        processed = 0
        while heap and heap[0][0] <= end:
            time, _, timer = pop(heap)
            if timer.cancelled:
                continue
            self.now = time
            timer.cancelled = True  # a fired timer cannot be cancelled again
            timer.fn(*timer.args)
            processed += 1
        self.processed += processed
        if end > self.now:
            self.now = end

    def __len__(self) -> int:
        return sum(1 for _, _, t in self._heap if not t.cancelled)
