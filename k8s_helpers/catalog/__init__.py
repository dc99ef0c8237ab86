"""The image catalog: how the images the course uses behave when they run (IMG-5).

The facts live in ``images.yaml`` beside this file (data, each entry with its source:
Dockerfile, entrypoint script or documentation); this module is the only one that reads it.
It is loaded once, lazily, the first time an image is looked up.

``lookup("nginx:1.27")`` gives an :class:`ImageInfo`: entrypoint and cmd, the executables in
its ``$PATH`` (busybox and alpine have ``sh`` but no ``bash``; ``traefik/whoami`` has nothing
but ``/whoami``), the flavour of its ``/bin/sh`` (``ash`` or ``dash``), the programs that run
as its service, the ports they listen on and what they answer over HTTP, its STOPSIGNAL and the
exit code of a graceful stop, the environment its entrypoint requires (with the real error
and exit code), the files the course reads and what it logs when it starts. Images that the
catalog does not know return ``None``: the simulator then cannot tell what they contain.

The tag history of Docker Hub's official images is a separate data set
(:mod:`k8s_helpers.catalog.official_tags`).
"""
from __future__ import annotations

import posixpath
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources

__all__ = ["ImageInfo", "lookup", "registries", "repository_of", "render", "PATH_DIRS",
           "SAMPLE_REGISTRY"]

#: the default $PATH directories of the images in the catalog
PATH_DIRS = ("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin")
#: where the course's own sample images are published (simulated registry only)
SAMPLE_REGISTRY = "registry.k8s-course.io"
_SIGNALS = {"SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGKILL": 9, "SIGUSR1": 10, "SIGTERM": 15,
            "SIGWINCH": 28}


@lru_cache(maxsize=1)
def _data() -> dict:
    import yaml

    text = resources.files(__package__).joinpath("images.yaml").read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)


def registries() -> dict:
    """The ``registries`` section: public registries, token endpoints, curated repositories."""
    return _data()["registries"]


def repository_of(image: str) -> tuple[str, str | None] | None:
    """(normalised ``registry/repository``, tag or None) of a reference, or None if invalid."""
    from k8s_helpers.images import parse_image

    try:
        ref = parse_image(image)
    except (ValueError, TypeError):
        return None
    return ref.name, ref.effective_tag


class ImageInfo:
    """What one image (one variant: ``nginx:1.27`` or ``nginx:1.27-alpine``) contains and does."""

    __slots__ = ("name", "tag", "entry", "shell", "_names", "_paths", "listens")

    def __init__(self, name: str, tag: str | None, entry: dict, base: dict):
        self.name = name
        self.tag = tag
        self.entry = entry
        self.shell = base.get("shell")
        names, paths = set(), set()
        for item in list(base.get("executables") or []) + list(entry.get("executables") or []):
            item = str(item)
            (paths if item.startswith("/") else names).add(item)
        self._names = frozenset(names)
        self._paths = frozenset(paths)
        self.listens = [dict(x) for x in entry.get("listens") or []]

    # -- image config ------------------------------------------------------------------
    @property
    def source(self) -> str:
        return self.entry.get("source", "")

    @property
    def entrypoint(self) -> list[str]:
        return [str(x) for x in self.entry.get("entrypoint") or []]

    @property
    def cmd(self) -> list[str]:
        return [str(x) for x in self.entry.get("cmd") or []]

    @property
    def workdir(self) -> str:
        return self.entry.get("workdir") or "/"

    @property
    def wrapper(self) -> dict | None:
        """The entrypoint is a script ending in ``exec "$@"``: {default, skip}."""
        return self.entry.get("wrapper")

    @property
    def version(self) -> str:
        tag = self.tag or ""
        head = tag.split("-", 1)[0]
        if head[:1].isdigit() and head.count(".") >= 2:
            return head
        return str(self.entry.get("version") or head or "")

    @property
    def files(self) -> dict[str, str]:
        return dict(self.entry.get("files") or {})

    @property
    def logs(self) -> str:
        return self.entry.get("logs") or ""

    @property
    def access_log(self) -> str:
        """Template of the line the server logs per request ("" when it logs none)."""
        return self.entry.get("access_log") or ""

    @property
    def error_page(self) -> str:
        """Template of the server's own error pages ({status} {reason} {version})."""
        return self.entry.get("error_page") or ""

    @property
    def arg_flags(self) -> dict:
        """Command-line flags the server reads (http-echo: ``{text: -text, listen: -listen}``)."""
        return dict(self.entry.get("args") or {})

    @property
    def requires_env(self) -> dict | None:
        return self.entry.get("requires_env")

    @property
    def subcommands(self) -> dict:
        return self.entry.get("subcommands") or {}

    @property
    def exits(self) -> dict:
        return self.entry.get("exits") or {}

    @property
    def stop_signal(self) -> str:
        return (self.entry.get("stop") or {}).get("signal", "SIGTERM")

    @property
    def stop_exit_code(self) -> int:
        """Exit code of a graceful stop; a program that does not handle its stop signal
        dies of it: 128 + the signal's number."""
        stop = self.entry.get("stop") or {}
        if "exit_code" in stop:
            return int(stop["exit_code"])
        return 128 + _SIGNALS.get(self.stop_signal, 15)

    # -- executables ---------------------------------------------------------------------
    def is_server(self, program: str) -> bool:
        return program in (self.entry.get("servers") or []) or posixpath.basename(program) in (
            self.entry.get("servers") or [])

    def is_interpreter(self, program: str) -> bool:
        return posixpath.basename(program) in (self.entry.get("interpreters") or [])

    def is_script_server(self, path: str) -> bool:
        return path in (self.entry.get("script_servers") or [])

    def has(self, program: str) -> bool:
        """Whether ``program`` can be executed: a name found in ``$PATH`` or an existing path."""
        if "/" in program:
            path = posixpath.normpath(program)
            if path in self._paths:
                return True
            return posixpath.dirname(path) in PATH_DIRS and posixpath.basename(path) in self._names
        if program in self._names:
            return True
        return any(posixpath.basename(p) == program and posixpath.dirname(p) in PATH_DIRS
                   for p in self._paths)

    def has_file(self, path: str) -> bool:
        path = posixpath.normpath(path)
        return path in self._paths or path in self.files

    @property
    def executables(self) -> frozenset[str]:
        return self._names | self._paths

    def __repr__(self) -> str:
        return f"ImageInfo({self.name}:{self.tag})"


def _base(name: str | None) -> dict:
    bases = _data()["bases"]
    base = dict(bases.get(name or "scratch") or {})
    parent = base.get("inherits")
    if parent:
        inherited = _base(parent)
        base["executables"] = list(inherited.get("executables") or []) + list(base.get("executables") or [])
        base.setdefault("shell", inherited.get("shell"))
    return base


@lru_cache(maxsize=512)
def lookup(image: str) -> ImageInfo | None:
    """The catalog's :class:`ImageInfo` for an image reference, or None if it is not known.

    >>> lookup("nginx:1.27").has("bash"), lookup("busybox:1.36").has("bash")
    (True, False)
    """
    found = repository_of(image)
    if found is None:
        return None
    name, tag = found
    entry = _data()["images"].get(name)
    if entry is None:
        return None
    base_name = entry.get("base")
    words = set((tag or "").replace(".", "-").split("-"))
    for word, variant_base in (entry.get("variants") or {}).items():
        if word in words:
            base_name = variant_base
    return ImageInfo(name, tag, entry, _base(base_name))


def sample_images() -> dict[str, list[str]]:
    """The course's sample images and their tags (``registry.k8s-course.io/web``: 1.0...)."""
    return {name: [str(t) for t in entry.get("tags") or []]
            for name, entry in _data()["images"].items() if name.startswith(SAMPLE_REGISTRY + "/")}


def catalog_tags(name: str) -> list[str] | None:
    """Tags the catalog lists for a non-official repository (None: not listed)."""
    entry = _data()["images"].get(name)
    if entry is None or "tags" not in entry:
        return None
    return [str(t) for t in entry["tags"]]


def known_repositories() -> frozenset[str]:
    return frozenset(_data()["images"])


class _Blank(dict):
    def __missing__(self, key):
        return "{" + key + "}"


def render(template: str, epoch: datetime, now: float, **values) -> str:
    """Fill a log template: dates in each program's own format at virtual second ``now``."""
    if not template:
        return ""
    t = epoch + timedelta(seconds=float(now))
    t = t.astimezone(timezone.utc)
    ms = f"{t.microsecond // 1000:03d}"
    fields = _Blank(values)
    fields.update({
        "date": t.strftime("%Y-%m-%d %H:%M:%S+00:00"),
        "date_ms": t.strftime("%Y-%m-%d %H:%M:%S.") + ms,
        "nginx_date": t.strftime("%Y/%m/%d %H:%M:%S"),
        "go_date": t.strftime("%Y/%m/%d %H:%M:%S"),
        "apache_date": t.strftime("%a %b %d %H:%M:%S.%f %Y"),
        "redis_date": t.strftime("%d %b %Y %H:%M:%S.") + ms,
        "tomcat_date": t.strftime("%d-%b-%Y %H:%M:%S.") + ms,
        "iso_ms": t.strftime("%Y-%m-%dT%H:%M:%S.") + ms + "Z",
        "time_local": t.strftime("%d/%b/%Y:%H:%M:%S +0000"),
    })
    return template.format_map(fields)
