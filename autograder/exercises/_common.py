"""What the checkers of every chapter share (one home per rule; chapter modules import it).

- the split of an exercise's points between visible cases and the hidden ones of the notebook;
- reading an answer: YAML text (``check_manifest``), a dict of answers, True/False statements;
- the rubric item "valid Pod" and tolerant access to the parts of a pod dict;
- behavioural items: the student's pod applied to a simulated cluster (k8s_helpers.Cluster).

Feedback texts are Spanish and must stay word for word: the pipeline test asserts them.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping

from autograder.exercises import Unanswered
from autograder.rubric import Rubric, points as fmt_points

NOT_A_VALID_POD = "Primero el manifiesto tiene que ser un Pod válido."
UNREADABLE_YAML = "No he podido leer tu YAML: arregla primero los errores de arriba."
MISSING_KEY = object()

# --------------------------------------------------------------------------- points and names


def hidden_note(points: float) -> str:
    return f"En la corrección final hay además casos ocultos que valen {fmt_points(points)} más."


def fn_name(fn: Any) -> str:
    return getattr(fn, "__name__", "tu_funcion")


_TYPE_NAMES = {
    "str": "un texto (str)", "int": "un número entero (int)", "float": "un número decimal (float)",
    "bool": "un booleano (bool)", "list": "una lista (list)", "tuple": "una tupla (tuple)",
    "dict": "un diccionario (dict)", "set": "un conjunto (set)", "NoneType": "None",
}


def type_name(value: Any) -> str:
    """'un texto (str)', 'una lista (list)'... as a student reads it."""
    name = type(value).__name__
    return _TYPE_NAMES.get(name, f"un valor de tipo {name}")


def same_number(got: Any, expected: Any) -> bool:
    """``got`` is the number ``expected``: an int, or a float with no decimals (2.0); never a bool."""
    if isinstance(got, bool) or not isinstance(got, (int, float)):
        return False
    return got == expected


def type_hint(got: Any, expected: Any) -> str:
    """A Spanish hint when a function returned the wrong KIND of value ("" if the kind is right).

    The most common beginner slip first: no ``return`` (the function gives back None).
    """
    if got is None and expected is not None:
        return ("Tu función devolvió None: ¿te falta el `return`? (Un `print` muestra el valor, "
                "pero no lo devuelve.)")
    if expected is None or got is None:
        return ""
    if isinstance(expected, bool) or isinstance(got, bool):
        if type(got) is not type(expected):
            return f"Devuelve {type_name(expected)}, no {type_name(got)}."
        return ""
    if isinstance(expected, (int, float)):
        if isinstance(got, str):
            return (f"Devuelve el número sin comillas ({expected!r}), no el texto {got!r}: "
                    "con comillas es un str.")
        if not isinstance(got, (int, float)):
            return f"Devuelve un número, no {type_name(got)}."
        if isinstance(expected, int) and isinstance(got, float) and not got.is_integer():
            return f"Devuelve un número entero (int), no un número con decimales ({got!r})."
        return ""
    if isinstance(expected, str) and not isinstance(got, str):
        if isinstance(got, (int, float)):
            return f"Devuelve un texto entre comillas ({expected!r}), no el número {got!r}."
        return f"Devuelve un texto (str) como {expected!r}, no {type_name(got)}."
    if isinstance(expected, (tuple, list)) and not isinstance(got, (tuple, list)):
        return f"Devuelve {type_name(expected)}, no {type_name(got)}."
    return ""


def simulator_failed(exc: Exception) -> str:
    """Detail of an item whose expected value the simulator could not compute (our bug, not theirs)."""
    return f"El simulador ha fallado ({type(exc).__name__}). Avisa a tu profesor."


def visible_and_hidden(r: Rubric, run: Callable[[Any, float], None], visible: Any, hidden: Any,
                       points: float, hidden_points: float,
                       run_hidden: Callable[[Any, float], None] | None = None) -> Rubric:
    """Grade the visible cases for ``points - hidden_points`` and the hidden ones for the rest.

    ``run(cases, points_each)`` records one item per case (``cases`` as given: a list, or a
    dict for dict answers). Without hidden data (the student's copy) the hidden points are not
    in the rubric and a note says they exist.
    """
    run(visible, (points - hidden_points) / len(visible))
    if hidden:
        (run_hidden or run)(hidden, hidden_points / len(hidden))
    else:
        r.note(hidden_note(hidden_points))
    return r


# --------------------------------------------------------------------------- answers


def yaml_answer(answer: Any, r: Rubric, name: str, points: float, template: str | None = None) -> str | None:
    """The student's YAML text, or None after recording a 0-point item (wrong type).

    Empty text, or the released ``template`` left untouched, is unanswered.
    """
    if not isinstance(answer, str):
        r.item(f"`{name}` es un texto con tu manifiesto YAML", points, False,
               f"`{name}` debe ser un str: el YAML como texto entre triples comillas "
               f"(`{name} = \"\"\"...\"\"\"`), no {type_name(answer)}.")
        return None
    if not answer.strip() or (template is not None and answer.split() == template.split()):
        raise Unanswered()
    return answer


def dict_answer(answer: Any, r: Rubric, name: str, shape: str, points: float,
                blanks: tuple = ()) -> dict | None:
    """The student's dict, or None after recording a 0-point item (wrong type).

    A template whose values are all still None (or one of ``blanks``) is unanswered.
    """
    if not isinstance(answer, dict):
        r.item(f"`{name}` es un diccionario {shape}", points, False,
               f"`{name}` debe ser un dict (entre llaves: `{{clave: valor, ...}}`), no {type_name(answer)}.")
        return None
    if answer and all(v is None or v in blanks for v in answer.values()):
        raise Unanswered()
    return answer


def true_false_items(r: Rubric, answer: dict, expected: Mapping[str, bool], points_each: float,
                     why: Mapping[str, str], describe: Callable[[str, bool], str]) -> None:
    """One item per statement answered True/False; a wrong answer shows ``why[key]``."""
    for key, want in expected.items():
        got = answer.get(key, MISSING_KEY)
        passed = isinstance(got, bool) and got == want
        if got is MISSING_KEY:
            detail = f"Falta la clave {key!r}."
        elif got is None:
            detail = f"Responde con True o False: {key!r} sigue en None."
        elif isinstance(got, str):
            detail = (f"Responde con True o False, sin comillas (un bool), no con el texto {got!r}: "
                      "entre comillas es un str.")
        elif not isinstance(got, bool):
            detail = f"Responde con True o False, no con {got!r}."
        else:
            detail = why[key]
        r.item(describe(key, want), points_each, passed, "" if passed else detail)


def keys_note(r: Rubric, answer: dict, known: Any, hidden: Any, checked: Any = ()) -> None:
    """Notes on the keys of a dict answer: those not in ``known`` (a typo loses a statement) and,
    in the student's copy (no ``hidden``), the statement's keys still missing that only the hidden
    cases check (``checked``: those with a visible item). The keys are in the statement: naming
    them reveals no answer."""
    unknown = [k for k in answer if k not in known]
    if unknown:
        r.note("Estas claves no son de ninguna afirmación (¿una errata?): "
               + ", ".join(repr(k) for k in unknown) + ". Las claves válidas son: "
               + ", ".join(repr(k) for k in known) + ".")
    missing = [k for k in known if answer.get(k) is None and k not in checked]
    if missing and not hidden:
        r.note("Aún no has respondido (falta la clave o sigue en None) a estas, que se corrigen con los "
               "casos ocultos: "
               + ", ".join(repr(k) for k in missing) + ".")


# --------------------------------------------------------------------------- manifests


def validate_manifest(text: str) -> tuple[bool, list, str]:
    """(ok, documents, Spanish report) from the validation helper's ``check_manifest``."""
    from autograder import check_manifest  # noqa: PLC0415 (lazy: keeps imports cheap)

    report = check_manifest(text)
    return bool(report.ok), list(getattr(report, "documents", []) or []), str(report)


def dicts(value: Any) -> list[dict]:
    """The dict entries of a list (anything else in a student's manifest is ignored)."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def single_pod(docs: list) -> dict | None:
    pods = [d for d in docs if isinstance(d, dict) and d.get("kind") == "Pod"]
    return pods[0] if len(pods) == 1 else None


def pod_parts(pod: dict | None) -> tuple[dict, list[dict], list[dict], list[dict]]:
    """(spec, containers, initContainers, volumes) of a pod dict, tolerant to garbage."""
    spec = pod.get("spec") if pod and isinstance(pod.get("spec"), dict) else {}
    return spec, dicts(spec.get("containers")), dicts(spec.get("initContainers")), dicts(spec.get("volumes"))


def no_pod_reason(docs: list) -> str:
    """Why there is no single Pod to check in the student's YAML (Spanish)."""
    if not docs:
        return UNREADABLE_YAML
    kinds = [d.get("kind") if isinstance(d, dict) else None for d in docs]
    pods = kinds.count("Pod")
    if pods > 1:
        return f"Tu YAML tiene {pods} documentos `kind: Pod`; el ejercicio pide un único Pod."
    found = ", ".join(repr(k) for k in kinds if k) or "ningún `kind`"
    return f"Esperaba un documento `kind: Pod` y en tu YAML hay: {found}."


def valid_pod_item(r: Rubric, text: str) -> tuple[bool, dict | None, str]:
    """Validate ``text`` and record the 1-point item "a single valid Pod".

    Returns (manifest ok, the pod or None, why there is no pod: "" when there is one); pass the
    last one to :func:`explain_missing_pod` once the other items are recorded.
    """
    ok, docs, feedback = validate_manifest(text)
    pod = single_pod(docs)
    why = "" if pod is not None else no_pod_reason(docs)
    r.item("El manifiesto es un Pod válido para Kubernetes", 1, ok and pod is not None,
           feedback if not ok else why)
    return ok, pod, why


def explain_missing_pod(r: Rubric, why: str, first: int = 1) -> Rubric:
    """Without a single Pod (unreadable YAML, a Deployment, two Pods...) every item from ``first`` on
    fails for that one reason: say so, instead of "falta el contenedor X", which would send the
    student looking for the wrong mistake."""
    if why:
        for item in r.items[first:]:
            if not item.passed:
                item.detail = why
    return r


# --------------------------------------------------------------------------- simulator


def new_cluster():
    """A small simulated cluster with one worker node (deterministic seed)."""
    from k8s_helpers import Cluster  # noqa: PLC0415 (lazy: keeps imports cheap)

    return Cluster.kind(workers=1)


def simulate(pod: dict, seconds: float, checkpoints: tuple = ()) -> dict:
    """Apply ``pod`` to a fresh simulated cluster, run ``seconds`` and report what happened.

    Returns {"cluster", "pod" (final API dict), "at": {t: pod dict at t for t in checkpoints}}.
    Raises whatever the simulator raises (the caller turns it into a failed item).
    """
    c = new_cluster()
    c.apply([pod])
    name = pod["metadata"]["name"]
    namespace = pod["metadata"].get("namespace") or "default"
    at = {}
    elapsed = 0.0
    for t in sorted(set(checkpoints)):
        if t > elapsed:
            c.run(seconds=t - elapsed)
            elapsed = t
        at[t] = c.get("pod", name, namespace=namespace)
    if seconds > elapsed:
        c.run(seconds=seconds - elapsed)
    return {"cluster": c, "pod": c.get("pod", name, namespace=namespace), "at": at}


def summary(pod: dict) -> dict:
    """READY / STATUS / RESTARTS of a pod as `kubectl get pods` prints them (POD-9)."""
    from k8s_helpers.kubectl.pods import pod_summary  # noqa: PLC0415

    return pod_summary(pod)


def describe_outcome(pod: dict) -> str:
    s = summary(pod)
    phase = (pod.get("status") or {}).get("phase")
    return f"Fase {phase}, READY {s['ready']}, STATUS {s['status']}, RESTARTS {s['restart_count']}."


def simulated_item(r: Rubric, description: str, points: float, check: Callable[[], tuple[bool, str]],
                   valid_pod: bool = True) -> bool:
    """A behavioural item: ``check`` runs the simulation; a crash of the simulator is a failed item.

    With ``valid_pod`` False there is nothing to simulate: the item fails asking for a valid Pod.
    """
    if not valid_pod:
        return r.item(description, points, False, NOT_A_VALID_POD)
    try:
        passed, detail = check()
    except Exception as exc:  # the manifest may break the simulation: never crash the cell
        from k8s_helpers.errors import ManifestError  # noqa: PLC0415

        if isinstance(exc, ManifestError):
            passed, detail = False, "El clúster simulado rechaza tu manifiesto:\n" + str(exc)
        else:
            passed, detail = False, (f"No he podido simular tu pod ({type(exc).__name__}: {exc}). "
                                     "Revisa el manifiesto.")
    return r.item(description, points, passed, detail)
