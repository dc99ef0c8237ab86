"""Tests for k8s_helpers.live, offline: a fake API server on 127.0.0.1.

The fake server (http.server, random port, started and stopped per test)
answers GET /version and keeps Pods in memory (POST/GET/DELETE), adding what a
real API server adds (uid, creationTimestamp, imagePullPolicy per IMG-4,
status.phase), so apply_and_get is exercised end to end through the official
client.  Tests that need a real cluster are marked ``live``.
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

pytest.importorskip("kubernetes")

from k8s_helpers.images import default_pull_policy  # noqa: E402
from k8s_helpers.live import (  # noqa: E402
    KubectlError,
    LiveStatus,
    apply_and_get,
    cluster_status,
    compare_pull_policy,
    delete,
    en_vivo,
    get,
    kubectl,
    run_live,
    skip_message,
)

POD = {
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {"name": "web"},
    "spec": {"containers": [{"name": "web", "image": "nginx"},
                            {"name": "side", "image": "busybox:1.36"}]},
}


class FakeApiServer:
    """A tiny stand-in for kube-apiserver: /version and core/v1 Pods."""

    def __init__(self, git_version: str, minimal: bool = False):
        self.git_version = git_version
        self.minimal = minimal
        self.pods: dict[tuple[str, str], dict] = {}
        self.requests: list[tuple[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep pytest output clean
                pass

            def _send(self, code, obj):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _status(self, code, reason, message):
                self._send(code, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                  "reason": reason, "message": message, "code": code})

            def _pod_path(self):
                parts = urlsplit(self.path).path.strip("/").split("/")
                # api/v1/namespaces/<ns>/pods[/<name>]
                if parts[:3] == ["api", "v1", "namespaces"] and len(parts) >= 5 and parts[4] == "pods":
                    return parts[3], (parts[5] if len(parts) > 5 else None)
                return None, None

            def do_GET(self):
                server.requests.append(("GET", self.path))
                if urlsplit(self.path).path.rstrip("/") == "/version":  # client asks /version/
                    major, minor = server.git_version.lstrip("v").split(".")[:2]
                    if server.minimal:  # an odd server: only the essentials
                        return self._send(200, {"major": major, "minor": minor,
                                                "gitVersion": server.git_version})
                    return self._send(200, {
                        "major": major, "minor": minor, "emulationMajor": major,
                        "emulationMinor": minor, "minCompatibilityMajor": major,
                        "minCompatibilityMinor": str(int(minor) - 1),
                        "gitVersion": server.git_version,
                        "gitCommit": "0123456789abcdef0123456789abcdef01234567",
                        "gitTreeState": "clean", "buildDate": "2026-09-01T00:00:00Z",
                        "goVersion": "go1.26.1", "compiler": "gc", "platform": "linux/amd64"})
                ns, name = self._pod_path()
                if ns and name and (ns, name) in server.pods:
                    return self._send(200, server.pods[(ns, name)])
                return self._status(404, "NotFound", f'pods "{name}" not found')

            def do_POST(self):
                server.requests.append(("POST", self.path))
                ns, _ = self._pod_path()
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                name = body["metadata"]["name"]
                if (ns, name) in server.pods:
                    return self._status(409, "AlreadyExists", f'pods "{name}" already exists')
                body["metadata"].update(namespace=ns, uid=str(uuid.uuid4()),
                                        creationTimestamp="2026-01-01T00:00:00Z")
                for c in body["spec"]["containers"]:
                    c.setdefault("imagePullPolicy", default_pull_policy(c["image"]))
                    c.setdefault("terminationMessagePath", "/dev/termination-log")
                body["spec"].setdefault("restartPolicy", "Always")
                body["status"] = {"phase": "Pending", "qosClass": "BestEffort"}
                if "dryRun" not in parse_qs(urlsplit(self.path).query):
                    server.pods[(ns, name)] = body
                return self._send(201, body)

            def do_DELETE(self):
                server.requests.append(("DELETE", self.path))
                ns, name = self._pod_path()
                pod = server.pods.pop((ns, name), None)
                if pod is None:
                    return self._status(404, "NotFound", f'pods "{name}" not found')
                return self._send(200, pod)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def write_kubeconfig(path, server_url):
    path.write_text(
        "apiVersion: v1\nkind: Config\n"
        f"clusters:\n- name: fake\n  cluster:\n    server: {server_url}\n"
        "users:\n- name: alumno\n  user:\n    token: not-a-secret\n"
        "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: alumno\n"
        "current-context: fake\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def no_kubeconfig(monkeypatch, tmp_path):
    monkeypatch.delenv("KUBECONFIG", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.kube/config there
    return tmp_path


@pytest.fixture
def fake_cluster(monkeypatch, tmp_path):
    version = f"v1.{30 + int(time.time()) % 7}.{int(time.time() * 1000) % 10}"
    with FakeApiServer(version) as server:
        cfg = write_kubeconfig(tmp_path / "kubeconfig", f"http://127.0.0.1:{server.port}")
        monkeypatch.setenv("KUBECONFIG", str(cfg))
        monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
        yield server


def closed_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# --- cluster_status ------------------------------------------------------------


def test_no_kubeconfig_means_not_available(no_kubeconfig):
    status = cluster_status(timeout=0.5)
    assert isinstance(status, LiveStatus)
    assert not status.available and not status
    assert "kubeconfig" in status.reason
    assert status.version is None
    msg = skip_message(status)
    assert "make cluster" in msg
    assert "omitida" in msg and "kind" in msg and "Docker" in msg
    assert status.reason in msg


def test_kubeconfig_pointing_at_closed_port(monkeypatch, tmp_path):
    cfg = write_kubeconfig(tmp_path / "kc", f"https://127.0.0.1:{closed_port()}")
    monkeypatch.setenv("KUBECONFIG", str(cfg))
    start = time.monotonic()
    status = cluster_status(timeout=1.0)
    assert time.monotonic() - start < 3.0
    assert not status.available
    assert "rechazada" in status.reason
    assert status.server.startswith("https://127.0.0.1:")


def test_server_that_never_answers_times_out(monkeypatch, tmp_path):
    # Accepts TCP connections (kernel backlog) but never sends a byte back.
    blackhole = socket.socket()
    blackhole.bind(("127.0.0.1", 0))
    blackhole.listen(8)
    try:
        cfg = write_kubeconfig(tmp_path / "kc", f"http://127.0.0.1:{blackhole.getsockname()[1]}")
        monkeypatch.setenv("KUBECONFIG", str(cfg))
        start = time.monotonic()
        status = cluster_status(timeout=0.5)
        elapsed = time.monotonic() - start
    finally:
        blackhole.close()
    assert not status.available
    assert elapsed < 0.5 * 2 + 1.5
    assert "/version" in status.reason


def test_malformed_kubeconfig(monkeypatch, tmp_path):
    bad = tmp_path / "kc"
    bad.write_text("esto: [no es un kubeconfig", encoding="utf-8")
    monkeypatch.setenv("KUBECONFIG", str(bad))
    status = cluster_status(timeout=0.5)
    assert not status.available
    assert "no se pudo cargar" in status.reason


def test_fake_server_is_available_with_its_version(fake_cluster):
    status = cluster_status(timeout=2.0)
    assert status.available, status.reason
    assert status.version == fake_cluster.git_version
    assert fake_cluster.git_version in status.reason
    assert any(m == "GET" and p.startswith("/version") for m, p in fake_cluster.requests)
    assert skip_message(status).startswith("✅")


def test_explicit_kubeconfig_argument(no_kubeconfig, tmp_path):
    with FakeApiServer("v1.33.2") as server:
        cfg = write_kubeconfig(tmp_path / "other", f"http://127.0.0.1:{server.port}")
        assert cluster_status(timeout=2.0, kubeconfig=cfg).version == "v1.33.2"
    assert not cluster_status(timeout=0.5, kubeconfig=tmp_path / "missing").available


def test_minimal_version_answer_is_enough(no_kubeconfig, tmp_path):
    with FakeApiServer("v1.34.0", minimal=True) as server:
        cfg = write_kubeconfig(tmp_path / "kc", f"http://127.0.0.1:{server.port}")
        status = cluster_status(timeout=2.0, kubeconfig=cfg)
    assert status.available and status.version == "v1.34.0"


# --- run_live --------------------------------------------------------------------


def test_run_live_without_cluster_prints_spanish_skip(no_kubeconfig, capsys):
    called = []
    result = run_live(lambda: called.append(1) or "hecho", timeout=0.5)
    out = capsys.readouterr().out
    assert result is None and called == []
    assert "Celda en vivo omitida" in out and "make cluster" in out
    assert en_vivo is run_live


def test_run_live_with_cluster_runs_and_never_raises(fake_cluster, capsys):
    assert run_live(lambda x: x * 2, 21) == 42

    def boom():
        raise RuntimeError("se rompió")

    assert run_live(boom) is None
    assert "ha fallado" in capsys.readouterr().out


# --- apply_and_get / get / delete against the fake API server ----------------------


def test_apply_and_get_returns_what_the_server_defaulted(fake_cluster):
    sent = json.loads(json.dumps(POD))
    pod = apply_and_get(POD)
    assert POD == sent  # the caller's manifest is not modified
    assert pod["metadata"]["uid"] and pod["metadata"]["namespace"] == "default"
    policies = {c["name"]: c["imagePullPolicy"] for c in pod["spec"]["containers"]}
    assert policies == {"web": "Always", "side": "IfNotPresent"}
    assert pod["status"]["phase"] == "Pending"
    assert isinstance(pod["metadata"]["creationTimestamp"], str)  # plain, JSON-able dict
    json.dumps(pod)
    assert ("POST", "/api/v1/namespaces/default/pods") in fake_cluster.requests

    assert get(POD)["metadata"]["uid"] == pod["metadata"]["uid"]
    assert delete(POD) is True
    assert get(POD) is None
    assert delete(POD) is False


def test_apply_and_get_yaml_dry_run_and_replace(fake_cluster):
    manifest = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: api\n  namespace: tienda\n"
        "spec:\n  containers:\n  - name: api\n    image: nginx:1.21\n"
    )
    dry = apply_and_get(manifest, dry_run=True)
    assert dry["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    assert any(m == "POST" and "dryRun=All" in p for m, p in fake_cluster.requests)
    assert get(manifest) is None  # nothing stored

    first = apply_and_get(manifest)
    second = apply_and_get(manifest)  # 409 -> delete and create again
    assert first["metadata"]["uid"] != second["metadata"]["uid"]
    assert any(m == "DELETE" and p.startswith("/api/v1/namespaces/tienda/pods/api")
               for m, p in fake_cluster.requests)
    with pytest.raises(Exception) as err:
        apply_and_get(manifest, replace=False)
    assert "409" in str(err.value) or "AlreadyExists" in str(err.value)


def test_compare_pull_policy_through_the_fake_server(fake_cluster):
    images_ = ["nginx", "nginx:1.21", "nginx:latest@sha256:" + "a" * 64, "Nginx"]
    rows = compare_pull_policy(images_)
    assert [r["imagen"] for r in rows] == images_
    assert [r["servidor"] for r in rows] == ["Always", "IfNotPresent", "Always", "IfNotPresent"]
    assert all(r["coinciden"] for r in rows)
    assert fake_cluster.pods == {}  # dry run: nothing stored
    # the notebook one-liner gives the same rows when the cluster is there
    assert run_live(compare_pull_policy, images_) == rows


def test_bad_manifest_spanish_errors():
    with pytest.raises(ValueError, match="metadata.name"):
        apply_and_get({"apiVersion": "v1", "kind": "Pod", "metadata": {}})
    with pytest.raises(ValueError, match="kind"):
        apply_and_get({"apiVersion": "v1"})


# --- kubectl -----------------------------------------------------------------------


def test_kubectl_client_version():
    out = kubectl("version --client", timeout=30)
    assert "Client Version: v1." in out


def test_kubectl_talks_to_the_fake_server(fake_cluster, tmp_path):
    out = kubectl(["version", "-o", "json"], timeout=30)
    data = json.loads(out)
    assert data["serverVersion"]["gitVersion"] == fake_cluster.git_version
    assert data["clientVersion"]["gitVersion"].startswith("v1.")


def test_kubectl_error_is_spanish(no_kubeconfig):
    with pytest.raises(KubectlError, match="terminó con código"):
        kubectl("esto-no-es-un-comando", timeout=30)
    out = kubectl("esto-no-es-un-comando", timeout=30, check=False)
    assert "unknown command" in out


# --- a real cluster (optional) --------------------------------------------------------


@pytest.mark.live
def test_real_cluster_defaults_image_pull_policy():
    status = cluster_status(timeout=2.0)
    if not status.available:
        pytest.skip(f"no hay clúster real: {status.reason} (arráncalo con `make cluster`)")
    name = f"prueba-{uuid.uuid4().hex[:8]}"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
           "spec": {"containers": [{"name": "a", "image": "nginx"},
                                   {"name": "b", "image": "nginx:1.27"},
                                   {"name": "c", "image": "nginx:latest@sha256:" + "0" * 64}]}}
    got = apply_and_get(pod, dry_run=True)
    policies = [c["imagePullPolicy"] for c in got["spec"]["containers"]]
    assert policies == [default_pull_policy(c["image"]) for c in pod["spec"]["containers"]]
    assert policies == ["Always", "IfNotPresent", "Always"]
