"""Which process a container runs, from its image and its ``command``/``args`` (POD-7, IMG-5).

1. **The argv** (docs: "Define a Command and Arguments for a Container"): ``command``
   replaces the image's ENTRYPOINT and ``args`` its CMD; ``command`` without ``args``
   ignores CMD. An entrypoint that is a wrapper script ending in ``exec "$@"``
   (``docker-entrypoint.sh``) runs its arguments, with the image's program in front when the
   first one starts with ``-``.
2. **runc looks the program up** in the image: a name through ``$PATH``, a path as it is. When
   it is not there the container never starts: containerd reports ``StartError`` (exit code
   128) with runc's message (:func:`start_error_message`), the kubelet shows
   ``RunContainerError`` and retries with back-off (pod_worker). A one-string
   ``command: ["sleep 3600"]`` is looked up as one program called ``sleep 3600``.
3. **What the program does**, from the catalog (:mod:`k8s_helpers.catalog`): a shell runs its
   script (:mod:`.shell`: a syntax error exits 2 with the shell's text, a program missing
   from the image exits 127); the image's service listens and logs as the real one, and exits
   1 with the entrypoint's real error when required environment variables are missing;
   an interpreter with a script file that is not there prints the real error
   (``python: can't open file '/app.py': [Errno 2] No such file or directory``, exit 2);
   programs the simulator cannot run keep running and say so in Spanish (``notice``).

Images the catalog does not know keep the older, permissive behaviour: nothing can be said
about what they contain, so their programs are never "not found".
"""
from __future__ import annotations

import posixpath
import shlex

from .shell import (SHELL_IMAGES, SHELLS, ShellSyntaxError, Program, Uninterpretable, _COMMANDS,
                    external_commands, not_modelled_notice, parse_script)

__all__ = ["process_for", "exec_program", "effective_argv", "start_error_message", "exec_error_message",
           "START_ERROR_EXIT_CODE"]

#: containerd reports a container that runc could not start with exit code 128 (StartError)
START_ERROR_EXIT_CODE = 128
_LOOKUP = object()


def start_error_message(detail: str) -> str:
    """containerd 2 + runc 1.2 text of a container that could not start (kubelet event
    ``Error: <this>`` and the status message; runc >= 1.2 adds "error during container init")."""
    return ("failed to create containerd task: failed to create shim task: OCI runtime create failed: "
            f"runc create failed: unable to start container process: error during container init: "
            f"{detail}: unknown")


def exec_error_message(detail: str, exec_id: str) -> str:
    """containerd's text when ``kubectl exec`` or an exec probe names a program the image
    does not have (``runc exec`` has no "error during container init")."""
    return (f'failed to exec in container: failed to start exec "{exec_id}": OCI runtime exec failed: '
            f"exec failed: unable to start container process: {detail}: unknown")


def _lookup_detail(program: str) -> str:
    if "/" in program:
        return f'exec: "{program}": stat {program}: no such file or directory'
    return f'exec: "{program}": executable file not found in $PATH'


def effective_argv(container: dict, image) -> list[str]:
    """command + args as Kubernetes combines them with the image's ENTRYPOINT and CMD."""
    command = [str(x) for x in container.get("command") or []]
    args = [str(x) for x in container.get("args") or []]
    if command:
        return command + args
    entrypoint = image.entrypoint if image is not None else []
    cmd = image.cmd if image is not None else []
    return entrypoint + (args if args else cmd)


def process_for(container: dict, image=_LOOKUP, files=None, env: dict | None = None) -> Program:
    """The :class:`Program` the container runs (see the module docstring)."""
    if image is _LOOKUP:
        from k8s_helpers.catalog import lookup

        image = lookup(container.get("image") or "")
    if env is None:
        env = {e["name"]: e for e in container.get("env") or [] if isinstance(e, dict) and e.get("name")}
    workdir = container.get("workingDir")
    if not (isinstance(workdir, str) and workdir.startswith("/")):
        workdir = image.workdir if image is not None else "/"
    if image is None:
        prog = _unknown_image(container)
    else:
        argv = effective_argv(container, image)
        prog = _resolve(argv, image, files, env, container, workdir)
        prog.values = {"version": image.version}
        prog.image = image
    prog.workdir = posixpath.normpath(workdir)
    return prog


def exec_program(argv: list[str], image, files) -> Program:
    """The program ``kubectl exec`` or an exec probe runs in a running container."""
    if image is None:
        return _argv_program(argv)
    prog = _resolve(argv, image, files, {}, {}, "/", exec_mode=True)
    prog.image = image
    return prog


# --------------------------------------------------------------------------- known images
def _resolve(argv, image, files, env, container, workdir, exec_mode=False) -> Program:
    if not argv:
        return Program("start-error", error=start_error_message('exec: "": executable file not found in $PATH'),
                       description="sin programa que ejecutar")
    wrapper = image.wrapper
    if wrapper and not exec_mode and argv[0] in image.entrypoint[:1] and image.has(argv[0]):
        rest = argv[1 + int(wrapper.get("skip") or 0):]
        if rest and rest[0].startswith("-"):
            rest = [str(wrapper["default"])] + rest
        if not rest:
            return Program("exit", description="el entrypoint no recibe ningún programa")
        argv = rest
    program = argv[0]
    if not image.has(program):
        if program.startswith("/") and files is not None and files.read(program) is not None:
            detail = f'exec: "{program}": permission denied'
        else:
            detail = _lookup_detail(program)
        if exec_mode:
            return Program("start-error", error=detail, description="el programa no está en la imagen")
        return Program("start-error", error=start_error_message(detail),
                       description=f"«{program}» no está en la imagen {image.name}")
    name = posixpath.basename(program)
    if name in SHELLS:
        return _shell(argv, image, files, container, workdir)
    if program in image.exits:
        spec = image.exits[program]
        return Program("exit", logs=spec.get("log") or "", exit_code=int(spec.get("exit_code") or 0),
                       description=f"{program} escribe su mensaje y termina")
    if image.is_server(program):
        return _server(argv, image, env, container)
    if image.is_interpreter(program):
        return _interpreter(argv, image, files, container, workdir)
    if name in _COMMANDS:
        return _argv_program([name] + argv[1:])
    return Program("opaque", notice=not_modelled_notice(" ".join([program] + argv[1:2])),
                   description=f"programa «{name}» de la imagen: no se simula", listens=[])


def _shell(argv, image, files, container, workdir) -> Program:
    flavour = "bash" if posixpath.basename(argv[0]) == "bash" else (image.shell or "ash")
    argv0 = argv[0]
    rest = argv[1:]
    errexit = False
    while rest and rest[0].startswith("-") and rest[0] != "-c" and "c" not in rest[0]:
        errexit = errexit or "e" in rest[0]
        rest = rest[1:]
    if rest and rest[0].startswith("-") and "c" in rest[0]:
        errexit = errexit or "e" in rest[0]
        if len(rest) < 2:
            msg = {"dash": f"{argv0}: 0: -c requires an argument", "bash": f"{argv0}: -c: option requires an argument"}
            return Program("exit", logs=msg.get(flavour, f"{argv0}: -c requires an argument"), exit_code=2,
                           description="sh -c sin guion", shell=flavour, argv0=argv0)
        return _script(rest[1], image, flavour, argv0, errexit, "guion sh -c")
    if not rest:
        if container.get("stdin") and container.get("tty"):
            return Program("server", description="shell interactiva (stdin y tty): sigue en marcha", listens=[],
                           shell=flavour, argv0=argv0, handles_sigterm=False)
        return Program("exit", description="shell sin terminal: termina con 0 enseguida", shell=flavour, argv0=argv0)
    path = rest[0] if rest[0].startswith("/") else posixpath.join(workdir or "/", rest[0])
    content = files.read(path) if files is not None else None
    if content is not None:
        return _script(content, image, flavour, argv0, errexit, f"guion {rest[0]}")
    if image.has_file(path):
        return Program("opaque", notice=not_modelled_notice(f"{argv0} {rest[0]}"), listens=[],
                       description=f"guion {rest[0]} de la imagen: no se simula")
    messages = {"ash": (f"{argv0}: can't open '{rest[0]}': No such file or directory", 2),
                "dash": (f"{argv0}: 0: cannot open {rest[0]}: No such file", 2),
                "bash": (f"{argv0}: {rest[0]}: No such file or directory", 127)}
    text, code = messages.get(flavour, messages["ash"])
    return Program("exit", logs=text, exit_code=code, description=f"el guion {rest[0]} no existe",
                   shell=flavour, argv0=argv0)


def _script(script, image, flavour, argv0, errexit, description) -> Program:
    try:
        tree = parse_script(script)
    except ShellSyntaxError as e:
        return Program("exit", logs=e.message(flavour, argv0), exit_code=2,
                       description="error de sintaxis del shell", shell=flavour, argv0=argv0)
    except Uninterpretable as e:
        return Program("opaque", notice=(
            f"[simulador] Este guion usa algo que el simulador no interpreta ({e}): el contenedor se da "
            "por en marcha hasta que se detenga, sin ejecutar el guion."), listens=[],
            description=f"guion no interpretable ({e})", shell=flavour, argv0=argv0, handles_sigterm=False)
    present = [p for p in external_commands(tree) if image.has(p)]
    servers = [p for p in present if image.is_server(p)]
    if servers:
        return Program("server", listens=image.listens, stop_code=image.stop_exit_code,
                       description=f"guion que acaba lanzando {servers[0]}", shell=flavour, argv0=argv0)
    if present:
        return Program("opaque", notice=not_modelled_notice(present[0]), listens=[],
                       description=f"guion que usa «{present[0]}»: no se simula", shell=flavour, argv0=argv0,
                       handles_sigterm=False)
    if errexit:
        tree = ("list", [("cmd", ["set", "-e"], None), tree])
    return Program("script", tree, description, handles_sigterm=False, listens=[], shell=flavour, argv0=argv0)


def _env_set(env: dict, name: str) -> bool:
    e = env.get(name)
    if e is None:
        return False
    if isinstance(e, dict) and "value" in e:
        return str(e["value"]) != ""
    return True  # valueFrom: resolved by the kubelet (a missing reference is another error)


def _server(argv, image, env, container) -> Program:
    listens, logs = image.listens, image.logs
    subcommands = image.subcommands
    if subcommands:
        sub = argv[1] if len(argv) > 1 else ""
        if sub not in subcommands:
            text = (f'Error: unknown command "{sub}" for "{posixpath.basename(argv[0])}"\n'
                    f"Run '{posixpath.basename(argv[0])} --help' for usage.")
            return Program("exit", logs=text, exit_code=1, description="subcomando desconocido")
        listens = subcommands[sub].get("listens") or []
        logs = subcommands[sub].get("logs") or ""
    required = image.requires_env
    if required and not any(_env_set(env, n) for n in required.get("any_of") or []):
        trust = env.get("POSTGRES_HOST_AUTH_METHOD")
        if not (image.name.endswith("/postgres") and isinstance(trust, dict) and trust.get("value") == "trust"):
            return Program("exit", logs=required.get("log") or "", exit_code=int(required.get("exit_code", 1)),
                           description="faltan variables de entorno obligatorias de la imagen")
    return Program("server", logs=logs, listens=[dict(x) for x in listens], stop_code=image.stop_exit_code,
                   description=f"{posixpath.basename(argv[0])}: el servicio de la imagen")


_SCRIPT_ERRORS = {
    "python": ("{prog}: can't open file '{path}': [Errno 2] No such file or directory", 2),
    "php": ("Could not open input file: {arg}", 1),
    "perl": ('Can\'t open perl script "{arg}": No such file or directory', 2),
    "ruby": ("{prog}: No such file or directory -- {arg} (LoadError)", 1),
    "java": ("Error: Unable to access jarfile {arg}", 1),
    "node": ("node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '{path}'\n"
             "    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n"
             "    at Module._load (node:internal/modules/cjs/loader:1051:27)\n"
             "    at Function.executeUserEntryPoint [as runMain] (node:internal/modules/run_main:174:12)\n"
             "    at node:internal/main/run_main_module:28:49 {{\n  code: 'MODULE_NOT_FOUND',\n"
             "  requireStack: []\n}}\n\nNode.js v22.16.0", 1),
}


def _interpreter(argv, image, files, container, workdir) -> Program:
    prog = argv[0]
    name = posixpath.basename(prog)
    family = "python" if name.startswith("python") else "node" if name in ("node", "nodejs") else name
    args = argv[1:]
    if family == "java":
        script = args[args.index("-jar") + 1] if "-jar" in args and args.index("-jar") + 1 < len(args) else None
        if script is None:
            return Program("opaque", notice=not_modelled_notice(" ".join(argv[:2])), listens=[],
                           description="java: no se simula")
    else:
        if any(a in ("-c", "-e", "-m", "-r") for a in args):
            return Program("opaque", notice=not_modelled_notice(" ".join(argv[:3])), listens=[],
                           description=f"{name} con código en línea: no se simula")
        script = next((a for a in args if not a.startswith("-")), None)
    if script is None:
        if container.get("stdin") and container.get("tty"):
            return Program("server", listens=[], description=f"{name} interactivo (stdin y tty)")
        return Program("exit", description=f"{name} sin terminal: termina con 0 enseguida")
    path = posixpath.normpath(script if script.startswith("/") else posixpath.join(workdir or "/", script))
    if image.is_script_server(path):
        return Program(
            "server", logs=image.logs, listens=image.listens, stop_code=image.stop_exit_code,
            description=f"{path}: el servicio de la imagen")
    if (files is not None and files.read(path) is not None) or image.has_file(path):
        return Program("opaque", notice=not_modelled_notice(f"{name} {script}"), listens=[],
                       description=f"{name} {script}: no se simula")
    template, code = _SCRIPT_ERRORS.get(family, ("{prog}: can't open file '{path}'", 1))
    return Program("exit", logs=template.format(prog=prog, path=path, arg=script), exit_code=code,
                   description=f"{script} no existe en el contenedor")


# --------------------------------------------------------------------------- unknown images
def _image_base(image: str) -> str:
    name = (image or "").split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def _argv_program(argv: list[str]) -> Program:
    """A direct command or shell of an image the catalog does not know (permissive)."""
    if not argv:
        return Program("exit", description="proceso vacío")
    head = posixpath.basename(argv[0])
    if head in SHELLS:
        rest = argv[1:]
        errexit = False
        while rest and rest[0].startswith("-") and rest[0] != "-c" and "c" not in rest[0]:
            errexit = errexit or "e" in rest[0]
            rest = rest[1:]
        if rest and rest[0].startswith("-") and "c" in rest[0]:
            errexit = errexit or "e" in rest[0]
            if len(rest) < 2:
                return Program("exit", exit_code=2, description="sh -c sin guion")
            try:
                tree = parse_script(rest[1])
            except ShellSyntaxError as e:
                return Program("exit", logs=e.message("ash", argv[0]), exit_code=2,
                               description="error de sintaxis del shell", argv0=argv[0])
            except Uninterpretable as e:
                return Program("opaque", description=f"guion no interpretable ({e}): se simula como servidor",
                               handles_sigterm=False)
            if external_commands(tree):
                return Program("opaque", description="guion con programas de la imagen: se simula como servidor",
                               handles_sigterm=False)
            if errexit:
                tree = ("list", [("cmd", ["set", "-e"], None), tree])
            return Program("script", tree, "guion sh -c", handles_sigterm=False, listens=[], argv0=argv[0])
        if not rest:
            return Program("exit", description="shell sin terminal: termina enseguida")
        return Program("opaque", description="script en un fichero: se simula como servidor", handles_sigterm=False)
    if head not in _COMMANDS:
        return Program("opaque", description=f"programa «{head}»: se simula como servidor")
    try:
        tree = parse_script(" ".join(shlex.quote(a) for a in [head] + argv[1:]))
    except Uninterpretable as e:
        return Program("opaque", description=f"no interpretable ({e}): se simula como servidor")
    return Program("script", tree, "orden directa", handles_sigterm=False, listens=[])


def _unknown_image(container: dict) -> Program:
    image = container.get("image") or ""
    command = container.get("command")
    args = container.get("args")
    base = _image_base(image)
    if command:
        return _argv_program([str(x) for x in command] + [str(x) for x in (args or [])])
    if base in SHELL_IMAGES:
        if args:
            return _argv_program([str(x) for x in args])
        if container.get("stdin") and container.get("tty"):
            return Program("server", description="shell interactiva (stdin y tty): sigue en marcha")
        return Program("exit", description="shell por defecto sin terminal: termina con 0 enseguida")
    return Program("server", description="imagen de servidor: se ejecuta hasta que se detiene")
