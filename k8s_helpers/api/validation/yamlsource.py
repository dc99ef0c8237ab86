"""Safe YAML loading that remembers where every field is, with Spanish syntax errors.

PyYAML gives only ``expected <block end>, but found '?'`` and silently keeps the
last of two duplicated keys; here every document is composed into nodes, built into
plain dicts/lists (JSON types, as the API server sees them) while recording the
line of each field path, and mistakes are explained in Spanish with a hint for the
usual causes (tabs, a key outside its list item, ``port:80``, duplicated keys,
unclosed quotes or brackets). Alias expansion and nesting depth are bounded so a
"billion laughs" input cannot hang or exhaust memory.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor

from .problem import Problem

MAX_CHARS = 1_000_000          # far above any real manifest
MAX_NODES = 100_000            # nodes built after alias expansion
MAX_DEPTH = 100

_MERGE_TAG = "tag:yaml.org,2002:merge"
_PLAIN_TAG = "tag:k8s-course,2026:plain"   # an untagged plain scalar, typed by go_plain_scalar

# How kubectl types plain scalars: sigs.k8s.io/yaml uses its fork of go-yaml v2, whose resolve.go
# differs from PyYAML's YAML 1.1 resolver: y/Y/n/N are booleans, `12:30` is a string (no base-60),
# `0o17` and `1e3` are numbers, and integers follow Go's strconv.ParseInt(s, 0, 64) after
# removing every `_`. Timestamps stay strings (go-yaml v2 decodes them as strings into interface{}).
_GO_TRUE = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}
_GO_FALSE = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}
_GO_NULL = {"", "~", "null", "Null", "NULL"}
_GO_INF = {".inf": 1, ".Inf": 1, ".INF": 1, "+.inf": 1, "+.Inf": 1, "+.INF": 1, "-.inf": -1, "-.Inf": -1, "-.INF": -1}
_GO_NAN = {".nan", ".NaN", ".NAN"}
_GO_YAML_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")


def _go_parse_int(s: str):
    """strconv.ParseInt(s, 0, 64), falling back to ParseUint(s, 0, 64); None on error."""
    t, sign = s, 1
    if t[:1] in ("+", "-"):
        sign, t = (-1 if t[0] == "-" else 1), t[1:]
    if not t:
        return None
    base = 10
    if t[0] == "0" and len(t) > 1:
        prefix = t[1].lower()
        base, t = {"x": (16, t[2:]), "o": (8, t[2:]), "b": (2, t[2:])}.get(prefix, (8, t[1:]))
    digits = "0123456789abcdef"[:base]
    if not t or any(ch.lower() not in digits for ch in t):
        return None
    v = sign * int(t, base)
    if -2**63 <= v < 2**63 or (s[0] not in "+-" and v < 2**64):
        return v
    return None


def go_plain_scalar(s: str):
    """The value go-yaml v2 (kubectl) gives an untagged plain scalar: bool, None, int, float or str."""
    if s in _GO_TRUE:
        return True
    if s in _GO_FALSE:
        return False
    if s in _GO_NULL:
        return None
    if s in _GO_INF:
        return float("inf") * _GO_INF[s]
    if s in _GO_NAN:
        return float("nan")
    first = s[:1]
    if first == ".":
        return float(s) if _GO_YAML_FLOAT.match(s) else s
    if first and first in "+-0123456789":
        plain = s.replace("_", "")
        v = _go_parse_int(plain) if plain else None
        if v is not None:
            return v
        if _GO_YAML_FLOAT.match(plain):
            f = float(plain)
            return s if f in (float("inf"), float("-inf")) else f
        for prefix, sign in (("0b", 1), ("-0b", -1)):  # go-yaml's own binary fallback
            if plain.startswith(prefix) and plain[len(prefix):] and set(plain[len(prefix):]) <= {"0", "1"}:
                return sign * int(plain[len(prefix):], 2)
    return s


_STR_TAGS = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:value", "tag:yaml.org,2002:binary"}
_SAFE = SafeConstructor()


class _TooBig(Exception):
    def __init__(self, message: str, mark=None):
        super().__init__(message)
        self.message = message
        self.mark = mark


@dataclass
class SourceDocument:
    """One YAML document: the object and the (line, column) of each field path."""

    obj: object
    positions: dict = field(default_factory=dict)   # path tuple -> (line, col), 1-based
    start_line: int = 1
    literals: dict = field(default_factory=dict)    # path -> source text of non-string scalars ("yes")

    def line_of(self, path) -> tuple[int | None, int | None]:
        """Position of the deepest existing prefix of `path` (a missing field -> its parent)."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return self.start_line, 1
            path = path[:-1]


def format_path(path) -> str:
    """('spec', 'ports', 0, 'port') -> 'spec.ports[0].port'; odd keys go in brackets."""
    out = ""
    for p in path:
        if isinstance(p, int):
            out += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$-]*", str(p)):
            out += ("." if out else "") + str(p)
        else:
            out += f"[{p}]"
    return out


def _key_text(value) -> str:
    # sigs.k8s.io/yaml turns non-string keys into their JSON text.
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


class _Builder:
    """Turns a composed node graph into plain data, recording positions and problems."""

    def __init__(self, line_offset: int, document: int, problems: list, lines: list[str] | None = None):
        self.line_offset = line_offset
        self.lines = lines or []
        self.document = document
        self.problems = problems
        self.positions: dict = {}
        self.literals: dict = {}
        self.count = 0
        self.fatal = False          # the document cannot be turned into JSON (e.g. a map used as a key)
        self._reported: set = set()  # (line, col, what): an anchor reused by aliases reports once

    def mark(self, m) -> tuple[int, int]:
        return m.line + 1 + self.line_offset, m.column + 1

    def build(self, node, path=(), depth=0, stack=()):
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(
                f"el documento se expande a más de {MAX_NODES} elementos (¿anclas y alias «&»/«*» "
                "anidados, la llamada «billion laughs»?); no se procesa", node.start_mark)
        if depth > MAX_DEPTH:
            raise _TooBig(f"el documento está anidado a más de {MAX_DEPTH} niveles; no se procesa", node.start_mark)
        if id(node) in stack:
            raise _TooBig("un alias «*» se refiere a sí mismo (estructura circular); no se procesa", node.start_mark)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        stack = stack + (id(node),)
        if isinstance(node, yaml.SequenceNode):
            out = []
            for i, item in enumerate(node.value):
                self.positions[path + (i,)] = self.mark(item.start_mark)
                out.append(self.build(item, path + (i,), depth + 1, stack))
            return out
        out = {}
        seen: dict[str, int] = {}
        merged: list = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merged.append(value_node)
                continue
            line, col = self.mark(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                # e.g. `replicas: {{replicas}}`: a template placeholder is a map used as a key.
                # sigs.k8s.io/yaml cannot convert such a document to JSON: kubectl rejects it whole.
                self.fatal = True
                if not self._once(line, col, "key"):
                    return None
                self.problems.append(Problem(
                    "Error de sintaxis YAML: aquí hay una clave que no es un texto sino un "
                    + ("mapa «{...}»" if isinstance(key_node, yaml.MappingNode) else "lista «[...]»")
                    + ". Si es un marcador de plantilla como «{{valor}}», sustitúyelo por el valor real "
                    "(o ponlo entre comillas si es un texto).", None, line, col, document=self.document))
                return None
            key = _key_text(self.scalar(key_node, path))
            if key in seen and self._once(line, col, "dup"):
                where = (f"dos veces en la línea {line}" if seen[key] == line
                         else f"líneas {seen[key]} y {line}")
                self.problems.append(Problem(
                    f"la clave «{key}» está repetida ({where}); Kubernetes rechaza "
                    "los campos duplicados: deja solo una", format_path(path + (key,)), line, col,
                    document=self.document))
            seen[key] = line
            self.positions[path + (key,)] = (line, col)
            out[key] = self.build(value_node, path + (key,), depth + 1, stack)
        for value_node in merged:  # YAML merge keys: explicit keys win
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for src in sources:
                # Build the merged map aside so its positions and literals never replace those of
                # the keys written explicitly here (which win, as in yaml.v3 and the merge spec).
                outer_pos, outer_lit = self.positions, self.literals
                self.positions, self.literals = {}, {}
                try:
                    data = self.build(src, path, depth + 1, stack)
                finally:
                    inner_pos, inner_lit = self.positions, self.literals
                    self.positions, self.literals = outer_pos, outer_lit
                if isinstance(data, dict):
                    taken = [k for k in data if k not in out]  # in order: earlier sources win
                    for k in taken:
                        out[k] = data[k]
                    n = len(path)
                    for table, inner in ((self.positions, inner_pos), (self.literals, inner_lit)):
                        for p, v in inner.items():
                            if len(p) > n and p[n] in taken:
                                table.setdefault(p, v)
        return out

    def _once(self, line, col, what) -> bool:
        """True the first time a problem at (line, col) is seen: an anchored node built again
        for each alias must not repeat its problems."""
        k = (line, col, what)
        if k in self._reported:
            return False
        self._reported.add(k)
        return True

    def _check_multiline_quote(self, node, path) -> None:
        """A quoted value that goes on at a column left of where its line starts: YAML joins the lines
        with a space, which is what a Python `\\n` turned into a real newline looks like."""
        first, last = node.start_mark.line + self.line_offset, node.end_mark.line + self.line_offset
        if last <= first or last > len(self.lines) or not self.lines:
            return
        base = len(self.lines[first]) - len(self.lines[first].lstrip(" "))
        cont = [self.lines[i] for i in range(first + 1, last + 1) if self.lines[i].strip()]
        if not cont or min(len(l) - len(l.lstrip(" ")) for l in cont) > base:
            return
        line, col = self.mark(node.start_mark)
        if not self._once(line, col, "multiline"):
            return
        from .syntax import RAW_STRING_HINT
        joined = " ".join(str(node.value).split())
        if len(joined) > 60:
            joined = joined[:60] + "…"
        self.problems.append(Problem(
            f"el texto entre comillas que empieza en la línea {line} continúa en la línea {first + 2}, más a la "
            f"izquierda: YAML une las líneas con un espacio («{joined}»). {RAW_STRING_HINT}",
            format_path(path) or None, line, col, document=self.document, severity="aviso"))

    def scalar(self, node, path):
        if getattr(node, "style", None) in ('"', "'"):
            self._check_multiline_quote(node, path)
        if node.tag == _PLAIN_TAG:
            value = go_plain_scalar(node.value)
            if isinstance(value, float) and value != value:
                return str(node.value)
            if not isinstance(value, str):
                self.literals[path] = node.value
            return value
        if node.tag in _STR_TAGS or node.tag == _MERGE_TAG:  # `<<` used as a value is just text
            return str(node.value)
        try:
            value = _SAFE.construct_object(node, deep=True)
        except Exception as e:  # YAMLError, or ValueError/IndexError... from a tagged scalar like `!!int ""`
            # `!!python/...` (not allowed) or `!!int abc` (kubectl: "cannot decode !!str `abc` as a !!int").
            line, col = self.mark(node.start_mark)
            if not self._once(line, col, "tag"):
                return str(node.value)
            short = node.tag.replace("tag:yaml.org,2002:", "!!")
            if isinstance(e, yaml.YAMLError):
                msg = f"la etiqueta YAML «{short}» no está admitida en un manifiesto de Kubernetes; quítala"
            else:
                msg = (f"«{node.value}» no se puede leer como «{short}»: quita la etiqueta «{short}» "
                       "(o corrige el valor)")
            self.problems.append(Problem(msg, format_path(path) or None, line, col, document=self.document))
            return str(node.value)
        if isinstance(value, float) and value != value:
            return str(node.value)
        if not isinstance(value, (str, int, float, bool, type(None))):
            return str(node.value)
        if not isinstance(value, str):
            self.literals[path] = node.value
        return value


_DOC_SEPARATOR = re.compile(r"^(---|\.\.\.)(\s|$)")


def load_documents(text: str) -> tuple[list[SourceDocument], list[Problem]]:
    """Parse every document; returns the non-empty documents and the problems found.

    On a syntax error the text is split at ``---`` lines and each part is parsed on
    its own, so one broken document does not hide the others."""
    problems: list[Problem] = []
    if len(text) > MAX_CHARS:
        problems.append(Problem(
            f"El texto tiene {len(text)} caracteres; el máximo que se revisa es {MAX_CHARS}. "
            "¿Has pegado algo que no es un manifiesto?", None, 1, 1))
        return [], problems
    deep = _flow_too_deep(text)
    if deep:
        problems.append(Problem(
            f"El texto anida más de {MAX_DEPTH} corchetes «[» o llaves «{{» unos dentro de otros: ningún manifiesto "
            "real llega a tanto, así que no se procesa", None, deep, None))
        return [], problems
    text, ignored = _drop_after_document_end(text)
    docs, problems = _load_all(text, problems)
    for ln in ignored:
        doc = max([i for i, d in enumerate(docs) if d.start_line <= ln] or [0])
        problems.append(Problem(
            "después de «...» (fin de documento) este texto no va precedido de «---»: kubectl solo lee el primer "
            "documento de cada bloque separado por «---» y lo ignoraría, así que no se ha revisado. Si es otro "
            "objeto, sepáralo con una línea «---».", None, ln, None, document=doc, severity="aviso"))
    return docs, problems


def _flow_too_deep(text: str) -> int | None:
    """The 1-based line where «[»/«{» nesting (outside quotes and comments) passes MAX_DEPTH.
    PyYAML's pure-Python scanner is quadratic in that depth, so it is checked before parsing."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth, quote, line, prev = 0, None, 1, "\n"
    for ch in text:
        if ch == "\n":
            line += 1
            if quote == "#":
                quote = None
        elif quote:
            if ch == quote and quote != "#":
                quote = None
        elif ch in "\"'" and prev in " \t[{,:\n":
            quote = ch
        elif ch == "#" and prev in " \t\n":
            quote = "#"
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line
        elif ch in "]}":
            depth = max(depth - 1, 0)
        prev = ch
    return None


def _drop_after_document_end(text: str) -> tuple[str, list[int]]:
    """Blank the content between a `...` line and the next `---` line (kubectl splits only at
    `---` and go-yaml decodes just the first document of a block); keep line numbers."""
    if "\n..." not in "\n" + text:
        return text, []
    out, ignored, ignoring, noted = [], [], False, False
    for i, line in enumerate(text.splitlines(keepends=True)):
        body = line.rstrip("\r\n")
        if re.match(r"---(\s|$)", body):
            ignoring = False
        elif re.match(r"\.\.\.(\s|$)", body):
            ignoring, noted = True, False
        elif ignoring and body.strip() and not body.lstrip().startswith(("#", "%")):
            if not noted:
                ignored.append(i + 1)
                noted = True
            line = line[len(body):]
        out.append(line)
    return "".join(out), ignored


def _load_all(text: str, problems: list) -> tuple[list[SourceDocument], list[Problem]]:
    """The whole text with libyaml; on an error, document by document (split at «---»): libyaml
    first, and PyYAML's pure-Python parser only for the documents that fail, since the Spanish
    explanations are written against its messages. Linear in the size of the text."""
    lines = text.split("\n")
    try:
        docs = _load_chunk(text, 0, 0, problems, lines, fast=True)
        return docs, problems
    except (yaml.YAMLError, _TooBig, RecursionError):
        pass
    problems.clear()
    docs: list[SourceDocument] = []
    for offset, end, chunk in _split_chunks(text):
        local: list[Problem] = []
        try:
            try:
                docs += _load_chunk(chunk, offset, len(docs), local, lines, fast=True)
            except yaml.YAMLError:
                local.clear()
                docs += _load_chunk(chunk, offset, len(docs), local, lines)
        except _TooBig as e:
            line = e.mark.line + 1 + offset if e.mark is not None else offset + 1
            local.append(Problem(e.message[0].upper() + e.message[1:], None, line, None, document=len(docs)))
            docs.append(SourceDocument(None, {}, offset + 1))
        except RecursionError:
            local.append(Problem(
                f"El documento está anidado a más de {MAX_DEPTH} niveles; no se procesa", None, offset + 1, None,
                document=len(docs)))
            docs.append(SourceDocument(None, {}, offset + 1))
        except yaml.YAMLError as e:
            from .syntax import explain_yaml_error
            local.append(explain_yaml_error(e, lines, offset, len(docs), end))
            docs.append(SourceDocument(None, {}, offset + 1))
        problems.extend(local)
    return docs, problems


def _split_chunks(text: str):
    """(first line, end line, text) of each non-empty document, split at «---» lines (0-based)."""
    lines = text.splitlines(keepends=True)
    start, buf = 0, []
    for i, line in enumerate(lines):
        if _DOC_SEPARATOR.match(line) and i > 0:
            chunk = "".join(buf)
            if chunk.strip() and not _only_comments(chunk):
                yield start, i, chunk
            start, buf = i, [line]
        else:
            buf.append(line)
    chunk = "".join(buf)
    if chunk.strip() and not _only_comments(chunk):
        yield start, len(lines), chunk


def _only_comments(chunk: str) -> bool:
    return all(not l.strip() or l.lstrip().startswith("#") or _DOC_SEPARATOR.match(l) for l in chunk.splitlines())


# libyaml composes ~10x faster; on an error the pure-Python loader re-parses the text,
# because the Spanish explanations are written against its messages. Both type plain
# scalars like kubectl (see go_plain_scalar), not like PyYAML's YAML 1.1 resolver.
class _GoResolver:
    """Plain scalars are typed later by `go_plain_scalar` (as kubectl's YAML library does);
    only `<<` and the null words are resolved here, so merge keys and empty documents work."""

    def resolve(self, kind, value, implicit):
        if kind is yaml.ScalarNode and implicit[0]:
            if value == "<<":
                return _MERGE_TAG
            if value in _GO_NULL:
                return "tag:yaml.org,2002:null"
            return _PLAIN_TAG
        return super().resolve(kind, value, implicit)


class _SafeLoader(_GoResolver, yaml.SafeLoader):
    pass


class _FastLoader(_GoResolver, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _load_chunk(text: str, line_offset: int, first_doc: int, problems: list, lines: list[str],
                fast: bool = False) -> list[SourceDocument]:
    loader = (_FastLoader if fast else _SafeLoader)(text)
    docs: list[SourceDocument] = []
    local: list[Problem] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                continue  # empty document
            b = _Builder(line_offset, first_doc + len(docs), local, lines)
            obj = b.build(node)
            b.positions[()] = b.mark(node.start_mark)
            if b.fatal:
                obj = None  # not convertible to JSON: only its syntax problem is reported
            docs.append(SourceDocument(obj, b.positions, b.mark(node.start_mark)[0], b.literals))
    finally:
        loader.dispose()
    problems.extend(local)
    return docs
