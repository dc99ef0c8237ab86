"""PrioritySort (plugins/queuesort/priority_sort.go): the scheduling queue's order.

Higher ``spec.priority`` first; equal priorities in the order they entered the queue
(the QueuedPodInfo timestamp).
"""
from __future__ import annotations

__all__ = ["PrioritySort"]


class PrioritySort:
    name = "PrioritySort"

    @staticmethod
    def sort_key(priority: int, timestamp: float, seq: int) -> tuple:
        return (-priority, timestamp, seq)
