"""Service networking speed: prints figures (no assertions).

1. kube-proxy rules sync: N Services x 10 endpoints (10 pods each, spread over 3 nodes):
   EndpointSlice computation, ``sync_proxy_rules`` for one node, ``iptables-save`` rendering,
   and one new connection walked through the rules; for N = 100 and 1,000.
2. A 50 x 50 connectivity matrix (50 pods in 5 namespaces) under 20 NetworkPolicies:
   the indexed matrix next to calling ``allowed()`` for each of the 2,500 pairs.
3. 1,000 HTTP requests from outside through the ingress-nginx NodePort -> Ingress ->
   Service -> 10 whoami pods (``curl.request``), wall time and per request; plus the
   snapshot (``NetworkState``) build they share.

Run: ``.venv/bin/python benchmarks/bench_network.py [--services N] [--requests N] [--repeat N]``
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from k8s_helpers.api.defaults import default_service  # noqa: E402
from k8s_helpers.network.curl import request  # noqa: E402
from k8s_helpers.network.endpointslices import desired_slices  # noqa: E402
from k8s_helpers.network.kube_proxy import sync_proxy_rules  # noqa: E402
from k8s_helpers.network.network_policy import allowed, connectivity_matrix  # noqa: E402
from k8s_helpers.network.service_ips import ServiceRegistry  # noqa: E402
from network_support import NODES, MiniCluster, node, pod  # noqa: E402


def timed(fn, repeat: int, first: bool = False):
    """Median wall time of ``repeat`` runs (and the first run's, when ``first``)."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    if first:
        return times[0], statistics.median(times), result
    return statistics.median(times), result


def services_and_slices(n: int):
    registry = ServiceRegistry(rng=random.Random(0))
    nodes = [node(*x) for x in NODES]
    services, pods = [], []
    for i in range(n):
        svc = default_service({"metadata": {"name": f"svc-{i}", "namespace": "default", "uid": f"u{i}"},
                               "spec": {"selector": {"app": f"app-{i}"},
                                        "ports": [{"name": "http", "port": 80, "targetPort": 8080}]}})
        services.append(registry.allocate(svc))
        for j in range(10):
            k = i * 10 + j
            n_name, _, cidr, _ = NODES[k % 3]
            pods.append(pod(f"app-{i}-{j}", f"10.{244 + k // 60000}.{(k // 250) % 256}.{k % 250 + 2}", n_name,
                            labels={"app": f"app-{i}"}))
    by_app: dict = {}
    for p in pods:
        by_app.setdefault(p["metadata"]["labels"]["app"], []).append(p)
    t0 = time.perf_counter()
    slices = []
    for i, s in enumerate(services):
        slices += desired_slices(s, by_app[f"app-{i}"], nodes, rng=random.Random(i))
    slice_time = time.perf_counter() - t0
    return services, slices, nodes, slice_time


def bench_rules(sizes, repeat: int) -> None:
    print("1. kube-proxy (iptables mode) for one node, N Services x 10 endpoints")
    print("   (sync: first run, then the median of the repeats, when chain-name hashes are cached as")
    print("    a resync finds them)")
    print(f"   {'services':>8} {'endpoints':>9} {'slices s':>9} {'sync s':>15} {'render s':>9} {'nat rules':>9} "
          f"{'connect ms':>10}")
    for n in sizes:
        services, slices, nodes, slice_time = services_and_slices(n)
        first, sync_time, rules = timed(lambda: sync_proxy_rules(services, slices, nodes[1]), repeat, first=True)
        render_time, text = timed(rules.render, repeat)
        nat_rules = sum(len(r) for r in rules.tables["nat"].values())
        rng = random.Random(1)
        targets = [(s["spec"]["clusterIP"]) for s in services]
        t0 = time.perf_counter()
        for ip in targets[:200]:
            rules.connect("10.244.1.200", ip, 80, rng=rng)
        connect_ms = (time.perf_counter() - t0) / min(200, len(targets)) * 1000
        sync = f"{first:.3f} / {sync_time:.3f}"
        print(f"   {n:>8} {n * 10:>9} {slice_time:>9.3f} {sync:>15} {render_time:>9.3f} {nat_rules:>9} "
              f"{connect_ms:>10.3f}")
        del text


def bench_matrix(repeat: int) -> None:
    rng = random.Random(5)
    namespaces = {f"ns{i}": {"team": "a" if i % 2 else "b"} for i in range(5)}
    pods = []
    for i in range(50):
        ns = f"ns{i % 5}"
        pods.append({"metadata": {"name": f"p{i}", "namespace": ns,
                                  "labels": {"app": f"app{i % 7}", "tier": ["web", "api", "db"][i % 3]}},
                     "spec": {"containers": [{"ports": [{"name": "http", "containerPort": 80}]}]},
                     "status": {"podIP": f"10.244.{i // 200}.{i % 200 + 2}"}})
    policies = []
    for k in range(20):
        ns = f"ns{k % 5}"
        peer = rng.choice([{"podSelector": {"matchLabels": {"tier": "web"}}},
                           {"namespaceSelector": {"matchLabels": {"team": "a"}}},
                           {"namespaceSelector": {"matchLabels": {"team": "b"}},
                            "podSelector": {"matchLabels": {"tier": "api"}}},
                           {"ipBlock": {"cidr": "10.244.0.0/24", "except": ["10.244.0.0/28"]}}])
        spec = {"podSelector": {"matchLabels": {"app": f"app{k % 7}"}},
                "ingress": [{"from": [peer], "ports": [{"port": 80}, {"port": 8000, "endPort": 9000}]}]}
        if k % 4 == 0:
            spec["policyTypes"] = ["Ingress", "Egress"]
            spec["egress"] = [{"to": [{"namespaceSelector": {}}]}]
        policies.append({"metadata": {"name": f"np{k}", "namespace": ns}, "spec": spec})
    indexed, matrix = timed(lambda: connectivity_matrix(pods, 80, policies=policies, namespaces=namespaces), repeat)

    def plain():
        return {(a["metadata"]["name"], b["metadata"]["name"]): allowed(a, b, 80, policies=policies,
                                                                        namespaces=namespaces).allowed
                for a in pods for b in pods}
    unindexed, _ = timed(plain, max(1, repeat // 2))
    allowed_pairs = sum(matrix.values())
    print("\n2. Connectivity matrix, 50 x 50 pods under 20 NetworkPolicies (TCP 80)")
    print(f"   {'method':<32} {'seconds':>8} {'pairs':>6} {'allowed':>8}")
    print(f"   {'connectivity_matrix (indexed)':<32} {indexed:>8.4f} {len(matrix):>6} {allowed_pairs:>8}")
    print(f"   {'allowed() per pair':<32} {unindexed:>8.4f} {len(matrix):>6} {allowed_pairs:>8}")


def bench_requests(count: int) -> None:
    c = MiniCluster(seed=0)
    c.add_ingress_controller()
    for i in range(10):
        c.add_pod(f"web-{i}", ["kind-worker", "kind-worker2"][i % 2], labels={"app": "web"},
                  image="traefik/whoami:v1.10.1", ports=[{"name": "http", "containerPort": 80}])
    c.add_service("web", selector={"app": "web"}, ports=[{"name": "http", "port": 80, "targetPort": "http"}])
    c.ingresses.append({"metadata": {"name": "web", "namespace": "default"},
                        "spec": {"ingressClassName": "nginx", "rules": [{"host": "mi-web", "http": {"paths": [
                            {"path": "/", "pathType": "Prefix",
                             "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}})
    t0 = time.perf_counter()
    state = c.state()
    build = time.perf_counter() - t0
    np = next(s for s in c.services if s["metadata"]["name"] == "ingress-nginx-controller")["spec"]["ports"][0][
        "nodePort"]
    t0 = time.perf_counter()
    served = {}
    for i in range(count):
        r = request(f"http://172.18.0.{2 + i % 3}:{np}/", state=state, headers={"Host": "mi-web"})
        served[r["served_by"]] = served.get(r["served_by"], 0) + 1
    wall = time.perf_counter() - t0
    print(f"\n3. {count} requests: outside -> NodePort -> ingress-nginx -> Ingress -> Service -> 10 whoami pods")
    print("   (the snapshot builds each node's kube-proxy rules lazily, during the first requests)")
    print(f"   {'snapshot build s':>16} {'wall s':>8} {'per request ms':>15} {'pods answering':>15}")
    print(f"   {build:>16.3f} {wall:>8.3f} {wall / count * 1000:>15.3f} {len(served):>15}")
    if len(served) != 10 or None in served:
        sys.exit("requests did not reach the 10 backends: " + repr(served))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--services", type=int, default=1000, help="largest number of Services (default 1000)")
    ap.add_argument("--requests", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3, help="repetitions for the medians (default 3)")
    args = ap.parse_args()
    bench_rules(sorted({min(100, args.services), args.services}), args.repeat)
    bench_matrix(args.repeat)
    bench_requests(args.requests)


if __name__ == "__main__":
    main()
