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

    def __init__(self, line_offset: int, document: int, problems: list):
        self.line_offset = line_offset
        self.document = document
        self.problems = problems
        self.positions: dict = {}
        self.literals: dict = {}
        self.count = 0

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
                self.problems.append(Problem(
                    "Error de sintaxis YAML: aquí hay una clave que no es un texto sino un "
                    + ("mapa «{...}»" if isinstance(key_node, yaml.MappingNode) else "lista «[...]»")
                    + ". Si es un marcador de plantilla como «{{valor}}», sustitúyelo por el valor real "
                    "(o ponlo entre comillas si es un texto).", None, line, col, document=self.document))
                return None
            key = _key_text(self.scalar(key_node, path))
            if key in seen:
                self.problems.append(Problem(
                    f"la clave «{key}» está repetida (líneas {seen[key]} y {line}); Kubernetes rechaza "
                    "los campos duplicados: deja solo una", format_path(path + (key,)), line, col,
                    document=self.document))
            seen[key] = line
            self.positions[path + (key,)] = (line, col)
            out[key] = self.build(value_node, path + (key,), depth + 1, stack)
        for value_node in merged:  # YAML merge keys: explicit keys win
            sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
            for src in sources:
                data = self.build(src, path, depth + 1, stack)
                if isinstance(data, dict):
                    for k, v in data.items():
                        out.setdefault(k, v)
        return out

    def scalar(self, node, path):
        if node.tag in _STR_TAGS:
            return str(node.value)
        try:
            value = _SAFE.construct_object(node, deep=True)
        except yaml.YAMLError:
            line, col = self.mark(node.start_mark)
            self.problems.append(Problem(
                f"la etiqueta YAML «{node.tag}» no está admitida en un manifiesto de Kubernetes; quítala",
                format_path(path) or None, line, col, document=self.document))
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
            f"el texto tiene {len(text)} caracteres; el máximo que se revisa es {MAX_CHARS}. "
            "¿Has pegado algo que no es un manifiesto?", None, 1, 1))
        return [], problems
    try:
        docs = _load_chunk(text, 0, 0, problems, fast=True)
        return docs, problems
    except (yaml.YAMLError, _TooBig, RecursionError):
        pass
    problems.clear()
    docs: list[SourceDocument] = []
    for offset, chunk in _split_chunks(text):
        try:
            docs += _load_chunk(chunk, offset, len(docs), problems)
        except _TooBig as e:
            line = e.mark.line + 1 + offset if e.mark is not None else offset + 1
            problems.append(Problem(e.message[0].upper() + e.message[1:], None, line, None, document=len(docs)))
            docs.append(SourceDocument(None, {}, offset + 1))
        except RecursionError:
            problems.append(Problem(
                f"El documento está anidado demasiado profundamente; no se procesa", None, offset + 1, None,
                document=len(docs)))
            docs.append(SourceDocument(None, {}, offset + 1))
        except yaml.YAMLError as e:
            from .syntax import explain_yaml_error
            problems.append(explain_yaml_error(e, text, offset, len(docs)))
            docs.append(SourceDocument(None, {}, offset + 1))
    return docs, problems


def _split_chunks(text: str):
    lines = text.splitlines(keepends=True)
    start, buf = 0, []
    for i, line in enumerate(lines):
        if _DOC_SEPARATOR.match(line) and i > 0:
            chunk = "".join(buf)
            if chunk.strip() and not _only_comments(chunk):
                yield start, chunk
            start, buf = i, [line]
        else:
            buf.append(line)
    chunk = "".join(buf)
    if chunk.strip() and not _only_comments(chunk):
        yield start, chunk


def _only_comments(chunk: str) -> bool:
    return all(not l.strip() or l.lstrip().startswith("#") or _DOC_SEPARATOR.match(l) for l in chunk.splitlines())


# libyaml composes ~10x faster; on an error the pure-Python loader re-parses the text,
# because the Spanish explanations are written against its messages.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _load_chunk(text: str, line_offset: int, first_doc: int, problems: list, fast: bool = False) -> list[SourceDocument]:
    loader = (_FAST_LOADER if fast else yaml.SafeLoader)(text)
    docs: list[SourceDocument] = []
    local: list[Problem] = []
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
                continue  # empty document
            b = _Builder(line_offset, first_doc + len(docs), local)
            obj = b.build(node)
            b.positions[()] = b.mark(node.start_mark)
            docs.append(SourceDocument(obj, b.positions, b.mark(node.start_mark)[0], b.literals))
    finally:
        loader.dispose()
    problems.extend(local)
    return docs
