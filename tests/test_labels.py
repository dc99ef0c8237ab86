"""Label selectors and name syntax against shared/conformance/label-selectors.json."""
import json
from pathlib import Path

import pytest

from k8s_helpers.api.labels import (
    Requirement, Selector, SelectorError, label_selector_matches, node_selector_matches, parse_selector,
    selector_from_set, validate_dns1123_label, validate_dns1123_subdomain, validate_label_key,
    validate_label_value,
)
from k8s_helpers.api.labels import _new_requirement

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = json.loads((SHARED / "conformance" / "label-selectors.json").read_text(encoding="utf-8"))


def _reqs(rs):
    return Selector(tuple(Requirement(r["key"], r["operator"], tuple(r["values"])) for r in rs))


@pytest.mark.parametrize("case", DATA["parse_cases"], ids=lambda c: repr(c["input"]))
def test_parse(case):
    if not case["valid"]:
        with pytest.raises(SelectorError) as exc:
            parse_selector(case["input"])
        assert "no válido" in str(exc.value)
        return
    sel = parse_selector(case["input"])
    if case["string"] is not None:
        assert str(sel) == case["string"]
    if case["requirements"] is not None:
        got = [(r.key, r.operator, sorted(r.values)) for r in sel.requirements]
        assert got == [(r["key"], r["operator"], sorted(r["values"])) for r in case["requirements"]]


@pytest.mark.parametrize("case", DATA["match_cases"], ids=lambda c: f"{c['selector']!r}~{c['labels']}")
def test_match(case):
    assert parse_selector(case["selector"]).matches(case["labels"]) is case["matches"]


@pytest.mark.parametrize("case", DATA["requirement_match_cases"])
def test_requirement_match(case):
    assert _reqs(case["requirements"]).matches(case["labels"]) is case["matches"]


@pytest.mark.parametrize("case", DATA["set_match_cases"])
def test_set_match(case):
    assert selector_from_set(case["selector_set"]).matches(case["labels"]) is case["matches"]


@pytest.mark.parametrize("case", DATA["requirement_cases"], ids=lambda c: f"{c['key']}{c['operator']}{c['values']}")
def test_requirement_constructor(case):
    if case["valid"]:
        _new_requirement(case["key"], case["operator"], case["values"])
    else:
        with pytest.raises(SelectorError):
            _new_requirement(case["key"], case["operator"], case["values"])


@pytest.mark.parametrize("case", [c for c in DATA["to_string_cases"] if c["valid"]])
def test_to_string(case):
    assert str(_reqs(case["requirements"])) == case["string"]


@pytest.mark.parametrize("case", DATA["set_string_cases"])
def test_set_string(case):
    assert str(selector_from_set(case["set"])) == case["string"]


def test_structured_selector_semantics_aff1():
    labels = {"app": "web", "tier": "front", "size": "5"}
    assert label_selector_matches({}, labels) is True
    assert label_selector_matches(None, labels) is False
    assert label_selector_matches({"matchLabels": {"app": "web"}}, labels)
    assert not label_selector_matches({"matchLabels": {"app": "db"}}, labels)
    sel = {"matchLabels": {"app": "web"},
           "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front", "back"]},
                                {"key": "canary", "operator": "DoesNotExist"}]}
    assert label_selector_matches(sel, labels)
    assert not label_selector_matches(sel, {**labels, "canary": "1"})
    assert label_selector_matches({"matchExpressions": [{"key": "size", "operator": "Gt", "values": ["3"]}]}, labels)
    assert not label_selector_matches({"matchExpressions": [{"key": "size", "operator": "Lt", "values": ["3"]}]}, labels)
    assert label_selector_matches({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, labels)


def test_node_selector_terms_are_ored_and_empty_term_matches_nothing():
    labels = {"disktype": "ssd"}
    ns = {"nodeSelectorTerms": [{"matchExpressions": [{"key": "disktype", "operator": "In", "values": ["hdd"]}]},
                                {"matchExpressions": [{"key": "disktype", "operator": "Exists"}]}]}
    assert node_selector_matches(ns, labels)
    assert not node_selector_matches({"nodeSelectorTerms": [{}]}, labels)


def test_name_validation_spanish():
    assert validate_dns1123_subdomain("mi-app.example") == []
    assert validate_dns1123_label("web-1") == []
    err = validate_dns1123_label("Mi_App")
    assert err and "DNS-1123" in err[0] and "«Mi_App»" in err[0]
    assert "máximo es 63" in validate_dns1123_label("a" * 64)[0]
    assert validate_dns1123_subdomain("a" * 254)
    assert validate_label_key("app.kubernetes.io/name") == []
    assert validate_label_key("bad key")
    assert validate_label_key("/x") and "prefijo" in validate_label_key("/x")[0]
    assert validate_label_value("") == []
    assert validate_label_value("-bad")
    msg = validate_label_value(True)[0]
    assert '"true"' in msg and "AFF-1" not in msg  # rule ids are not student text
