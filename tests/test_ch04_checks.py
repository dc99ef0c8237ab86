"""Chapter 04 checkers: right answers get full marks, typical mistakes partial credit with their
Spanish feedback, unanswered exercises 0 without raising. Answers and hidden cases are read from
the source notebook itself."""
from __future__ import annotations

import pytest
import yaml

from autograder.exercises import ch04
from autograder.exercises._common import simulate, summary
from exercise_support import ExerciseContract, ExerciseNotebook

BOOK = ExerciseNotebook.source("04-sondas")


class TestContract(ExerciseContract):
    chapter = ch04
    book = BOOK


# --------------------------------------------------------------------------- ej1

WEB_OK = BOOK.solution("ch04_ej1")


def test_ej1_startup_budget_of_six_minutes():
    text = WEB_OK.replace("      timeoutSeconds: 5\n      periodSeconds: 5\n      failureThreshold: 48",
                          "      timeoutSeconds: 5\n      periodSeconds: 10\n      failureThreshold: 30")
    assert text != WEB_OK
    r = ch04.check_sondas_web(text)
    fb = str(r)
    assert r.score == 4.5, fb  # the 1-point settings item and the 0.5 "restart at 5 minutes" behaviour
    assert "360 s, no 5 minutos" in fb
    assert "No se reinicia a los 5 minutos" in fb


def test_ej1_readiness_on_status():
    doc = yaml.safe_load(WEB_OK)
    doc["spec"]["containers"][0]["readinessProbe"]["httpGet"]["path"] = "/status"
    r = ch04.check_sondas_web(yaml.safe_dump(doc))
    assert r.score == 5 and "`/ready`" in str(r)


def test_ej1_without_startup_probe_the_slow_web_is_killed():
    doc = yaml.safe_load(WEB_OK)
    del doc["spec"]["containers"][0]["startupProbe"]
    r = ch04.check_sondas_web(yaml.safe_dump(doc))
    slow = next(i for i in r.items if "200 s" in i.description)
    assert not slow.passed and "Se ha reiniciado" in slow.detail
    assert r.score == 3  # valid + liveness + readiness; the never-starting web is killed far too early
    never = next(i for i in r.items if "no arranca nunca" in i.description)
    assert not never.passed and "La reinicias antes de tiempo" in never.detail


# --------------------------------------------------------------------------- ej2


def test_ej2_budget_matches_the_simulator():
    """The formula (PRB-3) is what the simulated kubelet does: a never-starting app is killed
    within one period of initialDelaySeconds + failureThreshold x periodSeconds."""
    for probe in (ch04.NOTES_WEB_STARTUP, {"httpGet": {"path": "/", "port": 80}, "periodSeconds": 10,
                                           "failureThreshold": 3, "initialDelaySeconds": 15}):
        budget = ch04.startup_budget(probe)
        pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "annotations": {ch04.STARTUP: "100000"}},
               "spec": {"containers": [{"name": "web", "image": "nginx:1.27", "startupProbe": probe}]}}
        period = probe["periodSeconds"]
        sim = simulate(pod, budget + period + 5, checkpoints=(budget - period - 1,))
        assert summary(sim["at"][budget - period - 1])["restart_count"] == 0
        assert summary(sim["pod"])["restart_count"] >= 1


def test_ej2_timeout_added():
    def presupuesto_arranque(sonda):
        return (sonda.get("initialDelaySeconds", 0) + sonda.get("failureThreshold", 3) * sonda.get("periodSeconds", 10)
                + sonda.get("timeoutSeconds", 0))
    r = ch04.check_presupuesto_arranque(presupuesto_arranque, BOOK.hidden("ch04_ej2"))
    assert 0 < r.score < 3 and "El timeout no se suma" in str(r)


def test_ej2_no_defaults():
    def presupuesto_arranque(sonda):
        return sonda["initialDelaySeconds"] + sonda["failureThreshold"] * sonda["periodSeconds"]
    r = ch04.check_presupuesto_arranque(presupuesto_arranque, BOOK.hidden("ch04_ej2"))
    assert 0 < r.score < 3 and "KeyError" in str(r)


# --------------------------------------------------------------------------- ej3


def test_ej3_broken_pod_really_crashloops():
    pod = yaml.safe_load(ch04.EJ3_BROKEN)
    sim = simulate(pod, 300)
    s = summary(sim["pod"])
    assert s["restart_count"] >= 3 and s["ready_count"] == 0


def test_ej3_broken_pod_as_answer():
    # submitted as it is: nothing fixed, no points for the parts the statement gave away
    r = ch04.check_arreglo_tomcat(ch04.EJ3_BROKEN)
    assert r.score == 0 and "sin cambios" in str(r) and "La solución es una `startupProbe`" in str(r)
    # changed, but still without a startupProbe: valid + quick liveness
    r = ch04.check_arreglo_tomcat(ch04.EJ3_BROKEN.replace("periodSeconds: 10", "periodSeconds: 9"))
    assert r.score == 2 and "La solución es una `startupProbe`" in str(r)
    assert "CrashLoopBackOff" in r.items[-1].detail


def test_ej3_delayed_liveness_is_the_old_patch():
    doc = yaml.safe_load(ch04.EJ3_BROKEN)
    doc["spec"]["containers"][0]["livenessProbe"]["initialDelaySeconds"] = 120
    r = ch04.check_arreglo_tomcat(yaml.safe_dump(doc))
    assert r.score == 2 and "el parche de antes de existir la startupProbe" in str(r)


def test_ej3_short_startup_budget():
    doc = yaml.safe_load(BOOK.solution("ch04_ej3"))
    doc["spec"]["containers"][0]["startupProbe"].update({"periodSeconds": 10, "failureThreshold": 6})
    r = ch04.check_arreglo_tomcat(yaml.safe_dump(doc))
    assert r.score == 3 and "Tu presupuesto de arranque es de 60 s" in str(r)


def test_ej3_removing_the_liveness():
    doc = yaml.safe_load(BOOK.solution("ch04_ej3"))
    del doc["spec"]["containers"][0]["livenessProbe"]
    r = ch04.check_arreglo_tomcat(yaml.safe_dump(doc))
    assert r.score == 4 and "¡No quites la livenessProbe!" in str(r)


def test_ej3_annotations_cannot_cheat():
    doc = yaml.safe_load(ch04.EJ3_BROKEN)
    doc["metadata"]["annotations"] = {ch04.STARTUP: "0"}
    r = ch04.check_arreglo_tomcat(yaml.safe_dump(doc))
    assert not r.items[-1].passed


# --------------------------------------------------------------------------- ej4


@pytest.mark.parametrize("kind,kw", ch04.EJ4_VISIBLE + [tuple(c) for c in BOOK.hidden("ch04_ej4")])
def test_ej4_reference_diagnoses_every_scenario(kind, kw):
    assert ch04.solution_diagnosticar(ch04.scenario_events(kind, **kw)) == kind


def test_ej4_scenarios_really_behave():
    restarts = {}
    for kind in ch04.DIAGNOSES:
        sim = simulate(ch04.scenario_pod(kind), 240)
        restarts[kind] = summary(sim["pod"])["restart_count"]
    assert restarts["no_esta_lista"] == 0
    assert all(restarts[k] >= 1 for k in ("sonda_de_arranque", "sonda_de_vida", "proceso_termina"))


def test_ej4_any_unhealthy_means_liveness():
    def diagnosticar(eventos):
        if any(e.get("reason") == "Unhealthy" for e in eventos):
            return "sonda_de_vida"
        return "proceso_termina"
    r = ch04.check_diagnosticar(diagnosticar, BOOK.hidden("ch04_ej4"))
    assert 0 < r.score < 4
    assert "failed startup probe" in str(r) and "Kubernetes NO reinicia nada" in str(r)


# --------------------------------------------------------------------------- ej5


def test_ej5_notes_mistake():
    answers = dict(BOOK.solution("ch04_ej5"), readiness_tras_liveness=True)
    r = ch04.check_verdadero_falso(answers, BOOK.hidden("ch04_ej5"))
    assert r.score == 2.5 and "los apuntes lo cuentan mal" in str(r)


def test_ej5_strings_are_not_booleans():
    answers = {k: str(v) for k, v in BOOK.solution("ch04_ej5").items()}
    r = ch04.check_verdadero_falso(answers, BOOK.hidden("ch04_ej5"))
    assert r.score == 0 and "Responde con True o False" in str(r)
