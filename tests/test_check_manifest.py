"""autograder.check_manifest: the stable API students' answers are graded with."""
import re
import subprocess
import sys
import textwrap
from pathlib import Path

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


# ----------------------------------------------------------------------------- the manifest corpus
# tests/data/manifests/<family>/<case>.yaml: every file opens with a header of «# key: value» lines
# saying what a real API server does with it (see tests/data/manifests/README.md).
MANIFESTS = Path(__file__).resolve().parent / "data" / "manifests"
CASES = sorted(MANIFESTS.rglob("*.yaml"))


def _header(data: bytes) -> dict:
    head: dict = {}
    for line in data.split(b"\n"):
        if not line.startswith(b"# "):
            break
        key, _, value = line[2:].decode("utf-8").partition(": ")
        head.setdefault(key, []).append(value)
    return head


def test_the_manifest_corpus_covers_every_family():
    families = {p.parent.name for p in CASES}
    assert {"ingress", "env", "service", "cronjob", "job", "pvc", "pv", "volumes", "configmap", "secret",
            "pod-warnings", "probes", "quantities", "syntax", "lookalike", "hostile", "workloads"} <= families
    kinds = {p.name.split("-")[0] for p in CASES}
    assert kinds == {"valid", "invalid", "warning"} and len(CASES) >= 250


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_manifest_case(path):
    data = path.read_bytes()
    head = _header(data)
    expect = head["expect"][0]
    assert path.name.startswith({"error": "invalid", "valid": "valid", "warning": "warning"}[expect])
    report = check_manifest(data)  # bytes, as read from disk: kubectl reads bytes too
    text = str(report)
    if expect == "valid":
        assert report.ok and not report.warnings, text
        assert text == "El manifiesto es válido: Kubernetes lo aceptaría."
        return
    assert report.ok is (expect == "warning"), text
    found = report.problems if expect == "error" else report.warnings
    if "path" in head:
        found = [p for p in found if p.path == head["path"][0]]
        assert found, (head["path"][0], text)
    if "line" in head:
        found = [p for p in found if p.line == int(head["line"][0])]
        assert found, (head["line"][0], text)
    for api in head.get("api", []):
        assert any(p.api == api for p in found), (api, [p.api for p in found])
        assert f"[kubectl: {api}]" in text
    for words in head.get("says", []):
        assert any(words in p.message for p in found), (words, [p.message for p in found])
    if "count" in head:
        assert len(report.problems) == int(head["count"][0]), text
    assert found and all(p.message and _spanish(p.message) for p in found)
    assert not re.search(r"\([A-Z]{2,4}-\d+\)", text), "rule ids are not for students"


_PYYAML_ENGLISH = re.compile(r"while (scanning|parsing)|could not find|expected <|found character|but found|"
                             r"mapping values|unacceptable character|special characters are not allowed")


def _spanish(message: str) -> bool:
    """A message of ours: Spanish words, and none of PyYAML's English."""
    return not _PYYAML_ENGLISH.search(message) and re.search(
        r"\b(el|la|los|las|un|una|no|de|del|que|es|en|con|por|para|se|solo|debe|falta|hay|y|o)\b", message) is not None


# ----------------------------------------------------------------------------- hostile input
def test_lone_surrogate_is_reported_not_raised():
    report = check_manifest('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: "\ud800"}\n')
    (p,) = report.problems
    assert p.line == 4 and "U+D800" in p.message and "\\ud800" in p.message
    assert report.documents[0]["data"]["k"] == "\ufffd"  # the rest is still checked


def test_dict_nested_ten_thousand_levels_is_an_error():
    deep = {}
    node = deep
    for _ in range(10_000):
        node["a"] = {}
        node = node["a"]
    report = check_manifest({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": deep})
    (p,) = report.problems
    assert report.ok is False and "100 niveles" in p.message and p.path.startswith("data.a")


def test_dict_containing_itself_is_an_error():
    loop = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}
    loop["data"] = loop
    report = check_manifest(loop)
    assert report.ok is False and "a sí mismo" in report.problems[0].message


def test_many_broken_documents_give_a_bounded_report():
    doc = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\n"
    text = "---\n".join([doc] * 2000)  # 100 KB of tab errors
    report = check_manifest(text)
    assert len(report.problems) == 2000
    assert [p.line for p in report.problems[:3]] == [4, 9, 14]
    out = str(report)
    assert len(out) < 2000 and "… y 1997 más como" in out and "documentos 4–2000" in out


def test_many_similar_problems_are_summarised():
    docs = [f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c{i}\ndata:\n  k{i}..: x\n  ..k{i}: x\n"
            for i in range(300)]
    report = check_manifest("---\n".join(docs))
    out = str(report).splitlines()
    assert len(report.problems) == 300 and len(out) == 5  # head, 3 shown, one «y 297 más» line
    assert out[-1].startswith("- … y 297 más como «la clave «..k3» no es válida")


HOSTILE_ALPHABET = ["\x00", "\x07", "\t", "\u00a0", "\u200b", "\u2013", "\u201c", "\uff1a", "\u2028", "\ud800",
                    "\ufeff", "\r", "\\n", "*", "&", "!", "%", "@", "`", "|", ">", "[", "]", "{", "}", ",", ":",
                    ": ", "- ", "#", "'", '"', "---\n", "...\n", "\n", "  ", "<<: *a\n", "&a ", "{{ x }}", "0x",
                    "1e400", "-", ".inf", "~", "?", "\\"]


@pytest.mark.parametrize("seed", range(60))
def test_fuzzed_manifests_always_get_a_spanish_answer(seed):
    """Random edits of valid manifests with the characters that break YAML: never an exception, never
    PyYAML's English, every problem with a message, the report bounded."""
    import random
    rnd = random.Random(seed)
    valid = [p for p in CASES if p.name.startswith("valid-")]
    text = rnd.choice(valid).read_text(encoding="utf-8")
    for _ in range(rnd.randint(1, 6)):
        i = rnd.randrange(len(text) + 1)
        op = rnd.random()
        if op < 0.6:
            text = text[:i] + rnd.choice(HOSTILE_ALPHABET) + text[i:]
        elif op < 0.8:
            text = text[:i] + text[i + rnd.randint(1, 8):]
        else:
            lines = text.split("\n")
            j = rnd.randrange(len(lines))
            lines.insert(j, lines[rnd.randrange(len(lines))])
            text = "\n".join(lines)
    payload = text if seed % 3 else text.encode("utf-8", "surrogatepass")
    report = check_manifest(payload)
    out = str(report)
    assert out and len(out) < 50_000
    for p in report.problems + report.warnings:
        assert isinstance(p.message, str) and p.message
        assert not _PYYAML_ENGLISH.search(p.message), p.message
    if not report.ok:
        assert out.startswith("Se ")


@pytest.mark.parametrize("bad", [
    b"\xff\xfe\x00a\x00p\x00i", "a" * 1_000_001, [1, 2, 3], [{"kind": "Pod"}, None], {1: 2, None: 3},
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": 1, "image": None}]}},
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n" + "  - name: c\n    image: i\n" * 3000,
    "- " * 3000 + "x\n", "a:\n" + "".join(" " * (2 * i) + "a:\n" for i in range(1, 400)),
])
def test_hostile_inputs_never_raise(bad):
    report = check_manifest(bad)
    assert str(report) and all(p.message for p in report.problems + report.warnings)
    assert report.ok is False
