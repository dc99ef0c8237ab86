"""Quantities (RES-1) against every case of shared/conformance/quantities.json."""
import json
from fractions import Fraction
from pathlib import Path

import pytest

from k8s_helpers.api.quantity import Quantity, parse_quantity

SHARED = Path(__file__).resolve().parents[2] / "shared"
DATA = json.loads((SHARED / "conformance" / "quantities.json").read_text(encoding="utf-8"))


def _id(c):
    return f"{c.get('test')}:{c['input']!r}"


@pytest.mark.parametrize("case", DATA["cases"], ids=_id)
def test_parse_case(case):
    if not case["valid"]:
        with pytest.raises(ValueError) as exc:
            parse_quantity(case["input"])
        assert "cantidad" in str(exc.value) and "RES-1" not in str(exc.value)  # Spanish, no rule id
        return
    q = parse_quantity(case["input"])
    if case["value"] is not None:
        assert q.value == Fraction(case["value"])
    if case["canonical"] is not None:
        assert q.canonical() == case["canonical"]
    if case.get("format"):
        assert q.format == case["format"]


@pytest.mark.parametrize("case", DATA["format_cases"], ids=lambda c: f"{c['format']}:{c['value']}")
def test_format_case(case):
    fmt = case["format"] if case["format"] in ("BinarySI", "DecimalSI", "DecimalExponent") else "DecimalExponent"
    assert Quantity(Fraction(case["value"]), fmt).canonical() == case["string"]


@pytest.mark.parametrize("case", DATA["compare_cases"], ids=lambda c: f"{c['a']}?{c['b']}")
def test_compare_case(case):
    assert parse_quantity(case["a"]).cmp(parse_quantity(case["b"])) == case["cmp"]


def test_all_conformance_cases_are_used():
    assert len(DATA["cases"]) == 488 and sum(not c["valid"] for c in DATA["cases"]) == 14


@pytest.mark.parametrize("text,canonical,value", [
    ("1.5Gi", "1536Mi", 1610612736),
    ("1.5", "1500m", Fraction(3, 2)),
    ("1G", "1G", 10**9),
    ("1Gi", "1Gi", 2**30),
    ("256Mi", "256Mi", 256 * 2**20),
    ("0.1", "100m", Fraction(1, 10)),
])
def test_examples_from_reference(text, canonical, value):
    q = parse_quantity(text)
    assert q.canonical() == canonical
    assert q.value == value


@pytest.mark.parametrize("bad,hint", [
    ("256MB", "«M»"), ("1gi", "«Gi»"), ("1K", "«k»"), ("1 Gi", "espacios"), ("1KB", "«k»"), ("", "vacía"),
    ("abc", "número"),
])
def test_invalid_quantities_spanish_messages(bad, hint):
    with pytest.raises(ValueError) as exc:
        parse_quantity(bad)
    assert hint in str(exc.value)
    assert "RES-1" not in str(exc.value)  # rule ids are data (Problem.rule), not student text


def test_arithmetic_and_milli():
    a, b = parse_quantity("1.5"), parse_quantity("500m")
    assert (a + b).value == 2 and (a - b).value == 1
    assert a > b and b < "1" and a == "1500m"
    assert parse_quantity("1.5").milli == 1500
    assert parse_quantity("0.0001").milli == 1          # rounded up
    assert parse_quantity("-0.0001").milli == -1        # away from zero, like MilliValue
    assert parse_quantity("100Mi").to_int() == 104857600
    assert sorted([parse_quantity("1Gi"), parse_quantity("1G"), parse_quantity("900Mi")])[0].canonical() == "900Mi"


def test_numbers_from_yaml_are_quantities_but_booleans_are_not():
    assert parse_quantity(2).value == 2
    assert parse_quantity(0.5).canonical() == "500m"
    with pytest.raises(ValueError, match="booleano"):
        parse_quantity(True)


def test_huge_exponent_is_rejected_not_computed():
    with pytest.raises(ValueError, match="exponente"):
        parse_quantity("1e999999999")
