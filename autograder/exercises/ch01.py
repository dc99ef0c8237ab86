"""Chapter 01 "Imágenes y tags": checkers of the graded exercises.

Each checker is ``check_x(answer, hidden=None) -> Rubric``; the visible cases live here (the
student can read them anyway), the hidden cases only in the source notebook's hidden-test
blocks. Rules: image references IMG-1/IMG-2, pull-policy defaulting IMG-4, emptyDir POD-5
(shared/reference/kubernetes-semantics.md).
"""
from __future__ import annotations

import re
from typing import Any, Callable

from autograder.exercises import Exercise, call_student
from autograder.exercises._common import (
    UNREADABLE_YAML, dict_answer, dicts, fn_name, hidden_note, keys_note, no_pod_reason, pod_parts,
    single_pod, true_false_items, type_hint, validate_manifest, visible_and_hidden, yaml_answer,
)
from autograder.rubric import Rubric

# --------------------------------------------------------------------------- helpers


def _show(value: Any) -> str:
    return repr(value)


def _cases(r: Rubric, fn: Callable, cases: list, points_each: float, hint: Callable | None = None) -> None:
    """One rubric item per (args, expected) case of a function exercise."""
    for args, expected in cases:
        if not isinstance(args, tuple):
            args = (args,)
        call = f"{fn_name(fn)}({', '.join(_show(a) for a in args)})"
        ok, got, err = call_student(fn, *args)
        passed = ok and got == expected
        detail = ""
        if not ok:
            detail = err
        elif not passed:
            detail = f"Esperaba {_show(expected)} y tu función devolvió {_show(got)}."
            extra = type_hint(got, expected) or (hint(args, expected, got) if hint else "")
            if extra:
                detail += "\n" + extra
        r.item(f"{call} == {_show(expected)}", points_each, passed, detail)


def _version_key(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in v.split("."))


# --------------------------------------------------------------------------- ej3


EJ3_POINTS, EJ3_HIDDEN = 3, 1
EJ3_VISIBLE = [
    (("1.21.4", ["latest", "1", "1.21", "1.21.4", "1.21.5", "1.22", "2"]), "1.21"),
    (("1.21.4", ["1.21.4", "1.21.5", "1.21.6", "1.22.0"]), "1.21.6"),
    (("1.21.4", ["1.21.4", "1.21.9", "1.21.10"]), "1.21.10"),
    (("3.1.0", ["latest", "2", "2.9", "2.9.1"]), None),
]


def _ej3_hint(args, expected, got) -> str:
    version, tags = args
    if got == "latest" or got == version.split(".")[0]:
        return "¡Ojo! Ni `latest` ni solo la MAJOR: en producción queremos MAJOR.MINOR."
    if isinstance(got, str) and "-" in got:
        return "Las variantes como `-alpine` no cuentan: solo etiquetas de números y puntos."
    if isinstance(got, str) and got not in tags:
        return (f"'{got}' no está en la lista de etiquetas del registro: devuelve una etiqueta que exista "
                "(o None si no hay ninguna de esa MAJOR.MINOR).")
    if (isinstance(got, str) and isinstance(expected, str) and re.fullmatch(r"\d+\.\d+\.\d+", got)
            and re.fullmatch(r"\d+\.\d+\.\d+", expected) and got.split(".")[:2] == expected.split(".")[:2]):
        return ("Pista: compara las versiones como números, no como texto "
                "(como texto '1.21.9' > '1.21.10', ¡pero 10 es mayor que 9!).")
    return ""


def check_etiqueta_recomendada(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 3: la etiqueta para producción")
    return visible_and_hidden(r, lambda cases, each: _cases(r, answer, cases, each, _ej3_hint),
                              EJ3_VISIBLE, hidden, EJ3_POINTS, EJ3_HIDDEN)


def solution_etiqueta_recomendada(version_validada: str, etiquetas: list[str]) -> str | None:
    """Reference implementation (used by tests to validate the cases)."""
    major, minor = version_validada.split(".")[:2]
    mm = f"{major}.{minor}"
    if mm in etiquetas:
        return mm
    patches = [t for t in etiquetas if re.fullmatch(r"\d+\.\d+\.\d+", t) and t.split(".")[:2] == [major, minor]]
    return max(patches, key=_version_key) if patches else None


# --------------------------------------------------------------------------- ej1


EJ1_POINTS, EJ1_HIDDEN = 3, 1
EJ1_KEYS = ("registro", "repositorio", "tag", "digest")
DIGEST = "sha256:" + "3c4c1f42a89e343c7b050c5e5d6f670a0e0b82e70e0e7d6f0d3c1e1c2e5b7a9f"
EJ1_VISIBLE = [
    ("nginx", {"registro": "docker.io", "repositorio": "library/nginx", "tag": "latest", "digest": None}),
    ("nginx:1.21", {"registro": "docker.io", "repositorio": "library/nginx", "tag": "1.21", "digest": None}),
    ("bitnami/mariadb:10.6",
     {"registro": "docker.io", "repositorio": "bitnami/mariadb", "tag": "10.6", "digest": None}),
    ("quay.io/prometheus/node-exporter:v1.7.0",
     {"registro": "quay.io", "repositorio": "prometheus/node-exporter", "tag": "v1.7.0", "digest": None}),
]


def _ej1_detail(ref: str, expected: dict, got: Any) -> str:
    if not isinstance(got, dict):
        detail = f"Tu función debe devolver un diccionario con las claves {', '.join(EJ1_KEYS)}; devolvió {_show(got)}."
        return detail + ("\n" + type_hint(got, expected) if got is None else "")
    wrong = [k for k in EJ1_KEYS if got.get(k, "<falta>") != expected[k]]
    lines = [f"{k}: esperaba {_show(expected[k])}, obtuve {_show(got.get(k, '<falta>'))}" for k in wrong]
    hints = []
    if "repositorio" in wrong and expected["repositorio"].startswith("library/"):
        hints.append("Las imágenes oficiales de Docker Hub viven en el repositorio `library/<nombre>`.")
    if "registro" in wrong and expected["registro"] == "docker.io":
        hints.append("Si no hay registro, se usa el registro por defecto: docker.io (Docker Hub).")
    if "registro" in wrong and ":" in expected["registro"]:
        hints.append("El puerto (`:5000`) es parte del registro, no un tag.")
    if "tag" in wrong and expected["tag"] is None:
        hints.append("Con digest y sin tag no hay tag: Kubernetes no añade `latest` en ese caso.")
    return "\n".join(lines + hints)


def _ej1_cases(r: Rubric, fn: Callable, cases: list, points_each: float) -> None:
    for ref, expected in cases:
        ok, got, err = call_student(fn, ref)
        passed = ok and isinstance(got, dict) and all(got.get(k, "<falta>") == expected[k] for k in EJ1_KEYS)
        detail = err if not ok else ("" if passed else _ej1_detail(ref, expected, got))
        r.item(f"{fn_name(fn)}({ref!r})", points_each, passed, detail)


def check_analizar_imagen(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 1: las partes de una referencia de imagen")
    return visible_and_hidden(r, lambda cases, each: _ej1_cases(r, answer, cases, each),
                              EJ1_VISIBLE, hidden, EJ1_POINTS, EJ1_HIDDEN)


# --------------------------------------------------------------------------- ej5


EJ5_POINTS, EJ5_HIDDEN = 5, 1
EJ5_POD_NAME = "web"
EJ5_CONTAINER = "nginx"
EJ5_REPOSITORY = "nginx"
EJ5_TAG = "1.21"
#: the skeleton the released notebook shows; submitting it unchanged counts as unanswered
EJ5_TEMPLATE = """
apiVersion: v1
kind: Pod
metadata:
  name: ...
  labels:
    ...: ...
spec:
  containers:
    - name: ...
      image: ...
      ports:
        - containerPort: ...
"""


def _image_parts(image: str) -> dict | None:
    """Registry, repository, effective tag and digest of an image reference (IMG-1/IMG-2).

    None when the reference is not valid (the kubelet would say InvalidImageName, IMG-3).
    """
    from k8s_helpers.images import parse_image

    try:
        ref = parse_image(image)
    except (ValueError, TypeError):
        return None
    return {"registro": ref.registry, "repositorio": ref.repository, "tag": ref.effective_tag,
            "digest": ref.digest, "tag_escrito": ref.tag}


def _ej5_tag_feedback(image: str) -> tuple[bool, str]:
    parts = _image_parts(image)
    if parts is None:
        return False, f"`{image}` no es una referencia de imagen válida (el kubelet diría InvalidImageName)."
    tag, digest, written_tag = parts["tag"], parts["digest"], parts["tag_escrito"]
    if digest:
        return False, ("Fijar por digest congela la imagen para siempre: te pierdes los arreglos de bugs. "
                       f"Aquí queremos la etiqueta MAJOR.MINOR: `nginx:{EJ5_TAG}`.")
    if written_tag is None:
        return False, ("La imagen no lleva tag, así que Kubernetes usará `latest`... "
                       "y `nginx:latest` en producción, ¡NUNCA! Escribe `nginx:1.21`.")
    if tag == "latest":
        return False, ("`nginx:latest` en producción, ¡NUNCA! Ni idea de qué se está montando: "
                       "un buen día pasa de la 1 a la 2 y todo deja de funcionar. Usa `nginx:1.21`.")
    if tag == EJ5_TAG:
        return True, ""
    if re.fullmatch(r"\d+", tag):
        return False, (f"`nginx:{tag}` tampoco: una MINOR nueva trae funcionalidad (y bugs) que no has "
                       "validado. La funcionalidad la marca la MINOR: usa `nginx:1.21`.")
    if re.fullmatch(r"\d+\.\d+\.\d+", tag):
        return False, (f"`nginx:{tag}` se queda congelada: si sale una versión con la misma funcionalidad "
                       "y más bugs arreglados, ¡esa es la que quieres! Usa `nginx:1.21`.")
    return False, f"El tag `{tag}` no es el que buscamos: el equipo validó la 1.21.4, así que `nginx:1.21`."


def check_pod_fijado(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 5: un Pod con la imagen bien fijada")
    text = yaml_answer(answer, r, "pod_yaml", EJ5_POINTS, template=EJ5_TEMPLATE)
    if text is None:
        return r
    ok, docs, feedback = validate_manifest(text)
    r.item("El manifiesto es válido para Kubernetes", 1, ok, "" if ok else feedback)
    pod = single_pod(docs)
    # without a single Pod every item below fails for that one reason: say it, not "falta X"
    unreadable = UNREADABLE_YAML if not docs else ("" if pod else no_pod_reason(docs))
    meta = pod.get("metadata") if pod and isinstance(pod.get("metadata"), dict) else {}
    if pod and meta.get("name") != EJ5_POD_NAME:
        why = f"Tu Pod se llama {meta.get('name')!r}; debe llamarse `{EJ5_POD_NAME}`."
    else:
        why = unreadable or f"Esperaba un solo documento `kind: Pod` con `metadata.name: {EJ5_POD_NAME}`."
    r.item(f"Es un único Pod llamado `{EJ5_POD_NAME}`", 0.5, bool(pod) and meta.get("name") == EJ5_POD_NAME, why)

    _, containers, _, _ = pod_parts(pod)
    named = next((c for c in containers if c.get("name") == EJ5_CONTAINER), None)
    r.item(f"Hay un contenedor llamado `{EJ5_CONTAINER}`", 0.5, named is not None,
           unreadable or f"Llama al contenedor `name: {EJ5_CONTAINER}`. Tus contenedores: "
           + (", ".join(repr(c.get("name")) for c in containers) or "ninguno") + ".")
    # the image checks look at the nginx container, or at the only container there is
    container = named or (containers[0] if len(containers) == 1 else None)
    image = container.get("image") if container else None
    parts = _image_parts(image) if isinstance(image, str) else None
    image_ok = bool(parts) and parts["registro"] == "docker.io" and parts["repositorio"] == "library/" + EJ5_REPOSITORY
    why = unreadable or f"Esperaba `image: nginx:...` en el contenedor `{EJ5_CONTAINER}`"
    if not unreadable:
        why += f", y tiene {image!r}." if container else "."
    if r.item("El contenedor usa la imagen de nginx (de Docker Hub)", 0.5, image_ok, why):
        good, msg = _ej5_tag_feedback(image)
        r.item("La imagen está fijada a MAJOR.MINOR (`nginx:1.21`)", 1.5, good, msg)
    else:
        r.item("La imagen está fijada a MAJOR.MINOR (`nginx:1.21`)", 1.5, False,
               unreadable or "Primero necesito encontrar la imagen de nginx.")

    if not hidden:
        r.note(hidden_note(EJ5_HIDDEN))
        return r
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
    want_labels = dict(hidden.get("labels", {}))
    r.item("Las labels del Pod (`metadata.labels`) son las pedidas", EJ5_HIDDEN / 2,
           bool(pod) and all(labels.get(k) == v for k, v in want_labels.items()),
           unreadable or ("Revisa `metadata.labels`: el enunciado pide " +
                          ", ".join(f"`{k}: {v}`" for k, v in want_labels.items()) + "."))
    ports = dicts(container.get("ports")) if container else []
    want_port = hidden.get("port")
    if any(str(p.get("containerPort")) == str(want_port) for p in ports):
        why = f"`containerPort` debe ser el número {want_port}, sin comillas."
    else:
        why = unreadable or f"Falta `ports: [{{containerPort: {want_port}}}]` en el contenedor `{EJ5_CONTAINER}`."
    r.item("El contenedor declara el puerto pedido", EJ5_HIDDEN / 2,
           any(p.get("containerPort") == want_port and not isinstance(p.get("containerPort"), bool)
               for p in ports), why)
    return r


# --------------------------------------------------------------------------- ej2


EJ2_POINTS, EJ2_HIDDEN = 3, 1
EJ2_IMAGES = [
    "nginx",
    "nginx:1.21",
    "nginx:latest",
    "nginx@" + DIGEST,
    "localhost:5000/tienda/api",
    "quay.io/prometheus/node-exporter:v1.7.0",
    "nginx:latest@" + DIGEST,
    "bitnami/redis:7.2",
]
EJ2_VISIBLE = {
    "nginx": "Always",
    "nginx:1.21": "IfNotPresent",
    "nginx:latest": "Always",
    "nginx@" + DIGEST: "IfNotPresent",
}
POLICIES = ("Always", "IfNotPresent", "Never")


def _ej2_items(r: Rubric, answer: dict, expected: dict, points_each: float) -> None:
    for image, want in expected.items():
        got = answer.get(image, "<falta>")
        norm = next((p for p in POLICIES if isinstance(got, str) and got.strip().lower() == p.lower()), None)
        detail = ""
        if got == "<falta>":
            detail = f"Falta la clave {image!r} en tu diccionario."
        elif norm is None:
            detail = f"{got!r} no es una política válida: usa 'Always', 'IfNotPresent' o 'Never'."
        elif norm != want:
            detail = f"Esperaba {want!r}, no {norm!r}."
            if want == "Always":
                detail += " Sin tag (o con `:latest`) Kubernetes pone `Always`: mira el tag, no el digest."
            else:
                detail += " Con un tag distinto de `latest`, o solo con digest, el valor es `IfNotPresent`."
        r.item(f"imagePullPolicy de {image}", points_each, norm == want, detail)


def check_politicas(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 2: imagePullPolicy por defecto")
    answer = dict_answer(answer, r, "politicas", "imagen -> política", EJ2_POINTS, blanks=("???", ""))
    if answer is None:
        return r
    return visible_and_hidden(r, lambda cases, each: _ej2_items(r, answer, dict(cases), each),
                              EJ2_VISIBLE, hidden, EJ2_POINTS, EJ2_HIDDEN)


# --------------------------------------------------------------------------- ej6


EJ6_POINTS, EJ6_HIDDEN = 3, 1
EJ6_QUESTIONS = {
    "reinicio_contenedor": "¿Siguen los datos escritos dentro del contenedor tras pararlo y volver a arrancarlo?",
    "borrar_y_recrear": "¿Siguen los datos escritos dentro del contenedor tras borrarlo y crear otro con la imagen nueva?",
    "volumen_tras_borrar": "¿Siguen los datos de un volumen tras borrar el contenedor y crear otro que lo monta?",
    "emptydir_reinicio": "¿Siguen los datos de un emptyDir cuando un contenedor del Pod se reinicia?",
    "emptydir_borrar_pod": "¿Siguen los datos de un emptyDir tras borrar el Pod?",
    "emptydir_compartido": "¿Ven Apache y Filebeat (mismo Pod) los mismos ficheros del emptyDir que montan los dos?",
}
EJ6_VISIBLE = {
    "reinicio_contenedor": True,
    "borrar_y_recrear": False,
    "volumen_tras_borrar": True,
    "emptydir_borrar_pod": False,
}
EJ6_WHY = {
    "reinicio_contenedor": "Un contenedor parado conserva su sistema de archivos: se pierde al BORRARLO.",
    "borrar_y_recrear": "Al borrar el contenedor se va su sistema de archivos: para eso están los volúmenes.",
    "volumen_tras_borrar": "El volumen vive FUERA del contenedor: el nuevo contenedor lo vuelve a montar.",
    "emptydir_reinicio": "Un emptyDir vive lo que vive el Pod en su nodo: sobrevive a los reinicios de contenedores.",
    "emptydir_borrar_pod": "Un emptyDir se borra cuando el Pod sale del nodo: no es persistente.",
    "emptydir_compartido": "Sí: es el mismo directorio montado en los dos contenedores (el caso del sidecar).",
}


def check_sobrevive(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 6: ¿qué sobrevive?")
    answer = dict_answer(answer, r, "sobrevive", "pregunta -> True/False", EJ6_POINTS)
    if answer is None:
        return r
    keys_note(r, answer, EJ6_QUESTIONS, hidden, EJ6_VISIBLE)
    return visible_and_hidden(
        r, lambda cases, each: true_false_items(r, answer, dict(cases), each, EJ6_WHY,
                                                lambda key, _want: EJ6_QUESTIONS[key]),
        EJ6_VISIBLE, hidden, EJ6_POINTS, EJ6_HIDDEN)


# --------------------------------------------------------------------------- ej4


EJ4_POINTS, EJ4_HIDDEN = 3, 1
EJ4_PUBLISHED = ["1.21.3", "1.21.4", "1.22.0", "1.21.5", "2.0.0"]
EJ4_VISIBLE = [
    (("latest", EJ4_PUBLISHED), "2.0.0"),
    (("1", EJ4_PUBLISHED), "1.22.0"),
    (("1.21", EJ4_PUBLISHED), "1.21.5"),
    (("1.21.4", EJ4_PUBLISHED), "1.21.4"),
]


def _ej4_hint(args, expected, got) -> str:
    if not (isinstance(got, str) and isinstance(expected, str) and got != expected):
        return ""
    tag, published = args
    prefix = str(tag).split(".")
    matching = [v for v in published if tag == "latest" or str(v).split(".")[:len(prefix)] == prefix]
    if matching and got == matching[-1]:
        return "No es la última publicada, sino la versión MÁS ALTA que encaja con la etiqueta."
    if got not in published:
        return f"'{got}' no es una de las versiones publicadas: devuelve una de la lista (o None)."
    if got not in matching:
        return (f"'{got}' no encaja con la etiqueta '{tag}': compara por partes separadas por puntos "
                "('1.21' no es el principio de '1.210.0').")
    return "Pista: compara versiones como números (1.21.10 es mayor que 1.21.9)."


def check_resolver_etiqueta(answer: Any, hidden: Any = None) -> Rubric:
    r = Rubric("Ejercicio 4: ¿a qué versión apunta cada etiqueta?")
    return visible_and_hidden(r, lambda cases, each: _cases(r, answer, cases, each, _ej4_hint),
                              EJ4_VISIBLE, hidden, EJ4_POINTS, EJ4_HIDDEN)


def solution_resolver_etiqueta(etiqueta: str, publicadas: list[str]) -> str | None:
    """Reference implementation: the highest published version the floating tag matches."""
    if etiqueta == "latest":
        candidates = list(publicadas)
    else:
        prefix = etiqueta.split(".")
        candidates = [v for v in publicadas if v.split(".")[:len(prefix)] == prefix]
    return max(candidates, key=_version_key) if candidates else None


# --------------------------------------------------------------------------- table


EXERCISES = {
    "ch01_ej1": Exercise("ch01_ej1", "analizar_imagen", "function", check_analizar_imagen,
                         EJ1_POINTS, "Ejercicio 1: las partes de una referencia de imagen", EJ1_HIDDEN),
    "ch01_ej2": Exercise("ch01_ej2", "politicas", "value", check_politicas,
                         EJ2_POINTS, "Ejercicio 2: imagePullPolicy por defecto", EJ2_HIDDEN),
    "ch01_ej3": Exercise("ch01_ej3", "etiqueta_recomendada", "function", check_etiqueta_recomendada,
                         EJ3_POINTS, "Ejercicio 3: la etiqueta para producción", EJ3_HIDDEN),
    "ch01_ej4": Exercise("ch01_ej4", "resolver_etiqueta", "function", check_resolver_etiqueta,
                         EJ4_POINTS, "Ejercicio 4: ¿a qué versión apunta cada etiqueta?", EJ4_HIDDEN),
    "ch01_ej5": Exercise("ch01_ej5", "pod_yaml", "yaml", check_pod_fijado,
                         EJ5_POINTS, "Ejercicio 5: un Pod con la imagen bien fijada", EJ5_HIDDEN),
    "ch01_ej6": Exercise("ch01_ej6", "sobrevive", "value", check_sobrevive,
                         EJ6_POINTS, "Ejercicio 6: ¿qué sobrevive?", EJ6_HIDDEN),
}
