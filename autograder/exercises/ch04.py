"""Chapter 04 "Sondas": checkers of the graded exercises.

Each checker is ``check_x(answer, hidden=None) -> Rubric`` (see autograder/exercises/__init__.py).
Rules: PRB-1 probe fields and defaults, PRB-2 success, PRB-3 the kubelet's probe worker
(startup first; then liveness and readiness run INDEPENDENTLY; longest startup =
initialDelaySeconds + failureThreshold x periodSeconds), POD-8 back-off
(shared/reference/kubernetes-semantics.md).

App health in the simulator is declared with pod annotations (valid on a real cluster):
``sim.k8s-course.io/startup-seconds`` and ``sim.k8s-course.io/fail-after-seconds``. Behavioural
items OVERWRITE these annotations on a copy of the student's pod, so the student cannot make a
bad probe look good by changing the app.
"""
from __future__ import annotations

import copy
import functools
from typing import Any, Callable

from autograder.exercises import Exercise, call_student
from autograder.exercises._common import (
    describe_outcome, dict_answer, explain_missing_pod, fn_name, keys_note, pod_parts, same_number,
    simulate, simulated_item, simulator_failed, summary, true_false_items, type_hint, valid_pod_item,
    visible_and_hidden, yaml_answer,
)
from autograder.rubric import Rubric

ANNOTATION_PREFIX = "sim.k8s-course.io/"
STARTUP = ANNOTATION_PREFIX + "startup-seconds"
FAIL_AFTER = ANNOTATION_PREFIX + "fail-after-seconds"
UNREADY_AFTER = ANNOTATION_PREFIX + "unready-after-seconds"
NEVER = 100000  # "the app never finishes starting"

PROBE_DEFAULTS = {"initialDelaySeconds": 0, "periodSeconds": 10, "timeoutSeconds": 1,
                  "successThreshold": 1, "failureThreshold": 3}  # PRB-1
HANDLERS = ("exec", "httpGet", "tcpSocket", "grpc")


# --------------------------------------------------------------------------- helpers


def field(probe: dict, key: str) -> Any:
    value = probe.get(key)
    return PROBE_DEFAULTS[key] if value is None else value


def startup_budget(probe: dict) -> int:
    """Longest startup before the kill (PRB-3): initialDelaySeconds + failureThreshold x periodSeconds.

    Delegates to the widgets' pure helper when it exists (one home per rule)."""
    try:
        from k8s_helpers.widgets.probe_timeline import probe_budget  # noqa: PLC0415
    except ImportError:
        probe_budget = None
    if probe_budget is not None:
        try:
            return int(probe_budget(probe, "startup")["worst_case_seconds"])
        except Exception:  # noqa: BLE001 - fall back to the formula
            pass
    return int(field(probe, "initialDelaySeconds") + field(probe, "failureThreshold") * field(probe, "periodSeconds"))


#: The course's sample images (k8s_helpers/catalog/images.yaml): the notes' web, which serves
#: /status and /ready on port 80, and the Tomcat with the team's app (/health on 8080).
SAMPLE_WEB = "registry.k8s-course.io/web:1.0"
SAMPLE_TOMCAT = "registry.k8s-course.io/tomcat-app:1.0"


def with_app(pod: dict, startup: int | None = None, fail_after: int | None = None, image: str | None = None) -> dict:
    """A copy of ``pod`` whose simulated app behaves as told (annotations overwritten); with
    ``image``, its containers run that app (the exercise grades the probes, not the image)."""
    pod = copy.deepcopy(pod)
    if image is not None:
        for c in (pod.get("spec") or {}).get("containers") or []:
            if isinstance(c, dict):
                c["image"] = image
    meta = pod.setdefault("metadata", {})
    ann = {k: v for k, v in (meta.get("annotations") or {}).items() if ANNOTATION_PREFIX not in str(k)}
    if startup is not None:
        ann[STARTUP] = str(startup)
    if fail_after is not None:
        ann[FAIL_AFTER] = str(fail_after)
    meta["annotations"] = ann
    return pod


def http_port_ok(probe: dict, container: dict, port: int) -> bool:
    http = probe.get("httpGet") if isinstance(probe.get("httpGet"), dict) else {}
    p = http.get("port")
    if p == port or p == str(port):
        return True
    if isinstance(p, str):
        return any(isinstance(cp, dict) and cp.get("name") == p and cp.get("containerPort") == port
                   for cp in container.get("ports") or [])
    return False


def http_path(probe: dict) -> str | None:
    http = probe.get("httpGet")
    return http.get("path") if isinstance(http, dict) else None


def probe_of(container: dict | None, kind: str) -> dict | None:
    probe = container.get(kind) if container else None
    return probe if isinstance(probe, dict) else None


# --------------------------------------------------------------------------- ej1: las sondas de la web


EJ1_POINTS = 6
EJ1_NAME = "pod_web_yaml"
EJ1_CONTAINER = "web"


def check_sondas_web(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 1: las sondas de la web de los apuntes")
    text = yaml_answer(answer, r, EJ1_NAME, EJ1_POINTS)
    if text is None:
        return r
    ok, pod, no_pod = valid_pod_item(r, text)
    _, containers, _, _ = pod_parts(pod)
    web = next((c for c in containers if c.get("name") == EJ1_CONTAINER), None)
    if web is None and len(containers) == 1:
        web = containers[0]
    startup, liveness, readiness = (probe_of(web, k) for k in ("startupProbe", "livenessProbe", "readinessProbe"))

    ok_where = bool(startup) and http_path(startup) == "/status" and http_port_ok(startup, web, 80)
    r.item("startupProbe: httpGet a `/status` en el puerto 80", 0.5, ok_where,
           "La web está arrancada cuando `http://localhost/status` contesta: `startupProbe.httpGet` con "
           "`path: /status` y `port: 80`." if startup else "Falta la `startupProbe` en el contenedor.")
    wanted = {"initialDelaySeconds": 60, "periodSeconds": 5, "timeoutSeconds": 5, "failureThreshold": 48}
    wrong = [f"`{k}` debería ser {v} (tienes {field(startup, k)})" for k, v in wanted.items()
             if startup and field(startup, k) != v]
    detail = "Falta la `startupProbe`." if not startup else "\n".join(wrong)
    if startup and wrong and startup_budget(startup) != 300:
        detail += f"\nCon tus valores el arranque más largo es de {startup_budget(startup)} s, no 5 minutos."
    r.item("startupProbe: empieza a los 60 s, cada 5 s, timeout 5 s, 48 intentos (5 minutos)", 1,
           bool(startup) and not wrong, detail)

    def check_loop(probe: dict | None, kind: str, path: str) -> tuple[bool, str]:
        if not probe:
            return False, f"Falta la `{kind}`."
        problems = []
        if http_path(probe) != path or not http_port_ok(probe, web, 80):
            problems.append(f"Debe ser un `httpGet` a `{path}` en el puerto 80.")
        if field(probe, "periodSeconds") != 5:
            problems.append(f"Se ejecuta cada 5 s: `periodSeconds: 5` (tienes {field(probe, 'periodSeconds')}).")
        if field(probe, "failureThreshold") != 3:
            problems.append(f"3 fallos seguidos: `failureThreshold: 3` (tienes {field(probe, 'failureThreshold')}).")
        return not problems, "\n".join(problems)

    passed, detail = check_loop(liveness, "livenessProbe", "/status")
    if liveness and http_path(liveness) == "/ready":
        detail += "\nLa de vida mira `/status` (¿está sana?); `/ready` es para la readiness (¿puede atender?)."
    r.item("livenessProbe: `/status` cada 5 s, 3 fallos seguidos", 1, passed, detail)
    passed, detail = check_loop(readiness, "readinessProbe", "/ready")
    r.item("readinessProbe: `/ready` cada 5 s, 3 fallos seguidos", 1, passed, detail)

    valid = ok and pod is not None

    def slow_app() -> tuple[bool, str]:
        sim = simulate(with_app(pod, startup=200, image=SAMPLE_WEB), 400)
        s = summary(sim["pod"])
        good = s["restart_count"] == 0 and s["ready_count"] == s["total"]
        return good, ("Una web que tarda 200 s en arrancar, a los 400 s: " + describe_outcome(sim["pod"])
                      + ("\nSe ha reiniciado: tu startupProbe no le da los 5 minutos." if s["restart_count"] else ""))
    simulated_item(r, "Simulado: una web que tarda 200 s en arrancar llega a READY sin reinicios", 1, slow_app,
                   valid_pod=valid)

    def never_app() -> tuple[bool, str]:
        sim = simulate(with_app(pod, startup=NEVER, image=SAMPLE_WEB), 330, checkpoints=(280,))
        early = summary(sim["at"][280])["restart_count"]
        late = summary(sim["pod"])["restart_count"]
        good = early == 0 and late >= 1
        msg = f"Una web que no arranca nunca: {early} reinicios a los 280 s y {late} a los 330 s."
        if early:
            msg += "\nLa reinicias antes de tiempo: el presupuesto de arranque debe ser de 5 minutos."
        elif not late:
            msg += "\nNo se reinicia a los 5 minutos: ¿falta la startupProbe o tiene demasiados intentos?"
        return good, msg
    simulated_item(r, "Simulado: una web que no arranca nunca se reinicia al agotar los 5 minutos", 0.5, never_app,
                   valid_pod=valid)
    return explain_missing_pod(r, no_pod)


# --------------------------------------------------------------------------- ej2: presupuesto de arranque


EJ2_POINTS, EJ2_HIDDEN = 3, 1
NOTES_WEB_STARTUP = {"httpGet": {"path": "/status", "port": 80}, "initialDelaySeconds": 60,
                     "periodSeconds": 5, "timeoutSeconds": 5, "failureThreshold": 48}
EJ2_VISIBLE = [
    NOTES_WEB_STARTUP,
    {"httpGet": {"path": "/healthz", "port": 8080}, "failureThreshold": 30, "periodSeconds": 10},
    {"tcpSocket": {"port": 3306}, "initialDelaySeconds": 10, "periodSeconds": 3},
    {"exec": {"command": ["cat", "/tmp/arrancado"]}},
]


DEFAULTS_HINT = ("Cuando un campo no está, Kubernetes usa su valor por defecto: initialDelaySeconds 0, "
                 "periodSeconds 10, failureThreshold 3 (por ejemplo `sonda.get(\"periodSeconds\", 10)`).")


def _ej2_hint(probe: dict, expected: int, got: Any) -> str:
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return type_hint(got, expected) or "Devuelve un número de segundos."
    if got == expected + field(probe, "timeoutSeconds"):
        return "El timeout no se suma: es lo que espera cada intento, y los intentos van cada `periodSeconds`."
    missing = [k for k in ("initialDelaySeconds", "periodSeconds", "failureThreshold") if k not in probe]
    if missing:
        return DEFAULTS_HINT
    return "initialDelaySeconds + failureThreshold × periodSeconds."


def _ej2_cases(r: Rubric, fn: Callable, cases: list, points_each: float) -> None:
    for probe in cases:
        expected = startup_budget(probe)
        ok, got, err = call_student(fn, copy.deepcopy(probe))
        passed = ok and same_number(got, expected)
        shown = {k: v for k, v in probe.items() if k not in HANDLERS}
        handler = next((h + " " for h in HANDLERS if h in probe), "")
        if not ok:
            detail = err
            if "KeyError" in err or "NoneType" in err:
                detail += "\n" + DEFAULTS_HINT
        else:
            detail = f"Esperaba {expected} s y tu función devolvió {got!r}.\n" + _ej2_hint(probe, expected, got)
        r.item(f"{fn_name(fn)}(sonda {handler}con {shown or 'todo por defecto'}) == {expected}", points_each,
               passed, "" if passed else detail)


def check_presupuesto_arranque(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 2: ¿cuánto puede tardar en arrancar?")
    return visible_and_hidden(r, lambda cases, each: _ej2_cases(r, answer, cases, each),
                              EJ2_VISIBLE, hidden, EJ2_POINTS, EJ2_HIDDEN)


# --------------------------------------------------------------------------- ej3: arregla el Tomcat


EJ3_POINTS = 5
EJ3_NAME = "pod_tomcat_yaml"
EJ3_STARTUP = 90  # the Tomcat takes 90 s to start
EJ3_BROKEN = f"""\
apiVersion: v1
kind: Pod
metadata:
  name: tomcat
  annotations:
    {STARTUP}: "{EJ3_STARTUP}"
spec:
  containers:
  - name: tomcat
    image: registry.k8s-course.io/tomcat-app:1.0
    ports:
    - containerPort: 8080
    livenessProbe:
      httpGet:
        path: /health
        port: 8080
      periodSeconds: 10
      failureThreshold: 3
"""


def check_arreglo_tomcat(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 3: arregla el Tomcat que Kubernetes se carga")
    text = yaml_answer(answer, r, EJ3_NAME, EJ3_POINTS)
    if text is None:
        return r
    if text.split() == EJ3_BROKEN.split():
        r.item("Has arreglado el pod del Tomcat", EJ3_POINTS, False,
               "Este es el pod roto de arriba tal cual, sin cambios: Kubernetes lo seguiría matando en bucle. "
               "La solución es una `startupProbe` que le dé más de 90 s para arrancar.")
        return r
    ok, pod, no_pod = valid_pod_item(r, text)
    _, containers, _, _ = pod_parts(pod)
    tomcat = next((c for c in containers if c.get("name") == "tomcat"), containers[0] if containers else None)
    startup, liveness = probe_of(tomcat, "startupProbe"), probe_of(tomcat, "livenessProbe")
    has_handler = bool(startup) and sum(h in startup for h in HANDLERS) == 1
    r.item("Añade una startupProbe", 1, has_handler,
           "La solución es una `startupProbe`: mientras no tiene éxito, la liveness no se ejecuta."
           if not startup else "La startupProbe necesita exactamente un mecanismo (httpGet, tcpSocket, exec o grpc).")
    budget = startup_budget(startup) if startup else 0
    r.item(f"La startupProbe le da más de {EJ3_STARTUP} s para arrancar", 1, budget > EJ3_STARTUP,
           f"Tu presupuesto de arranque es de {budget} s (initialDelaySeconds + failureThreshold × "
           f"periodSeconds) y el Tomcat tarda {EJ3_STARTUP} s: dale margen, por ejemplo 30 × 5 s."
           if startup else "Sin startupProbe no hay presupuesto de arranque: la liveness empieza a probar "
           "en cuanto arranca el contenedor.")
    detail = ""
    quick = False
    if not liveness:
        detail = ("¡No quites la livenessProbe! Sin ella, si se atascan los 50 hilos del Tomcat, el proceso "
                  "sigue corriendo pero no contesta... y nadie lo cruje.")
    else:
        delay = field(liveness, "initialDelaySeconds")
        detection = field(liveness, "failureThreshold") * field(liveness, "periodSeconds")
        quick = delay < EJ3_STARTUP and detection <= 60
        if delay >= EJ3_STARTUP:
            detail = ("Retrasar la liveness con `initialDelaySeconds` es el parche de antes de existir la "
                      "startupProbe: si un día arranca más lento, vuelve a matarlo. Deja que espere la startupProbe.")
        elif detection > 60:
            detail = (f"Tu liveness tarda {detection} s en declarar muerto al Tomcat atascado: "
                      "mantenla rápida (cada 10 s, 3 fallos).")
    r.item("La livenessProbe sigue ahí y sigue siendo rápida", 1, quick, detail)

    def behaviour() -> tuple[bool, str]:
        sim = simulate(with_app(pod, startup=EJ3_STARTUP, image=SAMPLE_TOMCAT), 600)
        s = summary(sim["pod"])
        good = s["restart_count"] == 0 and s["ready_count"] == s["total"]
        return good, "A los 10 minutos: " + describe_outcome(sim["pod"])
    simulated_item(r, "Simulado: el Tomcat arranca sin reinicios y queda READY", 1, behaviour,
                   valid_pod=ok and pod is not None)
    return explain_missing_pod(r, no_pod)


# --------------------------------------------------------------------------- ej4: diagnóstico


EJ4_POINTS, EJ4_HIDDEN = 4, 2
DIAGNOSES = ("sonda_de_arranque", "sonda_de_vida", "proceso_termina", "no_esta_lista")


def _probe(path: str = "/status", period: int = 5, failures: int = 3, delay: int = 0) -> dict:
    p = {"httpGet": {"path": path, "port": 80}, "periodSeconds": period, "failureThreshold": failures}
    if delay:
        p["initialDelaySeconds"] = delay
    return p


def scenario_pod(kind: str, name: str = "app", **kw) -> dict:
    """A pod that ends in the trouble ``kind`` (one of DIAGNOSES)."""
    container: dict = {"name": name, "image": SAMPLE_WEB, "ports": [{"containerPort": 80}]}
    ann: dict = {}
    if kind == "sonda_de_arranque":
        container["startupProbe"] = _probe(period=kw.get("period", 5), failures=kw.get("failures", 6))
        container["livenessProbe"] = _probe()
        ann[STARTUP] = str(NEVER)
    elif kind == "sonda_de_vida":
        if kw.get("with_startup"):
            container["startupProbe"] = _probe(failures=20)
            ann[STARTUP] = "30"
        container["livenessProbe"] = _probe(period=kw.get("period", 5))
        if kw.get("with_readiness"):
            container["readinessProbe"] = _probe(path="/ready")
        ann[FAIL_AFTER] = str(kw.get("fail_after", 60))
    elif kind == "proceso_termina":
        container["image"] = "busybox:1.36"
        container["command"] = ["sh", "-c", f"echo procesando; sleep {kw.get('seconds', 5)}"]
        container.pop("ports")
        if kw.get("with_readiness"):
            container["readinessProbe"] = {"exec": {"command": ["true"]}, "periodSeconds": 5}
    elif kind == "no_esta_lista":
        # the notes' database in maintenance (a backup): alive, but out of the load balancer
        container["livenessProbe"] = _probe()
        container["readinessProbe"] = _probe(path="/ready")
        ann[UNREADY_AFTER] = str(kw.get("fail_after", 60))
    else:  # pragma: no cover
        raise ValueError(kind)
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "annotations": ann},
            "spec": {"containers": [container]}}


def pod_events(sim: dict, name: str) -> list[dict]:
    """The events of one pod, one per occurrence, as ``c.events()`` returns them (API-shaped dicts)."""
    return sim["cluster"].events(name=name, kind="Pod")


@functools.lru_cache(maxsize=32)
def _scenario_events(kind: str, items: tuple) -> tuple:
    kw = dict(items)
    name = kw.pop("name", "app")
    sim = simulate(scenario_pod(kind, name, **kw), 240)
    return tuple(_freeze(e) for e in pod_events(sim, name))


def _freeze(obj: Any) -> Any:
    import json  # noqa: PLC0415

    return json.dumps(obj, sort_keys=True, default=str)


def scenario_events(kind: str, **kw) -> list[dict]:
    """Fresh copies of the events of the scenario pod after 240 simulated seconds."""
    import json  # noqa: PLC0415

    return [json.loads(e) for e in _scenario_events(kind, tuple(sorted(kw.items())))]


EJ4_VISIBLE = [
    ("sonda_de_arranque", {}),
    ("sonda_de_vida", {}),
    ("proceso_termina", {}),
    ("no_esta_lista", {}),
]
EJ4_WHY = {
    "sonda_de_arranque": "Busca el evento `Killing` que dice `failed startup probe`: no terminó de arrancar a tiempo.",
    "sonda_de_vida": ("Arrancó bien, pero luego la livenessProbe falló y el kubelet lo mató "
                      "(`failed liveness probe`). Que haya algún `Startup probe failed` al principio es normal."),
    "proceso_termina": ("No hay sondas que fallen: el proceso acaba solo (`BackOff`, `Back-off restarting "
                        "failed container`). ¡Un script en `containers`!"),
    "no_esta_lista": ("Solo falla la readinessProbe: Kubernetes NO reinicia nada, solo lo saca del "
                      "balanceo (READY 0/1). No hay CrashLoopBackOff."),
}


def _ej4_cases(r: Rubric, fn: Callable, cases: list, points_each: float, label: str) -> None:
    for i, (kind, kw) in enumerate(cases, 1):
        kw = dict(kw)
        call = f"{fn_name(fn)}(eventos del pod «{kw.get('name', 'app')}», {label} {i})"
        try:
            events = scenario_events(kind, **kw)
        except Exception as exc:  # pragma: no cover - simulator bug
            r.item(call, points_each, False, simulator_failed(exc))
            continue
        ok, got, err = call_student(fn, events)
        passed = ok and _diagnosis(got) == kind
        if not ok:
            detail = err
        elif _diagnosis(got) not in DIAGNOSES:
            detail = f"Devuelve uno de {', '.join(repr(d) for d in DIAGNOSES)}; devolviste {got!r}."
            if got is None:
                detail += "\n" + type_hint(got, kind)
        else:
            detail = f"Esperaba {kind!r} y tu función dijo {got!r}.\n{EJ4_WHY[kind]}"
        r.item(f"{call} == {kind!r}", points_each, passed, "" if passed else detail)


def _diagnosis(got: Any) -> Any:
    """The student's answer, forgiving spelling: 'Sonda de vida' or 'sonda-de-vida' is 'sonda_de_vida'."""
    if not isinstance(got, str):
        return got
    return "_".join(got.strip().lower().replace("-", " ").replace("_", " ").split())


def check_diagnosticar(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 4: diagnostica el pod por sus eventos")
    return visible_and_hidden(r, lambda cases, each: _ej4_cases(r, answer, cases, each, "caso"),
                              EJ4_VISIBLE, hidden, EJ4_POINTS, EJ4_HIDDEN,
                              run_hidden=lambda cases, each: _ej4_cases(r, answer, cases, each, "caso oculto"))


def _text(ev: dict) -> str:
    return f"{ev.get('reason', '')} {ev.get('message', '') or ev.get('note', '')}".lower()


def solution_diagnosticar(eventos: list[dict]) -> str:
    """Reference implementation: the Killing event tells which probe killed the container."""
    texts = [_text(e) for e in eventos]
    if any("failed startup probe" in t for t in texts):
        return "sonda_de_arranque"
    if any("failed liveness probe" in t for t in texts):
        return "sonda_de_vida"
    if any("back-off" in t or "backoff" in t for t in texts):
        return "proceso_termina"
    return "no_esta_lista"


# --------------------------------------------------------------------------- ej5: verdadero o falso


EJ5_POINTS, EJ5_HIDDEN = 3, 1.5
EJ5_STATEMENTS = {
    "startup_va_primero": "Mientras la startupProbe no ha tenido éxito, no se ejecutan ni la liveness ni la readiness.",
    "readiness_reinicia": "Si la readinessProbe falla 3 veces seguidas, Kubernetes reinicia el contenedor.",
    "liveness_reinicia_contenedor": ("Cuando la livenessProbe falla, Kubernetes reinicia el contenedor dentro "
                                     "del mismo pod (sube RESTARTS): no crea un pod nuevo."),
    "readiness_tras_liveness": "La readinessProbe solo empieza cuando la livenessProbe ha tenido éxito.",
    "httpget_lee_json": "Una sonda httpGet puede comprobar que el JSON de la respuesta diga \"ok\".",
    "no_lista_sigue_running": "Un pod cuyo único contenedor no está listo (READY 0/1) sigue en fase Running.",
}
EJ5_VISIBLE = {"startup_va_primero": True, "readiness_reinicia": False, "liveness_reinicia_contenedor": True}
EJ5_WHY = {
    "startup_va_primero": "Hasta que la startupProbe tiene éxito, solo se ejecuta ella: la liveness y la readiness esperan.",
    "readiness_reinicia": "La readiness no reinicia nada: solo saca el pod del balanceo (READY 0/1).",
    "liveness_reinicia_contenedor": "Se reinicia el CONTENEDOR, en el mismo pod y el mismo nodo: sube RESTARTS.",
    "readiness_tras_liveness": ("¡Ojo, que esto los apuntes lo cuentan mal! Tras la startupProbe, liveness y "
                                "readiness se ejecutan a la vez, cada una a su ritmo: la readiness no espera a la liveness."),
    "httpget_lee_json": ("httpGet solo mira el código HTTP (200-399 es éxito). Para leer el JSON hace falta una "
                         "sonda `exec` (por ejemplo `curl ... | grep ok`)."),
    "no_lista_sigue_running": "La fase sigue siendo Running: estar listo es una condición aparte (Ready).",
}


def _statement(key: str, want: bool) -> str:
    return f"«{EJ5_STATEMENTS[key]}» es {'VERDADERO' if want else 'FALSO'}"


def check_verdadero_falso(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 5: verdadero o falso sobre las sondas")
    answer = dict_answer(answer, r, "afirmaciones", "clave -> True/False", EJ5_POINTS)
    if answer is None:
        return r
    keys_note(r, answer, EJ5_STATEMENTS, hidden, EJ5_VISIBLE)
    return visible_and_hidden(
        r, lambda cases, each: true_false_items(r, answer, dict(cases), each, EJ5_WHY, _statement),
        EJ5_VISIBLE, hidden, EJ5_POINTS, EJ5_HIDDEN)


# --------------------------------------------------------------------------- table


EXERCISES = {
    "ch04_ej1": Exercise("ch04_ej1", EJ1_NAME, "yaml", check_sondas_web,
                         EJ1_POINTS, "Ejercicio 1: las sondas de la web de los apuntes"),
    "ch04_ej2": Exercise("ch04_ej2", "presupuesto_arranque", "function", check_presupuesto_arranque,
                         EJ2_POINTS, "Ejercicio 2: ¿cuánto puede tardar en arrancar?", EJ2_HIDDEN),
    "ch04_ej3": Exercise("ch04_ej3", EJ3_NAME, "yaml", check_arreglo_tomcat,
                         EJ3_POINTS, "Ejercicio 3: arregla el Tomcat que Kubernetes se carga"),
    "ch04_ej4": Exercise("ch04_ej4", "diagnosticar", "function", check_diagnosticar,
                         EJ4_POINTS, "Ejercicio 4: diagnostica el pod por sus eventos", EJ4_HIDDEN),
    "ch04_ej5": Exercise("ch04_ej5", "afirmaciones", "value", check_verdadero_falso,
                         EJ5_POINTS, "Ejercicio 5: verdadero o falso sobre las sondas", EJ5_HIDDEN),
}
