"""Characters that are not what they look like, found before the YAML parser sees them.

Text pasted from a PDF, a web page or a chat brings characters that look like the ones YAML
needs but are not: a non-breaking space after «:» (YAML then reads ``name: web`` as one
word and the error lands on the next line), an en dash «–» as a list marker, curly quotes
«“nginx”» that become part of the value, a full-width colon «：», zero-width spaces. Control
characters (NUL, BEL...) and lone surrogates (``"\\ud800"`` in a Python string) make the parser
(or UTF-8 encoding) fail with no line at all. ``scan`` reports each one on its own line and
column, naming the character (``U+00A0``) and what to type instead, and returns a repaired
copy of the text so every other mistake is still reported on the right line. Characters inside
quotes and comments are left alone, and a look-alike space between two words of a plain value
(``Hola mundo``, a legal character there) is only a warning. Line structure is preserved.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# What each look-alike is called and what to type instead.
_SPACES = {  # all «un espacio ...» in the messages
    "\u00a0": "espacio de no separación", "\u1680": "espacio ogham", "\u2000": "espacio «en»",
    "\u2001": "espacio «em»", "\u2002": "espacio «en»", "\u2003": "espacio «em»", "\u2004": "espacio de un tercio",
    "\u2005": "espacio de un cuarto", "\u2006": "espacio de un sexto", "\u2007": "espacio de cifra",
    "\u2008": "espacio de puntuación", "\u2009": "espacio fino", "\u200a": "espacio ultrafino",
    "\u202f": "espacio estrecho de no separación", "\u205f": "espacio matemático", "\u3000": "espacio ideográfico",
}
_INVISIBLE = {
    "\u200b": "espacio de anchura cero", "\u200c": "separador de anchura cero", "\u200d": "unión de anchura cero",
    "\u2060": "unión de palabras", "\ufeff": "marca de orden de bytes (BOM)", "\u00ad": "guion blando",
    "\u200e": "marca de izquierda a derecha", "\u200f": "marca de derecha a izquierda",
}
_DASHES = {"\u2013": "raya corta (en dash)", "\u2014": "raya (em dash)", "\u2212": "signo menos",
           "\u2010": "guion tipográfico", "\u2011": "guion de no separación", "\u2012": "guion de cifra",
           "\ufe63": "guion pequeño", "\uff0d": "guion de ancho completo"}
_DOUBLE_QUOTES = {"\u201c": "comilla tipográfica de apertura", "\u201d": "comilla tipográfica de cierre",
                  "\u201e": "comilla baja", "\u201f": "comilla tipográfica invertida", "\u2033": "doble prima",
                  "\uff02": "comilla de ancho completo"}
_SINGLE_QUOTES = {"\u2018": "comilla simple tipográfica de apertura", "\u2019": "comilla simple tipográfica de cierre",
                  "\u201a": "comilla simple baja", "\u201b": "comilla simple invertida", "\u2032": "prima",
                  "\uff07": "comilla simple de ancho completo"}
_COLONS = {"\uff1a": "dos puntos de ancho completo", "\u2236": "signo de razón", "\ua789": "dos puntos modificador",
           "\ufe13": "dos puntos vertical", "\ufe55": "dos puntos pequeño"}
_LINE_BREAKS = {"\u2028": "separador de línea", "\u2029": "separador de párrafo", "\x85": "salto de línea NEL"}
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "retroceso", "\x0b": "tabulador vertical",
                  "\x0c": "salto de página", "\x1b": "escape", "\x7f": "DEL"}

# Characters YAML (PyYAML's Reader, go-yaml's "control characters are not allowed") rejects.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SUSPECT = re.compile("[" + "".join(_SPACES) + "".join(_INVISIBLE) + "".join(_DASHES) + "".join(_DOUBLE_QUOTES)
                      + "".join(_SINGLE_QUOTES) + "".join(_COLONS) + "]")
_BREAKS = re.compile("[\u2028\u2029\x85]")
_KEYLIKE = re.compile(r"[A-Za-z0-9_.\-/]+\Z")
MAX_REPORTED = 50  # per kind of character: a text full of them gets one line per occurrence up to this


def codepoint(ch: str) -> str:
    return f"U+{ord(ch):04X}"


_FEMININE = {"\u2060", "\ufeff", "\u200d", "\u200e", "\u200f"}


def describe(ch: str) -> str:
    """How the report names a character: «–» (U+2013, raya corta (en dash)) for visible ones,
    «un espacio de no separación (U+00A0)» for invisible ones."""
    for table in (_DASHES, _DOUBLE_QUOTES, _SINGLE_QUOTES, _COLONS):
        if ch in table:
            return f"«{ch}» ({codepoint(ch)}, {table[ch]})"
    for table in (_SPACES, _INVISIBLE, _LINE_BREAKS):
        if ch in table:
            article = "una" if ch in _FEMININE else "un"
            return f"{article} {table[ch]} ({codepoint(ch)})"
    if _CONTROL.match(ch):
        return f"un carácter de control ({codepoint(ch)}{', ' + _CONTROL_NAMES[ch] if ch in _CONTROL_NAMES else ''})"
    try:
        return f"«{ch}» ({codepoint(ch)}, {unicodedata.name(ch).lower()})"
    except ValueError:
        return f"({codepoint(ch)})"


@dataclass
class Finding:
    line: int          # 1-based
    column: int        # 1-based
    message: str
    severity: str = "error"


def _line_col(text: str, index: int, starts: list[int]) -> tuple[int, int]:
    import bisect
    ln = bisect.bisect_right(starts, index) - 1
    return ln + 1, index - starts[ln] + 1


def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def scan(text: str) -> tuple[str, list[Finding]]:
    """(repaired text, findings). Linear in the length of the text."""
    findings: list[Finding] = []
    if _SURROGATE.search(text) or _CONTROL.search(text):
        starts = _line_starts(text)
        for regex, what in ((_SURROGATE, "surrogate"), (_CONTROL, "control")):
            count = 0
            for m in regex.finditer(text):
                count += 1
                if count > MAX_REPORTED:
                    break
                line, col = _line_col(text, m.start(), starts)
                ch = m.group()
                if what == "surrogate":
                    msg = (f"hay un carácter no válido ({codepoint(ch)}, un «sustituto» UTF-16 suelto): no existe en "
                           "UTF-8, así que un fichero no puede contenerlo. Suele venir de un «\\ud800» escrito en una "
                           "cadena de Python; bórralo")
                else:
                    msg = (f"hay {describe(ch)}: YAML no admite caracteres de control (son invisibles y suelen "
                           "colarse al copiar y pegar); bórralo")
                findings.append(Finding(line, col, msg))
        text = _SURROGATE.sub("\ufffd", text)
        text = _CONTROL.sub("", text)
    if _BREAKS.search(text):
        starts = _line_starts(text)
        for m in list(_BREAKS.finditer(text))[:MAX_REPORTED]:
            line, col = _line_col(text, m.start(), starts)
            findings.append(Finding(line, col, f"hay {describe(m.group())}: YAML lo toma como un salto de línea "
                                               "y el editor quizá no lo muestre. Bórralo y pulsa Intro si querías "
                                               "una línea nueva"))
        text = _BREAKS.sub("\n", text)
    if not _SUSPECT.search(text):
        return text, findings
    lines = text.split("\n")
    reported: dict[str, int] = {}
    for n, line in enumerate(lines):
        if not _SUSPECT.search(line):
            continue
        fixed, found = _scan_line(line, n + 1)
        lines[n] = fixed
        for f in found:
            key = line[f.column - 1] if f.column - 1 < len(line) else ""
            reported[key] = reported.get(key, 0) + 1
            if reported[key] <= MAX_REPORTED:
                findings.append(f)
    return "\n".join(lines), findings


def _outside_quotes(line: str) -> list[bool]:
    """For each character: True when it is YAML structure (not inside a quoted scalar, not a comment)."""
    mask = [True] * len(line)
    quote = None
    i = 0
    prev = " "
    while i < len(line):
        ch = line[i]
        if quote:
            mask[i] = False
            if ch == quote:
                if quote == "'" and i + 1 < len(line) and line[i + 1] == "'":
                    mask[i + 1] = False
                    i += 2
                    continue
                if quote == '"' and line[i - 1] == "\\":
                    pass
                else:
                    quote = None
        elif ch in "\"'" and prev in " \t[{,:-?":
            quote = ch
            mask[i] = False
        elif ch == "#" and prev in " \t":
            for j in range(i, len(line)):
                mask[j] = False
            break
        prev = ch
        i += 1
    return mask


def _scan_line(line: str, ln: int) -> tuple[str, list[Finding]]:
    mask = _outside_quotes(line)
    out = list(line)
    found: list[Finding] = []
    stripped = line.lstrip(" \t" + "".join(_SPACES) + "".join(_INVISIBLE))
    lead = len(line) - len(stripped)

    def report(i, msg, severity="error"):
        found.append(Finding(ln, i + 1, msg, severity))

    for i, ch in enumerate(line):
        if not mask[i]:
            continue
        before = line[:i].rstrip(" \t")
        after = line[i + 1:]
        if ch in _SPACES or ch in _INVISIBLE:
            replacement = " " if ch in _SPACES else ""
            structural = (i < lead or before.endswith((":", "-", ",", "[", "{")) or not after.strip()
                          or after.lstrip(" \t" + "".join(_SPACES)).startswith((":", "#"))
                          or ch in _INVISIBLE)
            if i < lead:
                msg = (f"la sangría de esta línea lleva {describe(ch)}, un carácter invisible que parece un espacio "
                       "pero no lo es (suele colarse al copiar de una web o de un PDF). Bórralo y escribe espacios "
                       "normales")
            elif structural and ch in _SPACES:
                msg = (f"aquí hay {describe(ch)} en lugar de un espacio normal: YAML no lo trata como un espacio, así "
                       "que lo que lo rodea deja de leerse como «clave: valor» o como elemento de lista. Suele colarse "
                       "al copiar de un PDF o de una web; bórralo y escribe un espacio normal")
            elif structural:
                msg = (f"aquí hay {describe(ch)}, un carácter invisible que se cuela al copiar de un PDF o de una web: "
                       "YAML lo toma como parte del texto (una clave o un valor con él ya no es la que parece). "
                       "Bórralo, o vuelve a escribir la línea a mano")
            else:
                report(i, f"hay {describe(ch)} dentro del valor: forma parte del "
                          "texto, no es un espacio normal. Si lo has copiado de un PDF o de una web, cámbialo por un "
                          "espacio", "aviso")
                continue
            out[i] = replacement
            report(i, msg)
        elif ch in _DASHES:
            if i != lead and line[i - 1] not in " \t[,{":
                continue  # inside a word («Madrid–Toledo»): left alone
            marker = i == lead and after[:1] in (" ", "")
            if marker:
                out[i] = "-"
                report(i, f"el elemento de lista empieza con {describe(ch)} en lugar del guion «-» que "
                          "pide YAML (suele colarse al copiar de un PDF o de un procesador de textos): escribe «- »")
            else:
                out[i] = "--" if ch in ("\u2013", "\u2014") and after[:1].isalpha() else "-"
                report(i, f"aquí hay {describe(ch)} en lugar de "
                          + ("«--» o «-»" if out[i] == "--" else "un guion «-»")
                          + ": los programas no lo entienden como opción ni como signo (suele colarse al copiar de un "
                            "PDF). Escribe " + ("«--»" if out[i] == "--" else "«-»"))
        elif ch in _DOUBLE_QUOTES or ch in _SINGLE_QUOTES:
            opening = not before or before.endswith((":", "-", "[", ",", "{"))
            if not opening:
                continue
            straight = '"' if ch in _DOUBLE_QUOTES else "'"
            table = _DOUBLE_QUOTES if ch in _DOUBLE_QUOTES else _SINGLE_QUOTES
            for j in range(i, len(line)):
                if mask[j] and line[j] in table:
                    out[j] = straight
            report(i, f"el valor empieza con {describe(ch)}: YAML solo reconoce las "
                      f"comillas rectas, así que la comilla tipográfica formaría parte del valor. Escribe {straight} "
                      "(la comilla recta del teclado) al principio y al final")
        elif ch in _COLONS:
            key = before.lstrip(" -")
            if _KEYLIKE.match(key) and (not after or after[:1] in (" ", "\t") or after[:1] in _SPACES):
                out[i] = ":"
                report(i, f"la clave «{key}» va seguida de {describe(ch)} en lugar "
                          "de los dos puntos «:» normales: escribe «:»")
    return "".join(out), found
