"""Kubernetes resource quantities (RES-1), exact, as apimachinery parses them.

A quantity is ``<sign><number><suffix>``; suffixes are case-sensitive: binary
``Ki Mi Gi Ti Pi Ei`` (2^10..2^60), decimal ``n u m "" k M G T P E`` and
exponents ``e<n>``/``E<n>``. ``256MB``, ``1gi``, ``1K`` and ``1 Gi`` are invalid.
Values are kept as exact fractions (never floats): non-zero values are rounded up
(away from zero) to 1n, and binary quantities are capped at 2^63-1, like
``resource.ParseQuantity`` in kubernetes/apimachinery (pkg/api/resource/quantity.go).
The canonical string (``1536Mi``, ``1500m``) follows ``Quantity.String()``.
"""
from __future__ import annotations

import functools
from fractions import Fraction

__all__ = ["Quantity", "parse_quantity", "is_quantity"]

_DECIMAL_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_DECIMAL_BY_EXP = {v: k for k, v in _DECIMAL_SUFFIXES.items()}
_BINARY_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_BINARY_BY_EXP = {v: k for k, v in _BINARY_SUFFIXES.items()}
_BINARY_BY_EXP[0] = ""
_SUFFIX_CHARS = set("eEinumkKMGTP")
_DIGITS = set("0123456789")
_MAX_INT64 = 2**63 - 1
_NANO = Fraction(1, 10**9)
# A guard, not a Kubernetes rule: 1e999999999 would need gigabytes as an exact number.
_MAX_EXPONENT = 4096

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

# Units students write that Kubernetes does not have: the decimal letter they stand for. Its
# binary partner (k -> Ki) is always offered too: `512K` may come from a statement in Ki or in k.
_DECIMAL_LOOKALIKES = {"K": "k", "k": "k", "M": "M", "G": "G", "g": "G", "T": "T", "t": "T", "P": "P", "p": "P",
                       "E": "E"}
_BINARY = ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")


def _error(text: str, detail: str) -> ValueError:
    return ValueError(f"«{text}» no es una cantidad válida de Kubernetes: {detail}")


def _split(text: str):
    """Port of apimachinery's parseQuantityString: (positive, value, num, denom, suffix)."""
    positive, pos, end = True, 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] == "+"
        pos += 1
    while pos < end and text[pos] == "0":
        pos += 1
    if pos >= end:
        return positive, "0", "0", "", ""
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    num = text[start:pos] or "0"
    denom = ""
    if pos < end and text[pos] == ".":
        pos += 1
        start = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[start:pos]
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos < end and text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos < end:
        return None
    return positive, value, num, denom, text[suffix_start:]


def _interpret(suffix: str):
    """(base, exponent, format) of a suffix, or None (apimachinery suffixHandler.interpret)."""
    if suffix in _DECIMAL_SUFFIXES:
        return 10, _DECIMAL_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BINARY_SUFFIXES:
        return 2, _BINARY_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exp = suffix[1:]
        body = exp[1:] if exp[:1] in "+-" else exp
        if body and all(c in _DIGITS for c in body):
            return 10, int(exp), DECIMAL_EXPONENT
    return None


@functools.total_ordering
class Quantity:
    """An exact resource quantity (RES-1). Compare, add and subtract like numbers."""

    __slots__ = ("value", "format", "_text")

    def __init__(self, value: Fraction | int, format: str = DECIMAL_SI, text: str | None = None):
        self.value = Fraction(value)
        self.format = format
        self._text = text

    # --- views -----------------------------------------------------------------
    @property
    def milli(self) -> int:
        """Value in thousandths, rounded up away from zero (MilliValue)."""
        return _round_away(self.value * 1000)

    def to_int(self) -> int:
        """Value rounded up away from zero to a whole number (Quantity.Value)."""
        return _round_away(self.value)

    def canonical(self) -> str:
        """The canonical string, as Quantity.String() prints it ("1.5Gi" -> "1536Mi")."""
        if self._text is not None:
            return self._text
        return _canonical(self.value, self.format)

    def __str__(self) -> str:
        return self.canonical()

    def __repr__(self) -> str:
        return f"Quantity({self.canonical()!r})"

    # --- arithmetic and comparisons ------------------------------------------------
    def _other(self, other):
        if isinstance(other, Quantity):
            return other.value
        if isinstance(other, (int, Fraction)):
            return Fraction(other)
        if isinstance(other, str):
            return parse_quantity(other).value
        return NotImplemented

    def __eq__(self, other):
        o = self._other(other)
        return NotImplemented if o is NotImplemented else self.value == o

    def __lt__(self, other):
        o = self._other(other)
        return NotImplemented if o is NotImplemented else self.value < o

    def __hash__(self):
        return hash(self.value)

    def __add__(self, other):
        o = self._other(other)
        return NotImplemented if o is NotImplemented else Quantity(self.value + o, self.format)

    __radd__ = __add__

    def __sub__(self, other):
        o = self._other(other)
        return NotImplemented if o is NotImplemented else Quantity(self.value - o, self.format)

    def __rsub__(self, other):
        o = self._other(other)
        return NotImplemented if o is NotImplemented else Quantity(o - self.value, self.format)

    def __neg__(self):
        return Quantity(-self.value, self.format)

    def __bool__(self):
        return self.value != 0

    def cmp(self, other) -> int:
        o = self._other(other)
        return (self.value > o) - (self.value < o)


def _round_away(x: Fraction) -> int:
    n, d = x.numerator, x.denominator
    q = -((-abs(n)) // d)  # ceil of |x|
    return q if n >= 0 else -q


def _canonical(value: Fraction, fmt: str) -> str:
    if value == 0:
        return "0"
    if fmt == BINARY_SI:
        if -1024 < value < 1024 or value.denominator != 1:
            fmt = DECIMAL_SI
        else:
            amount, exp = value.numerator, 0
            while abs(amount) >= 1024 and amount % 1024 == 0 and exp < 60:
                amount //= 1024
                exp += 10
            return f"{amount}{_BINARY_BY_EXP[exp]}"
    # Decimal: mantissa without trailing zeros, exponent lowered to a multiple of 3.
    # Values are multiples of 1n, so value * 10^9 is an integer.
    mantissa = value.numerator * (10**9 // value.denominator) if (10**9) % value.denominator == 0 else None
    if mantissa is None:  # cannot happen for parsed quantities; be safe for constructed ones
        mantissa = _round_away(value * 10**9)
    exp = -9
    while mantissa % 10 == 0:
        mantissa //= 10
        exp += 1
    while exp % 3:
        mantissa *= 10
        exp -= 1
    if fmt == DECIMAL_EXPONENT:
        return f"{mantissa}" + (f"e{exp}" if exp else "")
    suffix = _DECIMAL_BY_EXP.get(exp)
    if suffix is None:  # beyond E: apimachinery prints no suffix either; keep the value exact
        return f"{mantissa}e{exp}" if exp > 0 else f"{mantissa}"
    return f"{mantissa}{suffix}"


def parse_quantity(text) -> Quantity:
    """Parse a Kubernetes quantity ("500m", "1.5Gi", "1e3") exactly (RES-1).

    Raises ValueError with a Spanish message when the text is not a quantity,
    e.g. ``256MB`` (Kubernetes uses ``M`` or ``Mi``, never ``MB``).
    """
    if isinstance(text, bool):
        raise _error(str(text).lower(), "es un booleano, no un número")
    if isinstance(text, int):
        return Quantity(text, DECIMAL_SI)
    if isinstance(text, float):
        if text != text or text in (float("inf"), float("-inf")):
            raise _error(str(text), "no es un número finito")
        return Quantity(Fraction(str(text)), DECIMAL_SI)
    if not isinstance(text, str):
        raise _error(str(text), "debe ser un texto o un número")
    if text == "":
        raise ValueError("La cantidad está vacía: escribe un número con su unidad, p. ej. «500m» o «256Mi»")
    if text == "0":
        return Quantity(0, DECIMAL_SI)
    if text != text.strip() or " " in text:
        compact = "".join(text.split())
        if compact and is_quantity(compact):
            raise _error(text, f"sobran espacios; el número y la unidad van juntos: «{compact}»")
        extra = ("; además, " + _suffix_hint(compact)) if compact else ""
        raise _error(text, "sobran espacios; el número y la unidad van juntos (p. ej. «1Gi»)" + extra)
    parts = _split(text)
    if parts is None:
        raise _error(text, _suffix_hint(text))
    positive, value, num, denom, suffix = parts
    interp = _interpret(suffix)
    if interp is None:
        raise _error(text, _suffix_hint(text, suffix))
    base, exponent, fmt = interp
    if abs(exponent) > _MAX_EXPONENT:
        raise _error(text, "el exponente es demasiado grande")
    sign = 1 if positive else -1
    amount = Fraction(int((num or "0") + denom), 10 ** len(denom))
    amount *= Fraction(10) ** exponent if base == 10 else 2**exponent
    if amount:
        amount = Fraction(_round_away(amount / _NANO)) * _NANO
    if fmt == BINARY_SI and amount > _MAX_INT64:
        amount = Fraction(_MAX_INT64)
    if fmt == BINARY_SI and 0 < amount < 1:
        fmt = DECIMAL_SI  # as ParseQuantity does: no binary suffix can show it
    q = Quantity(sign * amount, fmt)
    # apimachinery keeps the original text as String() when it is already canonical.
    if _keeps_text(text, positive, num, denom, base, exponent, fmt):
        q._text = text
    return q


def _keeps_text(text, positive, num, denom, base, exponent, fmt) -> bool:
    # Mirrors ParseQuantity's fast path (int64 only) and its "already canonical" test.
    shifted = num + denom
    if fmt == BINARY_SI:
        if not (exponent >= 0 and not denom):
            return False
        precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        if precision < 0:
            return False
        v = int(shifted)
        if v * 2**exponent > _MAX_INT64:
            return False
        return exponent % 10 == 0 and (v & 7) != 0
    precision = 18 - len(num) - len(denom)
    if precision < 0:
        return False
    scale = exponent - len(denom)
    if scale < -9:
        return False
    return scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0"


def _suffix_hint(text: str, suffix: str | None = None) -> str:
    if suffix is None:
        i = 0
        while i < len(text) and (text[i] in _DIGITS or text[i] in "+-."):
            i += 1
        suffix = text[i:]
        if i == 0 or not any(c in _DIGITS for c in text[:i]):
            return "debe empezar por un número, p. ej. «500m», «1.5» o «256Mi»"
        if not suffix:  # only digits, signs and dots, yet not a number: "1.5.5", "1-2", "5-"
            return ("el número está mal escrito: admite un signo solo al principio y un único punto decimal, "
                    "p. ej. «1.5» o «-2»")
    if "," in text:
        return f"los decimales se escriben con punto, no con coma: «{text.replace(',', '.')}»"
    return _unit_hint(suffix)


def _both(dec: str) -> str:
    binary = ("K" if dec == "k" else dec) + "i"
    return (f"«{dec}» si quieres potencias de 1000 (1{dec} = 10^{_DECIMAL_SUFFIXES[dec]}) o «{binary}» si quieres "
            f"potencias de 1024 (1{binary} = 2^{_BINARY_SUFFIXES[binary]})")


def _unit_hint(suffix: str) -> str:
    valid = "Las unidades válidas (distinguen mayúsculas) son Ki, Mi, Gi, Ti, Pi, Ei y n, u, m, k, M, G, T, P, E"
    low = suffix.lower()
    binary = next((b for b in _BINARY if low in (b.lower(), b.lower() + "b")), None)
    if binary:  # `ki`, `KI`, `KiB`, `kib`, `MIB`...: the binary unit, spelt Ki
        return f"la unidad «{suffix}» no existe en Kubernetes; se escribe «{binary}» (potencias de 1024). {valid}"
    if len(suffix) == 2 and suffix[1] == "b" and suffix[0] in "kKmMgGtTpPeE":
        dec = _DECIMAL_LOOKALIKES.get(suffix[0], suffix[0].upper())
        return (f"«{suffix}» serían bits; Kubernetes cuenta bytes y sus unidades no llevan «B» ni «b»: usa "
                f"{_both(dec)}; p. ej. 1G = 10^9 bytes y 1Gi = 2^30 bytes")
    if suffix[:1] in _DECIMAL_LOOKALIKES and suffix[1:] in ("", "B") and suffix != "k":
        dec = _DECIMAL_LOOKALIKES[suffix[0]]
        return f"la unidad «{suffix}» no existe en Kubernetes: escribe {_both(dec)}. {valid}"
    if suffix[:1] == "m" and suffix[1:] == "B":
        return f"la unidad «{suffix}» no existe en Kubernetes: escribe {_both('M')}. {valid}"
    return f"la unidad «{suffix}» no existe; {valid[0].lower()}{valid[1:]}, o un exponente como «e3»"


def is_quantity(text) -> bool:
    """True when `text` parses as a quantity."""
    try:
        parse_quantity(text)
    except ValueError:
        return False
    return True
