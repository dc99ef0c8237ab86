"""YAML syntax errors explained in Spanish, with a hint for the usual cause.

PyYAML's messages (``expected <block end>, but found '?'``) name the parser state,
not the mistake; here the surrounding lines are inspected to say what is most
likely wrong: tabs, a key indented outside its list item (the Service of the course
notes, where ``port:`` sits under the ``-`` of ``- protocol: TCP``), a missing space
after a colon (``port:80``), a missing colon, unclosed quotes or brackets.
"""
from __future__ import annotations

import re

from .problem import Problem

_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-/]+):([^\s:/][^\s]*)\s*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _prev_content_line(lines: list[str], idx: int) -> int | None:
    """Index of the nearest previous line with content (not blank, not a comment)."""
    i = idx - 1
    while i >= 0:
        s = lines[i].strip()
        if s and not s.startswith("#"):
            return i
        i -= 1
    return None


def _tab_lines(lines: list[str]) -> list[int]:
    return [i + 1 for i, l in enumerate(lines) if "\t" in l[: len(l) - len(l.lstrip(" \t"))]]


def explain_yaml_error(err, full_text: str, offset: int = 0, document: int = 0) -> Problem:
    """Problem for a PyYAML MarkedYAMLError raised while parsing a chunk that starts
    at line ``offset`` (0-based) of ``full_text``."""
    lines = full_text.splitlines()
    mark = getattr(err, "problem_mark", None)
    ctx_mark = getattr(err, "context_mark", None)
    problem = getattr(err, "problem", "") or ""
    context = getattr(err, "context", "") or ""
    line = mark.line + offset + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    ctx_line = ctx_mark.line + offset + 1 if ctx_mark is not None else None
    ctx_col = ctx_mark.column + 1 if ctx_mark is not None else None
    text_at = (lines[line - 1] if line and line - 1 < len(lines) else "")

    def P(msg, ln=line, cl=col):
        return Problem("Error de sintaxis YAML: " + msg, None, ln, cl, document=document)

    if "'\\t'" in problem or "\\t" in problem:
        # The parser's line first; other lines only when they start with a tab (a tab after some
        # spaces may be legal content of a block scalar «|»).
        at = [line] if line and line in _tab_lines(lines) else []
        others = [i + 1 for i, l in enumerate(lines) if l.startswith("\t") and i + 1 != line]
        tabs = (at + others) or ([line] if line else [])
        which = f"la línea {tabs[0]}" if len(tabs) == 1 else "las líneas " + ", ".join(map(str, sorted(tabs)))
        return P(f"hay tabuladores en la sangría ({which}). YAML solo admite espacios para sangrar: "
                 "sustituye cada tabulador por espacios (normalmente 2 por nivel).", tabs[0] if tabs else line, None)

    if "quoted scalar" in context:
        return P(f"la comilla abierta en la línea {ctx_line}, columna {ctx_col} no se cierra. "
                 "Cierra el texto con la misma comilla (\" o ') con la que lo abriste.", ctx_line, ctx_col)

    if "flow sequence" in context or "flow mapping" in context:
        br, close = ("[", "]") if "sequence" in context else ("{", "}")
        return P(f"el «{br}» abierto en la línea {ctx_line}, columna {ctx_col} no se cierra con «{close}», "
                 f"o falta una coma entre sus elementos (el analizador se detuvo en la línea {line}).",
                 ctx_line, ctx_col)

    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if "'" in problem else "?"
        return P(f"el alias «*{name}» no corresponde a ningún ancla «&{name}» definida antes en el documento.")

    if "could not find expected ':'" in problem:
        key_line = ctx_line or line
        key_text = lines[key_line - 1] if key_line and key_line - 1 < len(lines) else ""
        m = _KEY_NO_SPACE.match(key_text)
        if m and not m.group(2).startswith(("//", "'", '"')):
            return P(_no_space_message(key_line, m), key_line, ctx_col or col)
        if re.match(r"^\s*-[^\s-]", key_text):
            return P(_dash_message(key_line, key_text), key_line, ctx_col or col)
        return P(f"a la clave de la línea {key_line} le falta «:». Cada campo se escribe «clave: valor».",
                 key_line, ctx_col or col)

    if problem.startswith("mapping values are not allowed"):
        return P(_explain_mapping_values(lines, line), line, col)

    if "expected <block end>" in problem:
        return P(_explain_block_end(lines, line, col, context, ctx_line, ctx_col, problem), line, col)

    m = re.match(r"found character '(.+)' that cannot start any token", problem)
    if m:
        ch = m.group(1)
        return P(f"el carácter «{ch}» no puede empezar un valor en YAML. Si es parte de un texto, "
                 f"ponlo entre comillas, p. ej. \"{ch}...\".")

    if "found unexpected end of stream" in problem:
        return P("el texto termina antes de lo esperado: revisa que se cierren comillas, corchetes y llaves.")

    if "expected a comment or a line break" in problem:
        return P("después del valor solo puede venir un comentario (#) o un salto de línea; "
                 "si el valor lleva espacios o símbolos, ponlo entre comillas.")

    if "found unknown escape character" in problem:
        return P("secuencia de escape no válida dentro de comillas dobles; usa comillas simples "
                 "o escribe «\\\\» para una barra invertida.")

    detail = f"{context} {problem}".strip()
    return P(f"el texto no es YAML válido (detalle del analizador: {detail}). Revisa la sangría, "
             "los «:» y las comillas de esta línea y de la anterior.")


def _no_space_message(ln, m) -> str:
    return (f"en la línea {ln} falta un espacio después de los dos puntos: «{m.group(1)}:{m.group(2)}» "
            f"debe escribirse «{m.group(1)}: {m.group(2)}». Sin el espacio, YAML lo lee como un único texto.")


def _dash_message(ln, text) -> str:
    item = text.strip()
    return (f"en la línea {ln} falta un espacio después del guion: «{item}» debe escribirse «- {item[1:]}». "
            "Sin el espacio, YAML no lo lee como un elemento de lista.")


_VALUE_WITH_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"{\[][^:#]*?):\s+([^'\"{\[|>&*!#\s][^#]*?:(?:\s|$).*)$")


def _outside_list_item(lines, pi) -> str | None:
    """`key: value` at the column of a `- ` item above it (the list opened by an unindented
    `ports:`): the key sits outside the item and the next, deeper line cannot continue it."""
    prev = lines[pi]
    col = _indent(prev)
    i = pi - 1
    while i >= 0:
        t = lines[i]
        if t.strip() and not t.strip().startswith("#"):
            if _indent(t) < col:
                return None
            m = re.match(r"^(\s*)-\s+(\S)", t)
            if _indent(t) == col and m:
                first = t[m.end(2) - 1:].split(":")[0].strip()
                key = prev.strip().split(":")[0]
                item_col = m.end(2)
                return (f"«{key}:» (línea {pi + 1}) está a la misma altura que el guion «-» de la línea {i + 1}, así "
                        f"que queda fuera del elemento «{t.strip()}» de la lista, y la línea siguiente ya no encaja. "
                        f"Para que «{key}:» forme parte de ese elemento, alinéalo con «{first}:» (columna {item_col}), "
                        f"es decir, con {item_col - 1 - col} espacios más de sangría, igual que las líneas que le siguen.")
        i -= 1
    return None


def _explain_mapping_values(lines, line) -> str:
    if not line or line - 1 >= len(lines):
        return "aquí no se puede abrir «clave: valor»; revisa la sangría y los «:»."
    cur = lines[line - 1]
    pi = _prev_content_line(lines, line - 1)
    prev = lines[pi] if pi is not None else ""
    for ln, text in ((pi + 1 if pi is not None else None, prev), (line, cur)):
        m = _KEY_NO_SPACE.match(text) if text else None
        if m and not m.group(2).startswith(("//", "'", '"')):
            return _no_space_message(ln, m)
    m = _VALUE_WITH_COLON.match(cur)
    if m:
        value = m.group(3).strip()
        return (f"el valor de «{m.group(2).strip()}» contiene «: » («{value}»), y YAML lo lee como otra pareja "
                f"«clave: valor». Si es un texto, ponlo entre comillas: {m.group(2).strip()}: \"{value}\"")
    if pi is not None and re.match(r"^\s*-[^\s-]", prev):
        return _dash_message(pi + 1, prev)
    if pi is not None and ":" not in prev.split("#")[0] and not prev.strip().startswith("-"):
        return (f"a la línea {pi + 1} («{prev.strip()}») le falta «:». Cada campo se escribe «clave: valor».")
    if pi is not None and _indent(cur) > _indent(prev):
        hint = _outside_list_item(lines, pi)
        if hint:
            return hint
        m = re.match(r"^(\s*(?:-\s+)*)([^\s:#]+)\s*:", prev)
        key_col = len(m.group(1)) if m else _indent(prev)
        prev_key = m.group(2) if m else prev.strip()
        return (f"esta línea tiene más sangría ({_indent(cur)} espacios) que «{prev_key}:» en la línea {pi + 1} "
                f"({key_col} espacios), que ya tiene un valor. Las claves de un mismo objeto van en la misma "
                f"columna: alinea «{cur.strip().split(':')[0]}:» con «{prev_key}:» (columna {key_col + 1}).")
    return ("aquí no se puede abrir «clave: valor». Si el valor contiene «: », ponlo entre comillas; "
            "si no, revisa la sangría de esta línea y de la anterior.")


def _explain_block_end(lines, line, col, context, ctx_line, ctx_col, problem) -> str:
    cur = lines[line - 1] if line and line - 1 < len(lines) else ""
    key = cur.strip().split(":")[0] if ":" in cur else cur.strip()
    if "block collection" in context and ctx_line and ctx_line - 1 < len(lines):
        dash_line = lines[ctx_line - 1]
        m = re.match(r"^(\s*)-\s+(\S)", dash_line)
        if m:
            dash_col = len(m.group(1)) + 1
            item_col = m.end(2)
            first = dash_line[m.end(2) - 1:].split(":")[0].strip()
            if col == dash_col and not cur.lstrip().startswith("-"):
                return (f"«{key}:» está a la misma altura que el guion «-» de la línea {ctx_line}, así que queda "
                        f"fuera del elemento «{dash_line.strip()}» de la lista. Para que forme parte de ese "
                        f"elemento, alinéalo con «{first}:» (columna {item_col}), es decir, con {item_col - col} "
                        f"espacios más de sangría.")
        return (f"la línea {line} no encaja en la lista que empieza en la línea {ctx_line}: cada elemento empieza "
                "por «- » y sus campos van alineados con el primero, justo después del guion.")
    if "'-'" in problem:
        return ("aquí aparece un elemento de lista «-» donde se esperaba otra clave del objeto; "
                "revisa la sangría: los elementos de una lista van bajo la clave que la abre.")
    return (f"la sangría de la línea {line} ({col - 1} espacios) no coincide con la de ningún nivel anterior. "
            "Las claves de un mismo objeto deben empezar exactamente en la misma columna.")
