"""The container shell interpreter (kubelet/shell.py): cd, pipelines, filters, heredocs, tail -f.

Scripts students write for init containers and sidecars must do what they do in a real
busybox container (POD-2 init containers, POD-3 sidecars, POD-5 shared emptyDir,
POD-7 container states); what the interpreter cannot follow runs as a server.
"""
from __future__ import annotations

import pytest

from k8s_helpers import Cluster
from k8s_helpers.kubelet.shell import Context, program_for, run_sync
from k8s_helpers.kubelet.volumes import FileSystem, Volume


# --------------------------------------------------------------------------- helpers
def _run(script, env=None, max_steps=50, files=None, workdir=None):
    """Run ``sh -c script`` with an emptyDir at /datos; returns (log, exit code or
    "running", volume files, sleeps yielded)."""
    vol = Volume("datos", "emptyDir")
    vol.files.update(files or {})
    fs = FileSystem([("/datos", vol, False)])
    out: list[str] = []
    clock = {"t": 0}
    ctx = Context(out.append, fs, env or {}, hostname="pod", now=lambda: clock["t"],
                  timestamp=lambda t: f"2026-01-01T00:00:{int(t):02d}Z")
    container = {"image": "busybox:1.36", "command": ["sh", "-c", script]}
    if workdir:
        container["workingDir"] = workdir
    prog = program_for(container)
    assert not prog.is_server, prog.description
    gen = prog.start(ctx)
    sleeps = []
    try:
        step = next(gen)
        for _ in range(max_steps):
            sleeps.append(step[1])
            if step[1] is None:
                break
            clock["t"] += step[1]
            step = gen.send(None)
    except StopIteration as stop:
        return "".join(out), stop.value, vol.files, sleeps
    return "".join(out), "running", vol.files, sleeps


def _cluster():
    c = Cluster(seed=0)
    c.add_node("nodo1", cpu="4", memory="8Gi")
    return c


def _pod(name, containers, init=None, volumes=None, policy=None):
    spec = {"containers": containers}
    if init:
        spec["initContainers"] = init
    if volumes:
        spec["volumes"] = volumes
    if policy:
        spec["restartPolicy"] = policy
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name}, "spec": spec}


def _sh(name, script, mount="/datos", **extra):
    return dict({"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script],
                 "volumeMounts": [{"name": "datos", "mountPath": mount}]}, **extra)


VOL = [{"name": "datos", "emptyDir": {}}]


# --------------------------------------------------------------------------- cd and relative paths
def test_cd_then_relative_paths():
    log, code, files, _ = _run("cd /datos && echo hola > index.html; mkdir sub; cd sub; touch a; pwd; "
                               "cd ..; ls; test -f sub/a && echo existe; cat index.html")
    assert code == 0
    assert files["index.html"] == "hola\n"
    assert "sub/a" in files
    assert log == "/datos/sub\nindex.html\nsub\nexiste\nhola\n"


def test_cd_to_a_missing_directory_fails_like_busybox():
    log, code, files, _ = _run("cd /nope && echo hola > index.html")
    assert code == 2
    assert log == "sh: cd: can't cd to /nope: No such file or directory\n"
    assert files == {}


def test_usual_image_directories_exist_and_working_dir_is_used():
    log, code, _, _ = _run("cd /tmp && echo x > f && cat /tmp/f && pwd")
    assert (log, code) == ("x\n/tmp\n", 0)
    log, code, files, _ = _run("echo hola > index.html", workdir="/datos")
    assert files == {"index.html": "hola\n"} and code == 0


# --------------------------------------------------------------------------- pipelines and filters
@pytest.mark.parametrize("script, expected", [
    ("echo hola | tee /datos/index.html", "hola\n"),
    ("seq 5 | wc -l", "5\n"),
    ("seq 12 | head -3", "1\n2\n3\n"),
    ("seq 12 | head -n 2 | tail -1", "2\n"),
    ("seq 12 | tail -n 2", "11\n12\n"),
    ("seq 12 | grep 1 | wc -l", "4\n"),
    ("seq 12 | grep -v 1 | sort -r | head -n 1", "9\n"),
    ("seq 3 | grep -c 2", "1\n"),
    ("printf 'b\\na\\nb\\n' | sort | uniq -c", "      1 a\n      2 b\n"),
    ("echo Hola Mundo | tr a-z A-Z", "HOLA MUNDO\n"),
    ("echo 'a:b:c' | cut -d : -f 2,3", "b:c\n"),
    ("echo ERROR uno | grep -i error", "ERROR uno\n"),
    ("echo 'x1 x22' | grep -E 'x[0-9]+$'", "x1 x22\n"),
    ("echo hola > /datos/f; cat /datos/f | grep hola", "hola\n"),
    ("echo uno > /datos/a; echo dos > /datos/b; ls /datos | head -1", "a\n"),
])
def test_pipelines(script, expected):
    log, code, _, _ = _run(script)
    assert (log, code) == (expected, 0)


def test_pipeline_status_is_the_last_stage():
    assert _run("echo hola | grep adios")[1] == 1
    assert _run("false | true")[1] == 0
    assert _run("! echo hola | grep -q adios")[1] == 0
    log, code, _, _ = _run("set -e; echo a | grep -q b; echo no llega")
    assert (log, code) == ("", 1)


def test_tee_writes_the_file_and_appends_with_a():
    _, code, files, _ = _run("echo uno | tee /datos/a.log > /dev/null; date | tee -a /datos/a.log")
    assert code == 0
    assert files["a.log"] == "uno\nThu Jan  1 00:00:00 UTC 2026\n"


def test_a_loop_into_tee_fills_the_file_while_it_runs():
    log, code, files, sleeps = _run("while true; do date; sleep 5; done | tee -a /datos/a.log", max_steps=3)
    assert code == "running" and sleeps == [5, 5, 5]
    assert files["a.log"].count("\n") == 4  # one line per iteration, written before the loop ends
    assert log == files["a.log"]


def test_stderr_does_not_go_down_the_pipe_unless_2_to_1():
    log, code, _, _ = _run("cat /datos/nada | wc -l")
    assert log == "cat: can't open '/datos/nada': No such file or directory\n0\n"
    log, _, _, _ = _run("cat /datos/nada 2>&1 | wc -l")
    assert log == "1\n"


def test_pipeline_stages_are_subshells():
    log, _, _, _ = _run("cd /datos | true; X=1 | true; pwd; echo \"[$X]\"")
    assert log == "/\n[]\n"


def test_sleep_in_a_pipeline_takes_its_time():
    _, code, _, sleeps = _run("echo x | sleep 3; echo fin")
    assert code == 0 and sleeps == [3]


def test_unknown_programs_in_a_pipeline_still_run_as_servers():
    assert program_for({"image": "busybox", "command": ["sh", "-c", "ps aux | grep x"]}).is_server
    assert program_for({"image": "busybox", "command": ["sh", "-c", "seq 3 | while read l; do :; done"]}).is_server
    assert program_for({"image": "busybox", "command": ["sh", "-c", "wget -qO- http://web"]}).is_server


def test_exec_probe_with_curl_stays_on_the_health_annotations():
    ctx = Context(lambda t: None, FileSystem([]), {})
    assert run_sync(["sh", "-c", "curl -s localhost/status | grep ok"], ctx) is None
    assert run_sync(["sh", "-c", "echo ok | grep -q ok"], ctx) == (0, None)
    assert run_sync(["sh", "-c", "echo ko | grep -q ok"], ctx) == (1, None)


# --------------------------------------------------------------------------- heredocs and <
def test_heredoc_with_expansion_into_a_file():
    script = ("cat <<EOF > /datos/index.html\n"
              "<h1>Hola $NOMBRE</h1>\n"
              "<p>It's $(echo vivo), \\$NOMBRE</p>\n"
              "EOF\n"
              "echo fin")
    log, code, files, _ = _run(script, env={"NOMBRE": "Ana"})
    assert (log, code) == ("fin\n", 0)
    assert files["index.html"] == "<h1>Hola Ana</h1>\n<p>It's vivo, $NOMBRE</p>\n"


def test_quoted_heredoc_is_literal_and_dash_strips_tabs():
    log, code, _, _ = _run("cat <<'EOF'\n$HOME `x` $(y)\nEOF")
    assert (log, code) == ("$HOME `x` $(y)\n", 0)
    log, code, _, _ = _run("if true; then\n\tcat <<-FIN\n\t\tuno\n\tFIN\nfi\necho dos")
    assert (log, code) == ("uno\ndos\n", 0)


def test_input_redirection_and_loop_output_redirection():
    log, code, files, _ = _run("for i in 1 2 3; do echo $i; done > /datos/n; wc -l < /datos/n; grep 2 < /datos/n")
    assert files["n"] == "1\n2\n3\n"
    assert (log, code) == ("3\n2\n", 0)
    _, _, files, _ = _run("echo 2 > /datos/dos; echo 1 >> /datos/dos; ls /nada 2>/datos/err")
    assert files == {"dos": "2\n1\n", "err": "ls: /nada: No such file or directory\n"}
    log, code, _, _ = _run("cat < /datos/nada")
    assert (log, code) == ("sh: can't open /datos/nada: no such file\n", 1)


# --------------------------------------------------------------------------- tail -f
def test_tail_f_runs_forever_printing_the_last_lines():
    log, code, _, sleeps = _run("tail -f /datos/app.log", files={"app.log": "".join(f"{i}\n" for i in range(15))},
                                max_steps=5)
    assert code == "running"
    assert log == "".join(f"{i}\n" for i in range(5, 15))
    assert sleeps == [1, 1, 1, 1, 1]  # polls the shared file once a second, like busybox


def test_tail_f_on_a_private_file_just_waits_and_a_missing_file_fails():
    log, code, _, sleeps = _run("echo x > /tmp/a; tail -f /tmp/a")
    assert (log, code, sleeps) == ("x\n", "running", [None])
    log, code, _, _ = _run("tail -f /datos/nada")
    assert (log, code) == ("tail: can't open '/datos/nada': No such file or directory\n", 1)


# --------------------------------------------------------------------------- in a cluster
def test_init_container_with_cd_and_heredoc_completes_and_nginx_serves_it():
    c = _cluster()
    init = _sh("escribe", "cd /datos && cat <<EOF > index.html\n<h1>Hola</h1>\nEOF")
    app = _sh("web", "cat /usr/share/nginx/html/index.html; sleep 3600", mount="/usr/share/nginx/html")
    c.apply(_pod("web", [app], init=[init], volumes=VOL))
    c.run(10)
    pod = c.get("pod", "web")
    assert pod["status"]["initContainerStatuses"][0]["state"]["terminated"]["reason"] == "Completed"
    assert pod["status"]["phase"] == "Running"
    assert c.logs("web", container="web") == "<h1>Hola</h1>\n"


def test_log_sidecar_with_tail_f_follows_what_the_app_appends():
    c = _cluster()
    app = _sh("app", "while true; do date | tee -a /var/log/app.log > /dev/null; sleep 10; done",
              mount="/var/log")
    sidecar = _sh("logs", "tail -f /var/log/app.log", mount="/var/log", restartPolicy="Always")
    init_wait = _sh("prepara", "touch /var/log/app.log", mount="/var/log")
    c.apply(_pod("app", [app], init=[init_wait, sidecar], volumes=VOL))
    c.run(40)
    status = c.get("pod", "app")["status"]
    assert [s["state"].get("running") is not None for s in status["initContainerStatuses"]] == [False, True]
    assert "running" in status["containerStatuses"][0]["state"]
    logs = c.logs("app", container="logs").splitlines()
    assert c.logs("app", container="app") == ""  # the app's copy went to /dev/null
    assert len(logs) >= 3 and all(line.endswith("UTC 2026") for line in logs)
    seconds = [int(line.split()[3].split(":")[2]) + 60 * int(line.split()[3].split(":")[1]) for line in logs]
    assert [b - a for a, b in zip(seconds, seconds[1:])] == [10] * (len(logs) - 1)  # one line per iteration


def test_writing_to_a_read_only_mount_fails_like_busybox():
    vol = Volume("datos", "emptyDir")
    out: list[str] = []
    ctx = Context(out.append, FileSystem([("/datos", vol, True)]), {})
    code = run_sync(["sh", "-c", "echo hola > /datos/x"], ctx)
    assert code == (1, None)
    assert "".join(out) == "sh: can't create /datos/x: Read-only file system\n"
    assert vol.files == {}
