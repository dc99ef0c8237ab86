"""Chapter 02 checkers: right answers get full marks, typical mistakes partial credit with their
Spanish feedback, unanswered exercises 0 without raising. Answers and hidden cases are read from
the source notebook itself, so the tests and the notebook cannot drift apart."""
from __future__ import annotations

import pytest

from autograder.exercises import ch02
from exercise_support import ExerciseContract, ExerciseNotebook

BOOK = ExerciseNotebook.source("02-pods-y-sidecars")


class TestContract(ExerciseContract):
    chapter = ch02
    book = BOOK


# --------------------------------------------------------------------------- ej1


def test_ej1_reference_agrees_with_the_notes_examples():
    assert ch02.solution_pods_necesarios(dict(ch02.EJ1_VISIBLE[0][1])) == 2  # WordPress + MariaDB
    assert ch02.solution_pods_necesarios(dict(ch02.EJ1_VISIBLE[1][1])) == 1  # Apache + Filebeat


def test_ej1_scaling_alone_is_not_enough():
    r = ch02.check_pods_necesarios(lambda req: 1 if req["escalan_juntos"] else 2, BOOK.hidden("ch02_ej1"))
    assert 0 < r.score < r.max_score
    assert "¿pa' qué los juntas?" in str(r)


def test_ej1_wrong_return_type():
    r = ch02.check_pods_necesarios(lambda req: "1", BOOK.hidden("ch02_ej1"))
    assert r.score == 0 and "Devuelve el número 1 o el número 2" in str(r)


# --------------------------------------------------------------------------- ej2

FILEBEAT_OK = BOOK.solution("ch02_ej2")


def test_ej2_disk_emptydir_loses_the_memory_item():
    text = FILEBEAT_OK.replace("      medium: Memory\n", "")
    r = ch02.check_pod_filebeat(text)
    assert r.score == 4 and "Tu emptyDir va al disco del nodo" in str(r)


NATIVE_SIDECAR = """
apiVersion: v1
kind: Pod
metadata:
  name: apache
spec:
  initContainers:
  - name: filebeat
    image: docker.elastic.co/beats/filebeat:8.15.0
    restartPolicy: Always
    volumeMounts:
    - {name: logs, mountPath: /fichero/a/leer}
  containers:
  - name: apache
    image: httpd:2.4
    volumeMounts:
    - {name: logs, mountPath: /usr/local/apache2/logs}
  volumes:
  - name: logs
    emptyDir: {medium: Memory, sizeLimit: 100Ki}
"""


def test_ej2_native_sidecar_is_accepted():
    r = ch02.check_pod_filebeat(NATIVE_SIDECAR)
    assert r.score == 5, str(r)
    assert "sidecar nativo" in str(r)


def test_ej2_plain_init_filebeat_blocks_the_pod():
    text = NATIVE_SIDECAR.replace("    restartPolicy: Always\n", "").replace(", sizeLimit: 100Ki", "")
    assert "restartPolicy" not in text and "sizeLimit" not in text
    r = ch02.check_pod_filebeat(text)
    fb = str(r)
    assert 0 < r.score < 5
    assert "Init:0/1" in fb
    # the behavioural item really saw the pod stuck initialising
    beh = r.items[-1]
    assert not beh.passed and "Pending" in beh.detail


def test_ej2_size_limit_is_advice_not_points():
    r = ch02.check_pod_filebeat(FILEBEAT_OK.replace("      sizeLimit: 100Ki\n", ""))
    assert r.score == 5 and "Consejo: ponle `sizeLimit`" in str(r)
    assert "Consejo" not in str(ch02.check_pod_filebeat(FILEBEAT_OK))


def test_ej2_only_apache_mounts_the_volume():
    text = FILEBEAT_OK.replace("""    volumeMounts:
    - name: logs
      mountPath: /fichero/a/leer
""", "")
    r = ch02.check_pod_filebeat(text)
    assert r.score == 4 and "Los dos contenedores necesitan" in str(r)


def test_ej2_invalid_manifest_reports_in_spanish():
    r = ch02.check_pod_filebeat("apiVersion: v1\nkind: Pod\nmetadata:\n  name: apache\nspec:\n  containers: 3\n")
    assert r.score == 0
    assert not r.items[0].passed and r.items[0].detail


# --------------------------------------------------------------------------- ej3

INIT_OK = BOOK.solution("ch02_ej3")


def test_ej3_script_in_containers():
    text = """
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: preparar
    image: busybox:1.36
    command: ["sh", "-c", "echo hola > /datos/index.html"]
    volumeMounts: [{name: contenido, mountPath: /datos}]
  - name: nginx
    image: nginx:1.27
    volumeMounts: [{name: contenido, mountPath: /usr/share/nginx/html}]
  volumes:
  - {name: contenido, emptyDir: {}}
"""
    r = ch02.check_pod_init(text)
    assert 0 < r.score < 5
    assert "Un script que acaba va en `initContainers`" in str(r)
    assert not r.items[-1].passed  # the simulated pod never settles: the script is restarted


def test_ej3_daemon_as_init_container():
    text = INIT_OK.replace('''    image: busybox:1.36
    command: ["sh", "-c", "echo '<h1>Hola desde el init container</h1>' > /datos/index.html"]''',
                           "    image: nginx:1.27")
    assert text != INIT_OK
    r = ch02.check_pod_init(text)
    assert "Init:0/1" in str(r)
    assert not r.items[-1].passed and "Init:0/1" in r.items[-1].detail


def test_ej3_writes_outside_the_volume():
    text = INIT_OK.replace("> /datos/index.html", "> /tmp/index.html")
    r = ch02.check_pod_init(text)
    assert r.score == 3.5 and "donde él monta" in str(r)
    assert "no encuentra `/usr/share/nginx/html/index.html`" in r.items[-1].detail


# --------------------------------------------------------------------------- ej4


@pytest.mark.parametrize("duracion,segundos", ch02.EJ4_VISIBLE + [tuple(c) for c in BOOK.hidden("ch02_ej4")] + [
    (20, 30), (20, 90), (None, 30)])
def test_ej4_reference_agrees_with_the_simulator(duracion, segundos):
    assert ch02.simulated_phase_status(duracion, segundos) == ch02.solution_estado_tras(duracion, segundos)


def test_ej4_notes_mistake_gets_partial_credit():
    def estado_tras(duracion_init, segundos):
        if duracion_init is None:
            return ("Running", "CrashLoopBackOff")
        return ch02.solution_estado_tras(duracion_init, segundos)
    r = ch02.check_estado_tras(estado_tras, BOOK.hidden("ch02_ej4"))
    assert r.score == 3
    assert "se queda en Pending" in str(r)


def test_ej4_phase_instead_of_status_column():
    def estado_tras(duracion_init, segundos):
        fase, status = ch02.solution_estado_tras(duracion_init, segundos)
        return (fase, fase)
    r = ch02.check_estado_tras(estado_tras, BOOK.hidden("ch02_ej4"))
    assert 0 < r.score < 4 and "La columna STATUS de kubectl no dice Pending" in str(r)


# --------------------------------------------------------------------------- ej5


@pytest.mark.parametrize("duracion,segundos", ch02.EJ5_VISIBLE + [tuple(c) for c in BOOK.hidden("ch02_ej5")] + [(5, 12), (10, 1000)])
def test_ej5_reference_agrees_with_the_simulator(duracion, segundos):
    assert ch02.simulated_restarts(duracion, segundos) == ch02.solution_reinicios_tras(duracion, segundos)


def test_ej5_without_backoff_is_partial():
    r = ch02.check_reinicios_tras(lambda d, s: int(s // max(d, 1)), BOOK.hidden("ch02_ej5"))
    assert 0 < r.score < 3
    assert "el primer reinicio es inmediato" in str(r)
