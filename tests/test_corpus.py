"""Real-world corpus: check_manifest agrees with kubernetes-validate on every document.

For each *.yaml / *.yml / *.json file in ../shared/corpus:
- kubernetes-validate (same pinned Kubernetes version, strict) accepts the document ->
  check_manifest reports no problem for it, except the explicit ALLOWED entries below:
  true errors that a real API server rejects but the schema cannot see;
- kubernetes-validate rejects it -> check_manifest reports a problem at that field (or
  inside it) with a Spanish message;
- removed apiVersion -> a problem on ``apiVersion`` naming the replacement;
- a kind with no built-in schema (CRD) -> a warning ("aviso") and no error;
- text PyYAML cannot parse -> a Spanish syntax error with its line.
Run with ``pytest -s`` to see the counts.
"""
from __future__ import annotations

import functools
from collections import Counter
from pathlib import Path

import pytest
import yaml

from autograder import check_manifest
from k8s_helpers.api.validation.removed_apis import REMOVED
from k8s_helpers.api.validation.schema import kubernetes_version
from k8s_helpers.api.validation.yamlsource import format_path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
FILES = sorted(p for p in CORPUS.rglob("*") if p.suffix in (".yaml", ".yml", ".json") and p.is_file())

# (file relative to the corpus, field path, rule or marker): true errors the schema misses.
ALLOWED = {
    # Duplicated keys: PyYAML keeps the last one silently; kubectl's strict decoding rejects
    # them ("key ... already set in map") and the student must see both lines.
    ("kubernetes-examples/_archived/openshift-origin/etcd-controller.yaml", "spec.selector", "duplicate"),
    ("kubernetes-examples/_archived/openshift-origin/etcd-discovery-controller.yaml", "spec.selector", "duplicate"),
    ("kubernetes-examples/_archived/openshift-origin/openshift-controller.yaml", "spec.selector", "duplicate"),
    ("kubernetes-examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml", "type",
     "duplicate"),
    ("kubernetes-examples/_archived/volumes/scaleio/sc-pvc.yaml", "spec.storageClassName", "duplicate"),
    # A template with {{placeholders}}, not a manifest: name and label values are not DNS-1123 / label syntax.
    ("kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml", "metadata.name", "DNS-1123"),
    ("kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml", "metadata.labels.keyspace", "AFF-1"),
    ("kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml", "metadata.labels.shard", "AFF-1"),
    ("kubernetes-examples/_archived/storage/vitess/vttablet-pod-template.yaml", "metadata.labels.tablet", "AFF-1"),
    # protocol: tcp (lower case): the API server answers Unsupported value, supported "SCTP", "TCP", "UDP".
    ("kubernetes-examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml", "spec.containers[0].ports[0].protocol", None),
    ("kubernetes-examples/_archived/volumes/cinder/cinder-web.yaml", "spec.containers[0].ports[0].protocol", None),
    # NOTICE.md lists it as invalid: no metadata.name, and the Job template has no restartPolicy
    # (the Pod default, Always, is rejected for Jobs).
    ("kubernetes-website-examples/controllers/job-success-policy-example.yaml", "metadata", None),
    ("kubernetes-website-examples/controllers/job-success-policy-example.yaml", "spec.template.spec.restartPolicy",
     "JOB-1"),
}


class _KVLoader(yaml.SafeLoader):
    """kubernetes-validate's own loading (it maps the '=' value tag to a string)."""


_KVLoader.add_constructor("tag:yaml.org,2002:value", lambda loader, node: str(node.value))


@functools.lru_cache(maxsize=None)
def _kv():
    import kubernetes_validate
    import kubernetes_validate.utils as kvu
    # Same validation, but read each schema file once (kubernetes-validate re-reads per call).
    kvu.schema_contents = functools.lru_cache(maxsize=None)(kvu.schema_contents)
    return kubernetes_validate


def _verdict(doc):
    kv = _kv()
    try:
        kv.validate(doc, kubernetes_version(), strict=True)
        return "valid", None
    except kv.ValidationError as e:
        return "invalid", e
    except kv.SchemaNotFoundError:
        return "noschema", None
    except KeyError as e:  # e.g. no apiVersion
        return "incomplete", e


COUNTS: Counter = Counter()
USED_ALLOWED: set = set()


def _rel(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _matches_allowed(rel, problem) -> bool:
    for f, path, rule in ALLOWED:
        if f == rel and problem.path == path and (
                rule is None or problem.rule == rule or (rule == "duplicate" and "repetida" in problem.message)):
            USED_ALLOWED.add((f, path, rule))
            return True
    return False


@pytest.mark.parametrize("path", FILES, ids=_rel)
def test_corpus_file(path):
    rel = _rel(path)
    text = path.read_text(encoding="utf-8")
    report = check_manifest(text)
    COUNTS["files"] += 1
    try:
        docs = [d for d in yaml.load_all(text, Loader=_KVLoader) if d]
    except yaml.YAMLError:  # syntax errors, and keys that are maps (`{{placeholder}}` templates)
        COUNTS["yaml_syntax_error"] += 1
        assert not report.ok, f"{rel}: PyYAML rejects it but check_manifest accepted it"
        syntax = [p for p in report.problems if p.path is None]
        assert syntax and syntax[0].line is not None, str(report)
        assert "sintaxis YAML" in syntax[0].message
        return
    assert len(report.documents) == len(docs), f"{rel}: document count differs"
    for i, doc in enumerate(docs):
        mine = [p for p in report.problems if p.document == i]
        warnings = [w for w in report.warnings if w.document == i]
        assert not any("error interno" in w.message for w in warnings), str(report)
        verdict, err = _verdict(doc)
        COUNTS["documents"] += 1
        COUNTS[verdict] += 1
        if verdict == "valid":
            unexpected = [p for p in mine if not _matches_allowed(rel, p)]
            assert not unexpected, f"{rel} doc {i}: false errors:\n" + "\n".join(map(str, unexpected))
            if mine:
                COUNTS["valid_but_true_server_error"] += 1
        elif verdict == "invalid":
            assert mine, f"{rel} doc {i}: kubernetes-validate rejects it ({err.message}) but check_manifest does not"
            where = format_path(list(err.path))
            assert any(p.path and (p.path.startswith(where) or where.startswith(p.path)) for p in mine), \
                f"{rel} doc {i}: no problem at {where!r}:\n{report}"
            assert all(p.line is not None and p.message for p in mine)
            COUNTS["invalid_reported"] += 1
        elif verdict == "noschema":
            key = (doc.get("apiVersion"), doc.get("kind"))
            if key in REMOVED:
                (p,) = [p for p in mine if p.path == "apiVersion"]
                replacement = REMOVED[key][0]
                assert "se eliminó" in p.message and (replacement is None or f"«apiVersion: {replacement}»" in p.message)
                COUNTS["removed_api_reported"] += 1
            else:
                assert not mine, f"{rel} doc {i}: CRD reported as error:\n{report}"
                assert any("CRD" in w.message for w in warnings), str(report)
                COUNTS["crd_warning"] += 1
        else:
            assert any(p.path in ("apiVersion", "kind") and "falta" in p.message for p in mine), str(report)
            COUNTS["incomplete_reported"] += 1


def test_corpus_summary():
    """Runs after the files (same module, declared last): prints the counts and checks coverage."""
    if COUNTS["files"] != len(FILES):
        pytest.skip("summary needs the whole corpus run")
    print("\nCorpus: " + ", ".join(f"{k}={v}" for k, v in sorted(COUNTS.items())))
    assert len(FILES) > 400
    assert COUNTS["valid"] > 400 and COUNTS["invalid_reported"] == COUNTS["invalid"]
    assert COUNTS["removed_api_reported"] > 0 and COUNTS["crd_warning"] > 0
    stale = ALLOWED - USED_ALLOWED
    assert not stale, f"allow-list entries that no longer occur: {stale}"
