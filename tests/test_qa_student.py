"""Regression tests from a QA pass as a student: answers that are right but written differently
get full marks, and typical mistakes (wrong types, a missing ``return``, YAML with tabs, the wrong
kind of object, a misspelt key...) get feedback that points at the real mistake.

Answers are checked as the notebooks' test cells do (``grade(grade_id, namespace, hidden)``) with
the hidden cases read from the source notebooks.
"""
from __future__ import annotations

import pytest
import yaml

from autograder.exercises import UNANSWERED_MESSAGE, ch01, ch02, ch04, exercises, grade
from autograder.selfcheck import comprobar, comprobar_todo
from exercise_support import ExerciseNotebook

BOOKS = {"ch01": ExerciseNotebook.source("01-imagenes-y-tags"),
         "ch02": ExerciseNotebook.source("02-pods-y-sidecars"),
         "ch04": ExerciseNotebook.source("04-sondas")}
UNREADABLE = "No he podido leer tu YAML: arregla primero los errores de arriba."


def book(gid: str) -> ExerciseNotebook:
    return BOOKS[gid.split("_")[0]]


def graded(gid: str, answer, hidden: bool = True):
    ex = exercises()[gid]
    return grade(gid, {ex.answer_name: answer}, book(gid).hidden(gid) if hidden else None)


def solution(gid: str):
    return book(gid).solution(gid)


def with_tab(text: str, line: str) -> str:
    assert line in text
    return text.replace(line, "\t" + line.lstrip(" "), 1)


# --------------------------------------------------------------------------- every exercise


@pytest.mark.parametrize("gid", sorted(exercises()))
def test_unanswered_says_which_name_and_mentions_a_failing_cell(gid):
    r = grade(gid, {})  # e.g. the answer cell raised SyntaxError, so the name was never defined
    text = str(r)
    assert r.score == 0 and UNANSWERED_MESSAGE in text
    assert f"se llama `{exercises()[gid].answer_name}`" in text and "sintaxis o de sangría" in text


@pytest.mark.parametrize("gid", sorted(g for g, e in exercises().items() if e.kind == "function"))
def test_a_non_function_gets_one_clear_item(gid):
    ex = exercises()[gid]
    r = graded(gid, "hola")
    assert r.score == 0 and len(r.items) == 1
    assert f"`{ex.answer_name}` debe ser una función" in str(r) and "no un texto (str)" in str(r)


@pytest.mark.parametrize("gid", sorted(g for g, e in exercises().items() if e.kind == "function"))
def test_a_function_without_return_is_told_so(gid):
    def sin_return(*_args):
        print("calculando")
    r = graded(gid, sin_return)
    assert r.score < exercises()[gid].points
    assert "¿te falta el `return`?" in str(r)


def test_a_function_with_the_wrong_parameters():
    def etiqueta_recomendada(version_validada):
        return None
    r = graded("ch01_ej3", etiqueta_recomendada)
    assert r.score == 0 and "Se la llama con 2 argumentos: ¿tiene tu `def` los parámetros" in str(r)


@pytest.mark.parametrize("gid", sorted(g for g, e in exercises().items() if e.kind == "yaml"))
def test_yaml_with_tabs_blames_the_yaml_not_missing_fields(gid):
    text = solution(gid)
    line = next(ln for ln in text.splitlines() if ln.startswith("    ") and ":" in ln)
    r = graded(gid, with_tab(text, line))
    assert r.score == 0
    assert "tabuladores" in str(r)
    # every later item says why (unreadable YAML), not "falta el contenedor X"
    assert all(i.detail == UNREADABLE for i in r.items[1:]), str(r)


@pytest.mark.parametrize("gid", sorted(g for g, e in exercises().items() if e.kind == "yaml"))
def test_yaml_answer_as_a_dict_explains_the_triple_quotes(gid):
    r = graded(gid, {"apiVersion": "v1", "kind": "Pod"})
    assert r.score == 0 and "entre triples comillas" in str(r) and "no un diccionario (dict)" in str(r)


@pytest.mark.parametrize("gid", ["ch02_ej2", "ch02_ej3", "ch04_ej1", "ch04_ej3"])
def test_a_deployment_instead_of_a_pod_says_so(gid):
    text = solution(gid).replace("apiVersion: v1\nkind: Pod", "apiVersion: apps/v1\nkind: Deployment", 1)
    r = graded(gid, text)
    assert r.score < 1.5
    assert "Esperaba un documento `kind: Pod`" in str(r) and "'Deployment'" in str(r)


def test_two_pods_in_one_yaml_says_so():
    text = solution("ch01_ej5")
    r = graded("ch01_ej5", text + "---\n" + text.replace("name: web", "name: web2"))
    assert "Tu YAML tiene 2 documentos `kind: Pod`" in str(r)


# --------------------------------------------------------------------------- ch01


def test_ch01_ej3_a_number_instead_of_a_text():
    r = graded("ch01_ej3", lambda version, tags: 1.21)
    assert "Devuelve un texto entre comillas ('1.21'), no el número 1.21." in str(r)


def test_ch01_ej3_a_tag_that_is_not_in_the_registry_is_not_a_numbers_hint():
    r = graded("ch01_ej3", lambda version, tags: ".".join(version.split(".")[:2]))
    assert "'1.21' no está en la lista de etiquetas del registro" in str(r)
    assert "compara las versiones como números" not in str(r)


def test_ch01_ej3_alpine_variant_gets_the_alpine_hint():
    def textual(version, tags):
        mm = ".".join(version.split(".")[:2])
        if mm in tags:
            return mm
        patches = [t for t in tags if t.startswith(mm + ".")]
        return max(patches) if patches else None
    r = graded("ch01_ej3", textual)
    alpine = next(i for i in r.items if "1.21-alpine" in i.description)
    assert "Las variantes como `-alpine` no cuentan" in alpine.detail
    assert "compara las versiones como números" not in alpine.detail


def test_ch01_ej4_a_tuple_instead_of_a_text():
    def as_tuple(tag, published):
        v = ch01.solution_resolver_etiqueta(tag, published)
        return tuple(int(p) for p in v.split(".")) if v else None
    r = graded("ch01_ej4", as_tuple)
    assert "Devuelve un texto (str) como '2.0.0', no una tupla (tuple)." in str(r)


@pytest.mark.parametrize("image", ["docker.io/library/nginx:1.21", "docker.io/nginx:1.21",
                                   "index.docker.io/library/nginx:1.21", '"nginx:1.21"'])
def test_ch01_ej5_equivalent_image_references(image):
    r = graded("ch01_ej5", solution("ch01_ej5").replace("image: nginx:1.21", f"image: {image}"))
    assert r.score == 5, str(r)


def test_ch01_ej5_flow_style_different_order_and_extra_fields():
    text = """
kind: Pod
apiVersion: v1
metadata: {labels: {app: web, tier: frontend}, name: web, namespace: default}
spec:
  restartPolicy: Always
  containers:
  - {image: "nginx:1.21", imagePullPolicy: IfNotPresent, name: nginx,
     ports: [{containerPort: 80, protocol: TCP, name: http}], resources: {limits: {cpu: 500m, memory: 128Mi}}}
"""
    assert graded("ch01_ej5", text).score == 5


def test_ch01_ej6_quoted_booleans_are_explained():
    answer = {k: str(v) for k, v in solution("ch01_ej6").items()}
    r = graded("ch01_ej6", answer)
    assert r.score == 0 and "sin comillas (un bool), no con el texto 'True'" in str(r)


def test_ch01_ej6_student_copy_lists_the_statements_left_for_the_hidden_cases():
    answer = dict(solution("ch01_ej6"), emptydir_reinicio=None)
    del answer["emptydir_compartido"]
    r = graded("ch01_ej6", answer, hidden=False)
    assert r.score == r.max_score
    assert "'emptydir_reinicio', 'emptydir_compartido'" in str(r)
    # with the hidden cases the items themselves say it: no extra note
    assert "Aún no has respondido" not in str(graded("ch01_ej6", answer))


# --------------------------------------------------------------------------- ch02


def test_ch02_ej1_a_float_is_the_same_number_a_bool_is_not():
    ref = ch02.solution_pods_necesarios
    assert graded("ch02_ej1", lambda req: float(ref(req))).score == 3
    r = graded("ch02_ej1", lambda req: req["escalan_juntos"])
    assert r.score == 0 and "no un booleano (bool)" in str(r)
    assert "Escalan juntos y necesitan compartir" not in str(r)  # not a logic hint for a type slip


@pytest.mark.parametrize("wrong", [lambda req: 1 if req["escalan_juntos"] else 2,
                                   lambda req: 1 if any(req.values()) else 2])
def test_ch02_ej1_the_usual_slips_show_up_in_the_self_check(wrong):
    r = graded("ch02_ej1", wrong, hidden=False)  # the student's copy: visible cases only
    assert 0 < r.score < r.max_score, str(r)


def test_ch02_ej1_a_quoted_number():
    r = graded("ch02_ej1", lambda req: str(ch02.solution_pods_necesarios(req)))
    assert r.score == 0 and "no el texto '2': con comillas es un str" in str(r)


def test_ch02_ej2_lowercase_memory_medium_is_named():
    r = graded("ch02_ej2", solution("ch02_ej2").replace("medium: Memory", "medium: memory"))
    assert "`medium: memory` no vale: se escribe `Memory`" in str(r)
    assert "Tu emptyDir va al disco del nodo" not in str(r)


def test_ch02_ej3_trailing_slash_in_mount_paths():
    text = solution("ch02_ej3").replace("mountPath: /usr/share/nginx/html", "mountPath: /usr/share/nginx/html/")
    text = text.replace("mountPath: /datos", "mountPath: /datos/")
    assert graded("ch02_ej3", text).score == 5


@pytest.mark.parametrize("script", ["cd /datos && echo '<h1>Hola</h1>' > index.html",
                                    "echo '<h1>Hola</h1>' | tee /datos/index.html"])
def test_ch02_ej3_a_script_the_simulator_cannot_run_is_not_a_false_negative(script):
    original = "echo '<h1>Hola desde el init container</h1>' > /datos/index.html"
    text = solution("ch02_ej3").replace(original, script)
    r = graded("ch02_ej3", text)
    assert r.score == 5, str(r)
    init = yaml.safe_load(text)["spec"]["initContainers"]
    if ch02._unsimulated_scripts(init):  # until the simulator learns `cd` and pipes
        assert "El clúster simulado no sabe ejecutar el script" in str(r)


def test_ch02_ej3_an_unsimulated_script_writing_elsewhere_still_fails():
    original = "echo '<h1>Hola desde el init container</h1>' > /datos/index.html"
    r = graded("ch02_ej3", solution("ch02_ej3").replace(original, "echo hola | tee /tmp/index.html"))
    assert r.score == 3.5
    assert not r.items[-1].passed


def test_ch02_ej3_an_unsimulated_script_that_starts_a_server_gets_no_benefit_of_the_doubt():
    original = "echo '<h1>Hola desde el init container</h1>' > /datos/index.html"
    script = "echo hola | tee /datos/index.html && nginx -g 'daemon off;'"
    r = graded("ch02_ej3", solution("ch02_ej3").replace(original, script))
    assert not r.items[-1].passed and "no han terminado" in r.items[-1].detail


def test_ch02_ej5_float_and_quoted_answers():
    ref = ch02.solution_reinicios_tras
    assert graded("ch02_ej5", lambda d, s: float(ref(d, s))).score == 3
    r = graded("ch02_ej5", lambda d, s: str(ref(d, s)))
    assert r.score == 0 and "no el texto '2': con comillas es un str" in str(r)
    r = graded("ch02_ej5", lambda d, s: s / max(d, 1))
    assert "Devuelve un número entero (int), no un número con decimales" in str(r)


# --------------------------------------------------------------------------- ch04


def test_ch04_ej2_missing_fields_get_the_defaults_hint():
    r = graded("ch04_ej2", lambda p: p["initialDelaySeconds"] + p["failureThreshold"] * p["periodSeconds"])
    assert "Tu función lanzó KeyError" in str(r) and 'sonda.get("periodSeconds", 10)' in str(r)
    assert "sonda exec con todo por defecto" in str(r)  # the two all-default probes are told apart


def test_ch04_ej3_the_broken_pod_unchanged_scores_nothing():
    r = graded("ch04_ej3", ch04.EJ3_BROKEN)
    assert r.score == 0 and "tal cual, sin cambios" in str(r)


def test_ch04_ej4_spelling_of_the_diagnosis_is_forgiven():
    def spaced(eventos):
        return ch04.solution_diagnosticar(eventos).replace("_", " ").capitalize()
    assert graded("ch04_ej4", spaced).score == 4


def test_ch04_ej5_misspelt_key_is_pointed_out():
    answer = dict(solution("ch04_ej5"))
    answer["readines_tras_liveness"] = answer.pop("readiness_tras_liveness")
    r = graded("ch04_ej5", answer, hidden=False)
    assert "¿una errata?): 'readines_tras_liveness'" in str(r)
    assert "'readiness_tras_liveness'" in str(r)


# --------------------------------------------------------------------------- self-check


def test_selfcheck_totals_are_out_of_the_visible_points(capsys):
    comprobar_todo({"politicas": {"nginx": "Always"}}, "ch01")
    out = capsys.readouterr().out
    visible = sum(e.visible_points for g, e in exercises().items() if g.startswith("ch01_"))
    hidden = sum(e.hidden_points for g, e in exercises().items() if g.startswith("ch01_"))
    assert f"Total (solo pruebas visibles): 0,5 de {visible:g} puntos." in out
    assert f"casos ocultos ({hidden:g} puntos más)" in out
    # an unanswered exercise shows its visible points too, like an answered one
    assert "Ejercicio 3: la etiqueta para producción: 0 de 2 puntos" in out


@pytest.mark.parametrize("chapter", ["ch01", "CH01", "01", "1", 1, "ch01_"])
def test_selfcheck_chapter_spellings(chapter):
    rubrics = comprobar_todo({}, chapter, mostrar=False)
    assert len(rubrics) == len(ch01.EXERCISES)


def test_selfcheck_exercise_id_spelling_and_no_hidden_data():
    r = comprobar(" CH01_EJ3 ", ch01.solution_etiqueta_recomendada, mostrar=False)
    assert r.score == r.max_score == ch01.EXERCISES["ch01_ej3"].visible_points
    hidden_case = book("ch01_ej3").hidden("ch01_ej3")[0][0]
    assert repr(hidden_case[1]) not in str(r)  # the hidden cases are never used here


def test_selfcheck_unknown_chapter_lists_the_chapters(capsys):
    comprobar_todo({}, "ch03")
    assert "Capítulos: ch01, ch02, ch04." in capsys.readouterr().out


def test_selfcheck_reads_the_answer_from_the_notebook_when_not_given():
    ns = {"etiqueta_recomendada": ch01.solution_etiqueta_recomendada}
    exec("from autograder.selfcheck import comprobar, comprobar_todo\n"  # noqa: S102 - as a notebook cell
         "uno = comprobar('ch01_ej3', mostrar=False)\n"
         "todos = comprobar_todo('ch01', mostrar=False)\n", ns)
    assert ns["uno"].score == ns["uno"].max_score == ch01.EXERCISES["ch01_ej3"].visible_points
    by_title = {r.title: r for r in ns["todos"]}
    assert by_title[ch01.EXERCISES["ch01_ej3"].title].score == 2
    assert by_title[ch01.EXERCISES["ch01_ej1"].title].score == 0  # not answered in this namespace
