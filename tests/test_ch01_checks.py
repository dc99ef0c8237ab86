"""Chapter 01 checkers: right answers, typical mistakes, Spanish feedback, unanswered -> 0.

The solution and test cells are taken from the real notebooks (source/ and course/), so
these tests also prove that the notebook's hidden data and the checkers fit together.
"""
from __future__ import annotations

import io
from contextlib import redirect_stdout

import pytest

from autograder import notebook_tools as nbt
from autograder.exercises import MISSING, UNANSWERED_MESSAGE, ch01, exercises, grade
from autograder.rubric import Rubric
from autograder.selfcheck import comprobar, comprobar_todo
from k8s_helpers.images import default_pull_policy, parse_image
from k8s_helpers.registry import SimulatedRegistry
from exercise_support import ExerciseNotebook

SRC = ExerciseNotebook.source("01-imagenes-y-tags")
REL = ExerciseNotebook.released("01-imagenes-y-tags")
IDS = sorted(ch01.EXERCISES)


def run(answer_source: str, gid: str) -> Rubric:
    """Run an answer cell's source then the exercise's test cell (source version, with hidden data)."""
    ns: dict = {}
    nbt.exec_cell(answer_source, ns)
    err = nbt.exec_cell(SRC.cells[gid + "_tests"], ns)
    assert err is None, f"the test cell of {gid} raised {err!r}"
    return ns["_r"]


def solution(gid: str) -> str:
    return SRC.cells[gid]


def replaced(gid: str, old: str, new: str) -> str:
    src = solution(gid)
    assert old in src
    return src.replace(old, new)


# --------------------------------------------------------------------------- whole table


def test_six_exercises_twenty_points():
    assert IDS == [f"ch01_ej{i}" for i in range(1, 7)]
    assert sum(e.points for e in ch01.EXERCISES.values()) == 20
    kinds = {e.kind for e in ch01.EXERCISES.values()}
    assert {"function", "yaml", "value"} <= kinds


@pytest.mark.parametrize("gid", IDS)
def test_solution_gets_full_marks_with_hidden_cases(gid):
    r = run(solution(gid), gid)
    assert r.score == r.max_score == ch01.EXERCISES[gid].points, str(r)
    assert "¡Todo correcto!" in str(r)


@pytest.mark.parametrize("gid", IDS)
def test_visible_checks_leave_room_for_hidden_ones(gid):
    ex = ch01.EXERCISES[gid]
    ns: dict = {}
    nbt.exec_cell(solution(gid), ns)
    r = ex.grade(ex.answer_from(ns))  # no hidden data, like the student's copy
    assert 0 < r.max_score < ex.points
    assert r.max_score == ex.visible_points  # what the self-check adds up
    assert r.score == r.max_score
    assert "casos ocultos" in str(r)


@pytest.mark.parametrize("gid", IDS)
def test_released_stub_gives_zero_without_raising(gid):
    ns: dict = {}
    err = nbt.exec_cell(REL.cells[gid], ns)
    ex = ch01.EXERCISES[gid]
    if ex.kind == "function":  # the def runs; calling it raises
        assert err is None
        with pytest.raises(NotImplementedError):
            fn = ns[ex.answer_name]
            fn(*["1.21.4"] * fn.__code__.co_argcount)
    else:
        assert isinstance(err, NotImplementedError)
    r = run(REL.cells[gid], gid)
    assert r.score == 0
    assert r.max_score == ch01.EXERCISES[gid].points
    assert UNANSWERED_MESSAGE in str(r)
    assert "Aún no has resuelto este ejercicio" in str(r)


@pytest.mark.parametrize("gid", IDS)
def test_missing_name_gives_zero(gid):
    r = grade(gid, {})
    assert r.score == 0 and "Aún no has resuelto" in str(r)


@pytest.mark.parametrize("gid", IDS)
@pytest.mark.parametrize("bad", [None, 42, "texto", [], {}, object(), lambda *a: 1 / 0,
                                 lambda *a: None, {"nginx": ["x"]}, b"\xff"])
def test_bad_answers_never_raise(gid, bad):
    ex = ch01.EXERCISES[gid]
    r = ex.grade(bad, SRC.hidden(gid))
    assert isinstance(r, Rubric)
    assert 0 <= r.score < ex.points
    str(r)  # renders


def test_hidden_data_is_not_in_the_release():
    for gid in IDS:
        released = REL.cells[gid + "_tests"]
        assert "HIDDEN" not in released and "_ocultos = None" in released
        assert SRC.hidden(gid)  # and the source has some


# --------------------------------------------------------------------------- expected answers are right


def test_ej1_expected_values_agree_with_parse_image():
    for ref, want in ch01.EJ1_VISIBLE + list(SRC.hidden("ch01_ej1")):
        got = parse_image(ref)
        assert (got.registry, got.repository, got.effective_tag, got.digest) == \
            (want["registro"], want["repositorio"], want["tag"], want["digest"]), ref


def test_ej2_expected_values_agree_with_default_pull_policy():
    expected = dict(ch01.EJ2_VISIBLE) | dict(SRC.hidden("ch01_ej2"))
    assert sorted(expected) == sorted(ch01.EJ2_IMAGES)
    for image, want in expected.items():
        assert default_pull_policy(image) == want, image


def test_ej3_expected_values_agree_with_reference_solution():
    for args, want in ch01.EJ3_VISIBLE + list(SRC.hidden("ch01_ej3")):
        assert ch01.solution_etiqueta_recomendada(*args) == want, args


def test_ej4_expected_values_agree_with_simulated_registry():
    for (tag, published), want in ch01.EJ4_VISIBLE + list(SRC.hidden("ch01_ej4")):
        reg = SimulatedRegistry("nginx", published)
        got = reg.resolve(tag)
        assert (str(got) if got else None) == want, (tag, published)
        assert ch01.solution_resolver_etiqueta(tag, published) == want


def test_ej6_every_question_is_graded_once():
    keys = list(ch01.EJ6_VISIBLE) + [k for k, _ in SRC.hidden("ch01_ej6")]
    assert sorted(keys) == sorted(ch01.EJ6_QUESTIONS)


# --------------------------------------------------------------------------- typical mistakes


def test_ej1_forgetting_library_prefix():
    src = replaced("ch01_ej1", 'repositorio = "library/" + repositorio', "pass")
    r = run(src, "ch01_ej1")
    assert r.score == 1.5  # bitnami/, quay.io, localhost:5000 and the registry with a port pass
    assert "library/<nombre>" in str(r)


def test_ej1_port_taken_as_tag():
    src = replaced("ch01_ej1", "if nombre.rfind(\":\") > nombre.rfind(\"/\"):", "if \":\" in nombre:")
    src = src.replace('nombre, _, tag = nombre.rpartition(":")', 'nombre, _, tag = nombre.partition(":")')
    r = run(src, "ch01_ej1")
    assert r.score == 2 + 0.25 * 2  # both hidden cases with a port fail
    assert "El puerto (`:5000`) es parte del registro" in str(r)


def test_ej1_latest_with_digest():
    src = replaced("ch01_ej1", "if tag is None and digest is None:", "if tag is None:")
    r = run(src, "ch01_ej1")
    assert r.score == 2.75
    assert "Con digest y sin tag no hay tag" in str(r)


def test_ej2_digest_with_latest_is_a_trap():
    src = replaced("ch01_ej2", '"nginx:latest@sha256:3c4c1f42a89e343c7b050c5e5d6f670a0e0b82e70e0e7d6f0d3c1e1c2e5b7a9f": "Always"',
                   '"nginx:latest@sha256:3c4c1f42a89e343c7b050c5e5d6f670a0e0b82e70e0e7d6f0d3c1e1c2e5b7a9f": "IfNotPresent"')
    r = run(src, "ch01_ej2")
    assert r.score == 2.75
    assert "mira el tag, no el digest" in str(r)


def test_ej2_invalid_value_and_partial_template():
    ex = ch01.EXERCISES["ch01_ej2"]
    answer = {image: None for image in ch01.EJ2_IMAGES} | {"nginx": "siempre", "nginx:1.21": "ifnotpresent"}
    r = ex.grade(answer, SRC.hidden("ch01_ej2"))
    assert r.score == 0.5  # lenient on case, strict on the value
    assert "'siempre' no es una política válida" in str(r)


def test_ej3_string_comparison_loses_a_visible_and_a_hidden_case():
    src = replaced("ch01_ej3", "return max(parches, key=lambda e: [int(p) for p in e.split(\".\")])",
                   "return max(parches)")
    r = run(src, "ch01_ej3")
    assert r.score == 2.25
    assert "compara las versiones como números" in str(r)


def test_ej3_always_major_minor_even_if_missing():
    r = run('def etiqueta_recomendada(v, etiquetas):\n    return ".".join(v.split(".")[:2])\n', "ch01_ej3")
    assert r.score == 0.5 + 0.25  # only the cases where MAJOR.MINOR exists
    assert "Esperaba '1.21.6'" in str(r)


def test_ej3_latest_answer():
    r = run("def etiqueta_recomendada(v, etiquetas):\n    return 'latest'\n", "ch01_ej3")
    assert r.score == 0
    assert "Ni `latest` ni solo la MAJOR" in str(r)


def test_ej4_last_published_instead_of_highest():
    src = "def resolver_etiqueta(etiqueta, publicadas):\n" \
          "    c = [v for v in publicadas if etiqueta == 'latest' or v.split('.')[:len(etiqueta.split('.'))] == etiqueta.split('.')]\n" \
          "    return c[-1] if c else None\n"
    r = run(src, "ch01_ej4")
    assert r.score == 2.5  # '1' -> 1.21.5, published after 1.22.0
    assert "No es la última publicada" in str(r)


def test_ej4_prefix_with_startswith():
    src = "def resolver_etiqueta(etiqueta, publicadas):\n" \
          "    c = [v for v in publicadas if etiqueta == 'latest' or v.startswith(etiqueta)]\n" \
          "    return max(c, key=lambda v: [int(p) for p in v.split('.')]) if c else None\n"
    r = run(src, "ch01_ej4")
    assert r.score == 2.75  # hidden '1.21' vs '1.210.0'
    assert "Esperaba '1.21.10' y tu función devolvió '1.210.0'" in str(r)
    assert "no es el principio de '1.210.0'" in str(r)


POD = SRC.cells["ch01_ej5"].split("### BEGIN SOLUTION\n", 1)[1].split("### END SOLUTION", 1)[0]


@pytest.mark.parametrize("image, lost, phrase", [
    ("nginx:latest", 1.5, "`nginx:latest` en producción, ¡NUNCA!"),
    ("nginx", 1.5, "La imagen no lleva tag, así que Kubernetes usará `latest`"),
    ("nginx:1", 1.5, "`nginx:1` tampoco"),
    ("nginx:1.21.4", 1.5, "`nginx:1.21.4` se queda congelada"),
    ("docker.io/library/nginx:1.21", 0, "¡Todo correcto!"),
    ("nginx@sha256:" + "a" * 64, 1.5, "Fijar por digest congela la imagen"),
    ("httpd:1.21", 2, "Esperaba `image: nginx:...` en el contenedor `nginx`, y tiene 'httpd:1.21'."),
    ("quay.io/nginx:1.21", 2, "y tiene 'quay.io/nginx:1.21'"),
])
def test_ej5_image_mistakes(image, lost, phrase):
    r = run(POD.replace("image: nginx:1.21", f"image: {image}"), "ch01_ej5")
    assert r.score == 5 - lost, str(r)
    assert phrase in str(r)


def test_ej5_container_name_is_its_own_item():
    r = run(POD.replace("- name: nginx", "- name: web"), "ch01_ej5")
    assert r.score == 4.5  # image and tag still checked on the only container
    assert "Llama al contenedor `name: nginx`. Tus contenedores: 'web'." in str(r)


def test_ej5_port_as_text():
    r = run(POD.replace("containerPort: 80", 'containerPort: "80"'), "ch01_ej5")
    assert r.score == 5 - 1 - 0.5  # invalid manifest + port item
    assert "debe ser el número 80, sin comillas" in str(r)


def test_ej5_hidden_items_labels_and_port():
    src = POD.replace("  labels:\n    app: web\n", "").replace("      ports:\n        - containerPort: 80\n", "")
    r = run(src, "ch01_ej5")
    assert r.score == 4
    assert "`app: web`" in str(r) and "containerPort: 80" in str(r)


def test_ej5_invalid_yaml_gets_manifest_feedback_and_no_crash():
    r = run('pod_yaml = """\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n spec: [\n"""\n', "ch01_ej5")
    assert r.score == 0
    assert "El manifiesto es válido para Kubernetes (0/1)" in str(r)


def test_ej5_template_unchanged_is_unanswered():
    r = run(REL.cells["ch01_ej5"], "ch01_ej5")
    assert r.score == 0 and "Aún no has resuelto" in str(r)
    r = ch01.EXERCISES["ch01_ej5"].grade(ch01.EJ5_TEMPLATE, SRC.hidden("ch01_ej5"))
    assert r.score == 0 and "Aún no has resuelto" in str(r)


def test_ej5_wrong_kind_of_answer():
    r = ch01.EXERCISES["ch01_ej5"].grade({"kind": "Pod"}, SRC.hidden("ch01_ej5"))
    assert r.score == 0 and "debe ser un str" in str(r)


def test_ej6_container_vs_volume():
    src = replaced("ch01_ej6", '"reinicio_contenedor": True,', '"reinicio_contenedor": False,')
    src = src.replace('"emptydir_reinicio": True,', '"emptydir_reinicio": False,')
    r = run(src, "ch01_ej6")
    assert r.score == 3 - 0.5 - 0.5
    assert "se pierde al BORRARLO" in str(r)
    assert "sobrevive a los reinicios de contenedores" in str(r)


def test_ej6_strings_instead_of_booleans():
    ex = ch01.EXERCISES["ch01_ej6"]
    r = ex.grade({k: "sí" for k in ch01.EJ6_QUESTIONS}, SRC.hidden("ch01_ej6"))
    assert r.score == 0 and "Responde con True o False" in str(r)


# --------------------------------------------------------------------------- robustness of student code


def test_student_function_that_recurses_or_raises():
    def boom(*_):
        raise KeyError("x")

    def loop(*a):
        return loop(*a)

    for fn in (boom, loop):
        r = ch01.EXERCISES["ch01_ej3"].grade(fn, SRC.hidden("ch01_ej3"))
        assert r.score == 0
    assert "Tu función lanzó KeyError" in str(ch01.EXERCISES["ch01_ej3"].grade(boom))
    assert "RecursionError" in str(ch01.EXERCISES["ch01_ej3"].grade(loop))


def test_unknown_exercise_is_feedback_not_an_error():
    r = grade("ch01_ej99", {})
    assert r.score == 0 and "No existe el ejercicio" in str(r)


# --------------------------------------------------------------------------- self-check


def test_comprobar_prints_visible_feedback_only():
    ns: dict = {}
    nbt.exec_cell(solution("ch01_ej3"), ns)
    out = io.StringIO()
    with redirect_stdout(out):
        assert comprobar("ch01_ej3", ns["etiqueta_recomendada"]) is None
    text = out.getvalue()
    assert "2 de 2 puntos" in text and "casos ocultos" in text
    for args, _ in SRC.hidden("ch01_ej3"):  # no hidden case is shown
        assert repr(args[1]) not in text


def test_comprobar_sin_respuesta_y_desconocido():
    r = comprobar("ch01_ej1", mostrar=False)
    assert r.score == 0 and "Aún no has resuelto" in str(r)
    out = io.StringIO()
    with redirect_stdout(out):
        comprobar("ej1", 3)
    assert "No conozco el ejercicio 'ej1'" in out.getvalue()


def test_comprobar_todo_sums_visible_points():
    ns: dict = {}
    for gid in IDS:
        nbt.exec_cell(solution(gid), ns)
    out = io.StringIO()
    with redirect_stdout(out):
        comprobar_todo(ns, "ch01")
    assert "Total (solo pruebas visibles): 14 de 14 puntos" in out.getvalue()
    with redirect_stdout(io.StringIO()):
        rubrics = comprobar_todo({}, "ch01", mostrar=False)
    assert [r.score for r in rubrics] == [0] * 6


def test_registry_has_every_chapter_exercise():
    assert set(IDS) <= set(exercises())
    assert MISSING is not None and not MISSING


def test_student_prints_and_warnings_never_reach_stderr(capsys):
    src = ("import sys, warnings\n"
           "def etiqueta_recomendada(v, etiquetas):\n"
           "    print('depurando', file=sys.stderr)\n"
           "    warnings.warn('ojo')\n"
           "    mm = '.'.join(v.split('.')[:2])\n"
           "    return mm if mm in etiquetas else None\n")
    r = run(src, "ch01_ej3")
    out, err = capsys.readouterr()
    assert err == ""  # stdout has the printed rubric, like the test cell
    assert "depurando" in str(r) and "no cuenta para la nota" in str(r)
    assert 0 < r.score < 3


def test_student_calling_exit_is_feedback():
    r = run("import sys\ndef etiqueta_recomendada(v, e):\n    sys.exit(1)\n", "ch01_ej3")
    assert r.score == 0 and "exit()" in str(r)
