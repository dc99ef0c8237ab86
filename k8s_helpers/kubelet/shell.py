"""What a container's process does: a tiny POSIX-shell interpreter on virtual time.

The simulator never runs real programs. It decides from the image, ``command``
and ``args`` what the container's main process would do:

- **Which program runs** is decided by :mod:`.process` from the image catalog
  (entrypoint, cmd, executables): servers, shells without a terminal (exit 0 at once,
  like ``docker run busybox``; with ``stdin`` and ``tty`` they keep running), programs
  that are not in the image (StartError).
- **Scripts**: ``sh -c``/``/bin/sh -c``/``bash -c`` scripts (in ``command``
  and/or ``args``) and direct commands such as ``["sleep", "3600"]`` are
  interpreted: ``sleep N`` (also ``Ns``/``Nm``/``Nh``/``infinity``), ``exit N``,
  ``echo``/``printf`` (to the logs or, with ``>``/``>>``, to a file), ``true``,
  ``false``, ``:``, ``touch``, ``rm``, ``mkdir [-p]``, ``ls`` (names, one a line),
  ``test``/``[``, ``cd``/``pwd`` (a working directory for relative paths, starting
  at the container's ``workingDir`` or ``/``), ``hostname``, ``whoami``,
  ``basename``/``dirname``, ``date`` (busybox format, ``date +FORMAT``), ``seq``,
  ``printenv``, ``env``, ``export``/``unset``, ``set -e``; the filters ``cat``,
  ``tee [-a]``, ``grep [-v -i -c -q -n -w -x -E -F]``, ``head``/``tail``
  (``-n N``, ``-N``), ``wc [-l -w -c]``, ``sort [-r -n -u]``, ``uniq [-c]``,
  ``tr`` (sets, ranges, ``[:lower:]``..., ``-d``, ``-s``) and ``cut -d -f``/``-c``,
  which read their files or their standard input; ``tail -f FILE`` prints the
  last lines and keeps running, printing what other containers append to a
  shared volume (it looks once a second, like busybox); ``;``, newlines,
  ``&&``, ``||``, ``!``, pipelines ``a | b | c`` (the stages after the first are
  simple commands; output flows through them as it is written, so
  ``while ...; done | tee -a FILE`` fills the file while the loop runs; the status
  is the last stage's), ``while``/``until``, ``for ... in``, ``if/then/else/fi``
  (also with redirections after ``done``/``fi``); ``$VAR``, ``${VAR}`` and
  ``${VAR:-defecto}`` from the container's ``env`` values; arithmetic
  ``$((i+1))``; command substitution ``$(date)`` / backticks of interpretable
  commands (run at once: a ``sleep`` inside takes no time); redirections
  ``>``/``>>`` (also ``2>``), ``<``, here-documents ``<<EOF``/``<<-EOF`` (with
  expansion) and ``<<'EOF'`` (literal), ``>&2``/``2>&1`` (stdout and stderr
  both end in the container log, as with ``kubectl logs``) and ``/dev/null``.
  Files live in the container's own filesystem (lost when it restarts; the usual
  directories of an image such as ``/tmp`` exist) or, under a volume's
  ``mountPath``, in that volume (an emptyDir is shared by the containers that
  mount it, POD-5); a file written with ``>`` or ``tee`` is visible to the other
  containers at once.
- **Programs outside the shell** (``curl``, ``ps``, ``mariadb-admin``, ``python app.py``)
  become ``ext`` nodes, looked up in the container's image at run time: one the image
  lacks prints the shell's "not found" (``sh: slep: not found``, dash ``sh: 1: slep: not
  found``) with status 127; one it has cannot be simulated, and :mod:`.process` runs the
  container as a program that keeps running while the logs and an event say so in Spanish.
  Network clients stay there on purpose: the shell does not see the cluster's Services.
- **Syntax errors** (a missing ``fi``/``done``, an unterminated quote) are
  :class:`ShellSyntaxError`: the shell prints its own text and exits 2. Constructs that
  are valid but not modelled (background ``&``, subshells ``( )``, ``read``, ``i++``)
  raise :class:`Uninterpretable`.

Execution is a generator: it yields ``("sleep", seconds)`` and the kubelet
resumes it when the virtual clock gets there; its return value is the exit code.
"""
from __future__ import annotations

import posixpath
import re
import shlex

__all__ = ["Program", "program_for", "parse_script", "Uninterpretable", "ShellSyntaxError", "NotModelled",
           "run_sync", "SHELL_IMAGES", "external_commands", "not_found_message", "not_modelled_notice"]

SHELL_IMAGES = frozenset({
    "busybox", "alpine", "ubuntu", "debian", "bash", "centos", "fedora", "rockylinux", "almalinux",
    "amazonlinux", "archlinux", "opensuse", "oraclelinux", "photon", "clearlinux", "python", "node",
    "ruby", "golang", "openjdk", "eclipse-temurin", "perl", "php",
})
# Images whose default command is a shell/REPL that exits at once without a terminal.
SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
MAX_STEPS_WITHOUT_SLEEP = 10000
LOG_LIMIT = 5000  # lines kept per container instance


class Uninterpretable(Exception):
    """The script uses something the simulator does not interpret: run it as a server."""


class ShellSyntaxError(Uninterpretable):
    """A real shell rejects the script before running anything: exit status 2.

    ``unexpected`` is the offending token (None: end of file), ``expecting`` the keyword the
    grammar wanted, ``unterminated`` an unbalanced quote."""

    def __init__(self, unexpected=None, expecting=None, unterminated=False):
        super().__init__(f"syntax error: {unexpected!r} {expecting!r}")
        self.unexpected = unexpected
        self.expecting = expecting
        self.unterminated = unterminated

    def message(self, flavour: str, argv0: str) -> str:
        """The shell's own text: busybox ash (busybox, alpine), dash (Debian's /bin/sh), bash."""
        tok = None if self.unexpected is None else f'"{self.unexpected}"'
        if flavour == "dash":
            if self.unterminated:
                return f"{argv0}: 1: Syntax error: Unterminated quoted string"
            what = f"{tok} unexpected" if tok else "end of file unexpected"
            if self.expecting:
                what += f' (expecting "{self.expecting}")'
            return f"{argv0}: 1: Syntax error: {what}"
        if flavour == "bash":
            if self.unterminated:
                return f"{argv0}: -c: line 1: unexpected EOF while looking for matching `\"'"
            if tok is None:
                return f"{argv0}: -c: line 1: syntax error: unexpected end of file"
            return f"{argv0}: -c: line 1: syntax error near unexpected token `{self.unexpected}'"
        if self.unterminated:
            return f"{argv0}: syntax error: unterminated quoted string"
        what = f"unexpected {tok}" if tok else "unexpected end of file"
        if self.expecting:
            what += f' (expecting "{self.expecting}")'
        return f"{argv0}: syntax error: {what}"


class NotModelled(Exception):
    """A command of the image that the simulator cannot run (``curl``, ``mariadb-admin``)."""


class ShellExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- parsing
_OPS = {";", "&&", "||", ">", ">>", "\n", "|", "<"}
_KEYWORDS = {"do", "done", "then", "else", "elif", "fi", "in"}


# $((arith)) and $(cmd) / `cmd` are encoded as one opaque word part before tokenising:
# "\x01A<hex>\x02" (arithmetic) and "\x01C<hex>\x02" (command), expanded at run time.
_SUBST_RE = re.compile("\x01([AC])([0-9a-f]*)\x02")


def _encode(kind: str, text: str) -> str:
    return f"\x01{kind}{text.encode().hex()}\x02"


def _closing_paren(script: str, start: int, depth: int) -> int:
    """Index just after the ``)`` that brings ``depth`` open parentheses to 0, or -1."""
    i, n, quote = start, len(script), None
    while i < n:
        ch = script[i]
        if quote:
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "\\":
            i += 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _encode_substitutions(script: str, quotes: bool = True) -> str:
    """Replace ``$((...))``, ``$(...)`` and backticks (outside single quotes) by opaque
    words; each inner text must itself be interpretable. ``quotes=False`` (heredoc
    bodies): single quotes are plain characters."""
    if "$(" not in script and "`" not in script:
        return script
    out, i, n, in_single = [], 0, len(script), False
    while i < n:
        ch = script[i]
        if in_single:
            out.append(ch)
            in_single = ch != "'"
            i += 1
            continue
        if ch == "\\" and i + 1 < n:
            out.append(script[i:i + 2])
            i += 2
            continue
        if quotes and ch == "'" and script.count('"', 0, i) % 2 == 0:
            in_single = True
            out.append(ch)
            i += 1
            continue
        if script.startswith("$((", i):
            end = _closing_paren(script, i + 3, 2)
            if end < 0 or script[end - 2:end] != "))":
                raise Uninterpretable("arithmetic")
            inner = script[i + 3:end - 2]
            _check_arith(inner)
            out.append(_encode("A", inner))
            i = end
            continue
        if script.startswith("$(", i):
            end = _closing_paren(script, i + 2, 1)
            if end < 0:
                raise Uninterpretable("command substitution")
            inner = script[i + 2:end - 1]
            parse_script(inner)
            out.append(_encode("C", inner))
            i = end
            continue
        if ch == "`":
            end = script.find("`", i + 1)
            if end < 0:
                raise Uninterpretable("backtick")
            inner = script[i + 1:end]
            parse_script(inner)
            out.append(_encode("C", inner))
            i = end + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


_HEREDOC_OP_RE = re.compile(r"<<(-?)[ \t]*")
_WORD_END = set(" \t;&|<>()")


def _heredoc_ops(line: str):
    """Find ``<<WORD`` / ``<<-WORD`` / ``<<'WORD'`` outside quotes in one line.

    Returns the line with each operator replaced by a placeholder ``\x00<k>\x00`` and
    a list of (strip_tabs, quoted, delimiter)."""
    out, ops, i, n, quote, depth = [], [], 0, len(line), None, 0
    while i < n:
        ch = line[i]
        if quote:
            out.append(ch)
            if ch == quote:
                quote = None
            elif ch == "\\" and quote == '"' and i + 1 < n:
                out.append(line[i + 1])
                i += 1
            i += 1
            continue
        if ch in ("'", '"'):
            quote = ch
        elif ch == "\\" and i + 1 < n:
            out.append(line[i:i + 2])
            i += 2
            continue
        elif ch == "#" and (i == 0 or line[i - 1] in " \t;"):
            out.append(line[i:])
            break
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif line.startswith("<<", i) and not line.startswith("<<<", i) and depth <= 0:
            m = _HEREDOC_OP_RE.match(line, i)
            j, word, quoted = m.end(), [], False
            while j < n and line[j] not in _WORD_END:
                c = line[j]
                if c in ("'", '"'):
                    end = line.find(c, j + 1)
                    if end < 0:
                        raise Uninterpretable("heredoc delimiter")
                    word.append(line[j + 1:end])
                    quoted, j = True, end + 1
                    continue
                if c == "\\" and j + 1 < n:
                    word.append(line[j + 1])
                    quoted, j = True, j + 2
                    continue
                word.append(c)
                j += 1
            if not word:
                raise Uninterpretable("heredoc delimiter")
            out.append(f" \x00{len(ops)}\x00 ")
            ops.append((m.group(1) == "-", quoted, "".join(word)))
            i = j
            continue
        out.append(ch)
        i += 1
    return "".join(out), ops


def _extract_heredocs(script: str) -> str:
    """Replace every here-document (operator and body lines) by one opaque word
    ``\x01H<hex>\x02``: hex of "q" (quoted delimiter: no expansion) or "e" plus the body."""
    if "<<" not in script:
        return script
    lines = script.split("\n")
    out, i = [], 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if "<<" not in line:
            out.append(line)
            continue
        line, ops = _heredoc_ops(line)
        for k, (strip_tabs, quoted, delim) in enumerate(ops):
            body = []
            while i < len(lines):
                text = lines[i].lstrip("\t") if strip_tabs else lines[i]
                i += 1
                if text == delim:
                    break
                body.append(text + "\n")
            text = "".join(body)
            if not quoted:
                _encode_substitutions(text, quotes=False)  # parse-time check of $(...)
            line = line.replace(f"\x00{k}\x00", _encode("H", ("q" if quoted else "e") + text))
        out.append(line)
    return "\n".join(out)


def _mark_fds(line: str) -> str:
    """Mark a file-descriptor digit glued to a redirection (``2>``, ``2>&1``, ``0<``) with
    ``\x06``, outside quotes, so that ``echo 2 > f`` (an argument) stays apart from ``2>f``."""
    out, quote, n = [], None, len(line)
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and not (quote == '"' and i and line[i - 1] == "\\"):
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch in "012" and i + 1 < n and line[i + 1] in "<>" and (i == 0 or line[i - 1] in " \t;|&"):
            out.append(FD_MARK)
        out.append(ch)
    return "".join(out)


FD_MARK = "\x06"
_FD_RE = re.compile(r"(?:^|[\s;|&])[012][<>]")
_PUNCT = frozenset(";&|<>")


def _tokens(script: str) -> list[str]:
    script = _encode_substitutions(_extract_heredocs(script.replace("\r", "")))
    if "$(" in script or "`" in script:
        raise Uninterpretable("command substitution")
    out: list[str] = []
    for li, line in enumerate(script.split("\n")):
        if ("<" in line or ">" in line) and _FD_RE.search(line):
            line = _mark_fds(line)
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
        lex.whitespace_split = True
        lex.commenters = "#"
        try:
            toks = list(lex)
        except ValueError:  # unbalanced quotes
            raise ShellSyntaxError(unterminated=True) from None
        for t in toks:
            if t[:1] in _PUNCT and t not in _OPS and t != ">&" and set(t) <= _PUNCT:
                if t in (";;", ";&", "&&&", "|||", ";|", "|;", "&;"):
                    raise ShellSyntaxError(t)
                raise Uninterpretable(f"operator {t}")
        out.extend(toks)
        out.append(";")
    return out


class _Parser:
    def __init__(self, toks: list[str]):
        self.toks = toks
        self.i = 0

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self, expected=None):
        t = self.peek()
        if t is None or (expected is not None and t != expected):
            raise ShellSyntaxError(None if t is None or self.at_end() else t, expected)
        self.i += 1
        return t

    def at_end(self) -> bool:
        """Only the trailing separators are left: the script ended."""
        return all(t == ";" for t in self.toks[self.i:])

    def skip_seps(self):
        while self.peek() == ";":
            self.i += 1

    def parse_list(self, stop=()):
        items = []
        self.skip_seps()
        while self.peek() is not None and self.peek() not in stop:
            items.append(self.parse_and_or())
            if self.peek() == ";":
                self.skip_seps()
            elif self.peek() is not None and self.peek() not in stop:
                raise ShellSyntaxError(self.peek())
        return ("list", items)

    def parse_and_or(self):
        node = self.parse_pipeline()
        while self.peek() in ("&&", "||"):
            op = self.take()
            self.skip_seps()
            node = (op, node, self.parse_pipeline())
        return node

    def parse_pipeline(self):
        """``[!] cmd [| cmd]...``: every stage after the first must be a simple command."""
        negate = False
        if self.peek() == "!":
            self.take()
            negate = True
        stages = [self.parse_command()]
        while self.peek() == "|":
            self.take()
            self.skip_seps()
            stage = self.parse_command()
            if stage[0] != "cmd" or _is_assignment(stage[1][0]):
                raise Uninterpretable("pipeline stage")
            stages.append(stage)
        node = stages[0] if len(stages) == 1 else ("pipe", stages)
        return ("not", node) if negate else node

    def parse_redirect(self, tok, argv):
        """One redirection operator (already taken) and its target: (fd, op, target)."""
        if tok.startswith("\x01H"):
            return (0, "<<", tok)
        # "2>file" and "2>&1": _mark_fds marked the digit glued to the operator.
        default = 0 if tok == "<" else 1
        fd = int(argv.pop()[1:]) if argv and argv[-1][:1] == FD_MARK else default
        target = self.take()
        if target in (";", "&&", "||", ">", ">>", ">&", "|", "<"):
            raise Uninterpretable("redirection")
        if tok == ">&" and target not in ("1", "2"):
            raise Uninterpretable("redirection")
        return (fd, tok, target)

    def compound_redirects(self, node):
        redirects = []
        while self.peek() in (">", ">>", ">&", "<") or _is_heredoc(self.peek()):
            redirects.append(self.parse_redirect(self.take(), []))
        return ("redir", node, redirects) if redirects else node

    def parse_command(self):
        t = self.peek()
        if t in ("while", "until"):
            self.take()
            cond = self.parse_list(stop=("do",))
            self.take("do")
            body = self.parse_list(stop=("done",))
            self.take("done")
            return self.compound_redirects((t, cond, body))
        if t == "for":
            self.take()
            var = self.take()
            words = []
            if self.peek() == "in":
                self.take()
                while self.peek() not in (";", "do", None):
                    words.append(self.take())
            self.skip_seps()
            self.take("do")
            body = self.parse_list(stop=("done",))
            self.take("done")
            return self.compound_redirects(("for", var, words, body))
        if t == "if":
            self.take()
            branches = []
            cond = self.parse_list(stop=("then",))
            self.take("then")
            body = self.parse_list(stop=("elif", "else", "fi"))
            branches.append((cond, body))
            other = None
            while True:
                if self.at_end():
                    raise ShellSyntaxError(None, "fi")
                k = self.take()
                if k == "elif":
                    cond = self.parse_list(stop=("then",))
                    self.take("then")
                    body = self.parse_list(stop=("elif", "else", "fi"))
                    branches.append((cond, body))
                elif k == "else":
                    other = self.parse_list(stop=("fi",))
                    self.take("fi")
                    break
                elif k == "fi":
                    break
                else:
                    raise ShellSyntaxError(k)
            return self.compound_redirects(("if", branches, other))
        argv, redirects = [], []
        toks, n = self.toks, len(self.toks)
        while self.i < n:
            tok = toks[self.i]
            if tok in _COMMAND_END or (not argv and tok in _KEYWORDS):
                break
            self.i += 1
            if tok in _REDIRECTS or tok.startswith("\x01H"):
                redirects.append(self.parse_redirect(tok, argv))
            else:
                argv.append(tok)
        if not argv:
            if t in ("(", ")", "&"):
                raise Uninterpretable(f"operator {t}")
            raise ShellSyntaxError(t)
        if argv[0] == "exec" and len(argv) > 1:
            argv = argv[1:]  # exec PROGRAM: the shell becomes the program
        if argv[0] not in _COMMANDS and not _is_assignment(argv[0]):
            if any(c in argv[0] for c in "$`\x01*?"):
                raise Uninterpretable(f"computed command {argv[0]}")
            return ("ext", argv, redirects or None)  # resolved in the image at run time
        return ("cmd", argv, redirects or None)


_REDIRECTS = frozenset({">", ">>", ">&", "<"})
_COMMAND_END = frozenset({";", "&&", "||", "|"})


def _is_heredoc(tok) -> bool:
    return isinstance(tok, str) and tok.startswith("\x01H") and tok.endswith("\x02")


_ASSIGNMENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")


def _is_assignment(word: str) -> bool:
    return _ASSIGNMENT_RE.match(word) is not None


def parse_script(script: str):
    """Parse a shell script into a tree, or raise Uninterpretable."""
    p = _Parser(_tokens(script))
    tree = p.parse_list()
    if p.peek() is not None:
        raise ShellSyntaxError(p.peek())
    return tree


def external_commands(tree) -> list[str]:
    """Programs a parsed script runs that are not shell built-ins or modelled commands."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, tuple):
            if node and node[0] == "ext":
                found.append(node[1][0])
                return
            for part in node:
                walk(part)
        elif isinstance(node, list):
            for part in node:
                walk(part)
    walk(tree)
    return found


# --------------------------------------------------------------------------- execution
class Context:
    """What a running script can touch: logs, files, environment, clock."""

    __slots__ = ("log", "files", "env", "hostname", "now", "timestamp", "errexit", "status", "stdout",
                 "stderr", "stdin", "cwd", "sleeps", "shell", "argv0", "has", "render")

    def __init__(self, log, files, env, hostname="", now=lambda: 0, timestamp=lambda t: str(t)):
        self.log = log          # callable(text): raw output (stdout and stderr), newlines included
        self.files = files      # FileSystem
        self.env = dict(env)
        self.hostname = hostname
        self.now = now
        self.timestamp = timestamp
        self.errexit = False
        self.status = 0
        # Where the current command writes (callables taking raw text) and what it reads
        # (text, or None for an empty stdin: containers get /dev/null without ``stdin: true``).
        self.stdout = log
        self.stderr = log
        self.stdin = None
        self.cwd = "/"
        self.sleeps = 0
        # The shell being interpreted and how it was invoked (for its error texts), and
        # whether a program exists in the image: True, False or None (image not known).
        self.shell = "ash"
        self.argv0 = "sh"
        self.has = lambda name: None
        # Fills a program's log template ({date}, {version}...): set by the pod worker.
        self.render = lambda text, values: text

    def path(self, p: str) -> str:
        """Absolute, normalised path of ``p`` relative to the working directory (``cd``)."""
        return posixpath.normpath(posixpath.join(self.cwd, p or "."))


_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*|\?)")
_WORD_RE = re.compile("\x01([AC])([0-9a-f]*)\x02"
                      r"|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=+])([^}]*))?\}"
                      r"|\$([A-Za-z_][A-Za-z0-9_]*|\?)")


def _expand(word: str, ctx: Context) -> str:
    if "$" not in word and "\x01" not in word:
        return word

    def sub(m):
        if m.group(1):
            inner = bytes.fromhex(m.group(2)).decode()
            return _arith(inner, ctx) if m.group(1) == "A" else _command_output(inner, ctx)
        name = m.group(3) or m.group(6)
        if name == "?":
            return str(ctx.status)
        value = ctx.env.get(name)
        op = m.group(4)
        if op:
            unset = value is None or (op.startswith(":") and value == "")
            alt = _expand(m.group(5) or "", ctx)
            if op.endswith("+"):
                return "" if unset else alt
            if unset:
                if op.endswith("="):
                    ctx.env[name] = alt
                return alt
        return value or ""
    return _WORD_RE.sub(sub, word)


def _command_output(script: str, ctx: Context) -> str:
    """``$(...)``: run the commands at once and capture what they print (trailing
    newlines removed). A ``sleep`` inside takes no virtual time."""
    buf: list[str] = []
    sub = Context(buf.append, ctx.files, ctx.env, ctx.hostname, ctx.now, ctx.timestamp)
    sub.status = ctx.status
    sub.sleeps = 0
    sub.stderr = ctx.stderr  # only stdout is captured
    sub.cwd = ctx.cwd
    gen = _run(parse_script(script), sub)
    try:
        for _ in range(10000):
            next(gen)
    except StopIteration as stop:
        ctx.status = stop.value or 0
    return "".join(buf).rstrip("\n")


class _ArithError(Exception):
    pass


def _check_arith(expr: str) -> None:
    """Parse-time check of ``$((expr))``: integers, variables, + - * / % ( ),
    comparisons, && || !; anything else (assignments, ++) is not interpreted."""
    try:
        _arith_tree(re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", r"\1", expr))
    except _ArithError:
        raise Uninterpretable("arithmetic") from None


def _arith_tree(expr: str):
    import ast

    text = expr.replace("&&", " and ").replace("||", " or ")
    text = re.sub(r"!(?!=)", " not ", text)
    if re.search(r"[^0-9A-Za-z_+\-*/%()<>=!&| \t]", expr) or "**" in expr or "=" in re.sub(r"[<>=!]=", "", expr):
        raise _ArithError(expr)
    try:
        return ast.parse(text.strip() or "0", mode="eval").body
    except SyntaxError:
        raise _ArithError(expr) from None


def _arith(expr: str, ctx: Context) -> str:
    """``$((expr))`` with shell integer semantics (division truncates toward zero)."""
    import ast

    def num(name):
        value = ctx.env.get(name, "") or "0"
        try:
            return int(value.strip())
        except ValueError:
            return 0

    def ev(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, int):
            return node.value
        if isinstance(node, ast.Name):
            return num(node.id)
        if isinstance(node, ast.UnaryOp):
            v = ev(node.operand)
            return {ast.USub: -v, ast.UAdd: v, ast.Not: int(not v), ast.Invert: ~v}[type(node.op)]
        if isinstance(node, ast.BoolOp):
            vals = [ev(v) for v in node.values]
            return int(all(vals) if isinstance(node.op, ast.And) else any(vals))
        if isinstance(node, ast.Compare):
            left, ok = ev(node.left), True
            for op, right_node in zip(node.ops, node.comparators):
                right = ev(right_node)
                ok = ok and {ast.Lt: left < right, ast.LtE: left <= right, ast.Gt: left > right,
                             ast.GtE: left >= right, ast.Eq: left == right, ast.NotEq: left != right}[type(op)]
                left = right
            return int(ok)
        if isinstance(node, ast.BinOp):
            a, b = ev(node.left), ev(node.right)
            if isinstance(node.op, (ast.Div, ast.FloorDiv, ast.Mod)):
                if b == 0:
                    raise _ArithError("divide by zero")
                q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
                return q if not isinstance(node.op, ast.Mod) else a - b * q
            ops = {ast.Add: lambda: a + b, ast.Sub: lambda: a - b, ast.Mult: lambda: a * b}
            if type(node.op) in ops:
                return ops[type(node.op)]()
        raise _ArithError("syntax")

    try:
        return str(ev(_arith_tree(re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", r"\1", expr))))
    except (_ArithError, KeyError) as e:
        ctx.stderr(f"sh: arithmetic syntax error\n" if str(e) != "divide by zero" else "sh: divide by zero\n")
        raise ShellExit(2) from None


_DURATION_RE = re.compile(r"(\d+(?:\.\d+)?)([smhd]?)")
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def _sleep_seconds(args):
    total = 0.0
    for a in args:
        if a in ("inf", "infinity"):
            return None
        m = _DURATION_RE.fullmatch(a)
        if not m:
            raise ValueError(a)
        total += float(m.group(1)) * _UNITS[m.group(2)]
    return int(total) if total == int(total) else total


def _cmd_sleep(args, ctx, out):
    try:
        secs = _sleep_seconds(args)
    except ValueError as e:
        ctx.stderr(f"sleep: invalid number '{e}'\n")
        return 1
    if not args:
        ctx.stderr("sleep: missing operand\n")
        return 1
    return ("sleep", secs)


def _cmd_exit(args, ctx, out):
    code = ctx.status
    if args:
        try:
            code = int(args[0]) & 0xFF
        except ValueError:
            code = 2
    raise ShellExit(code)


def _cmd_echo(args, ctx, out):
    newline = True
    if args and args[0] == "-n":
        newline, args = False, args[1:]
    out(" ".join(args), newline)
    return 0


def _cmd_printf(args, ctx, out):
    if not args:
        return 1
    fmt = args[0].replace("\\n", "\n").replace("\\t", "\t")
    rest = args[1:]
    text = re.sub(r"%[sd]", lambda m: rest.pop(0) if rest else "", fmt)
    out(text, False)
    return 0


def _cmd_touch(args, ctx, out):
    for path in args:
        if ctx.files.read(ctx.path(path)) is None:
            ctx.files.write(ctx.path(path), "")
    return 0


def _cmd_rm(args, ctx, out):
    force = any(a.startswith("-") and "f" in a for a in args)
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        if not ctx.files.remove(ctx.path(path)) and not force:
            ctx.stderr(f"rm: can't remove '{path}': No such file or directory\n")
            status = 1
    return status


def _cmd_ls(args, ctx, out):
    """Names one per line (the output is not a terminal); ``-l`` and other options are ignored."""
    status = 0
    paths = [a for a in args if not a.startswith("-")] or ["."]
    for i, path in enumerate(paths):
        full = ctx.path(path)
        entries = ctx.files.listdir(full)
        if entries is None:
            if ctx.files.read(full) is None:
                ctx.stderr(f"ls: {path}: No such file or directory\n")
                status = 1
            else:
                out(path)
            continue
        if len(paths) > 1:
            out(("\n" if i else "") + f"{path}:")
        for name in entries:
            out(name)
    return status


def _cmd_test(args, ctx, out):
    if args and args[-1] == "]":
        args = args[:-1]
    neg = False
    if args and args[0] == "!":
        neg, args = True, args[1:]
    if len(args) == 2 and args[0] in ("-f", "-e", "-s", "-r", "-d"):
        path = ctx.path(args[1])
        if args[0] == "-d":
            ok = ctx.files.is_dir(path)
        else:
            content = ctx.files.read(path)
            ok = (content is not None and (args[0] != "-s" or content != "")) or (
                args[0] == "-e" and ctx.files.is_dir(path))
    elif len(args) == 2 and args[0] in ("-n", "-z"):
        ok = (args[1] != "") == (args[0] == "-n")
    elif len(args) == 3 and args[1] in ("=", "==", "!="):
        ok = (args[0] == args[2]) == (args[1] != "!=")
    elif len(args) == 3 and args[1] in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        try:
            a, b = int(args[0]), int(args[2])
        except ValueError:
            return 2
        ok = {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[args[1]]
    elif len(args) == 1:
        ok = args[0] != ""
    else:
        return 2
    return 0 if ok != neg else 1


def _cmd_seq(args, ctx, out):
    try:
        nums = [int(a) for a in args]
    except ValueError as e:
        ctx.stderr(f"seq: invalid number '{e}'\n")
        return 1
    if len(nums) == 1:
        first, step, last = 1, 1, nums[0]
    elif len(nums) == 2:
        first, step, last = nums[0], 1, nums[1]
    elif len(nums) == 3:
        first, step, last = nums
    else:
        return 1
    if step == 0:
        return 1
    for v in range(first, last + (1 if step > 0 else -1), step):
        out(str(v))
    return 0


def _cmd_printenv(args, ctx, out):
    if not args:
        for k, v in ctx.env.items():
            out(f"{k}={v}")
        return 0
    status = 0
    for name in args:
        if name in ctx.env:
            out(ctx.env[name])
        else:
            status = 1
    return status


def _cmd_date(args, ctx, out):
    """busybox ``date``: ``Thu Jan  1 00:00:02 UTC 2026``; ``date +FORMAT`` with strftime codes."""
    from datetime import datetime, timezone

    text = ctx.timestamp(ctx.now())
    try:
        d = datetime.strptime(str(text), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        out(str(text))
        return 0
    fmt = next((a[1:] for a in args if a.startswith("+")), None)
    if fmt is None:
        out(f"{d:%a %b} {d.day:2d} {d:%H:%M:%S} UTC {d.year}")
    else:
        fmt = fmt.replace("%s", str(int(d.timestamp()))).replace("%e", f"{d.day:2d}").replace("%Z", "UTC")
        out(d.strftime(fmt))
    return 0


def _cmd_set(args, ctx, out):
    for a in args:
        if a.startswith("-") and "e" in a:
            ctx.errexit = True
        elif a.startswith("+") and "e" in a:
            ctx.errexit = False
    return 0


def _cmd_cd(args, ctx, out):
    """``cd DIR`` (``cd`` alone: ``$HOME`` or ``/``): the working directory of relative paths."""
    target = args[0] if args else ctx.env.get("HOME") or "/"
    if target == "-":
        target = ctx.env.get("OLDPWD") or ctx.cwd
    full = ctx.path(target)
    if not ctx.files.is_dir(full):
        ctx.stderr(f"sh: cd: can't cd to {target}: No such file or directory\n")
        return 2
    ctx.env["OLDPWD"] = ctx.cwd
    ctx.cwd = ctx.env["PWD"] = full
    return 0


def _cmd_mkdir(args, ctx, out):
    parents = any(a.startswith("-") and "p" in a for a in args)
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        full = ctx.path(path)
        if ctx.files.is_dir(full):
            if not parents:
                ctx.stderr(f"mkdir: can't create directory '{path}': File exists\n")
                status = 1
            continue
        ctx.files.mkdir([full])
    return status


def _cmd_export(args, ctx, out):
    for a in args:
        if _is_assignment(a):
            name, _, value = a.partition("=")
            ctx.env[name] = value
    return 0


def _cmd_unset(args, ctx, out):
    for a in args:
        ctx.env.pop(a, None)
    return 0


def _cmd_basename(args, ctx, out):
    if not args:
        return 1
    name = posixpath.basename(args[0].rstrip("/")) or "/"
    if len(args) > 1 and name.endswith(args[1]) and name != args[1]:
        name = name[: -len(args[1])]
    out(name)
    return 0


def _cmd_tail_follow(args, ctx, out):
    """``tail -f FILE`` (also ``-F``, ``-n N``): print the last lines, then keep running and
    print what others append. Like busybox it polls once a second, but only when the
    file is in a volume (another container may write it); otherwise it just waits."""
    lines, files = _tail_options(args)
    err = ctx.stderr
    retry = any(a.startswith("-") and "F" in a for a in args)
    if len(files) != 1:
        return ("sleep", None)  # stdin or several files: runs until stopped
    name = files[0]
    path = ctx.path(name)
    content = ctx.files.read(path)
    if content is None and not retry:
        err(f"tail: can't open '{name}': No such file or directory\n")
        return 1
    shared = ctx.files.in_volume(path)

    def follow():
        seen = 0
        if content is not None:
            out(_last_lines(content, lines), False)
            seen = len(content)
        if not shared:
            yield ("sleep", None)
        while True:
            yield ("sleep", 1)
            now = ctx.files.read(path)
            if now is None:
                continue
            if len(now) < seen:  # truncated: start again
                seen = 0
            if len(now) > seen:
                out(now[seen:], False)
                seen = len(now)
    return follow()


def _cmd_tail(args, ctx, out):
    if any(a.startswith("-") and ("f" in a or "F" in a) and not a[1:].isdigit() for a in args):
        return _cmd_tail_follow(args, ctx, out)
    return _filter_command(_Tail)(args, ctx, out)


# --------------------------------------------------------------------------- filters
class _Filter:
    """A command that reads its standard input (or the files given) and writes its
    standard output: used alone, with ``<``/heredocs, or as a pipeline stage (fed as
    the previous stage writes, so ``loop | tee -a FILE`` writes while the loop runs)."""

    name = ""
    line_based = True

    def __init__(self, args, ctx, out, err):
        self.ctx, self.out, self.err = ctx, out, err
        self.status = 0
        self.buf = ""
        self.files: list[str] = []
        self.failed = False
        self.parse(args)

    def usage(self, message):
        self.err(f"{self.name}: {message}\n")
        self.failed = True
        self.status = 1

    def parse(self, args):
        self.files = [a for a in args if a == "-" or not a.startswith("-")]

    def feed(self, text):
        if self.failed or (self.files and "-" not in self.files):
            return
        self.take(text)

    def take(self, text):
        if not self.line_based:
            self.chunk(text)
            return
        self.buf += text
        if "\n" in self.buf:
            *lines, self.buf = self.buf.split("\n")
            for line in lines:
                self.line(line)

    def close(self) -> int:
        if self.failed:
            return self.status
        for name in self.files:
            if name == "-":
                continue
            content = self.ctx.files.read(self.ctx.path(name))
            if content is None:
                self.err(f"{self.name}: can't open '{name}': No such file or directory\n")
                self.status = 1
                continue
            self.start_file(name)
            self.take(content)
            self.flush_partial()
        self.flush_partial()
        return self.finish()

    def flush_partial(self):
        if self.buf:
            line, self.buf = self.buf, ""
            self.line(line)

    # hooks
    def start_file(self, name):
        pass

    def chunk(self, text):
        pass

    def line(self, line):
        pass

    def finish(self) -> int:
        return self.status


class _Cat(_Filter):
    name = "cat"
    line_based = False

    def chunk(self, text):
        self.out(text)

    def flush_partial(self):
        pass


class _Tee(_Filter):
    name = "tee"
    line_based = False

    def parse(self, args):
        append = any(a.startswith("-") and "a" in a for a in args)
        self.targets = []
        for name in (a for a in args if not a.startswith("-")):
            path = self.ctx.path(name)
            if name == "/dev/null":
                continue
            if not self.ctx.files.write(path, (self.ctx.files.read(path) or "") if append else ""):
                self.err(f"tee: {name}: Read-only file system\n")
                self.status = 1
                continue
            self.targets.append(path)
        self.files = []

    def chunk(self, text):
        self.out(text)
        for path in self.targets:
            self.ctx.files.write(path, (self.ctx.files.read(path) or "") + text)

    def flush_partial(self):
        pass


def _bre_to_python(pattern: str, extended: bool) -> str:
    """A POSIX basic (or extended) regular expression as a Python one (simple cases)."""
    if extended:
        return pattern
    out, i = [], 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            nxt = pattern[i + 1]
            out.append(nxt if nxt in "+?|(){}" else pattern[i:i + 2])
            i += 2
            continue
        out.append("\\" + ch if ch in "+?|(){}" else ch)
        i += 1
    return "".join(out)


class _Grep(_Filter):
    name = "grep"

    def parse(self, args):
        flags, operands, i = set(), [], 0
        while i < len(args):
            a = args[i]
            if a == "-e" and i + 1 < len(args):
                operands.insert(0, args[i + 1])
                flags.add("e")
                i += 2
                continue
            if a.startswith("-") and len(a) > 1 and not operands:
                flags.update(a[1:])
            else:
                operands.append(a)
            i += 1
        unknown = flags - set("viqcEFnwxse")
        if unknown or not operands:
            self.usage(f"unrecognized option: {sorted(unknown)[0]}" if unknown else "missing pattern")
            self.status = 2
            return
        pattern, self.files = operands[0], operands[1:]
        self.invert, self.quiet, self.count_only = "v" in flags, "q" in flags, "c" in flags
        self.numbers = "n" in flags
        self.prefix = len(self.files) > 1
        self.current = ""
        self.matches = self.total = 0
        self.lineno = 0
        regex = re.escape(pattern) if "F" in flags else _bre_to_python(pattern, "E" in flags)
        if "w" in flags:
            regex = rf"\b(?:{regex})\b"
        if "x" in flags:
            regex = rf"(?:{regex})\Z"
        try:
            self.regex = re.compile(regex, re.IGNORECASE if "i" in flags else 0)
        except re.error:
            self.regex = re.compile(re.escape(pattern), re.IGNORECASE if "i" in flags else 0)
        self.anchored = "x" in flags

    def start_file(self, name):
        self.current = name
        self.lineno = 0

    def line(self, line):
        self.lineno += 1
        found = (self.regex.match(line) if self.anchored else self.regex.search(line)) is not None
        if found == self.invert:
            return
        self.matches += 1
        if self.quiet or self.count_only:
            return
        prefix = f"{self.current}:" if self.prefix else ""
        self.out(f"{prefix}{self.lineno}:{line}\n" if self.numbers else f"{prefix}{line}\n")

    def finish(self):
        if self.count_only and not self.quiet:
            self.out(f"{self.matches}\n")
        if self.status:
            return 2
        return 0 if self.matches else 1


def _count_option(args, default):
    """``-n N``, ``-nN``, ``-N`` and ``-n +N`` (from line N); returns (count, from_start, files)."""
    count, from_start, files, i = default, False, [], 0
    while i < len(args):
        a = args[i]
        value = None
        if a == "-n" and i + 1 < len(args):
            value = args[i + 1]
            i += 1
        elif a.startswith("-n"):
            value = a[2:]
        elif a.startswith("-") and a[1:].isdigit():
            value = a[1:]
        elif a == "-" or not a.startswith("-"):
            files.append(a)
        if value is not None:
            from_start = value.startswith("+")
            try:
                count = abs(int(value))
            except ValueError:
                raise ValueError(value) from None
        i += 1
    return count, from_start, files


class _Head(_Filter):
    name = "head"

    def parse(self, args):
        try:
            self.count, _, self.files = _count_option(args, 10)
        except ValueError as e:
            self.usage(f"invalid number '{e}'")
        self.seen = 0

    def start_file(self, name):
        self.seen = 0

    def line(self, line):
        if self.seen < self.count:
            self.seen += 1
            self.out(line + "\n")


def _tail_options(args):
    try:
        count, from_start, files = _count_option([a for a in args if a not in ("-f", "-F")], 10)
    except ValueError:
        count, from_start, files = 10, False, []
    return (count, from_start), files


def _last_lines(content: str, lines) -> str:
    count, from_start = lines
    parts = content.split("\n")
    trailing = parts[-1] == ""
    if trailing:
        parts.pop()
    kept = parts[count - 1:] if from_start and count else parts[-count:] if count else []
    return "\n".join(kept) + ("\n" if kept and trailing else "")


class _Tail(_Filter):
    name = "tail"
    line_based = False

    def parse(self, args):
        self.lines, self.files = _tail_options(args)
        self.text = ""

    def chunk(self, text):
        self.text += text

    def start_file(self, name):
        self.text = ""

    def flush_partial(self):
        if self.text and self.files:
            self.out(_last_lines(self.text, self.lines))
            self.text = ""

    def finish(self):
        if self.text:
            self.out(_last_lines(self.text, self.lines))
            self.text = ""
        return self.status


class _Wc(_Filter):
    name = "wc"
    line_based = False

    def parse(self, args):
        flags = "".join(a[1:] for a in args if a.startswith("-") and a != "-")
        self.which = [k for k in "lwc" if k in flags] or ["l", "w", "c"]
        self.files = [a for a in args if a == "-" or not a.startswith("-")]
        self.counts = {"l": 0, "w": 0, "c": 0}
        self.current = None

    def start_file(self, name):
        self.current = name

    def chunk(self, text):
        self.counts["l"] += text.count("\n")
        self.counts["w"] += len(text.split())
        self.counts["c"] += len(text.encode())
        if self.current is not None:
            self.flush_partial()

    def flush_partial(self):
        if self.current is not None:
            self.report(self.current)
            self.counts = {"l": 0, "w": 0, "c": 0}
            self.current = None

    def report(self, name):
        nums = [self.counts[k] for k in self.which]
        text = str(nums[0]) if len(nums) == 1 else " ".join(f"{n:>7}" for n in nums)
        self.out(text + (f" {name}" if name else "") + "\n")

    def finish(self):
        if not self.files:
            self.report("")
        return self.status


class _Sort(_Filter):
    name = "sort"

    def parse(self, args):
        flags = "".join(a[1:] for a in args if a.startswith("-") and a != "-")
        self.reverse, self.numeric, self.unique = "r" in flags, "n" in flags, "u" in flags
        self.files = [a for a in args if a == "-" or not a.startswith("-")]
        self.lines: list[str] = []

    def line(self, line):
        self.lines.append(line)

    def finish(self):
        def key(text):
            m = re.match(r"\s*(-?\d+(?:\.\d+)?)", text)
            return (float(m.group(1)) if m else 0.0, text)
        lines = sorted(self.lines, key=key if self.numeric else None, reverse=self.reverse)
        if self.unique:
            lines = list(dict.fromkeys(lines))
        for line in lines:
            self.out(line + "\n")
        return self.status


class _Uniq(_Filter):
    name = "uniq"

    def parse(self, args):
        flags = "".join(a[1:] for a in args if a.startswith("-") and a != "-")
        self.counting = "c" in flags
        self.files = [a for a in args if a == "-" or not a.startswith("-")][:1]
        self.prev, self.n = None, 0

    def emit(self):
        if self.prev is not None:
            self.out(f"{self.n:>7} {self.prev}\n" if self.counting else self.prev + "\n")

    def line(self, line):
        if line == self.prev:
            self.n += 1
            return
        self.emit()
        self.prev, self.n = line, 1

    def finish(self):
        self.emit()
        self.prev = None
        return self.status


def _tr_set(spec: str) -> str:
    classes = {"[:lower:]": "abcdefghijklmnopqrstuvwxyz", "[:upper:]": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
               "[:digit:]": "0123456789", "[:space:]": " \t\n\r\f\v", "[:blank:]": " \t"}
    for k, v in classes.items():
        spec = spec.replace(k, v)
    spec = spec.replace("\\n", "\n").replace("\\t", "\t")
    out, i = [], 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            out.extend(chr(c) for c in range(ord(spec[i]), ord(spec[i + 2]) + 1))
            i += 3
        else:
            out.append(spec[i])
            i += 1
    return "".join(out)


class _Tr(_Filter):
    name = "tr"
    line_based = False

    def parse(self, args):
        self.files = []
        flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
        sets = [_tr_set(a) for a in args if not (a.startswith("-") and len(a) > 1)]
        self.delete, self.squeeze = "d" in flags, "s" in flags
        if not sets or (len(sets) < 2 and not (self.delete or self.squeeze)):
            self.usage("missing operand")
            return
        self.set1 = sets[0]
        if self.delete:
            self.table = {ord(c): None for c in self.set1}
        elif len(sets) > 1:
            set2 = sets[1] or " "
            set2 = set2 + set2[-1] * max(0, len(self.set1) - len(set2))
            self.table = {ord(a): b for a, b in zip(self.set1, set2)}
        else:
            self.table = {}
        self.last = None

    def chunk(self, text):
        text = text.translate(self.table)
        if self.squeeze:
            squeeze_set = set(self.table.values()) if self.table and not self.delete else set(self.set1)
            out = []
            for ch in text:
                if ch == self.last and ch in squeeze_set:
                    continue
                out.append(ch)
                self.last = ch
            text = "".join(out)
        self.out(text)

    def flush_partial(self):
        pass


def _field_list(spec: str):
    ranges = []
    for part in spec.split(","):
        lo, sep, hi = part.partition("-")
        a = int(lo) if lo else 1
        b = (int(hi) if hi else None) if sep else a
        if a < 1:
            raise ValueError(spec)
        ranges.append((a, b))
    return ranges


class _Cut(_Filter):
    name = "cut"

    def parse(self, args):
        self.delim, self.fields, self.chars, files, i = "\t", None, None, [], 0
        while i < len(args):
            a = args[i]
            for opt in ("-d", "-f", "-c"):
                if a.startswith(opt):
                    value = a[2:] or (args[i + 1] if i + 1 < len(args) else "")
                    if not a[2:]:
                        i += 1
                    if opt == "-d":
                        self.delim = value[:1] or "\t"
                    else:
                        try:
                            setattr(self, "fields" if opt == "-f" else "chars", _field_list(value))
                        except ValueError:
                            self.usage(f"invalid list '{value}'")
                            return
                    break
            else:
                files.append(a)
            i += 1
        self.files = files
        if self.fields is None and self.chars is None:
            self.usage("you must specify a list of bytes, characters, or fields")

    def line(self, line):
        if self.chars is not None:
            self.out("".join(line[a - 1:b] for a, b in self.chars) + "\n")
            return
        if self.delim not in line:
            self.out(line + "\n")
            return
        parts = line.split(self.delim)
        keep = [p for n, p in enumerate(parts, 1) if any(a <= n and (b is None or n <= b) for a, b in self.fields)]
        self.out(self.delim.join(keep) + "\n")


_FILTERS = {"cat": _Cat, "tee": _Tee, "grep": _Grep, "head": _Head, "tail": _Tail, "wc": _Wc,
            "sort": _Sort, "uniq": _Uniq, "tr": _Tr, "cut": _Cut}


def _filter_command(cls):
    """A filter run as a plain command: it reads ``ctx.stdin`` (``<``, heredoc) or its files."""
    def run(args, ctx, out):
        f = cls(args, ctx, lambda text: out(text, False), ctx.stderr)
        if ctx.stdin:
            f.feed(ctx.stdin)
        return f.close()
    return run


_COMMANDS = {
    "sleep": _cmd_sleep,
    "exit": _cmd_exit,
    "echo": _cmd_echo,
    "printf": _cmd_printf,
    "true": lambda a, c, o: 0,
    ":": lambda a, c, o: 0,
    "false": lambda a, c, o: 1,
    "touch": _cmd_touch,
    "rm": _cmd_rm,
    "mkdir": _cmd_mkdir,
    "ls": _cmd_ls,
    "test": _cmd_test,
    "[": _cmd_test,
    "hostname": lambda a, c, o: (o(c.hostname), 0)[1],
    "date": _cmd_date,
    "seq": _cmd_seq,
    "printenv": _cmd_printenv,
    "env": lambda a, c, o: _cmd_printenv([], c, o) if not a else 127,
    "set": _cmd_set,
    "cd": _cmd_cd,
    "pwd": lambda a, c, o: (o(c.cwd), 0)[1],
    "export": _cmd_export,
    "unset": _cmd_unset,
    "basename": _cmd_basename,
    "dirname": lambda a, c, o: (o(posixpath.dirname(a[0].rstrip("/")) or "." if a else "."), 0)[1],
    "whoami": lambda a, c, o: (o("root"), 0)[1],
}
_COMMANDS.update({name: _filter_command(cls) for name, cls in _FILTERS.items()})
_COMMANDS["tail"] = _cmd_tail


class _FileSink:
    """``> FILE`` / ``>> FILE``: created (or truncated) when the redirection is set up;
    every write goes straight to the file, so other containers see it at once."""

    __slots__ = ("files", "path", "empty")

    def __init__(self, files, path, empty):
        self.files, self.path, self.empty = files, path, empty

    def __call__(self, text):
        if text:
            if self.empty:  # just truncated: nothing to read back
                self.empty = False
                self.files.write(self.path, text)
            else:
                self.files.write(self.path, (self.files.read(self.path) or "") + text)


def _null_sink(text):
    pass


def _heredoc_text(token: str, ctx: Context) -> str:
    raw = bytes.fromhex(token[2:-1]).decode()
    mode, body = raw[0], raw[1:]
    if mode == "q" or ("$" not in body and "`" not in body and "\\" not in body):
        return body
    body = body.replace("\\\\", "\x04").replace("\\$", "\x03").replace("\\`", "\x05").replace("\\\n", "")
    text = _expand(_encode_substitutions(body, quotes=False), ctx)
    return text.replace("\x03", "$").replace("\x04", "\\").replace("\x05", "`")


def _setup_redirects(redirects, ctx: Context):
    """Apply redirections left to right: returns (stdout, stderr, stdin) or an exit status."""
    fds = {1: ctx.stdout, 2: ctx.stderr}
    stdin = ctx.stdin
    for fd, op, target in redirects or ():
        if op == "<<":
            stdin = _heredoc_text(target, ctx)
            continue
        if op == ">&":
            fds[fd] = fds.get(int(target), ctx.stderr)
            continue
        name = _expand(target, ctx)
        path = ctx.path(name)
        if op == "<":
            content = ctx.files.read(path)
            if content is None:
                ctx.stderr(f"sh: can't open {name}: no such file\n")
                return 1
            stdin = content
            continue
        if path == "/dev/null":
            fds[fd] = _null_sink
            continue
        exists = op == ">>" and ctx.files.read(path) is not None
        if not (ctx.files.writable(path) if exists else ctx.files.write(path, "")):
            ctx.stderr(f"sh: can't create {name}: Read-only file system\n")
            return 1
        fds[fd] = _FileSink(ctx.files, path, not exists)
    return fds[1], fds[2], stdin


def _run_simple(node, ctx: Context):
    _, argv, redirect = node
    words = [_expand(w, ctx) for w in argv]
    while words and "=" in words[0] and _is_assignment(words[0]):
        name, _, value = words.pop(0).partition("=")
        ctx.env[name] = value
    if not words:
        return 0
    if not redirect:
        stdout = ctx.stdout

        def out(text, newline=True):
            stdout(text + "\n" if newline else text)
        return _COMMANDS[words[0]](words[1:], ctx, out)
    setup = _setup_redirects(redirect, ctx)
    if setup.__class__ is int:
        return setup
    stdout, stderr, stdin = setup

    def out(text, newline=True):
        stdout(text + "\n" if newline else text)

    saved = ctx.stderr, ctx.stdin
    ctx.stderr, ctx.stdin = stderr, stdin
    try:
        return _COMMANDS[words[0]](words[1:], ctx, out)
    finally:
        ctx.stderr, ctx.stdin = saved


def _start_stage(node, ctx: Context, sink):
    """A pipeline stage after the first: a filter fed by the previous stage, or any
    other simple command run at once (it does not read its input). Returns an object
    with ``feed``/``close``."""
    _, argv, redirect = node
    words = [_expand(w, ctx) for w in argv]
    saved = ctx.stdout
    ctx.stdout = sink
    try:
        setup = _setup_redirects(redirect, ctx)
    finally:
        ctx.stdout = saved
    if isinstance(setup, int):
        return _Done(setup)
    stdout, stderr, _ = setup
    cls = _FILTERS.get(words[0])
    if cls is not None:  # "cmd | tail -f": a pipe ends, so -f changes nothing
        return cls(words[1:], ctx, stdout, stderr)
    saved = ctx.stdout, ctx.stderr, ctx.stdin
    ctx.stdout, ctx.stderr, ctx.stdin = stdout, stderr, None
    try:
        result = _COMMANDS[words[0]](words[1:], ctx, lambda t, nl=True: stdout(t + "\n" if nl else t))
    except ShellExit as e:
        result = e.code
    finally:
        ctx.stdout, ctx.stderr, ctx.stdin = saved
    return _Done(result)


class _Done:
    """A pipeline stage that already ran (or waits: ``("sleep", s)``); it ignores its input."""

    def __init__(self, result):
        self.result = result

    def feed(self, text):
        pass

    def close(self):
        return 0 if isinstance(self.result, tuple) or hasattr(self.result, "send") else self.result


def _execute(node, ctx: Context):
    """Generator: yields ("sleep", s); returns the exit status of ``node``."""
    kind = node[0]
    if kind == "list":
        status = 0
        for item in node[1]:
            status = yield from _execute(item, ctx)
            ctx.status = status
            if status != 0 and ctx.errexit and item[0] in ("cmd", "pipe", "redir"):
                raise ShellExit(status)
        return status
    if kind == "cmd":
        result = _run_simple(node, ctx)
        if result.__class__ is int:
            return result
        if result.__class__ is tuple:
            yield result
            return 0
        return (yield from result)  # a generator (tail -f)
    if kind == "ext":
        name = _expand(node[1][0], ctx)
        if ctx.has(name) is False:
            ctx.stderr(not_found_message(ctx.shell, ctx.argv0, name) + "\n")
            return 127
        raise NotModelled(name)
    if kind == "pipe":
        return (yield from _pipeline(node[1], ctx))
    if kind == "not":
        status = yield from _execute(node[1], ctx)
        return 0 if status else 1
    if kind == "redir":
        setup = _setup_redirects(node[2], ctx)
        if isinstance(setup, int):
            return setup
        saved = ctx.stdout, ctx.stderr, ctx.stdin
        ctx.stdout, ctx.stderr, ctx.stdin = setup
        try:
            return (yield from _execute(node[1], ctx))
        finally:
            ctx.stdout, ctx.stderr, ctx.stdin = saved
    if kind in ("&&", "||"):
        left = yield from _execute(node[1], ctx)
        ctx.status = left
        if (left == 0) == (kind == "&&"):
            right = yield from _execute(node[2], ctx)
            return right
        return left
    if kind in ("while", "until"):
        status = 0
        steps = 0
        while True:
            cond = yield from _execute(node[1], ctx)
            if (cond == 0) != (kind == "while"):
                return status
            before = ctx.sleeps
            status = yield from _execute(node[2], ctx)
            steps += 1
            if ctx.sleeps == before and steps > MAX_STEPS_WITHOUT_SLEEP:
                # A busy loop that never sleeps: it would spin forever. Hang here.
                yield ("sleep", None)
            elif ctx.sleeps != before:
                steps = 0
    if kind == "for":
        _, var, words, body = node
        status = 0
        values = []
        for w in words:
            text = _expand(w, ctx)
            # Unquoted expansions are split into fields ("for i in $(seq 1 3)"); quoting
            # is not tracked, so every expanded word is split.
            values.extend(text.split() if text != w else [text])
        for v in values:
            ctx.env[var] = v
            status = yield from _execute(body, ctx)
        return status
    if kind == "if":
        _, branches, other = node
        for cond, body in branches:
            c = yield from _execute(cond, ctx)
            if c == 0:
                return (yield from _execute(body, ctx))
        if other is not None:
            return (yield from _execute(other, ctx))
        return 0
    raise Uninterpretable(kind)


def _pipeline(stages, ctx: Context):
    """``a | b | c``: the stages after the first are started first (``tee`` truncates its
    file at once), then the first stage runs (it may sleep, or run forever, as in
    ``tail -f F | grep x``) and everything it writes flows through the others at once.
    Each stage runs in a subshell (``cd``, variables and ``exit`` stay inside it); the
    status is the last stage's."""
    start = ctx.now()
    sink = ctx.stdout
    later = []
    for stage in reversed(stages[1:]):
        f = _start_stage(stage, ctx, sink)
        later.append(f)
        sink = f.feed
    later.reverse()
    saved = ctx.stdout, ctx.cwd, ctx.env, ctx.errexit
    ctx.stdout, ctx.env = sink, dict(ctx.env)
    try:
        status = yield from _execute(stages[0], ctx)
    except ShellExit as e:
        status = e.code
    finally:
        ctx.stdout, ctx.cwd, ctx.env, ctx.errexit = saved
    for f in later:
        status = f.close()
    for f in later:  # a later ``sleep N`` ran alongside the first stage
        result = getattr(f, "result", None)
        if isinstance(result, tuple) or hasattr(result, "send"):
            secs = result[1] if isinstance(result, tuple) else None
            if secs is None:
                yield ("sleep", None)
            elif start + secs > ctx.now():
                yield ("sleep", start + secs - ctx.now())
    return status


def not_found_message(flavour: str, argv0: str, name: str) -> str:
    """``sh: slep: not found`` (busybox ash), ``sh: 1: slep: not found`` (dash),
    ``bash: line 1: slep: command not found`` (bash): exit status 127."""
    if flavour == "dash":
        return f"{argv0}: 1: {name}: not found"
    if flavour == "bash":
        return f"{argv0}: line 1: {name}: command not found"
    return f"{argv0}: {name}: not found"


def _run(tree, ctx: Context):
    """Top-level generator; returns the process exit code."""
    try:
        status = yield from _execute(tree, ctx)
    except ShellExit as e:
        return e.code
    return status


def _counting(gen, ctx):
    """Wrap the generator to count sleeps (used to detect busy loops)."""
    ctx.sleeps = 0
    try:
        step = next(gen)
        while True:
            ctx.sleeps += 1
            resume = yield step
            step = gen.send(resume)
    except StopIteration as stop:
        return stop.value


class Program:
    """What a container's main process does (decided by :mod:`k8s_helpers.kubelet.process`).

    ``kind``: ``"script"`` (interpreted), ``"server"`` (the image's service: runs until
    stopped, listens on ``listens``), ``"exit"`` (prints ``logs`` and exits with
    ``exit_code``), ``"opaque"`` (a program the simulator cannot run: it keeps running and
    ``notice`` says so in Spanish) or ``"start-error"`` (the runtime cannot start it:
    ``error`` is runc's message). ``description`` says why, in Spanish."""

    __slots__ = ("kind", "tree", "description", "handles_sigterm", "workdir", "logs", "exit_code",
                 "listens", "notice", "error", "stop_code", "shell", "argv0", "values", "image")

    def __init__(self, kind, tree=None, description="", handles_sigterm=True, *, logs="", exit_code=0,
                 listens=None, notice=None, error=None, stop_code=143, shell="ash", argv0="sh"):
        self.workdir = "/"
        self.kind = kind
        self.tree = tree
        self.description = description
        # A shell script run as PID 1 has no SIGTERM handler: it ignores SIGTERM and is
        # killed when the grace period ends. Servers stop promptly with ``stop_code``.
        self.handles_sigterm = handles_sigterm
        self.logs = logs
        self.exit_code = exit_code
        #: ports listened on: list of listener dicts, or None when unknown (image not in catalog)
        self.listens = listens
        self.notice = notice
        self.error = error
        self.stop_code = stop_code
        self.shell = shell
        self.argv0 = argv0
        self.values: dict = {}  # for the log template: {"version": "1.27.5"}
        self.image = None  # the catalog's ImageInfo (None: image not in the catalog)

    @property
    def is_server(self) -> bool:
        """Runs until it is stopped (the image's service or a program not modelled)."""
        return self.kind in ("server", "opaque")

    def start(self, ctx: Context):
        """A generator for one run of the process: yields ("sleep", s), returns the exit code."""
        ctx.sleeps = 0
        ctx.shell, ctx.argv0 = self.shell, self.argv0
        if self.workdir != "/":
            ctx.cwd = self.workdir
        return _counting(self._body(ctx), ctx)

    def _body(self, ctx: Context):
        if self.logs:
            text = ctx.render(self.logs, self.values)
            ctx.log(text if text.endswith("\n") else text + "\n")
        if self.notice:
            ctx.log(self.notice + "\n")
        if self.kind == "exit":
            return self.exit_code
        if self.kind != "script":
            yield ("sleep", None)
            return 0
        try:
            return (yield from _run(self.tree, ctx))
        except NotModelled as e:
            ctx.log(not_modelled_notice(e.args[0]) + "\n")
            yield ("sleep", None)
            return 0


def not_modelled_notice(program: str) -> str:
    """The Spanish line the simulator writes where it cannot model a program."""
    return (f"[simulador] No sé ejecutar «{program}»: el contenedor se da por en marcha hasta que "
            f"se detenga, sin comprobar lo que haría de verdad.")


def program_for(container: dict) -> Program:
    """The Program a container spec runs (see :mod:`k8s_helpers.kubelet.process`)."""
    from .process import process_for

    return process_for(container)


def run_sync(argv: list[str], ctx: Context, image=None):
    """Run a command to completion without virtual time (exec probes, ``kubectl exec``).

    Returns (exit code, None) or, when the runtime cannot start it, (None, runc's message);
    returns None when the command is not interpretable (the caller then relies on the health
    annotations). A ``sleep`` inside counts as instantaneous."""
    from .process import exec_program

    prog = exec_program([str(a) for a in argv], image, ctx.files)
    if prog.kind == "start-error":
        return None, prog.error
    if prog.kind in ("server", "opaque"):
        return None
    gen = prog.start(ctx)
    try:
        step = next(gen)
        for _ in range(1000):
            if step[1] is None:
                return None  # waits forever: like a probe that times out
            step = gen.send(None)
    except StopIteration as stop:
        return stop.value, None
    return None
