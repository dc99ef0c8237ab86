"""NodeResourcesFit (filter, LeastAllocated score) and NodeResourcesBalancedAllocation, with the
cases and expected numbers of kube-scheduler 1.36's tables
(pkg/scheduler/framework/plugins/noderesources/fit_test.go TestEnoughRequests,
least_allocated_test.go, balanced_allocation_test.go)."""
from __future__ import annotations

import pytest

from k8s_helpers.scheduler.framework import UNRESOLVABLE, UNSCHEDULABLE
from k8s_helpers.scheduler.plugins.balanced_allocation import BalancedAllocation
from k8s_helpers.scheduler.plugins.node_resources_fit import NodeResourcesFit
from scheduler_support import make_node, make_pod, run_filter, run_score


def res(cpu_m=0, mem=0, ext=None):
    out = {}
    if cpu_m is not None:
        out["cpu"] = f"{cpu_m}m"
    if mem is not None:
        out["memory"] = str(mem)
    if ext is not None:
        out["example.com/aaa"] = str(ext)
    return out


# ------------------------------------------------------------------ fit_test.go TestEnoughRequests
# makeAllocatableResources(10, 20, 32, 5, 20, 5): 10m cpu, 20 bytes, 32 pods, 5 example.com/aaa.
NODE_CAP = {"cpu": "10m", "memory": "20", "example.com/aaa": "5", "ephemeral-storage": "20"}
CPU, MEM, EXT = "Insufficient cpu", "Insufficient memory", "Insufficient example.com/aaa"

ENOUGH = [
    # (name, pod requests, pod init requests, existing pod requests, expected reasons, unresolvable)
    ("no resources requested always fits", [], [], [res(10, 20)], None, False),
    ("too many resources fails", [res(1, 1)], [], [res(10, 20)], [CPU, MEM], False),
    ("too many resources fails due to init container cpu", [res(1, 1)], [res(3, 1)], [res(8, 19)], [CPU], False),
    ("too many resources fails due to highest init container cpu", [res(1, 1)], [res(3, 1), res(2, 1)],
     [res(8, 19)], [CPU], False),
    ("too many resources fails due to init container memory", [res(1, 1)], [res(1, 3)], [res(9, 19)], [MEM], False),
    ("too many resources fails due to highest init container memory", [res(1, 1)], [res(1, 3), res(1, 2)],
     [res(9, 19)], [MEM], False),
    ("init container fits because it's the max, not sum", [res(1, 1)], [res(1, 1)], [res(9, 19)], None, False),
    ("multiple init containers fit because it's the max, not sum", [res(1, 1)], [res(1, 1), res(1, 1)],
     [res(9, 19)], None, False),
    ("both resources fit", [res(1, 1)], [], [res(5, 5)], None, False),
    ("one resource memory fits", [res(2, 1)], [], [res(9, 5)], [CPU], False),
    ("one resource cpu fits", [res(1, 2)], [], [res(5, 19)], [MEM], False),
    ("equal edge case", [res(5, 1)], [], [res(5, 19)], None, False),
    ("equal edge case for init container", [res(4, 1)], [res(5, 1)], [res(5, 19)], None, False),
    ("extended resource fits", [res(None, None, ext=1)], [], [], None, False),
    ("extended resource capacity enforced", [res(None, None, ext=10)], [], [], [EXT], True),
    ("extended resource allocatable enforced", [res(None, None, ext=1)], [],
     [res(None, None, ext=5)], [EXT], False),
    ("extended resource allocatable enforced for init container", [], [res(None, None, ext=1)],
     [res(None, None, ext=5)], [EXT], False),
    ("cpu larger than the whole node: unresolvable", [res(11, 1)], [], [], [CPU], True),
]


@pytest.mark.parametrize("name, reqs, init, existing, reasons, unresolvable", ENOUGH, ids=[c[0] for c in ENOUGH])
def test_enough_requests(name, reqs, init, existing, reasons, unresolvable):
    node = make_node("machine1", capacity=NODE_CAP)
    pods = [make_pod(node="machine1", reqs=[e]) for e in existing]
    got = run_filter(NodeResourcesFit(), make_pod(reqs=reqs, init_reqs=init), [node], pods)["machine1"]
    if reasons is None:
        assert got is None
    else:
        assert got.reasons == reasons
        assert got.code == (UNRESOLVABLE if unresolvable else UNSCHEDULABLE)


def test_too_many_pods_comes_first():
    # fitsRequest checks the pod count before any resource.
    node = make_node("n", capacity=NODE_CAP, pods=1)
    got = run_filter(NodeResourcesFit(), make_pod(reqs=[res(20, 1)]), [node], [make_pod(node="n")])["n"]
    assert got.reasons == ["Too many pods", CPU]


# ------------------------------------------------------------------ least_allocated_test.go
def cap(cpu, mem):
    return {"cpu": str(cpu), "memory": str(mem)}


def req(cpu, mem=None):
    out = {"cpu": str(cpu)}
    if mem is not None:
        out["memory"] = str(mem)
    return out


LEAST = [
    ("nothing scheduled, nothing requested", [], [cap(4000, 10000), cap(4000, 10000)], [], [100, 100]),
    ("nothing scheduled, resources requested, differently sized nodes", [req(1000, 2000), req(2000, 3000)],
     [cap(4000, 10000), cap(6000, 10000)], [], [37, 50]),
    ("no resources requested, pods scheduled", [], [cap(4000, 10000), cap(4000, 10000)],
     [("node1", []), ("node1", []), ("node2", []), ("node2", [])], [100, 100]),
    ("no resources requested, pods scheduled with resources", [], [cap(10000, 20000), cap(10000, 20000)],
     [("node1", [req(3000, 0)]), ("node1", [req(3000, 0)]), ("node2", [req(3000, 0)]),
      ("node2", [req(3000, 5000)])], [70, 57]),
    ("resources requested, pods scheduled with resources", [req(1000, 2000), req(2000, 3000)],
     [cap(10000, 20000), cap(10000, 20000)], [("node1", [req(3000, 0)]), ("node2", [req(3000, 5000)])], [57, 45]),
    ("resources requested, pods scheduled with resources, differently sized nodes",
     [req(1000, 2000), req(2000, 3000)], [cap(10000, 20000), cap(10000, 50000)],
     [("node1", [req(3000, 0)]), ("node2", [req(3000, 5000)])], [57, 60]),
    ("requested resources exceed node capacity", [req(3000, 0)], [cap(4000, 10000), cap(4000, 10000)],
     [("node1", [req(3000, 0)]), ("node2", [req(3000, 5000)])], [50, 25]),
    ("zero node resources, pods scheduled with resources", [], [None, None],
     [("node1", [req(3000, 0)]), ("node2", [req(3000, 5000)])], [0, 0]),
]


@pytest.mark.parametrize("name, pod_reqs, caps, existing, expected", LEAST, ids=[c[0] for c in LEAST])
def test_least_allocated(name, pod_reqs, caps, existing, expected):
    nodes = [make_node(f"node{i + 1}", capacity=c) for i, c in enumerate(caps)]
    pods = [make_pod(node=n, reqs=r) for n, r in existing]
    got = run_score(NodeResourcesFit(), make_pod(reqs=pod_reqs), nodes, pods)
    assert list(got.values()) == expected


def test_least_allocated_counts_default_requests_for_containers_without_them():
    # SCH-3: a container without requests counts 100m / 200Mi for scoring only.
    nodes = [make_node("n", capacity={"cpu": "1", "memory": "1000Mi"})]
    pod = make_pod(images=["nginx"])  # one container, no requests
    assert run_score(NodeResourcesFit(), pod, nodes) == {"n": (90 + 80) // 2}


# ------------------------------------------------------------------ balanced_allocation_test.go
def mnode(name, milli_cpu, memory):
    return make_node(name, capacity={"cpu": f"{milli_cpu}m", "memory": str(memory)})


def cm(cpu, mem):
    return {"cpu": cpu, "memory": mem}


BALANCED = [
    ("nothing scheduled, resources requested, differently sized nodes", [cm("1000m", "2000"), cm("2000m", "3000")],
     [("node1", 4000, 10000), ("node2", 6000, 10000)], [], [68, 75]),
    ("resources requested, pods scheduled with resources", [cm("1000m", "2000"), cm("2000m", "3000")],
     [("node1", 10000, 20000), ("node2", 10000, 20000)],
     [("node1", [{"cpu": "1000m"}, {"cpu": "2000m"}]), ("node2", [cm("1000m", "2000"), cm("2000m", "3000")])],
     [73, 74]),
    ("resources requested, pods scheduled with resources, differently sized nodes",
     [cm("1000m", "2000"), cm("2000m", "3000")], [("node1", 10000, 20000), ("node2", 10000, 50000)],
     [("node1", [{"cpu": "1000m"}, {"cpu": "2000m"}]), ("node2", [cm("1000m", "2000"), cm("2000m", "3000")])],
     [73, 70]),
    ("resources requested, pods scheduled with resources, nodes to reach min/max score",
     [{"memory": "2000"}, {"memory": "3000"}], [("node1", 3000, 5000), ("node2", 3000, 5000)],
     [("node1", [{"cpu": "1000m"}, {"cpu": "2000m"}])], [100, 50]),
    ("requested resources at node capacity", [{"cpu": "1000m"}, {"cpu": "2000m"}],
     [("node1", 6000, 10000), ("node2", 6000, 10000)],
     [("node1", [{"cpu": "1000m"}, {"cpu": "2000m"}]), ("node2", [cm("1000m", "2000"), cm("2000m", "3000")])],
     [62, 62]),
    ("scalar resource is not included if the pod does not request it", [cm("1000m", "2000"), cm("2000m", "3000")],
     [("node1", 3500, 40000), ("node2", 3500, 40000)], [], [56, 56]),
]


@pytest.mark.parametrize("name, pod_reqs, nodes, existing, expected", BALANCED, ids=[c[0] for c in BALANCED])
def test_balanced_allocation(name, pod_reqs, nodes, existing, expected):
    ns = [mnode(*n) for n in nodes]
    pods = [make_pod(node=n, reqs=r) for n, r in existing]
    got = run_score(BalancedAllocation(), make_pod(reqs=pod_reqs), ns, pods)
    assert list(got.values()) == expected


def test_balanced_allocation_skips_best_effort_pods():
    nodes = [mnode("node1", 4000, 10000), mnode("node2", 4000, 10000)]
    assert run_score(BalancedAllocation(), make_pod(), nodes) is None
