"""autograder.check_manifest: the stable API students' answers are graded with."""
import subprocess
import sys
import textwrap

import pytest

from autograder import check_manifest


GOOD = textwrap.dedent("""\
    apiVersion: v1
    kind: Pod
    metadata:
      name: web
      labels:
        app: web
    spec:
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - containerPort: 80
    """)


def test_valid_manifest():
    report = check_manifest(GOOD)
    assert report.ok is True and bool(report) is True
    assert report.problems == []
    assert report.documents[0]["metadata"]["name"] == "web"
    assert "válido" in str(report)


def test_problem_fields_path_line_message():
    text = GOOD.replace("containerPort: 80", "containerPort: 80\n      prt: 1").replace("nginx:1.27", "")
    report = check_manifest(text)
    assert report.ok is False
    by_path = {p.path: p for p in report.problems}
    assert by_path["spec.containers[0].ports[0].prt"].line == 13
    assert by_path["spec.containers[0].image"].line == 10  # `image:` with an empty value
    assert all(isinstance(p.message, str) and p.message for p in report.problems)
    text_report = str(report)
    assert text_report.startswith("Se han encontrado 2 problemas:")
    assert "línea 13, campo spec.containers[0].ports[0].prt" in text_report


def test_syntax_error_has_no_path_but_a_line():
    report = check_manifest("apiVersion: v1\nkind: Pod\nmetadata:\n  name:web\n  labels: {}\n")
    (p,) = report.problems
    assert p.path is None and p.line == 4 and "«name: web»" in p.message  # `name:web` is on line 4


def test_notes_gpu_true_and_values_true():
    # §10 of the reference: `GPU: true` and `values: [true]` unquoted are booleans.
    text = textwrap.dedent("""\
        apiVersion: v1
        kind: Pod
        metadata:
          name: gpu
        spec:
          nodeSelector:
            GPU: true
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions:
                  - key: GPU
                    operator: In
                    values: [true]
          containers:
          - name: c
            image: cuda
        """)
    report = check_manifest(text)
    by_path = {p.path: p for p in report.problems}
    p1 = by_path["spec.nodeSelector.GPU"]
    assert p1.line == 7 and '"true"' in p1.message and p1.rule == "AFF-1"
    p2 = by_path["spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution"
                 ".nodeSelectorTerms[0].matchExpressions[0].values[0]"]
    assert p2.line == 15 and '"true"' in p2.message
    assert len(report.problems) == 2


def test_accepts_dicts_too():
    report = check_manifest({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                             "spec": {"type": "Nodeport", "ports": [{"port": 80}]}})
    (p,) = report.problems
    assert p.path == "spec.type" and p.line is None


@pytest.mark.parametrize("bad", [None, 3, "", ":", "- [", "{", "apiVersion: v1\nkind: Pod\n", "a: *b",
                                 "\x00\x01", "apiVersion: v1\nkind: Pod\nmetadata: []\n", "--- !!python/object:os.system x"])
def test_never_raises(bad):
    report = check_manifest(bad)
    assert report.ok is False and report.problems
    assert str(report).splitlines()[0].startswith("Se ")


def test_python_tags_are_not_executed():
    report = check_manifest("!!python/object/apply:os.system ['echo hacked']\n")
    assert not report.ok


def test_import_is_cheap():
    code = ("import sys, autograder, k8s_helpers; from autograder import check_manifest; "
            "heavy = [m for m in ('jsonschema', 'kubernetes_validate', 'yaml', 'kubernetes') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
