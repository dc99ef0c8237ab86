"""What a container's process does: a tiny POSIX-shell interpreter on virtual time.

The simulator never runs real programs. It decides from the image, ``command``
and ``args`` what the container's main process would do:

- **Servers**: an image with no ``command`` (nginx, httpd, redis, postgres, any
  image not listed below) runs until it is stopped.
- **Shell images** (busybox, alpine, ubuntu, debian, bash, ...) without
  ``command``/``args`` run their default shell with no terminal: it exits 0 at
  once, like ``docker run busybox``. With ``stdin: true`` and ``tty: true`` the
  shell waits for input and keeps running. ``hello-world`` prints its greeting
  and exits 0.
- **Scripts**: ``sh -c``/``/bin/sh -c``/``bash -c`` scripts (in ``command``
  and/or ``args``) and direct commands such as ``["sleep", "3600"]`` are
  interpreted: ``sleep N`` (also ``Ns``/``Nm``/``Nh``/``infinity``), ``exit N``,
  ``echo``/``printf`` (to the logs or, with ``>``/``>>``, to a file), ``true``,
  ``false``, ``:``, ``cat``, ``touch``, ``rm``, ``mkdir``, ``ls``,
  ``test``/``[``, ``hostname``, ``date`` (busybox format, ``date +FORMAT``),
  ``seq``, ``printenv``, ``env``, ``set -e``; ``;``, newlines, ``&&``, ``||``,
  ``while``/``until``, ``for ... in``, ``if/then/else/fi``; ``$VAR``, ``${VAR}``
  and ``${VAR:-defecto}`` from the container's ``env`` values; arithmetic
  ``$((i+1))``; command substitution ``$(date)`` / backticks of interpretable
  commands (run at once: a ``sleep`` inside takes no time); redirections
  ``>``/``>>`` (also ``2>``), ``>&2``/``2>&1`` (stdout and stderr both go to the
  container log, as with ``kubectl logs``) and ``/dev/null``. Files live in the
  container's own filesystem (lost when it restarts) or, under a volume's
  ``mountPath``, in that volume (an emptyDir is shared by the containers that
  mount it, POD-5).
- **Anything else** (pipes, background ``&``, ``i++`` arithmetic, an unknown
  program such as ``python app.py``): treated as a server that runs until
  stopped. This is a simplification the notebooks mention.

Execution is a generator: it yields ``("sleep", seconds)`` and the kubelet
resumes it when the virtual clock gets there; its return value is the exit code.
"""
from __future__ import annotations

import re
import shlex

__all__ = ["Program", "program_for", "parse_script", "Uninterpretable", "run_sync", "SHELL_IMAGES"]

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


class ShellExit(Exception):
    def __init__(self, code: int):
        super().__init__(code)
        self.code = code


# --------------------------------------------------------------------------- parsing
_OPS = {";", "&&", "||", ">", ">>", "\n"}
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


def _encode_substitutions(script: str) -> str:
    """Replace ``$((...))``, ``$(...)`` and backticks (outside single quotes) by opaque
    words; each inner text must itself be interpretable."""
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
        if ch == "'" and script.count('"', 0, i) % 2 == 0:
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


def _tokens(script: str) -> list[str]:
    script = _encode_substitutions(script.replace("\r", ""))
    if "$(" in script or "`" in script:
        raise Uninterpretable("command substitution")
    out: list[str] = []
    for li, line in enumerate(script.split("\n")):
        lex = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
        lex.whitespace_split = True
        lex.commenters = "#"
        try:
            toks = list(lex)
        except ValueError as e:  # unbalanced quotes
            raise Uninterpretable(str(e)) from None
        for t in toks:
            if t in (";;", "&", "|", "<", "<<", "&>", "|&", "<>") or (
                    set(t) <= set(";&|<>") and t not in _OPS and t != ">&"):
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
            raise Uninterpretable(f"expected {expected}, got {t}")
        self.i += 1
        return t

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
                raise Uninterpretable(f"unexpected {self.peek()}")
        return ("list", items)

    def parse_and_or(self):
        node = self.parse_command()
        while self.peek() in ("&&", "||"):
            op = self.take()
            self.skip_seps()
            node = (op, node, self.parse_command())
        return node

    def parse_command(self):
        t = self.peek()
        if t in ("while", "until"):
            self.take()
            cond = self.parse_list(stop=("do",))
            self.take("do")
            body = self.parse_list(stop=("done",))
            self.take("done")
            return (t, cond, body)
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
            return ("for", var, words, body)
        if t == "if":
            self.take()
            branches = []
            cond = self.parse_list(stop=("then",))
            self.take("then")
            body = self.parse_list(stop=("elif", "else", "fi"))
            branches.append((cond, body))
            other = None
            while True:
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
                    raise Uninterpretable(k)
            return ("if", branches, other)
        argv, redirects = [], []
        while self.peek() is not None and self.peek() not in (";", "&&", "||") and not (
                not argv and self.peek() in _KEYWORDS):
            tok = self.take()
            if tok in (">", ">>", ">&"):
                # "2>file" and "2>&1" tokenise as "2", ">"...: a lone 1 or 2 right
                # before the operator is taken as the file descriptor.
                fd = int(argv.pop()) if argv and argv[-1] in ("1", "2") else 1
                target = self.take()
                if target in (";", "&&", "||", ">", ">>", ">&"):
                    raise Uninterpretable("redirection")
                if tok == ">&":
                    if target not in ("1", "2"):
                        raise Uninterpretable("redirection")
                    continue  # stdout and stderr both go to the container log
                redirects.append((fd, tok, target))
            elif tok in _KEYWORDS and argv == []:
                raise Uninterpretable(tok)
            else:
                argv.append(tok)
        if not argv:
            raise Uninterpretable("empty command")
        if argv[0] not in _COMMANDS and not _is_assignment(argv[0]):
            raise Uninterpretable(f"unknown command {argv[0]}")
        return ("cmd", argv, redirects or None)


def _is_assignment(word: str) -> bool:
    return re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", word) is not None


def parse_script(script: str):
    """Parse a shell script into a tree, or raise Uninterpretable."""
    p = _Parser(_tokens(script))
    tree = p.parse_list()
    if p.peek() is not None:
        raise Uninterpretable(p.peek())
    return tree


# --------------------------------------------------------------------------- execution
class Context:
    """What a running script can touch: logs, files, environment, clock."""

    def __init__(self, log, files, env, hostname="", now=lambda: 0, timestamp=lambda t: str(t)):
        self.log = log          # callable(text): raw output (stdout and stderr), newlines included
        self.files = files      # FileSystem
        self.env = dict(env)
        self.hostname = hostname
        self.now = now
        self.timestamp = timestamp
        self.errexit = False
        self.status = 0


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
        ctx.log(f"sh: arithmetic syntax error\n" if str(e) != "divide by zero" else "sh: divide by zero\n")
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
        ctx.log(f"sleep: invalid number '{e}'\n")
        return 1
    if not args:
        ctx.log("sleep: missing operand\n")
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


def _cmd_cat(args, ctx, out):
    status = 0
    for path in args:
        content = ctx.files.read(path)
        if content is None:
            ctx.log(f"cat: can't open '{path}': No such file or directory\n")
            status = 1
        else:
            out(content, False)
    return status


def _cmd_touch(args, ctx, out):
    for path in args:
        if ctx.files.read(path) is None:
            ctx.files.write(path, "")
    return 0


def _cmd_rm(args, ctx, out):
    force = any(a.startswith("-") and "f" in a for a in args)
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        if not ctx.files.remove(path) and not force:
            ctx.log(f"rm: can't remove '{path}': No such file or directory\n")
            status = 1
    return status


def _cmd_ls(args, ctx, out):
    status = 0
    for path in (a for a in args if not a.startswith("-")):
        if ctx.files.read(path) is None and not ctx.files.is_dir(path):
            ctx.log(f"ls: {path}: No such file or directory\n")
            status = 1
        else:
            out(path)
    return status


def _cmd_test(args, ctx, out):
    if args and args[-1] == "]":
        args = args[:-1]
    neg = False
    if args and args[0] == "!":
        neg, args = True, args[1:]
    if len(args) == 2 and args[0] in ("-f", "-e", "-s", "-r", "-d"):
        if args[0] == "-d":
            ok = ctx.files.is_dir(args[1])
        else:
            content = ctx.files.read(args[1])
            ok = content is not None and (args[0] != "-s" or content != "")
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
        ctx.log(f"seq: invalid number '{e}'\n")
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


_COMMANDS = {
    "sleep": _cmd_sleep,
    "exit": _cmd_exit,
    "echo": _cmd_echo,
    "printf": _cmd_printf,
    "true": lambda a, c, o: 0,
    ":": lambda a, c, o: 0,
    "false": lambda a, c, o: 1,
    "cat": _cmd_cat,
    "touch": _cmd_touch,
    "rm": _cmd_rm,
    "mkdir": lambda a, c, o: (c.files.mkdir([x for x in a if not x.startswith("-")]), 0)[1],
    "ls": _cmd_ls,
    "test": _cmd_test,
    "[": _cmd_test,
    "hostname": lambda a, c, o: (o(c.hostname), 0)[1],
    "date": _cmd_date,
    "seq": _cmd_seq,
    "printenv": _cmd_printenv,
    "env": lambda a, c, o: _cmd_printenv([], c, o) if not a else 127,
    "set": _cmd_set,
}


def _run_simple(node, ctx: Context):
    _, argv, redirect = node
    words = [_expand(w, ctx) for w in argv]
    while words and _is_assignment(words[0]):
        name, _, value = words.pop(0).partition("=")
        ctx.env[name] = value
    if not words:
        return 0
    if isinstance(redirect, tuple):  # (op, path): stdout only
        redirect = [(1, redirect[0], redirect[1])]
    targets = {fd: (op, _expand(path, ctx)) for fd, op, path in (redirect or [])}
    buffers: dict[int, list[str]] = {1: [], 2: []}
    log = ctx.log

    if 1 not in targets:
        def out(text, newline=True):
            ctx.log(text + "\n" if newline else text)
    else:
        def out(text, newline=True):
            buffers[1].append(text + ("\n" if newline else ""))
    if 2 in targets:  # error messages (written with ctx.log) go to the file
        ctx.log = buffers[2].append
    try:
        result = _COMMANDS[words[0]](words[1:], ctx, out)
    finally:
        ctx.log = log
    for fd, (op, path) in targets.items():
        if path == "/dev/null":
            continue
        previous = ctx.files.read(path) if op == ">>" else None
        ctx.files.write(path, (previous or "") + "".join(buffers[fd]))
    return result


def _execute(node, ctx: Context):
    """Generator: yields ("sleep", s); returns the exit status of ``node``."""
    kind = node[0]
    if kind == "list":
        status = 0
        for item in node[1]:
            status = yield from _execute(item, ctx)
            ctx.status = status
            if status != 0 and ctx.errexit and item[0] == "cmd":
                raise ShellExit(status)
        return status
    if kind == "cmd":
        result = _run_simple(node, ctx)
        if isinstance(result, tuple):
            yield result
            return 0
        return result
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
    """What a container's main process does.

    ``kind`` is ``"server"`` (runs until stopped) or ``"script"`` (interpreted);
    ``description`` says why, for the notebooks (Spanish)."""

    __slots__ = ("kind", "tree", "description", "handles_sigterm")

    def __init__(self, kind, tree=None, description="", handles_sigterm=True):
        self.kind = kind
        self.tree = tree
        self.description = description
        # A shell script run as PID 1 has no SIGTERM handler: it ignores SIGTERM and
        # is killed when the grace period ends. Servers stop promptly.
        self.handles_sigterm = handles_sigterm

    @property
    def is_server(self) -> bool:
        return self.kind == "server"

    def start(self, ctx: Context):
        """A generator for one run of the process (scripts only)."""
        ctx.sleeps = 0
        return _counting(_run(self.tree, ctx), ctx)


def _image_base(image: str) -> str:
    name = (image or "").split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def _argv_program(argv: list[str]) -> Program:
    if not argv:
        return Program("script", ("list", []), "proceso vacío")
    head = argv[0].rsplit("/", 1)[-1]
    if head in SHELLS:
        rest = argv[1:]
        errexit = False
        while rest and rest[0].startswith("-") and rest[0] not in ("-c",) and "c" not in rest[0]:
            errexit = errexit or "e" in rest[0]
            rest = rest[1:]
        if rest and rest[0].startswith("-") and "c" in rest[0]:
            errexit = errexit or "e" in rest[0]
            if len(rest) < 2:
                return Program("script", ("list", [("cmd", ["exit", "2"], None)]), "sh -c sin guion")
            try:
                tree = parse_script(rest[1])
            except Uninterpretable as e:
                return Program("server", None, f"guion no interpretable ({e}): se simula como servidor")
            if errexit:
                tree = ("list", [("cmd", ["set", "-e"], None), tree])
            return Program("script", tree, "guion sh -c", handles_sigterm=False)
        if not rest:
            return Program("script", ("list", []), "shell sin terminal: termina enseguida")
        return Program("server", None, "script en un fichero: se simula como servidor")
    if head not in _COMMANDS:
        return Program("server", None, f"programa «{head}»: se simula como servidor")
    try:
        tree = parse_script(" ".join(shlex.quote(a) for a in [head] + argv[1:]))
    except Uninterpretable as e:
        return Program("server", None, f"no interpretable ({e}): se simula como servidor")
    return Program("script", tree, "orden directa", handles_sigterm=False)


def program_for(container: dict) -> Program:
    """The Program a container spec runs (see the module docstring)."""
    image = container.get("image") or ""
    command = container.get("command")
    args = container.get("args")
    base = _image_base(image)
    if command:
        return _argv_program([str(x) for x in command] + [str(x) for x in (args or [])])
    if base == "hello-world":
        return Program("script", ("list", [("cmd", ["echo", "Hello from Docker!"], None),
                                           ("cmd", ["echo", "This message shows that your installation "
                                                    "appears to be working correctly."], None)]),
                       "hello-world")
    if base in SHELL_IMAGES:
        if args:
            return _argv_program([str(x) for x in args])
        if container.get("stdin") and container.get("tty"):
            return Program("server", None, "shell interactiva (stdin y tty): sigue en marcha")
        return Program("script", ("list", []), "shell por defecto sin terminal: termina con 0 enseguida")
    return Program("server", None, "imagen de servidor: se ejecuta hasta que se detiene")


def run_sync(argv: list[str], ctx: Context):
    """Run a command to completion without virtual time (exec probes).

    Returns the exit code, or None when the command is not interpretable (the
    caller then relies on the health annotations). A ``sleep`` inside counts as
    instantaneous."""
    prog = _argv_program([str(a) for a in argv])
    if prog.is_server:
        return None
    gen = prog.start(ctx)
    try:
        next(gen)
        for _ in range(1000):
            gen.send(None)
    except StopIteration as stop:
        return stop.value
    return None  # never finishes: like a probe that times out
