"""The API server's own error text (``field path: Invalid value: ...: detail``), as kubectl prints it.

A port of apimachinery ``pkg/util/validation/field`` (``errors.go``, ``path.go``) and of the
messages of ``pkg/util/validation/validation.go`` that the rules reuse (DNS-1123 names, port
numbers and names, ConfigMap keys, environment variable names). Each server-side rule builds
one of these beside its Spanish explanation, so a student can match the report with what a
real ``kubectl apply`` answers. Value rendering follows ``Error.ErrorBody``: strings with Go's
``%q``, numbers and booleans as they are, nil as ``null``; composite values (Go would print an
internal struct) are shown as JSON.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["FieldError", "Path", "path", "required", "invalid", "not_supported", "forbidden", "duplicate",
           "not_found", "too_long", "go_quote", "dns1123_label", "dns1123_subdomain", "dns1035_label",
           "qualified_name", "label_value", "port_num", "port_name", "config_map_key", "env_var_name",
           "INCLUSIVE_PORT_RANGE"]


class Path(tuple):
    """A field path as apimachinery builds it: ``Child`` names, ``Index`` ints, ``Key`` map keys.

    Map keys are wrapped in :class:`Key` so they print as ``[key]`` (``spec.resources[storage]``)."""

    def child(self, *names) -> "Path":
        return Path(self + tuple(names))

    def index(self, i: int) -> "Path":
        return Path(self + (i,))

    def key(self, k: str) -> "Path":
        return Path(self + (Key(k),))

    def __str__(self) -> str:
        out = ""
        for p in self:
            if isinstance(p, Key):
                out += f"[{p.name}]"
            elif isinstance(p, int):
                out += f"[{p}]"
            else:
                out += ("." if out else "") + str(p)
        return out

    def plain(self) -> tuple:
        """The same path as a tuple of plain keys and indexes (for line look-ups)."""
        return tuple(p.name if isinstance(p, Key) else p for p in self)


@dataclass(frozen=True)
class Key:
    name: str


def path(*parts) -> Path:
    """``path("spec", "ports", 0, "port")``; wrap map keys with ``Key`` or use ``.key()``."""
    return Path(parts)


_GO_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v",
               "\\": "\\\\", '"': '\\"'}


def go_quote(s: str) -> str:
    """Go's ``strconv.Quote``: printable runes as they are, the rest escaped."""
    out = ['"']
    for ch in s:
        if ch in _GO_ESCAPES:
            out.append(_GO_ESCAPES[ch])
            continue
        cp = ord(ch)
        printable = ch == " " or (unicodedata.category(ch)[0] not in "CZ")
        if printable:
            out.append(ch)
        elif cp < 0x80:
            out.append(f"\\x{cp:02x}")
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\\ufffd")
        elif cp < 0x10000:
            out.append(f"\\u{cp:04x}")
        else:
            out.append(f"\\U{cp:08x}")
    out.append('"')
    return "".join(out)


def _render(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return go_quote(value)
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        return "{...}"


_TYPES = {"required": "Required value", "invalid": "Invalid value", "not_supported": "Unsupported value",
          "forbidden": "Forbidden", "duplicate": "Duplicate value", "not_found": "Not found",
          "too_long": "Too long", "too_many": "Too many"}
_NO_VALUE = {"required", "forbidden", "too_long"}


@dataclass(frozen=True)
class FieldError:
    """One apimachinery ``field.Error``; ``str()`` is exactly what the API server answers."""

    type: str
    field: Path
    value: object = None
    detail: str = ""

    def body(self) -> str:
        s = _TYPES[self.type]
        if self.type not in _NO_VALUE:
            s += ": " + _render(self.value)
        if self.detail:
            s += ": " + self.detail
        return s

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(p: Path, detail: str = "") -> FieldError:
    return FieldError("required", p, None, detail)


def invalid(p: Path, value, detail: str) -> FieldError:
    return FieldError("invalid", p, value, detail)


def not_supported(p: Path, value, allowed) -> FieldError:
    detail = "supported values: " + ", ".join(go_quote(a) for a in allowed) if allowed else ""
    return FieldError("not_supported", p, value, detail)


def forbidden(p: Path, detail: str) -> FieldError:
    return FieldError("forbidden", p, None, detail)


def duplicate(p: Path, value) -> FieldError:
    return FieldError("duplicate", p, value, "")


def not_found(p: Path, value) -> FieldError:
    return FieldError("not_found", p, value, "")


def too_long(p: Path, max_bytes: int) -> FieldError:
    return FieldError("too_long", p, None, f"may not be more than {max_bytes} bytes")


# ----------------------------------------------------------------------------- apimachinery messages
def _regex_error(msg: str, fmt: str, *examples: str) -> str:
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    msg += " (e.g. " + " or ".join(f"'{e}', " for e in examples)
    return msg + f"regex used for validation is '{fmt}')"


def _max_len(n: int) -> str:
    return f"must be no more than {n} characters"


INCLUSIVE_PORT_RANGE = "must be between 1 and 65535, inclusive"
_DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN_FMT = _DNS1123_LABEL_FMT + "(\\." + _DNS1123_LABEL_FMT + ")*"
_DNS1035_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?"
_QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_LABEL_VALUE_FMT = "(" + _QUALIFIED_NAME_FMT + ")?"
_CONFIG_KEY_FMT = "[-._a-zA-Z0-9]+"


def _full(pattern: str, value: str) -> bool:
    return re.fullmatch(pattern, value) is not None


def dns1123_label(value: str) -> list[str]:
    """IsDNS1123Label."""
    errs = [_max_len(63)] if len(value) > 63 else []
    if not _full(_DNS1123_LABEL_FMT, value):
        if _full(_DNS1123_SUBDOMAIN_FMT, value):
            errs.append("must not contain dots")
        else:
            errs.append(_regex_error("a lowercase RFC 1123 label must consist of lower case alphanumeric characters "
                                     "or '-', and must start and end with an alphanumeric character",
                                     _DNS1123_LABEL_FMT, "my-name", "123-abc"))
    return errs


def dns1123_subdomain(value: str) -> list[str]:
    """IsDNS1123Subdomain."""
    errs = [_max_len(253)] if len(value) > 253 else []
    if not _full(_DNS1123_SUBDOMAIN_FMT, value):
        errs.append(_regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                                 "characters, '-' or '.', and must start and end with an alphanumeric character",
                                 _DNS1123_SUBDOMAIN_FMT, "example.com"))
    return errs


def dns1035_label(value: str) -> list[str]:
    """IsDNS1035Label (Service names)."""
    errs = [_max_len(63)] if len(value) > 63 else []
    if not _full(_DNS1035_FMT, value):
        errs.append(_regex_error("a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
                                 "start with an alphabetic character, and end with an alphanumeric character",
                                 _DNS1035_FMT, "my-name", "abc-123"))
    return errs


def qualified_name(value: str) -> list[str]:
    """IsQualifiedName (label and annotation keys)."""
    parts = value.split("/")
    errs: list[str] = []
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            errs += ["prefix part " + m for m in dns1123_subdomain(prefix)]
    else:
        return [_regex_error("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
                             "start and end with an alphanumeric character", _QUALIFIED_NAME_FMT,
                             "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif len(name) > 63:
        errs.append("name part " + _max_len(63))
    if name and not _full(_QUALIFIED_NAME_FMT, name):
        errs.append("name part " + _regex_error("must consist of alphanumeric characters, '-', '_' or '.', and must "
                                                "start and end with an alphanumeric character", _QUALIFIED_NAME_FMT,
                                                "MyName", "my.name", "123-abc"))
    return errs


def label_value(value: str) -> list[str]:
    """IsValidLabelValue."""
    errs = [_max_len(63)] if len(value) > 63 else []
    if not _full(_LABEL_VALUE_FMT, value):
        errs.append(_regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                                 "'-', '_' or '.', and must start and end with an alphanumeric character",
                                 _LABEL_VALUE_FMT, "MyValue", "my_value", "12345"))
    return errs


def port_num(port: int) -> list[str]:
    """IsValidPortNum."""
    return [] if 1 <= port <= 65535 else [INCLUSIVE_PORT_RANGE]


def port_name(name: str) -> list[str]:
    """IsValidPortName (IANA_SVC_NAME)."""
    errs = [_max_len(15)] if len(name) > 15 else []
    if not _full("[-a-z0-9]+", name):
        errs.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search("[a-z]", name):
        errs.append("must contain at least one letter (a-z)")
    if "--" in name:
        errs.append("must not contain consecutive hyphens")
    if name and (name[0] == "-" or name[-1] == "-"):
        errs.append("must not begin or end with a hyphen")
    return errs


def _chdir_prefix(value: str) -> list[str]:
    if value == ".":
        return ["must not be '.'"]
    if value == "..":
        return ["must not be '..'"]
    if value.startswith(".."):
        return ["must not start with '..'"]
    return []


def config_map_key(value: str) -> list[str]:
    """IsConfigMapKey (ConfigMap and Secret keys, key selectors)."""
    errs = [_max_len(253)] if len(value) > 253 else []
    if not _full(_CONFIG_KEY_FMT, value):
        errs.append(_regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                 _CONFIG_KEY_FMT, "key.name", "KEY_NAME", "key-name"))
    return errs + _chdir_prefix(value)


def env_var_name(value: str) -> list[str]:
    """IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on by default since 1.34)."""
    errs = ["environment variable name must be non-empty"] if not value else []
    if any(ord(ch) > 126 or ord(ch) < 32 or ch == "=" for ch in value):
        errs.append("a valid environment variable name must consist only of printable ASCII characters other "
                    "than '='")
    return errs
