"""Scenario tables: what a real cluster does (with its source) next to what the simulator does.

Each row: a pod (or a pull), the real outcome as Kubernetes 1.33-1.36 with containerd 2 and
runc 1.2+ produce it, and the upstream file or page it comes from. The simulator must agree.
"""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster


def _pod(name, container, annotations=None, **spec):
    meta = {"name": name}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": dict({"containers": [dict({"name": "app"}, **container)]}, **spec)}


def _run(pod, seconds):
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply(pod)
    c.run(seconds)
    return c


def _cs(c, name):
    return c.get("pod", name)["status"]["containerStatuses"][0]


def _unhealthy(c, name):
    return [e["message"] for e in c.events(name=name, reason="Unhealthy")]


# --------------------------------------------------------------------------- 1. probes
# pkg/probe/http/http.go: "HTTP probe failed with statuscode: %d"; the Go client's dial error
# "Get \"URL\": dial tcp IP:PORT: connect: connection refused"; pkg/probe/tcp/tcp.go;
# pkg/kubelet/prober/prober.go: "%s probe failed: %s" / "%s probe errored and resulted in %s
# state: %s"; probe.ResolveContainerPort falls back to strconv.Atoi for unknown names.
PROBE_SCENARIOS = [
    # (id, image, args, probe, ready after 30 s, event text (prefix "Readiness probe ..."), source)
    ("nginx-root", "nginx:1.27", None, {"httpGet": {"path": "/", "port": 80}}, True, None,
     "docker-nginx default.conf: / serves index.html"),
    ("nginx-unknown-path", "nginx:1.27", None, {"httpGet": {"path": "/status", "port": 80}}, False,
     "failed: HTTP probe failed with statuscode: 404", "nginx: a missing file is 404"),
    ("nginx-wrong-port", "nginx:1.27", None, {"httpGet": {"path": "/", "port": 8080}}, False,
     'failed: Get "http://{ip}:8080/": dial tcp {ip}:8080: connect: connection refused',
     "nothing listens on 8080 (pkg/probe/http/http.go returns the client error)"),
    ("nginx-tcp-80", "nginx:1.27", None, {"tcpSocket": {"port": 80}}, True, None, "pkg/probe/tcp/tcp.go"),
    ("nginx-tcp-81", "nginx:1.27", None, {"tcpSocket": {"port": 81}}, False,
     "failed: dial tcp {ip}:81: connect: connection refused", "pkg/probe/tcp/tcp.go"),
    ("httpd-root", "httpd:2.4", None, {"httpGet": {"path": "/", "port": 80}}, True, None,
     "httpd htdocs/index.html: It works!"),
    ("sleep-container", "busybox:1.36", ["sh", "-c", "sleep 3600"], {"httpGet": {"path": "/", "port": 80}},
     False, 'failed: Get "http://{ip}:80/": dial tcp {ip}:80: connect: connection refused',
     "a sleeping shell listens on no port"),
    ("named-port-missing", "nginx:1.27", None, {"httpGet": {"path": "/", "port": "http"}}, False,
     'errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax',
     "pkg/probe/util.go ResolveContainerPort"),
    ("sample-web-status", "registry.k8s-course.io/web:1.0", None, {"httpGet": {"path": "/status", "port": 80}},
     True, None, "course sample image: /status 200"),
    ("tomcat-stock-root", "tomcat:10.1", None, {"httpGet": {"path": "/", "port": 8080}}, False,
     "failed: HTTP probe failed with statuscode: 404", "official tomcat ships webapps empty (webapps.dist)"),
    ("redis-http", "redis:7.2", None, {"httpGet": {"path": "/", "port": 6379}}, False,
     'failed: Get "http://{ip}:6379/": EOF', "redis does not speak HTTP"),
    ("exec-missing-program", "nginx:1.27-alpine", None, {"exec": {"command": ["bash", "-c", "true"]}}, False,
     'errored and resulted in unknown state: rpc error: code = Unknown desc = failed to exec in container: '
     'failed to start exec "', "containerd ExecSync: runc exec cannot find bash"),
    ("exec-sh-missing-curl", "busybox:1.36", ["sh", "-c", "sleep 3600"],
     {"exec": {"command": ["sh", "-c", "curl -f localhost"]}}, False, "failed: sh: curl: not found",
     "busybox has no curl: ash prints 'not found', exit 127 (pkg/probe/exec/exec.go: the output)"),
]


@pytest.mark.parametrize("case", PROBE_SCENARIOS, ids=[s[0] for s in PROBE_SCENARIOS])
def test_readiness_probe_scenarios(case):
    _, image, args, probe, ready, event, _source = case
    container = {"image": image, "readinessProbe": dict(probe, periodSeconds=5)}
    if args:
        container["command"] = args
    c = _run(_pod("p", container), 30)
    cs = _cs(c, "p")
    assert "running" in cs["state"], cs
    assert cs["ready"] is ready
    ip = c.get("pod", "p")["status"]["podIP"]
    messages = _unhealthy(c, "p")
    if event is None:
        assert messages == []
    else:
        assert messages, "no Unhealthy event"
        assert messages[0].startswith("Readiness probe " + event.format(ip=ip)), messages[0]


def test_named_port_resolves_through_container_ports():
    c = _run(_pod("p", {"image": "nginx:1.27", "ports": [{"name": "http", "containerPort": 80}],
                        "livenessProbe": {"httpGet": {"path": "/", "port": "http"}}}), 60)
    assert _unhealthy(c, "p") == [] and _cs(c, "p")["restartCount"] == 0


def test_agnhost_liveness_fails_after_ten_seconds_like_the_docs():
    # https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
    # test/images/agnhost/liveness/server.go: /healthz is 200 for 10 s, then 500.
    c = _run(_pod("liveness-http", {"image": "registry.k8s.io/e2e-test-images/agnhost:2.40", "args": ["liveness"],
                                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080},
                                                      "initialDelaySeconds": 3, "periodSeconds": 3}}), 30)
    assert _unhealthy(c, "liveness-http")[0] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert _cs(c, "liveness-http")["restartCount"] >= 1
    assert c.events(name="liveness-http", reason="Killing")[0]["message"] == \
        "Container app failed liveness probe, will be restarted"


def test_annotations_still_model_app_health_on_top_of_what_the_image_serves():
    c = _run(_pod("web", {"image": "registry.k8s-course.io/web:1.0",
                          "readinessProbe": {"httpGet": {"path": "/ready", "port": 80}, "periodSeconds": 5}},
                  annotations={"sim.k8s-course.io/ready-after-seconds": "20"}), 40)
    msgs = _unhealthy(c, "web")
    assert msgs and set(msgs) == {"Readiness probe failed: HTTP probe failed with statuscode: 503"}
    assert _cs(c, "web")["ready"] is True


def test_nginx_without_index_page_answers_403_on_root():
    # an empty emptyDir over /usr/share/nginx/html hides the welcome page: nginx answers 403
    pod = _pod("web", {"image": "nginx:1.27", "volumeMounts": [{"name": "html", "mountPath": "/usr/share/nginx/html"}],
                       "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 5}},
               volumes=[{"name": "html", "emptyDir": {}}])
    c = _run(pod, 20)
    assert _unhealthy(c, "web")[0] == "Readiness probe failed: HTTP probe failed with statuscode: 403"


# --------------------------------------------------------------------------- 2. commands
_RUNC = ("failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create "
         "failed: unable to start container process: error during container init: {}: unknown")
COMMAND_SCENARIOS = [
    # (id, image, command, (state after 1.5 s), exit code, logs or message, source)
    ("bash-on-busybox", "busybox:1.36", ["bash", "-c", "echo hola"], "RunContainerError", 128,
     _RUNC.format('exec: "bash": executable file not found in $PATH'),
     "runc libcontainer: exec lookup; containerd StartError exit 128 (kubernetes#120331)"),
    ("one-string-command", "busybox:1.36", ["sleep 3600"], "RunContainerError", 128,
     _RUNC.format('exec: "sleep 3600": executable file not found in $PATH'), "runc: argv[0] is one name"),
    ("absolute-path", "alpine:3.20", ["/bin/bash"], "RunContainerError", 128,
     _RUNC.format('exec: "/bin/bash": stat /bin/bash: no such file or directory'), "runc: stat of a path"),
    ("typo-in-script", "busybox:1.36", ["sh", "-c", "slep 5"], "Error", 127, "sh: slep: not found\n",
     "busybox ash: command not found, status 127"),
    ("syntax-error-ash", "busybox:1.36", ["sh", "-c", "if true; then echo hola"], "Error", 2,
     'sh: syntax error: unexpected end of file (expecting "fi")\n', "busybox ash parser, exit 2"),
    ("syntax-error-dash", "nginx:1.27", ["sh", "-c", "if true; then echo hola"], "Error", 2,
     'sh: 1: Syntax error: end of file unexpected (expecting "fi")\n', "dash (Debian's /bin/sh), exit 2"),
    ("missing-script", "busybox:1.36", ["sh", "x.sh"], "Error", 2,
     "sh: can't open 'x.sh': No such file or directory\n", "busybox ash"),
    ("missing-python-file", "python:3.12", ["python", "app.py"], "Error", 2,
     "python: can't open file '/app.py': [Errno 2] No such file or directory\n", "CPython main.c"),
    ("mariadb-without-password", "mariadb:11.4", None, "Error", 1,
     "[ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
     "MariaDB/mariadb-docker docker-entrypoint.sh docker_verify_minimum_env"),
    ("postgres-without-password", "postgres:16", None, "Error", 1,
     "Error: Database is uninitialized and superuser password is not specified.",
     "docker-library/postgres docker-entrypoint.sh"),
]


@pytest.mark.parametrize("case", COMMAND_SCENARIOS, ids=[s[0] for s in COMMAND_SCENARIOS])
def test_command_scenarios(case):
    _, image, command, status, code, text, _source = case
    container = {"image": image}
    if command:
        container["command"] = command
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply(_pod("p", container))
    c.run(2.5)  # sandbox 1 s, pull 1 s, start at t = 2
    line = c.kubectl("get pod p").splitlines()[1].split()
    cs = _cs(c, "p")
    if status == "RunContainerError":
        assert line[2] == "RunContainerError"
        assert cs["state"]["waiting"] == {"reason": "RunContainerError", "message": text}
        last = cs["lastState"]["terminated"]
        assert (last["reason"], last["exitCode"], last["message"]) == ("StartError", 128, text)
        assert last["startedAt"] == "1970-01-01T00:00:00Z"
        assert "Error: " + text in [e["message"] for e in c.events(name="p", reason="Failed")]
        assert not c.events(name="p", reason="Started")
        c.run(10)
        assert c.kubectl("get pod p").splitlines()[1].split()[2] == "CrashLoopBackOff"
        assert _cs(c, "p")["restartCount"] >= 1
    else:
        c.run(0.5)  # t = 3: the first crash restarts at once (POD-8); look at the last run
        last = _cs(c, "p")["lastState"].get("terminated") or _cs(c, "p")["state"].get("terminated")
        assert last["exitCode"] == code and last["reason"] == status
        logs = c.logs("p", previous=bool(_cs(c, "p")["lastState"])) if _cs(c, "p")["restartCount"] else c.logs("p")
        assert text in logs


def test_start_error_with_restart_policy_never_fails_the_pod():
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply(_pod("p", {"image": "busybox:1.36", "command": ["bash"]}, restartPolicy="Never"))
    c.run(10)
    pod = c.get("pod", "p")
    assert pod["status"]["phase"] == "Failed"
    assert pod["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "StartError"
    assert c.kubectl("get pod p").splitlines()[1].split()[2] == "StartError"


def test_unmodelled_construct_is_said_in_spanish_in_logs_and_events():
    c = _run(_pod("p", {"image": "busybox:1.36", "command": ["sh", "-c", "sleep 1 & wait"]}), 5)
    assert "[simulador]" in c.logs("p") and "no interpreta" in c.logs("p")
    assert c.events(name="p", reason="NotSimulated")


def test_nginx_stops_gracefully_with_sigquit_exit_0():
    # docker-nginx Dockerfile: STOPSIGNAL SIGQUIT; nginx quits gracefully with status 0
    c = _run(_pod("p", {"image": "nginx:1.27", "livenessProbe": {"httpGet": {"path": "/nada", "port": 80},
                                                                   "periodSeconds": 5}}), 30)
    assert _cs(c, "p")["lastState"]["terminated"]["exitCode"] == 0
    assert _cs(c, "p")["lastState"]["terminated"]["reason"] == "Completed"


def test_nginx_logs_its_start_like_the_real_image():
    c = _run(_pod("p", {"image": "nginx:1.27"}), 5)
    logs = c.logs("p")
    assert logs.startswith("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
                           "configuration\n")
    assert "Configuration complete; ready for start up" in logs


# --------------------------------------------------------------------------- 3. registry
_NOT_FOUND = ('Failed to pull image "{img}": rpc error: code = NotFound desc = failed to pull and unpack image '
              '"{ref}": failed to resolve reference "{ref}": {ref}: not found')
_DENIED = ('Failed to pull image "{img}": failed to pull and unpack image "{ref}": failed to resolve reference '
           '"{ref}": pull access denied, repository does not exist or may require authorization: server message: '
           'insufficient_scope: authorization failed')
PULL_SCENARIOS = [
    # (image, pull secrets, expected event or None (pulled), source)
    ("nginx:1.27", False, None, "official-images library/nginx lists 1.27"),
    ("nginx:1.21.4", False, None, "listed from 2021-11-09 to 2021-12-29, still pullable"),
    ("nginx:9.99.99", False, _NOT_FOUND, "never published: containerd 'not found'"),
    ("ngnix:1.27", False, _DENIED, "no such repository: Docker Hub answers insufficient_scope"),
    ("miusuario/web:1.0", False, _DENIED, "a Docker Hub repository that does not exist"),
    ("busybox:1.36", False, None, "official"),
    ("registry.k8s.io/e2e-test-images/agnhost:2.40", False, None, "curated list (Kubernetes docs)"),
    ("docker.elastic.co/beats/filebeat:8.15.0", False, None, "curated list"),
    ("traefik/whoami:v9.9.9", False, _NOT_FOUND, "curated tags"),
    ("ghcr.io/empresa/app:1.0", False,
     'Failed to pull image "{img}": failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
     'failed to authorize: failed to fetch anonymous token: unexpected status from GET request to '
     'https://ghcr.io/token?scope=repository%3Aempresa%2Fapp%3Apull&service=ghcr.io: 403 Forbidden',
     "private package on ghcr.io"),
    ("ghcr.io/empresa/app:1.0", True, None, "with imagePullSecrets"),
]


@pytest.mark.parametrize("image, secrets, expected, source", PULL_SCENARIOS)
def test_pull_scenarios(image, secrets, expected, source):
    from k8s_helpers.images import parse_image

    spec = {"imagePullSecrets": [{"name": "regcred"}]} if secrets else {}
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply(_pod("p", {"image": image, "command": ["sleep", "3600"]} if "busybox" in image else {"image": image},
                 **spec))
    c.run(2.5)
    failed = [e["message"] for e in c.events(name="p", reason="Failed")]
    if expected is None:
        assert not any(m.startswith("Failed to pull") for m in failed)
        assert c.events(name="p", reason="Pulled")
        return
    ref = parse_image(image).docker_ref
    assert failed[0] == expected.format(img=image, ref=ref)
    assert c.kubectl("get pod p").splitlines()[1].split()[2] == "ErrImagePull"


def test_err_image_pull_then_image_pull_backoff_with_the_real_back_off():
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.apply(_pod("p", {"image": "nginx:9.99.99"}))
    seen = []
    for _ in range(60):
        c.run(1)
        seen.append(c.kubectl("get pod p").splitlines()[1].split()[2])
    assert seen[0] == "ContainerCreating" and seen[1] == "ErrImagePull"
    assert seen.index("ImagePullBackOff") > seen.index("ErrImagePull")
    assert [e["time"] for e in c.events(name="p", reason="Pulling")] == [1, 12, 33]
    backoff = c.events(name="p", reason="BackOff")[0]
    assert backoff["message"] == 'Back-off pulling image "nginx:9.99.99"'


def test_missing_images_stays_a_teacher_override():
    c = Cluster(seed=0)
    c.add_node("nodo1")
    c.missing_images.add("nginx:1.27")
    c.apply(_pod("p", {"image": "nginx:1.27"}))
    c.run(3)
    assert c.kubectl("get pod p").splitlines()[1].split()[2] == "ErrImagePull"


def test_registry_history_of_nginx_1_21():
    from k8s_helpers.registry import published_versions, tag_history, tag_target_on

    assert [(m.date, m.target) for m in tag_history("nginx", "1.21")] == [
        ("2021-05-25", "1.21.0"), ("2021-07-06", "1.21.1"), ("2021-09-09", "1.21.3"),
        ("2021-11-09", "1.21.4"), ("2021-12-29", "1.21.5"), ("2022-01-25", "1.21.6")]
    assert tag_target_on("nginx", "1.21", "2021-12-01") == "1.21.4"
    assert tag_target_on("nginx", "1.21", "2020-01-01") is None
    assert [v for v, _ in published_versions("nginx", "1.21")][-1] == "1.21.6"
