"""Small helpers shared by the server-side rules."""
from __future__ import annotations

import difflib
import re

from .. import apierror
from ..findings import Finding


def get(d, *keys):
    """d[k1][k2]... or None when any step is missing or of the wrong type."""
    for k in keys:
        if isinstance(d, dict):
            d = d.get(k)
        elif isinstance(d, list) and isinstance(k, int) and 0 <= k < len(d):
            d = d[k]
        else:
            return None
    return d


def as_dict(v) -> dict:
    return v if isinstance(v, dict) else {}


def as_list(v) -> list:
    return v if isinstance(v, list) else []


def add(out: list, path, message: str, rule: str | None = None, api=None, severity: str = "error") -> None:
    """Record a finding: Spanish ``message`` at ``path``; ``api`` is the API server's text for it
    (an ``apierror.FieldError`` or a string), ``rule`` the id in kubernetes-semantics.md."""
    out.append(Finding(tuple(path), message, rule, severity, str(api) if api is not None else None))


def warn(out: list, path, message: str, api: str, rule: str | None = None) -> None:
    """A warning the API server returns with a successful answer (kubectl prints «Warning: ...»)."""
    out.append(Finding(tuple(path), message, rule, "aviso", f"Warning: {api}"))


def enum_check(out, path, value, allowed, what: str, rule: str | None = None, extra: str = "",
               empty_ok: bool = False, api_order=None) -> bool:
    """Unsupported value -> Spanish message with the allowed values and a suggestion, beside the
    API server's ``Unsupported value`` (its list is sorted, as ``sets.List`` gives it, unless
    ``api_order`` says otherwise).

    ``empty_ok``: the API server's defaulting replaces "" before validation (e.g. an empty
    imagePullPolicy, restartPolicy or Service type), so "" is accepted."""
    if value is None or not isinstance(value, str) or value in allowed or (empty_ok and value == ""):
        return True
    msg = f"{what} «{value}» no es válido; los valores admitidos son: " + ", ".join(f"«{a}»" for a in allowed)
    guess = suggest(value, allowed)
    if guess:
        msg += f". ¿Quisiste decir «{guess}»?" + (" (las mayúsculas cuentan)" if guess.lower() == value.lower() else "")
    add(out, path, msg + extra, rule,
        apierror.not_supported(apierror.Path(path), value, api_order or sorted(a for a in allowed if a)))
    return False


def suggest(word: str, candidates) -> str | None:
    candidates = list(candidates)
    for c in candidates:
        if c.lower() == word.lower():
            return c
    m = difflib.get_close_matches(word, candidates, n=1, cutoff=0.7)
    return m[0] if m else None


_IANA_SVC = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?\Z")


def iana_svc_name_errors(name: str) -> list[str]:
    """Named ports (IsValidPortName): <= 15 chars, [a-z0-9-], a letter, no '--'."""
    errs = []
    if len(name) > 15:
        errs.append("tiene más de 15 caracteres")
    if not _IANA_SVC.match(name):
        errs.append("solo admite minúsculas, dígitos y «-» (sin «-» al principio ni al final)")
    if "--" in name:
        errs.append("no puede tener dos guiones seguidos")
    if _IANA_SVC.match(name) and not re.search(r"[a-z]", name):
        errs.append("debe contener al menos una letra")
    return errs


def is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)
