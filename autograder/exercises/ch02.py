"""Chapter 02 "Pods y sidecars": checkers of the graded exercises.

Each checker is ``check_x(answer, hidden=None) -> Rubric`` (see autograder/exercises/__init__.py).
Visible cases live here; hidden cases only in the source notebook's hidden-test blocks.

Behavioural items apply the student's manifest to the simulated cluster (k8s_helpers.Cluster)
and look at what really happens, and the expected answers of the prediction exercises are
computed by the simulator at grading time, never hard-coded. Rules: POD-2 init containers,
POD-3 sidecars, POD-4 shared network, POD-5 emptyDir, POD-6 phase, POD-8 back-off, POD-9 STATUS
(shared/reference/kubernetes-semantics.md).

Sidecar decision (ej2): Filebeat is accepted as a second entry of ``containers`` (the classic
sidecar the notes describe) OR as a native sidecar, an ``initContainers`` entry with
``restartPolicy: Always`` (POD-3, GA in 1.33). A plain init container is NOT accepted: a daemon
never ends, so the pod would stay in ``Init:0/1`` forever.
"""
from __future__ import annotations

import copy
import functools
from typing import Any, Callable

from autograder.exercises import Exercise, call_student
from autograder.exercises._common import (  # the 04-sondas notebook imports simulate from here
    describe_outcome, dicts, explain_missing_pod, fn_name, pod_parts, same_number, simulate,
    simulated_item, simulator_failed, summary, type_hint, valid_pod_item, visible_and_hidden,
    yaml_answer,
)
from autograder.rubric import Rubric

# --------------------------------------------------------------------------- pod helpers


def image_name(container: dict) -> str:
    image = container.get("image")
    return image.lower() if isinstance(image, str) else ""


def mounts(container: dict) -> dict[str, str]:
    """volume name -> mountPath of one container (without a trailing "/": `/datos/` is `/datos`)."""
    out = {}
    for m in dicts(container.get("volumeMounts")):
        path = m.get("mountPath")
        out[m.get("name")] = (path.rstrip("/") or "/") if isinstance(path, str) else path
    return out


def command_text(container: dict) -> str:
    parts = []
    for key in ("command", "args"):
        value = container.get(key)
        if isinstance(value, list):
            parts.extend(str(v) for v in value)
        elif isinstance(value, str):
            parts.append(value)
    return " ".join(parts)


def is_sidecar(container: dict) -> bool:
    return container.get("restartPolicy") == "Always"


def container_statuses(pod: dict) -> dict[str, dict]:
    status = pod.get("status") or {}
    out = {}
    for key in ("initContainerStatuses", "containerStatuses"):
        for cs in status.get(key) or []:
            out[cs.get("name")] = cs
    return out


# --------------------------------------------------------------------------- ej1: ¿1 pod o 2?


EJ1_POINTS, EJ1_HIDDEN = 3, 2
EJ1_KEYS = ("misma_red", "mismo_nodo", "volumen_local", "escalan_juntos")


def _req(misma_red=False, mismo_nodo=False, volumen_local=False, escalan_juntos=False) -> dict:
    return {"misma_red": misma_red, "mismo_nodo": mismo_nodo, "volumen_local": volumen_local,
            "escalan_juntos": escalan_juntos}


EJ1_VISIBLE = [
    ("WordPress + MariaDB", _req()),
    ("Apache + Filebeat", _req(mismo_nodo=True, volumen_local=True, escalan_juntos=True)),
    # one visible case for each half of the rule, so the self-check catches the usual slips
    # ("1 pod if they scale together", "1 pod if they share anything")
    ("Dos microservicios que escalan juntos y solo se hablan por la red del clúster", _req(escalan_juntos=True)),
    ("Una app y un proxy que se hablan por localhost pero escalan por separado", _req(misma_red=True)),
]


def solution_pods_necesarios(requisitos: dict) -> int:
    """Reference: one pod only when the containers MUST scale together AND need something only a
    pod gives (same IP/localhost, same node, a local volume). Otherwise two pods."""
    shares = requisitos["misma_red"] or requisitos["mismo_nodo"] or requisitos["volumen_local"]
    return 1 if requisitos["escalan_juntos"] and shares else 2


def _ej1_hint(req: dict, expected: int, got: Any) -> str:
    if isinstance(got, bool) or not isinstance(got, (int, float)) or got not in (1, 2):
        return "\n".join(filter(None, [type_hint(got, expected), "Devuelve el número 1 o el número 2."]))
    if expected == 2 and not req["escalan_juntos"]:
        return ("Si NO tienen que escalar juntos, van en pods distintos: si no, al escalar uno "
                "escalas el otro (¡17 MariaDB para 17 WordPress!).")
    if expected == 2:
        return ("Escalan juntos, pero no comparten nada que solo dé un pod: ¿pa' qué los juntas? "
                "Pods separados, entornos aislados.")
    return "Escalan juntos y necesitan compartir algo que solo da un pod (red, nodo o volumen local): 1 pod."


def _ej1_cases(r: Rubric, fn: Callable, cases: list, points_each: float) -> None:
    for label, req in cases:
        expected = solution_pods_necesarios(req)
        ok, got, err = call_student(fn, dict(req))
        passed = ok and same_number(got, expected)
        detail = err if not ok else ("" if passed else
                                     f"Esperaba {expected} y tu función devolvió {got!r}.\n"
                                     + _ej1_hint(req, expected, got))
        flags = ", ".join(k for k in EJ1_KEYS if req[k]) or "nada"
        r.item(f"{label} (necesitan: {flags}) -> {expected} pod{'s' if expected > 1 else ''}",
               points_each, passed, detail)


def check_pods_necesarios(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 1: ¿un pod o dos?")
    return visible_and_hidden(
        r, lambda cases, each: _ej1_cases(r, answer, [(label, _req(**req)) for label, req in cases], each),
        EJ1_VISIBLE, hidden, EJ1_POINTS, EJ1_HIDDEN)


# --------------------------------------------------------------------------- ej2: sidecar Filebeat


EJ2_POINTS = 5
EJ2_NAME = "pod_filebeat_yaml"


def _find(containers: list[dict], word: str) -> dict | None:
    return next((c for c in containers if word in image_name(c)), None)


def check_pod_filebeat(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 2: Apache con su sidecar Filebeat")
    text = yaml_answer(answer, r, EJ2_NAME, EJ2_POINTS)
    if text is None:
        return r
    ok, pod, no_pod = valid_pod_item(r, text)
    _, containers, inits, volumes = pod_parts(pod)
    apache = _find(containers, "httpd") or _find(containers, "apache")
    r.item("Hay un contenedor Apache (imagen `httpd`)", 0.5, apache is not None,
           "En `containers` falta el Apache: por ejemplo `image: httpd:2.4`.")
    filebeat = _find(containers, "filebeat")
    plain_init_filebeat = None
    if filebeat is None:
        native = _find(inits, "filebeat")
        if native is not None and is_sidecar(native):
            filebeat = native
        elif native is not None:
            plain_init_filebeat = native
    detail = "Falta Filebeat: un segundo contenedor con `image: docker.elastic.co/beats/filebeat:8.15.0`."
    if plain_init_filebeat is not None:
        detail = ("Has puesto Filebeat como init container normal: un init container debe TERMINAR, y "
                  "Filebeat es un demonio que no termina nunca, así que el pod se quedaría en `Init:0/1` "
                  "para siempre y Apache no arrancaría. Ponlo en `containers` o, como sidecar nativo, "
                  "añádele `restartPolicy: Always`.")
    r.item("Filebeat va como sidecar en el mismo pod", 0.5, filebeat is not None, detail)

    memory = [v for v in volumes if isinstance(v.get("emptyDir"), dict) and v["emptyDir"].get("medium") == "Memory"]
    disk = [v for v in volumes if "emptyDir" in v and v not in memory]
    detail = "Falta un volumen `emptyDir` con `medium: Memory` en `spec.volumes`."
    misspelt = [v["emptyDir"]["medium"] for v in disk if isinstance(v.get("emptyDir"), dict)
                and str(v["emptyDir"].get("medium", "")).strip().lower() == "memory"]
    if misspelt:
        detail = (f"`medium: {misspelt[0]}` no vale: se escribe `Memory`, con M mayúscula "
                  "(en Kubernetes las mayúsculas cuentan).")
    elif disk:
        detail = ("Tu emptyDir va al disco del nodo: para los logs queremos RAM, rapidito, "
                  "con `emptyDir: {medium: Memory, sizeLimit: 100Ki}`.")
    r.item("Un volumen emptyDir en memoria (`medium: Memory`)", 1, bool(memory), detail)

    shared = False
    if apache is not None and filebeat is not None:
        names = {v.get("name") for v in volumes if "emptyDir" in v}
        shared = bool(names & set(mounts(apache)) & set(mounts(filebeat)))
    r.item("Apache y Filebeat montan ese mismo volumen emptyDir", 1, shared,
           "Los dos contenedores necesitan un `volumeMounts` con el `name` del volumen emptyDir: "
           "Apache escribe ahí sus logs y Filebeat los lee.")

    def behaviour() -> tuple[bool, str]:
        sim = simulate(pod, 60)
        s = summary(sim["pod"])
        phase = sim["pod"]["status"].get("phase")
        good = phase == "Running" and s["ready_count"] == s["total"] >= 2 and s["restart_count"] == 0
        return good, f"A los 60 s tu pod está así: {describe_outcome(sim['pod'])}"
    simulated_item(r, "En el clúster simulado el pod llega a Running con todos sus contenedores listos", 1,
                   behaviour, valid_pod=ok and pod is not None)
    if memory and not any(v["emptyDir"].get("sizeLimit") for v in memory):
        r.note("Consejo: ponle `sizeLimit` (por ejemplo `100Ki`) al emptyDir en memoria: esa RAM cuenta en el "
               "límite de memoria del contenedor que escribe.")
    if filebeat is not None and is_sidecar(filebeat):
        r.note("Has usado un sidecar nativo (init container con `restartPolicy: Always`): ¡muy bien, "
               "así Filebeat arranca antes que Apache y se para después!")
    return explain_missing_pod(r, no_pod)


# --------------------------------------------------------------------------- ej3: init container


EJ3_POINTS = 5
EJ3_NAME = "pod_init_yaml"
NGINX_HTML = "/usr/share/nginx/html"
DAEMON_WORDS = ("sleep infinity", "tail -f", "while true", "while :")
# programs that run until stopped: a script that starts one in an init container never ends
SERVER_PROGRAMS = frozenset({"nginx", "httpd", "apache2", "apachectl", "java", "python", "python3", "node",
                             "redis-server", "mysqld", "mariadbd", "postgres", "filebeat", "nc", "httpd-foreground"})


def check_pod_init(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 3: un init container que prepara la web")
    text = yaml_answer(answer, r, EJ3_NAME, EJ3_POINTS)
    if text is None:
        return r
    ok, pod, no_pod = valid_pod_item(r, text)
    _, containers, inits, volumes = pod_parts(pod)
    nginx = _find(containers, "nginx")
    regular_inits = [c for c in inits if not is_sidecar(c)]
    init = next((c for c in regular_inits if command_text(c)), None)
    detail = "Falta un `initContainers` con un `command` que prepare el fichero (un script que termina)."
    if regular_inits and init is None:
        detail = ("Tu init container no tiene `command`: si su imagen es un demonio (nginx, httpd...) "
                  "no termina nunca y el pod se queda en `Init:0/1` para siempre.")
    elif init is not None and any(w in command_text(init) for w in DAEMON_WORDS):
        detail = ("El script de tu init container no termina nunca: el pod se quedaría en `Init:0/1` "
                  "(Pending) para siempre. Un init container es un script: hace su trabajo y acaba.")
        init = None
    elif containers and not inits and any(command_text(c) for c in containers):
        detail = ("Has puesto el script en `containers`: ahí los procesos deben quedarse corriendo. "
                  "Un script que acaba va en `initContainers`.")
    r.item("Hay un init container con un script que termina", 1, init is not None, detail)
    r.item("Hay un contenedor nginx que sirve la web", 0.5, nginx is not None,
           "En `containers` falta nginx: `image: nginx:1.27`.")

    emptydirs = {v.get("name") for v in volumes if "emptyDir" in v}
    shared = set()
    if init is not None and nginx is not None:
        shared = emptydirs & set(mounts(init)) & set(mounts(nginx))
    r.item("El init container y nginx comparten un volumen emptyDir", 1, bool(shared),
           "Declara un volumen `emptyDir: {}` y móntalo (`volumeMounts`) en los dos contenedores.")
    in_html = bool(shared) and any(mounts(nginx).get(v) == NGINX_HTML for v in shared)
    writes = bool(shared) and any(isinstance(mounts(init).get(v), str) and mounts(init)[v] in command_text(init)
                                  for v in shared)
    structure_ok = init is not None and nginx is not None and in_html and writes
    detail = []
    if not in_html:
        detail.append(f"nginx sirve lo que hay en `{NGINX_HTML}`: monta ahí el volumen compartido.")
    if not writes:
        detail.append("El script del init container debe escribir el fichero en la carpeta donde él monta "
                      "el volumen (por ejemplo `echo ... > /datos/index.html`).")
    r.item("El script escribe en el volumen y nginx lo sirve desde su carpeta web", 0.5, in_html and writes,
           "\n".join(detail))

    unsimulated = _unsimulated_scripts(regular_inits)

    def behaviour() -> tuple[bool, str]:
        if unsimulated:
            # the simulator would run it as a never-ending server: not the student's fault
            return structure_ok, (
                "El clúster simulado no sabe ejecutar el script de tu init container "
                f"({unsimulated[0]}): solo entiende órdenes sencillas como `echo ... > /ruta/fichero`. "
                + ("Por la estructura (script que escribe en el volumen que sirve nginx) te doy el punto; "
                   "para verlo en la simulación, escribe el fichero con su ruta completa."
                   if structure_ok else "Y tu pod tampoco cumple lo de arriba: revisa los otros puntos."))
        # nginx is ready only if it sees the page: an exec probe reads the simulated files
        probed = copy.deepcopy(pod)
        for c in pod_parts(probed)[1]:
            if "nginx" in image_name(c):
                c["readinessProbe"] = {"exec": {"command": ["test", "-f", NGINX_HTML + "/index.html"]},
                                       "periodSeconds": 5}
        final = simulate(probed, 60)["pod"]
        phase = final["status"].get("phase")
        statuses = container_statuses(final)
        inits_done = all(
            ((statuses.get(c.get("name")) or {}).get("state") or {}).get("terminated", {}).get("exitCode") == 0
            for c in regular_inits)
        apps_running = all("running" in ((statuses.get(c.get("name")) or {}).get("state") or {})
                           for c in containers)
        page = nginx is not None and bool((statuses.get(nginx.get("name")) or {}).get("ready"))
        good = phase == "Running" and bool(regular_inits) and inits_done and apps_running and page
        msg = f"A los 60 s tu pod está así: {describe_outcome(final)}"
        if regular_inits and not inits_done:
            msg += "\nTus init containers no han terminado con código 0."
        elif apps_running and not page:
            msg += f"\nnginx arranca, pero no encuentra `{NGINX_HTML}/index.html`: la portada no está en el volumen."
        return good, msg
    if simulated_item(r, "En el clúster simulado el init container termina, después arranca nginx y encuentra "
                         "la portada (`index.html`)", 1, behaviour, valid_pod=ok and pod is not None) and unsimulated:
        r.note(r.items[-1].detail or "")
    return explain_missing_pod(r, no_pod)


def _unsimulated_scripts(inits: list[dict]) -> list[str]:
    """Why the simulator cannot run these init containers' scripts (it would run them as servers).

    Only scripts (``sh -c ...``) that are not daemons count: a daemon really never ends."""
    from k8s_helpers.kubelet.shell import program_for  # noqa: PLC0415

    import shlex  # noqa: PLC0415

    out = []
    for c in inits:
        text = command_text(c)
        if not text or any(w in text for w in DAEMON_WORDS):
            continue
        try:
            words = {w.rsplit("/", 1)[-1] for w in shlex.split(text.replace("|", " | "))}
        except ValueError:
            words = set(text.split())
        if words & SERVER_PROGRAMS:
            continue  # it may really never end: the simulation decides
        try:
            program = program_for(c)
        except Exception:  # noqa: BLE001 - a garbage container: the other items say why
            continue
        if program.is_server and "guion" in program.description:
            # "guion no interpretable (unknown command cd): ..." -> "la orden `cd`"
            what = program.description.partition("(")[2].partition(")")[0]
            if what.startswith("unknown command "):
                what = f"la orden `{what[len('unknown command '):]}`"
            elif what.startswith("operator "):
                what = f"el operador `{what[len('operator '):]}`"
            else:
                what = f"`{what}`" if what else "alguna de sus órdenes"
            out.append(f"usa {what}")
    return out


# --------------------------------------------------------------------------- ej4: fase y STATUS


EJ4_POINTS, EJ4_HIDDEN = 4, 2
EJ4_VISIBLE = [(20, 5), (20, 60), (None, 600), (60, 45)]


def init_pod(duracion_init: int | None) -> dict:
    """The pod of ej4: an init container that lasts ``duracion_init`` s (None: a daemon that never
    ends) and then nginx."""
    if duracion_init is None:
        init = {"name": "preparar", "image": "nginx:1.27"}  # a daemon: never ends
    else:
        init = {"name": "preparar", "image": "busybox:1.36",
                "command": ["sh", "-c", f"echo preparando; sleep {int(duracion_init)}"]}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-con-init"},
            "spec": {"initContainers": [init],
                     "containers": [{"name": "web", "image": "nginx:1.27"}]}}


@functools.lru_cache(maxsize=64)
def simulated_phase_status(duracion_init: int | None, segundos: int) -> tuple[str, str]:
    """(phase, STATUS) of ``init_pod(duracion_init)`` after ``segundos``, from the simulator."""
    pod = simulate(init_pod(duracion_init), segundos)["pod"]
    return pod["status"].get("phase"), summary(pod)["status"]


def _norm_pair(value: Any) -> tuple[str, str] | None:
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
        return value[0].strip(), value[1].strip()
    return None


def _ej4_hint(args, expected, got) -> str:
    duracion, segundos = args
    if duracion is None and got and got[0].lower() != "pending":
        return ("Un init container que no termina nunca NO hace que Kubernetes reinicie el pod: el pod "
                "se queda en Pending, con STATUS `Init:0/1`, esperando para siempre.")
    if got and expected[0] == "Pending" and got[1].lower() == "pending":
        return "La columna STATUS de kubectl no dice Pending: dice `Init:<terminados>/<total>`."
    if got and expected[0] == "Running" and got[0].lower() == "pending":
        return "Cuando el init container acaba, arranca nginx y el pod pasa a Running."
    return ""


def _ej4_cases(r: Rubric, fn: Callable, cases: list, points_each: float) -> None:
    for duracion, segundos in cases:
        args = (duracion, segundos)
        call = f"{fn_name(fn)}({duracion!r}, {segundos!r})"
        ok, got, err = call_student(fn, *args)
        try:
            expected = simulated_phase_status(duracion, segundos)
        except Exception as exc:  # pragma: no cover - simulator bug
            r.item(call, points_each, False, simulator_failed(exc))
            continue
        pair = _norm_pair(got) if ok else None
        passed = pair is not None and pair[0].lower() == expected[0].lower() and pair[1].lower() == expected[1].lower()
        if not ok:
            detail = err
        elif pair is None:
            detail = f"Devuelve una tupla de dos textos (fase, STATUS), no {got!r}."
            if got is None:
                detail += "\n" + type_hint(got, expected)
        else:
            detail = f"Esperaba {expected!r} y tu función devolvió {tuple(pair)!r}."
            hint = _ej4_hint(args, expected, pair)
            detail += ("\n" + hint) if hint else ""
        r.item(f"{call} == {expected!r}", points_each, passed, "" if passed else detail)


def check_estado_tras(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 4: fase y STATUS de un pod con init container")
    return visible_and_hidden(r, lambda cases, each: _ej4_cases(r, answer, cases, each),
                              EJ4_VISIBLE, hidden, EJ4_POINTS, EJ4_HIDDEN)


def solution_estado_tras(duracion_init: int | None, segundos: int) -> tuple[str, str]:
    """Reference implementation (ignores the seconds of image pulling, as the statement says)."""
    if duracion_init is None or segundos < duracion_init:
        return ("Pending", "Init:0/1")
    return ("Running", "Running")


# --------------------------------------------------------------------------- ej5: reinicios


EJ5_POINTS, EJ5_HIDDEN = 3, 1
EJ5_VISIBLE = [(30, 15), (5, 30), (5, 100), (10, 75)]


def script_pod(duracion_script: int) -> dict:
    """A script (not a daemon) in ``containers``: KUBERNETES SE VUELVE LOCO."""
    script = "echo Hola" if not duracion_script else f"echo Hola; sleep {int(duracion_script)}"
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "script"},
            "spec": {"containers": [{"name": "script", "image": "busybox:1.36",
                                     "command": ["sh", "-c", script]}]}}


@functools.lru_cache(maxsize=64)
def simulated_restarts(duracion_script: int, segundos: int) -> int:
    pod = simulate(script_pod(duracion_script), segundos)["pod"]
    return int(summary(pod)["restart_count"])


def solution_reinicios_tras(duracion_script: int, segundos: int) -> int:
    """Reference (POD-8): the script runs ``d`` s; the first crash restarts at once, then the kubelet
    waits 10, 20, 40... (max 300) s, from the moment the container finished, before each restart."""
    t, restarts, wait = duracion_script, 0, 0
    while True:
        t += wait
        if t > segundos:
            return restarts
        restarts += 1
        t += duracion_script
        wait = 10 if wait == 0 else min(wait * 2, 300)


def _ej5_cases(r: Rubric, fn: Callable, cases: list, points_each: float) -> None:
    for duracion, segundos in cases:
        call = f"{fn_name(fn)}({duracion!r}, {segundos!r})"
        ok, got, err = call_student(fn, duracion, segundos)
        try:
            expected = simulated_restarts(duracion, segundos)
        except Exception as exc:  # pragma: no cover - simulator bug
            r.item(call, points_each, False, simulator_failed(exc))
            continue
        passed = ok and same_number(got, expected)
        detail = err if not ok else f"Esperaba {expected} reinicios y tu función devolvió {got!r}."
        if ok and not passed and type_hint(got, expected):
            detail += "\n" + type_hint(got, expected)
        elif ok and not passed and isinstance(got, (int, float)) and got > expected:
            detail += ("\nOjo con el back-off: el primer reinicio es inmediato, pero después Kubernetes "
                       "espera 10 s, luego 20, 40... (como mucho 5 minutos) desde que el contenedor acaba. "
                       "Por eso STATUS dice CrashLoopBackOff.")
        r.item(f"{call} == {expected}", points_each, passed, "" if passed else detail)


def check_reinicios_tras(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 5: un script en un contenedor (¡KUBERNETES SE VUELVE LOCO!)")
    return visible_and_hidden(r, lambda cases, each: _ej5_cases(r, answer, cases, each),
                              EJ5_VISIBLE, hidden, EJ5_POINTS, EJ5_HIDDEN)


# --------------------------------------------------------------------------- table


EXERCISES = {
    "ch02_ej1": Exercise("ch02_ej1", "pods_necesarios", "function", check_pods_necesarios,
                         EJ1_POINTS, "Ejercicio 1: ¿un pod o dos?", EJ1_HIDDEN),
    "ch02_ej2": Exercise("ch02_ej2", EJ2_NAME, "yaml", check_pod_filebeat,
                         EJ2_POINTS, "Ejercicio 2: Apache con su sidecar Filebeat"),
    "ch02_ej3": Exercise("ch02_ej3", EJ3_NAME, "yaml", check_pod_init,
                         EJ3_POINTS, "Ejercicio 3: un init container que prepara la web"),
    "ch02_ej4": Exercise("ch02_ej4", "estado_tras", "function", check_estado_tras,
                         EJ4_POINTS, "Ejercicio 4: fase y STATUS de un pod con init container", EJ4_HIDDEN),
    "ch02_ej5": Exercise("ch02_ej5", "reinicios_tras", "function", check_reinicios_tras,
                         EJ5_POINTS, "Ejercicio 5: un script en un contenedor (¡KUBERNETES SE VUELVE LOCO!)",
                         EJ5_HIDDEN),
}
