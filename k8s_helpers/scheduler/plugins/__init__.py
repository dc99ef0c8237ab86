"""Scheduler plugins, one per file, named like kube-scheduler's (SCH-2)."""
