"""YAML syntax errors explained in Spanish, on the line that causes them.

PyYAML's messages (``expected <block end>, but found '?'``) name the parser state, not the
mistake, and often point at the line *after* the culprit (a key without «:» is noticed when
the next line starts). Here every kind of PyYAML error (reader, scanner, parser and composer
messages) gets a Spanish explanation, the surrounding lines are inspected to say what is most
likely wrong (tabs, a key outside its list item, ``port:80``, a missing colon or dash space,
unclosed quotes or brackets, a value with «: », an alias-looking ``*secret*``...), and the
problem is placed on the culprit's line. No English parser text ever reaches the student.

When the text looks like a YAML written inside a Python string whose ``\\n`` became a real
newline (a value cut in two, a quoted value that continues at column 1) or whose newlines
were written as the two characters ``\\n``, the explanation says so and suggests a raw string.
"""
from __future__ import annotations

import re

from .problem import Problem

_KEY_NO_SPACE = re.compile(r"^\s*(?:-\s+)?([A-Za-z0-9_.\-/]+):([^\s:/][^\s]*)\s*(#.*)?$")
_LITERAL_NEWLINE = re.compile(r"\\n\s*(?:-\s+)?[A-Za-z_][\w.\-/]*:(?:\s|$)")
_MAX_LISTED_LINES = 10

RAW_STRING_HINT = ("Si escribiste el YAML en una cadena de Python normal (sin «r» delante), cada «\\n» de un valor se "
                   "convierte en un salto de línea real y parte el valor en dos líneas: usa una cadena raw, "
                   "r\"\"\"…\"\"\", o escribe «\\\\n»")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _prev_content_line(lines: list[str], idx: int, low: int = 0) -> int | None:
    """Index of the nearest previous line with content (not blank, not a comment)."""
    i = idx - 1
    while i >= low:
        s = lines[i].strip()
        if s and not s.startswith("#"):
            return i
        i -= 1
    return None


def _listed(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"la línea {numbers[0]}"
    shown = ", ".join(map(str, numbers[:_MAX_LISTED_LINES]))
    more = f" y {len(numbers) - _MAX_LISTED_LINES} más" if len(numbers) > _MAX_LISTED_LINES else ""
    return f"las líneas {shown}{more}"


def _ends_value(line: str) -> bool:
    """`key: value` or `- value` with a scalar value (not a block opener like `key:` or `key: |`)."""
    s = line.split(" #")[0].rstrip()
    m = re.match(r"^\s*(?:-\s+)?(?:[^\s:#][^:#]*?:\s+)?(\S.*)$", s)
    if not m or s.endswith(":") or s.endswith(("|", ">", "|-", ">-", "[", "{")):
        return False
    return bool(m.group(1)) and (":" in s or s.lstrip().startswith("-"))


def newline_hint(lines: list[str], culprit: int | None, low: int = 0) -> str | None:
    """A hint about `\\n` in a Python string when the lines around ``culprit`` (1-based) suggest it."""
    if not culprit or culprit - 1 >= len(lines):
        return None
    cur = lines[culprit - 1]
    pi = _prev_content_line(lines, culprit - 1, low)
    prev = lines[pi] if pi is not None else ""
    if _LITERAL_NEWLINE.search(cur) or _LITERAL_NEWLINE.search(prev):
        return ("Esta línea contiene «\\n» escrito como dos caracteres (una barra invertida y una n), no como un salto "
                "de línea: YAML lo lee como texto. Si construiste el manifiesto en Python, escribe saltos de línea "
                "reales, p. ej. con una cadena \"\"\"…\"\"\" de varias líneas")
    if pi is None or not cur.strip() or _indent(cur) >= _indent(prev) or ": " in cur or cur.rstrip().endswith(":") \
            or cur.lstrip().startswith(("-", "#", "---")) or not _ends_value(prev):
        return None
    # A lone word followed by deeper lines is a key that lost its «:» (`spec` + `  containers:`), not a cut value.
    nxt = next((l for l in lines[culprit:culprit + 50] if l.strip() and not l.lstrip().startswith("#")), "")
    if re.fullmatch(r"[A-Za-z_][\w.\-/]*", cur.strip()) and (nxt and _indent(nxt) > _indent(cur)
                                                            or cur.strip() in _TOP_LEVEL_KEYS):
        return None
    return (f"la línea {culprit} («{cur.strip()[:40]}») no es «clave: valor» ni un elemento de lista: parece la "
            f"continuación del valor de la línea {pi + 1}, cortado por un salto de línea. {RAW_STRING_HINT}. Si no, "
            "escribe el valor entero en una sola línea, o entre comillas")


_TOP_LEVEL_KEYS = {"apiVersion", "kind", "metadata", "spec", "data", "stringData", "binaryData", "type", "rules",
                   "subjects", "roleRef", "status", "items", "provisioner", "parameters"}


def explain_yaml_error(err, lines: list[str], offset: int = 0, document: int = 0,
                       end: int | None = None) -> Problem:
    """Problem for a PyYAML error raised while parsing a chunk that starts at line ``offset``
    (0-based) of the text split in ``lines``; ``end`` is where the chunk ends (exclusive)."""
    end = len(lines) if end is None else end
    mark = getattr(err, "problem_mark", None)
    ctx_mark = getattr(err, "context_mark", None)
    problem = getattr(err, "problem", "") or ""
    context = getattr(err, "context", "") or ""
    line = mark.line + offset + 1 if mark is not None else None
    col = mark.column + 1 if mark is not None else None
    ctx_line = ctx_mark.line + offset + 1 if ctx_mark is not None else None
    ctx_col = ctx_mark.column + 1 if ctx_mark is not None else None
    if mark is None and hasattr(err, "position"):  # ReaderError: an unacceptable character
        line, col = _position_to_line(lines, offset, err.position)
        problem = "unacceptable character"
    msg, ln, cl = _explain(problem, context, lines, offset, end, line, col, ctx_line, ctx_col)
    if not msg.startswith("Error de sintaxis YAML"):
        msg = "Error de sintaxis YAML: " + msg
    hint = newline_hint(lines, ln, offset)
    if hint and hint.startswith("la línea"):  # the cut value is the root cause: say that, not «falta :»
        msg = "Error de sintaxis YAML: " + hint + "."
    elif hint and hint not in msg:
        msg = msg.rstrip(". ") + ". " + hint
    return Problem(msg, None, ln, cl, document=document)


def _position_to_line(lines, offset, position):
    pos = 0
    for i in range(offset, len(lines)):
        if pos + len(lines[i]) >= position:
            return i + 1, position - pos + 1
        pos += len(lines[i]) + 1
    return offset + 1, None


def _explain(problem, context, lines, offset, end, line, col, ctx_line, ctx_col):
    """(message, line, column) for one PyYAML error."""
    text_at = lines[line - 1] if line and line - 1 < len(lines) else ""

    if "'\\t'" in problem or "\\t" in problem:
        # The parser's line first; other lines of this document only when they start with a tab
        # (a tab after some spaces may be legal content of a block scalar «|»).
        at = [line] if line and "\t" in text_at[: len(text_at) - len(text_at.lstrip(" \t"))] else []
        others = [i + 1 for i in range(offset, end) if lines[i].startswith("\t") and i + 1 != line]
        tabs = sorted(set(at + others)) or ([line] if line else [])
        return (f"hay tabuladores en la sangría ({_listed(tabs)}). YAML solo admite espacios para sangrar: sustituye "
                "cada tabulador por espacios (normalmente 2 por nivel).", tabs[0] if tabs else line, None)

    if problem == "unacceptable character":
        return ("hay un carácter que YAML no admite (un carácter de control invisible): bórralo.", line, col)

    m = re.match(r"found unknown escape character '(.)'", problem)
    if m:
        return (f"dentro de comillas dobles, «\\{m.group(1)}» no es una secuencia de escape válida. Escribe «\\\\» para "
                "una barra invertida, o usa comillas simples ('...'), donde la barra invertida es un carácter normal "
                "(útil en rutas de Windows y expresiones regulares).", line, col)
    if problem.startswith("expected escape sequence of"):
        return ("dentro de comillas dobles, «\\x», «\\u» y «\\U» deben ir seguidos de dígitos hexadecimales. Si querías "
                "una barra invertida, escribe «\\\\» o usa comillas simples.", line, col)

    if "quoted scalar" in context:
        what = ("el documento termina" if "end of stream" in problem else
                "aparece un separador de documento «---» o «...»")
        return (f"la comilla abierta en la línea {ctx_line}, columna {ctx_col} no se cierra ({what} antes). Cierra el "
                "texto con la misma comilla (\" o ') con la que lo abriste.", ctx_line, ctx_col)

    if "flow sequence" in context or "flow mapping" in context:
        br, close = ("[", "]") if "sequence" in context else ("{", "}")
        if line == ctx_line:
            words = re.split(r"[\[{,]", text_at[:(col or 1) - 1])[-1].split()
            where = (f"entre «{words[-2].rstrip(':')}» y «{words[-1].rstrip(':')}»" if len(words) >= 2
                     else f"antes de «{text_at[(col or 1) - 1:].strip()[:30]}»")
            return (f"dentro de «{br}...{close}» los elementos se separan con comas: falta una coma {where} (o sobra "
                    f"algo). P. ej. «{br}a, b{close}»" + (" o «{name: web, image: nginx}»" if br == "{" else "")
                    + ".", line, col)
        return (f"el «{br}» abierto en la línea {ctx_line}, columna {ctx_col} no se cierra con «{close}», o falta una "
                f"coma entre sus elementos (el analizador se detuvo en la línea {line}).", ctx_line, ctx_col)

    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if "'" in problem else "?"
        return (f"«*{name}» es un alias YAML, pero no hay ningún ancla «&{name}» antes en el documento. Si es un texto "
                f"(una contraseña, un patrón), ponlo entre comillas: \"*{name}\".", line, col)
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        sym = "*" if "alias" in context else "&"
        value = text_at[(ctx_col or 1) - 1:].strip()
        kind = "un alias" if sym == "*" else "un ancla"
        return (f"un valor que empieza por «{sym}» es {kind} de YAML ({sym}nombre, solo letras y números). «{value}» "
                f"no lo es: si es un texto (una contraseña, un patrón...), ponlo entre comillas: \"{value}\".",
                ctx_line or line, ctx_col or col)
    if problem.startswith("found duplicate anchor"):
        name = problem.split("'")[1] if "'" in problem else "?"
        return (f"el ancla «&{name}» está definida dos veces; cada ancla necesita un nombre distinto.", line, col)

    if "could not find expected ':'" in problem:
        return _missing_colon(lines, line, col, ctx_line, ctx_col)

    if problem.startswith("mapping values are not allowed"):
        return _explain_mapping_values(lines, line, col, offset)

    if "sequence entries are not allowed" in problem:
        key = text_at[:col - 1].rstrip() if col else text_at
        return (f"un elemento de lista «- » no puede ir en la misma línea que su clave («{key.strip()} -»). Pon cada "
                "elemento en su propia línea, debajo de la clave y con «- » delante, o usa la forma «[a, b]».",
                line, col)
    if "mapping keys are not allowed" in problem:
        return ("«?» al principio de una línea abre una clave compleja de YAML, que Kubernetes no usa. Si es parte de "
                "un texto, ponlo entre comillas.", line, col)

    if "expected <block end>" in problem:
        return _explain_block_end(lines, line, col, context, ctx_line, ctx_col, problem)

    if "expected '<document start>'" in problem:
        for i in range(line - 1 if line else 0, offset - 1, -1):
            if lines[i].startswith("%"):
                return (f"una línea que empieza por «%» («{lines[i].strip()[:40]}») es una directiva de YAML y debe ir "
                        "seguida de una línea «---». Si no querías una directiva, bórrala o ponla como comentario "
                        "con «#».", i + 1, 1)
        return ("aquí empieza algo que no pertenece a ningún documento; ¿falta un separador «---»?", line, col)

    if "while scanning a directive" in context or "found unknown directive" in problem:
        return ("una línea que empieza por «%» es una directiva de YAML, y esta no es válida. Si no querías una "
                "directiva, bórrala o ponla como comentario con «#».", ctx_line or line, 1)

    if "while scanning a block scalar" in context:
        return ("después de «|» o «>» (texto de varias líneas) solo pueden ir «-», «+» o un número de sangría, y luego "
                "un salto de línea; el texto empieza en la línea siguiente, sangrado.", ctx_line or line, ctx_col or col)

    if "while scanning a tag" in context or "found undefined tag handle" in problem:
        return ("un valor que empieza por «!» es una etiqueta de tipo de YAML (como «!!str»). Si es un texto, ponlo "
                "entre comillas: \"!...\".", ctx_line or line, ctx_col or col)

    m = re.match(r"found character '(.+)' that cannot start any token", problem)
    if m:
        ch = m.group(1)
        if ch == "%":
            return ("«%» no puede empezar un valor en YAML (al principio de una línea abriría una directiva). Si es "
                    "parte de un texto, ponlo entre comillas, p. ej. \"%...\".", line, col)
        return (f"el carácter «{ch}» no puede empezar un valor en YAML. Si es parte de un texto, ponlo entre comillas, "
                f"p. ej. \"{ch}...\".", line, col)

    if "expected the node content" in problem:
        found = problem.split("found", 1)[1].strip() if "found" in problem else ""
        what = {"']'": "«]»", "'}'": "«}»", "','": "«,»", "'-'": "«-»"}.get(found, "esto")
        return (f"aquí se esperaba un valor y aparece {what}. Revisa los corchetes, llaves y comas de esta línea, o "
                "pon el valor entre comillas si es un texto.", line, col)

    if "found unexpected end of stream" in problem:
        return ("el texto termina antes de lo esperado: revisa que se cierren comillas, corchetes y llaves.", line, col)

    if "expected a comment or a line break" in problem:
        return ("después del valor solo puede venir un comentario (#) o un salto de línea; si el valor lleva espacios "
                "o símbolos, ponlo entre comillas.", line, col)

    if "found unexpected document separator" in problem:
        return ("un separador de documento «---» o «...» aparece en medio de un valor: ¿falta cerrar unas comillas "
                "o unos corchetes antes?", line, col)

    return ("aquí el texto deja de ser YAML válido. Revisa la sangría, los «:» (cada campo es «clave: valor», con un "
            "espacio después de los dos puntos) y las comillas de esta línea y de la anterior.", line, col)


def _missing_colon(lines, line, col, ctx_line, ctx_col):
    key_line = ctx_line or line
    key_text = lines[key_line - 1] if key_line and key_line - 1 < len(lines) else ""
    m = _KEY_NO_SPACE.match(key_text)
    if m and not m.group(2).startswith(("//", "'", '"')):
        return _no_space_message(key_line, m), key_line, ctx_col or col
    if re.match(r"^\s*-[^\s-]", key_text):
        return _dash_message(key_line, key_text), key_line, ctx_col or col
    return (f"a la clave «{key_text.strip()[:40]}» le falta «:». Cada campo se escribe «clave: valor» (o «clave:» y "
            "debajo, sangrado, su contenido).", key_line, ctx_col or col)


def _no_space_message(ln, m) -> str:
    return (f"falta un espacio después de los dos puntos: «{m.group(1)}:{m.group(2)}» debe escribirse "
            f"«{m.group(1)}: {m.group(2)}». Sin el espacio, YAML lo lee como un único texto.")


def _dash_message(ln, text) -> str:
    item = text.strip()
    return (f"falta un espacio después del guion: «{item}» debe escribirse «- {item[1:]}». Sin el espacio, YAML no lo "
            "lee como un elemento de lista.")


_VALUE_WITH_COLON = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"{\[][^:#]*?):\s+([^'\"{\[|>&*!#\s][^#]*?:(?:\s|$).*)$")
_CLOSED_QUOTE_THEN_TEXT = re.compile(r"^\s*(?:-\s+)?(?:[^\s:#][^:#]*?:\s+)?(\"[^\"]*\"|'[^']*')\s*[^\s#].*$")


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


def _explain_mapping_values(lines, line, col, offset):
    if not line or line - 1 >= len(lines):
        return "aquí no se puede abrir «clave: valor»; revisa la sangría y los «:».", line, col
    cur = lines[line - 1]
    pi = _prev_content_line(lines, line - 1, offset)
    prev = lines[pi] if pi is not None else ""
    for ln, text in ((pi + 1 if pi is not None else None, prev), (line, cur)):
        m = _KEY_NO_SPACE.match(text) if text else None
        if m and not m.group(2).startswith(("//", "'", '"')):
            return _no_space_message(ln, m), ln, None
    if _LITERAL_NEWLINE.search(cur):
        return ("esta línea tiene varias parejas «clave: valor» seguidas", line, col)
    m = _VALUE_WITH_COLON.match(cur)
    if m:
        value = m.group(3).strip()
        return (f"el valor de «{m.group(2).strip()}» contiene «: » («{value}»), y YAML lo lee como otra pareja "
                f"«clave: valor». Si es un texto, ponlo entre comillas: {m.group(2).strip()}: \"{value}\"", line, col)
    if pi is not None and re.match(r"^\s*-[^\s-]", prev):
        return _dash_message(pi + 1, prev), pi + 1, None
    if pi is not None and ":" not in prev.split("#")[0] and not prev.strip().startswith("-"):
        return (f"a la línea «{prev.strip()[:40]}» le falta «:». Cada campo se escribe «clave: valor».", pi + 1, None)
    if pi is not None and _indent(cur) > _indent(prev):
        hint = _outside_list_item(lines, pi)
        if hint:
            return hint, line, col
        m = re.match(r"^(\s*(?:-\s+)*)([^\s:#]+)\s*:", prev)
        key_col = len(m.group(1)) if m else _indent(prev)
        prev_key = m.group(2) if m else prev.strip()
        return (f"esta línea tiene más sangría ({_indent(cur)} espacios) que «{prev_key}:» en la línea {pi + 1} "
                f"({key_col} espacios), que ya tiene un valor. Las claves de un mismo objeto van en la misma "
                f"columna: alinea «{cur.strip().split(':')[0]}:» con «{prev_key}:» (columna {key_col + 1}).", line, col)
    return ("aquí no se puede abrir «clave: valor». Si el valor contiene «: », ponlo entre comillas; "
            "si no, revisa la sangría de esta línea y de la anterior.", line, col)


def _explain_block_end(lines, line, col, context, ctx_line, ctx_col, problem):
    cur = lines[line - 1] if line and line - 1 < len(lines) else ""
    key = cur.strip().split(":")[0] if ":" in cur else cur.strip()
    m = _CLOSED_QUOTE_THEN_TEXT.match(cur)
    if m and col and col > _indent(cur) + 1:
        return (f"después de cerrar las comillas ({m.group(1)}) no puede seguir más texto en la misma línea: mete todo "
                "el valor dentro de las comillas.", line, col)
    if re.match(r"^\s*[^\s\[{]*[\]}]", cur[(col or 1) - 1:]) and ("]" in cur or "}" in cur):
        closer = "]" if "]" in cur[(col or 1) - 1:] else "}"
        return (f"sobra un «{closer}»: cierra cada «[» o «{{» una sola vez.", line, col)
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
                        f"espacios más de sangría.", line, col)
        return (f"la línea {line} no encaja en la lista que empieza en la línea {ctx_line}: cada elemento empieza "
                "por «- » y sus campos van alineados con el primero, justo después del guion.", line, col)
    if "'-'" in problem:
        return ("aquí aparece un elemento de lista «-» donde se esperaba otra clave del objeto; "
                "revisa la sangría: los elementos de una lista van bajo la clave que la abre.", line, col)
    if cur.lstrip().startswith(":"):
        return ("la línea empieza por «:», sin clave delante: escribe la clave antes de los dos puntos.", line, col)
    return (f"la sangría de la línea {line} ({(col or 1) - 1} espacios) no coincide con la de ningún nivel anterior. "
            "Las claves de un mismo objeto deben empezar exactamente en la misma columna.", line, col)
