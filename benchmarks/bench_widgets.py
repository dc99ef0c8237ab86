"""Prints how long the kubectl printers and the widget renderers take on a busy simulated cluster.

    .venv/bin/python benchmarks/bench_widgets.py [pods]
"""
from __future__ import annotations

import sys
import time

from k8s_helpers import Cluster
from k8s_helpers.widgets.cluster_view import render_cluster_html
from k8s_helpers.widgets.probe_timeline import probe_timeline_svg, timeline_data

POD = """
apiVersion: v1
kind: Pod
metadata:
  name: web-{i}
  labels: {{app: web}}
  annotations:
    sim.k8s-course.io/startup-seconds: "{startup}"
spec:
  containers:
  - name: web
    image: nginx:1.27
    resources: {{requests: {{cpu: 10m, memory: 16Mi}}}}
    startupProbe: {{httpGet: {{path: /status, port: 80}}, initialDelaySeconds: 10, periodSeconds: 5, failureThreshold: 6}}
    livenessProbe: {{httpGet: {{path: /status, port: 80}}, periodSeconds: 5}}
    readinessProbe: {{httpGet: {{path: /ready, port: 80}}, periodSeconds: 5}}
"""


def timed(label, fn, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    print(f"{label:<45} {best * 1000:8.1f} ms  ({len(out):,} chars)")


def main(pods: int = 500) -> None:
    c = Cluster.kind(workers=10, cpu="64", memory="256Gi")
    c.apply("\n---\n".join(POD.format(i=i, startup=20 if i % 10 else 100) for i in range(pods)))
    t0 = time.perf_counter()
    c.run(seconds=600)
    print(f"{pods} pods, 600 s simulated in {time.perf_counter() - t0:.2f} s; "
          f"{len(c.events())} event occurrences, {len(c.probe_results(namespace=None))} probe results")
    timed("kubectl get pods -o wide", lambda: c.kubectl("get pods -o wide"))
    timed("kubectl get events", lambda: c.kubectl("get events"))
    timed("kubectl describe pod web-0", lambda: c.kubectl("describe pod web-0"))
    timed("kubectl describe node kind-worker", lambda: c.kubectl("describe node kind-worker"))
    timed("render_cluster_html", lambda: render_cluster_html(c))
    timed("probe_timeline_svg(web-0)", lambda: probe_timeline_svg(timeline_data(c, "web-0")))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
