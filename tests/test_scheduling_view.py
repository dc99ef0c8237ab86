"""The scheduling explanation widget: node x plugin table, winner and rejected nodes."""
from __future__ import annotations

import re

from k8s_helpers import Cluster
from k8s_helpers.widgets.scheduling_view import SchedulingView, filter_words, scheduling_table_html
from test_scheduler_profile import REGLAS, notes_cluster, pod


def test_table_of_the_notes_example_highlights_nodo2():
    c = notes_cluster(0)
    c.apply(pod("mi-wp-nuevo", {"app": "mi-wp"}, affinity=REGLAS))
    c.run(0)
    html = scheduling_table_html(c.explain_scheduling("mi-wp-nuevo"))
    assert "fue al nodo <b>nodo2</b>" in html
    rows = re.findall(r'<tr class="([^"]*)" data-node="([^"]+)"', html)
    assert rows[0] == ("k8s-sched-winner", "nodo2")
    assert {n for _, n in rows} == {"nodo1", "nodo2", "nodo3", "nodo4"}
    assert "<th" in html and "InterPodAffinity" in html
    # The winner's InterPodAffinity cell: 200 = 100 normalised x weight 2.
    assert 'title="bruto 100, normalizado 100 × peso 2">200' in html


def test_rejected_nodes_in_spanish_next_to_the_english_reason():
    c = Cluster.kind(workers=1, cpu="1")
    c.apply(pod("grande", requests={"cpu": "2"}))
    c.run(0)
    html = scheduling_table_html(c.explain_scheduling("grande"))
    assert "sigue <b>Pending</b>" in html
    assert 'class="k8s-sched-failed" data-node="kind-control-plane"' in html
    assert "tiene un taint que el pod no tolera" in html and "<code>node(s) had untolerated taint(s)</code>" in html
    assert "no le queda CPU para los requests" in html and "<code>Insufficient cpu</code>" in html
    assert "FailedScheduling: <code>0/2 nodes are available:" in html


def test_filter_words():
    assert filter_words("NodeResourcesFit", "Insufficient cpu, Insufficient memory") == (
        "no le queda CPU para los requests; no le queda memoria para los requests")
    assert filter_words("NodePorts", "something new") == "puertos del host"


def test_widget_renders_and_refreshes():
    c = Cluster(seed=0)
    c.add_node("a")
    view = SchedulingView(c, "web")
    assert "no existe" in view.table_html.value
    c.apply(pod("web"))
    c.run(0)
    view.refresh()
    assert "fue al nodo <b>a</b>" in view.table_html.value
    assert "k8s-scheduling-view" in view._dom_classes
