"""Un registro de imágenes simulado: versiones publicadas y etiquetas que se mueven.

Model code (no Jupyter).  It models what a publisher of an image with semantic
versioning does on each release (the chapter 01 lesson, see IMG-1 for what a
tag is: just a name that points at an image, and IMG-4 for ``latest``):

* the full version tag (``1.21.5``) is created and never moves;
* ``MAJOR.MINOR`` (``1.21``) points to the highest published ``1.21.z``;
* ``MAJOR`` (``1``) points to the highest published ``1.y.z``;
* ``latest`` points to the highest published version overall.

So publishing an older branch's patch (``1.20.9`` after ``1.21.0``) moves
``1.20`` but neither ``1`` nor ``latest``.

Simplification told to the student: real registries store images and tags are
pointers to image digests; here a tag points to a version, and a publisher is
assumed to follow this convention (many do; nothing in a registry enforces it).

Uso en un cuaderno::

    from k8s_helpers.registry import SimulatedRegistry, simulate_timeline
    reg = SimulatedRegistry("nginx", ["1.21.4"])
    reg.publish("1.21.5")
    reg.resolve("1.21")          # Version(1, 21, 5)
    steps = simulate_timeline({"tienda-web": "latest", "blog": "1.21.4"})
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Mapping

__all__ = [
    "Version",
    "parse_version",
    "floating_tags",
    "SimulatedRegistry",
    "Publication",
    "DeploymentChange",
    "ReleaseStep",
    "evaluate_release",
    "simulate_timeline",
    "VERDICTS",
    "DEFAULT_REPOSITORY",
    "DEFAULT_INITIAL_VERSIONS",
    "DEFAULT_RELEASES",
    "DEFAULT_DEPLOYMENTS",
    "TAG_CHOICES",
    "TagMove",
    "tag_history",
    "tag_dates",
    "tag_target_on",
    "published_versions",
    "Registries",
    "PullError",
]

LATEST = "latest"

_VERSION_RE = re.compile(r"v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)", re.ASCII)


@dataclass(frozen=True, order=True)
class Version:
    """Una versión semántica ``MAJOR.MINOR.PATCH`` (se compara como números: 1.10 > 1.9)."""

    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    @property
    def minor_line(self) -> str:
        """La rama ``MAJOR.MINOR``, p. ej. ``"1.21"``."""
        return f"{self.major}.{self.minor}"


def parse_version(text: str | Version) -> Version:
    """Convierte ``"1.21.4"`` en ``Version(1, 21, 4)``.

    Lanza ``ValueError`` en español si no es ``MAJOR.MINOR.PATCH`` (números sin
    ceros a la izquierda; se admite una ``v`` delante, como en ``v1.21.4``).
    """
    if isinstance(text, Version):
        return text
    if not isinstance(text, str):
        raise TypeError(f"la versión tiene que ser un texto como «1.21.4», no {type(text).__name__}")
    m = _VERSION_RE.fullmatch(text.strip())
    if m is None:
        raise ValueError(
            f"«{text}» no es una versión semántica completa: tiene que ser "
            "MAJOR.MINOR.PATCH con números, p. ej. «1.21.4»"
        )
    return Version(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def floating_tags(version: str | Version) -> list[str]:
    """Las etiquetas que un publicador pone a una versión: ``["1.21.4", "1.21", "1"]``.

    ``latest`` no está en la lista: depende de las demás versiones publicadas
    (solo la más alta se la lleva).
    """
    v = parse_version(version)
    return [str(v), v.minor_line, str(v.major)]


def _tag_kind(tag: str) -> str:
    if tag == LATEST:
        return "latest"
    parts = tag.split(".")
    if all(p.isdigit() for p in parts):
        return {1: "major", 2: "minor", 3: "full"}.get(len(parts), "other")
    return "other"


@dataclass(frozen=True)
class Publication:
    """Lo que pasó al publicar una versión: qué etiquetas se crearon o se movieron."""

    version: Version
    #: tag -> (version before or None if the tag did not exist, version after)
    moved: dict[str, tuple[Version | None, Version]]


class SimulatedRegistry:
    """El repositorio de una imagen (p. ej. ``nginx``) en un registro simulado.

    >>> reg = SimulatedRegistry("nginx", ["1.21.4"])
    >>> str(reg.resolve("latest"))
    '1.21.4'
    >>> reg.publish("1.22.0").moved["1"]
    (Version(major=1, minor=21, patch=4), Version(major=1, minor=22, patch=0))
    """

    def __init__(self, repository: str = "nginx", versions: Iterable[str | Version] = ()):
        self.repository = repository
        self._versions: list[Version] = []  # in publication order
        for v in versions:
            self.publish(v)

    # -- state --------------------------------------------------------------
    @property
    def versions(self) -> list[Version]:
        """Las versiones publicadas, ordenadas de menor a mayor."""
        return sorted(self._versions)

    @property
    def history(self) -> list[Version]:
        """Las versiones en el orden en que se publicaron."""
        return list(self._versions)

    @property
    def tags(self) -> dict[str, Version]:
        """Todas las etiquetas y la versión a la que apunta cada una ahora mismo."""
        result: dict[str, Version] = {}
        for v in sorted(self._versions):  # ascending: the highest wins each tag
            for tag in floating_tags(v):
                result[tag] = v
        if self._versions:
            result[LATEST] = max(self._versions)
        return result

    def resolve(self, tag: str) -> Version | None:
        """A qué versión apunta ``tag`` ahora (``None`` si la etiqueta no existe)."""
        tag = str(tag)
        if tag == LATEST:
            return max(self._versions) if self._versions else None
        kind = _tag_kind(tag)
        if kind == "full":
            try:
                v = parse_version(tag)
            except ValueError:
                return None
            return v if v in self._versions else None
        if kind == "minor":
            major, minor = (int(p) for p in tag.split("."))
            line = [v for v in self._versions if (v.major, v.minor) == (major, minor)]
            return max(line) if line else None
        if kind == "major":
            line = [v for v in self._versions if v.major == int(tag)]
            return max(line) if line else None
        return None

    # -- actions ------------------------------------------------------------
    def publish(self, version: str | Version) -> Publication:
        """Publica una versión y mueve las etiquetas como lo haría el publicador.

        Devuelve qué etiquetas se crearon o se movieron.  Publicar dos veces la
        misma versión es un error (una etiqueta de versión completa no se
        reutiliza).
        """
        v = parse_version(version)
        if v in self._versions:
            raise ValueError(
                f"la versión {v} ya está publicada en {self.repository}: una versión "
                "completa se publica una sola vez"
            )
        before = self.tags
        self._versions.append(v)
        after = self.tags
        moved = {t: (before.get(t), nv) for t, nv in after.items() if before.get(t) != nv}
        return Publication(version=v, moved=moved)

    def copy(self) -> "SimulatedRegistry":
        """Una copia independiente (para comparar antes y después)."""
        return SimulatedRegistry(self.repository, self._versions)

    def __repr__(self) -> str:
        return f"SimulatedRegistry({self.repository!r}, {[str(v) for v in self._versions]!r})"


# --- evaluating a release for production deployments -----------------------

#: verdict code -> Spanish label shown to the student
VERDICTS = {
    "unchanged": "sin cambios",
    "patch": "recibe parches",
    "minor": "cambio de MINOR (nueva funcionalidad)",
    "major": "¡cambio de MAJOR: rompe compatibilidad!",
    "missing-fixes": "se pierden arreglos de errores",
    "missing-tag": "la etiqueta no existe: no se puede descargar (ErrImagePull)",
    "new-tag": "la etiqueta aparece: ya se puede descargar",
}


@dataclass(frozen=True)
class DeploymentChange:
    """Qué le pasa a un despliegue en producción al publicarse una versión."""

    deployment: str
    tag: str
    before: Version | None
    after: Version | None
    verdict: str  # a key of VERDICTS
    #: newest patch of the same MAJOR.MINOR when verdict is "missing-fixes"
    missed: Version | None = None

    @property
    def label(self) -> str:
        """El veredicto en español."""
        if self.verdict == "missing-fixes" and self.missed is not None:
            return f"{VERDICTS[self.verdict]} (ya existe la {self.missed})"
        return VERDICTS[self.verdict]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _tag_map(state: SimulatedRegistry | Mapping[str, Version | str]) -> dict[str, Version]:
    if isinstance(state, SimulatedRegistry):
        return state.tags
    return {str(t): parse_version(v) for t, v in state.items()}


def evaluate_release(
    deployments: Mapping[str, str],
    before: SimulatedRegistry | Mapping[str, Version | str],
    after: SimulatedRegistry | Mapping[str, Version | str],
) -> list[DeploymentChange]:
    """Para cada despliegue (nombre -> etiqueta), qué versión tenía y cuál tiene ahora.

    ``before`` y ``after`` son el registro (o su mapa etiqueta -> versión)
    antes y después de una publicación.  Veredictos, por orden:

    * la etiqueta no existe después -> ``missing-tag`` (el Pod se quedaría en
      ``ErrImagePull``);
    * cambia el MAJOR -> ``major``; cambia el MINOR -> ``minor``; cambia el
      PATCH -> ``patch``;
    * no cambia, pero ya hay un PATCH más nuevo de su ``MAJOR.MINOR`` ->
      ``missing-fixes`` (fijado a una versión completa);
    * si no, ``unchanged``.

    (En un clúster real, un Pod ya arrancado no cambia de imagen él solo: la
    nueva versión llega cuando se vuelve a descargar la etiqueta, p. ej. al
    recrear el Pod con ``imagePullPolicy: Always``.  Aquí contamos a qué
    versión apunta la etiqueta del despliegue.)
    """
    old_tags, new_tags = _tag_map(before), _tag_map(after)
    changes = []
    for name, tag in deployments.items():
        tag = str(tag)
        old, new = old_tags.get(tag), new_tags.get(tag)
        missed = None
        if new is None:
            verdict = "missing-tag"
        elif old is None:
            verdict = "new-tag"
        elif new.major != old.major:
            verdict = "major"
        elif new.minor != old.minor:
            verdict = "minor"
        elif new.patch != old.patch:
            verdict = "patch"
        else:
            newest = new_tags.get(new.minor_line)
            if newest is not None and newest > new:
                verdict, missed = "missing-fixes", newest
            else:
                verdict = "unchanged"
        changes.append(DeploymentChange(name, tag, old, new, verdict, missed))
    return changes


# --- the chapter's default story --------------------------------------------

DEFAULT_REPOSITORY = "nginx"
#: already published when the story starts (1.21.4 is the newest)
DEFAULT_INITIAL_VERSIONS = ("1.20.0", "1.20.1", "1.20.2", "1.21.0", "1.21.1", "1.21.2", "1.21.3", "1.21.4")
#: published one by one as the student presses "Siguiente publicación"
DEFAULT_RELEASES = ("1.21.5", "1.22.0", "1.21.6", "2.0.0", "1.22.1", "2.0.1", "1.20.3")
#: production deployments and the tag each one starts with
DEFAULT_DEPLOYMENTS = {
    "tienda-web": "latest",
    "api-pagos": "1",
    "panel-interno": "1.21",
    "blog": "1.21.4",
}
#: the tags the student can choose from
TAG_CHOICES = ("latest", "1", "1.21", "1.21.4")


@dataclass(frozen=True)
class ReleaseStep:
    """Un paso de la historia: la publicación y sus efectos."""

    index: int  # 0 = initial state, 1..n = after each release
    version: Version | None  # what was published in this step (None for step 0)
    moved: dict[str, tuple[Version | None, Version]]
    tags: dict[str, Version]  # every tag after this step
    changes: list[DeploymentChange] = field(default_factory=list)

    @property
    def title(self) -> str:
        if self.version is None:
            return "Situación inicial"
        return f"Se publica la {self.version}"


def simulate_timeline(
    deployments: Mapping[str, str] | None = None,
    initial: Iterable[str | Version] = DEFAULT_INITIAL_VERSIONS,
    releases: Iterable[str | Version] = DEFAULT_RELEASES,
    repository: str = DEFAULT_REPOSITORY,
) -> list[ReleaseStep]:
    """Toda la historia de publicaciones, paso a paso, para unos despliegues.

    El paso 0 es la situación inicial (los veredictos comparan el estado
    consigo mismo: solo pueden salir ``sin cambios``, ``se pierden arreglos``
    o ``la etiqueta no existe``); el paso *i* es tras la publicación *i*.
    """
    deployments = dict(DEFAULT_DEPLOYMENTS if deployments is None else deployments)
    reg = SimulatedRegistry(repository, initial)
    tags = reg.tags
    steps = [ReleaseStep(0, None, {}, tags, evaluate_release(deployments, tags, tags))]
    for i, version in enumerate(releases, start=1):
        before = reg.tags
        pub = reg.publish(version)
        after = reg.tags
        steps.append(ReleaseStep(i, pub.version, pub.moved, after,
                                 evaluate_release(deployments, before, after)))
    return steps


# --- the real history of Docker Hub's official images (chapter 01) -------------------------
#
# From k8s_helpers.catalog.official_tags (docker-library/official-images, Apache-2.0): every
# tag ever listed for about 50 official images, with the dates it was listed, and where the
# floating tags (latest, 1.21, mainline...) pointed over time.


@dataclass(frozen=True)
class TagMove:
    """From ``date`` on (``YYYY-MM-DD``), the floating tag pointed to ``target`` (``1.21.4``)."""

    date: str
    target: str


def tag_history(image: str, tag: str) -> list[TagMove]:
    """Where a floating tag of an official image pointed over time, oldest first.

    >>> [(m.date, m.target) for m in tag_history("nginx", "1.21")][:2]
    [('2021-05-25', '1.21.0'), ('2021-07-06', '1.21.1')]

    A tag that never moved (``1.21.4``) or whose moves the data set leaves out gives ``[]``.
    """
    from k8s_helpers.catalog import official_tags

    return [TagMove(d, t) for d, t in official_tags.moves(image, tag)]


def tag_dates(image: str, tag: str) -> tuple[str, str | None] | None:
    """(first day listed, last day listed or None if still maintained), or None if the tag
    was never published."""
    from k8s_helpers.catalog import official_tags

    info = official_tags.tag_info(image, tag)
    return None if info is None else (info["first"], info["last"])


def tag_target_on(image: str, tag: str, date: str) -> str | None:
    """What ``image:tag`` pointed to at the end of ``date`` (``YYYY-MM-DD``): the target of a
    floating tag, the tag itself for a fixed one, or None if it was not listed that day."""
    dates = tag_dates(image, tag)
    if dates is None or date < dates[0] or (dates[1] is not None and date > dates[1]):
        return None
    target = None
    for move in tag_history(image, tag):
        if move.date <= date:
            target = move.target
    return target or tag


def published_versions(image: str, line: str) -> list[tuple[str, str]]:
    """(version, first day listed) of every ``line.N`` release of an official image, in
    version order: ``published_versions("nginx", "1.21")`` -> 1.21.0 ... 1.21.6 with dates."""
    from k8s_helpers.catalog import official_tags

    out = []
    for tag, info in official_tags.tags(image).items():
        if not tag.startswith(line + "."):
            continue
        try:
            v = parse_version(tag)
        except ValueError:
            continue
        if v.minor_line == line:
            out.append((v, info["first"]))
    return [(str(v), first) for v, first in sorted(out)]


# --- what a registry answers to a pull (IMG-5) ---------------------------------------------
#
# containerd's texts, as the kubelet prints them after 'Failed to pull image "<image>": '
# (pkg/kubelet/images/image_manager.go). The CRI client drops the "rpc error: code = Unknown
# desc = " prefix of Unknown errors (k8s.io/cri-client remote_image.go PullImage), so only
# "not found" keeps its gRPC code.

NOT_FOUND, DENIED, UNAUTHORIZED = "not-found", "denied", "unauthorized"


@dataclass(frozen=True)
class PullError:
    """Why a pull failed (``kind``: not-found, denied, unauthorized) and containerd's text."""

    kind: str
    message: str


def _pull_message(kind: str, ref: str, detail: str) -> str:
    head = f'failed to pull and unpack image "{ref}": failed to resolve reference "{ref}": '
    if kind == NOT_FOUND:
        return f"rpc error: code = NotFound desc = {head}{ref}: not found"
    return head + detail


class Registries:
    """The container registries a simulated cluster pulls from.

    - Docker Hub official images (``nginx``, ``library/nginx``): a tag exists if it was ever
      published (``catalog/official_images``); ``nginx:9.99.99`` is *not found*. An official
      name that does not exist (``ngnix``) is *pull access denied*.
    - Other Docker Hub repositories and public registries (``registry.k8s.io``,
      ``docker.elastic.co``...): a curated list of repositories that exist
      (``catalog/images.yaml``); some list their tags.
    - Any other registry is private: *unauthorized* unless the pod has ``imagePullSecrets``
      (whose content is not checked).
    - ``publish(image, tags)`` adds a repository (a teacher's own image); the course's sample
      images (``registry.k8s-course.io/web:1.0``...) are already published.
    - ``missing`` (``Cluster.missing_images``) is the teacher's override: those images are not
      found, whatever the data says.
    """

    def __init__(self) -> None:
        self._published: dict[str, set[str] | None] = {}

    def publish(self, image: str, tags: Iterable[str] | None = None) -> None:
        """Publish a repository (``"miusuario/web"``) with these tags (None: any tag)."""
        from k8s_helpers.catalog import repository_of

        found = repository_of(image)
        if found is None:
            raise ValueError(f"«{image}» no es una referencia de imagen válida")
        name, tag = found
        if tags is None and ":" in image.rsplit("/", 1)[-1]:
            tags = [tag]
        current = self._published.get(name, set())
        if tags is None or current is None:
            self._published[name] = None
        else:
            self._published[name] = set(current) | {str(t) for t in tags}

    def pull_error(self, image: str, pull_secrets: bool = False, missing: Iterable[str] = ()) -> PullError | None:
        """None if ``image`` can be pulled, else the registry's answer."""
        from k8s_helpers.catalog import catalog_tags, known_repositories, official_tags, registries
        from k8s_helpers.images import parse_image

        try:
            ref = parse_image(image)
        except (ValueError, TypeError):
            return None  # InvalidImageName is the kubelet's business, before any pull
        full = ref.docker_ref
        if _overridden(image, ref, missing):
            return PullError(NOT_FOUND, _pull_message(NOT_FOUND, full, ""))
        tag, name, registry = ref.effective_tag, ref.name, ref.registry
        data = registries()

        def tag_ok(tags) -> bool:
            return tags is None or tag is None or tag in tags

        if name in self._published:
            published = self._published[name]
            return None if tag_ok(published) else PullError(NOT_FOUND, _pull_message(NOT_FOUND, full, ""))
        denied = PullError(DENIED, _pull_message(
            DENIED, full, "pull access denied, repository does not exist or may require authorization: "
                          "server message: insufficient_scope: authorization failed"))
        public = set(data["public"])
        listed = name in known_repositories() or _short(name) in data["public_repositories"]
        if registry == "docker.io" and ref.repository.startswith("library/"):
            official = ref.repository[len("library/"):]
            if official_tags.has_image(official):
                known = official_tags.tags(official)
                if tag is None or tag in known:
                    return None
                return PullError(NOT_FOUND, _pull_message(NOT_FOUND, full, ""))
            if official in data["official_without_history"] or listed:
                return None
            return None if pull_secrets else denied
        if registry in public and (listed or pull_secrets):
            return None if tag_ok(catalog_tags(name)) else PullError(NOT_FOUND, _pull_message(NOT_FOUND, full, ""))
        if registry == "docker.io":
            return None if pull_secrets else denied
        if registry in public and registry != "ghcr.io":
            return PullError(NOT_FOUND, _pull_message(NOT_FOUND, full, ""))
        if pull_secrets:
            return None
        return PullError(UNAUTHORIZED, _pull_message(UNAUTHORIZED, full, _unauthorized(registry, ref.repository)))


def _short(name: str) -> str:
    """``docker.io/bitnami/redis`` -> ``bitnami/redis`` (how the curated list writes Hub names)."""
    return name[len("docker.io/"):] if name.startswith("docker.io/") else name


def _overridden(image: str, ref, missing: Iterable[str]) -> bool:
    """``Cluster.missing_images`` holds names as a teacher types them: ``ngnix``,
    ``ngnix:1.27``, ``docker.io/library/ngnix``."""
    missing = set(missing)
    if not missing:
        return False
    base = image.split("@", 1)[0]
    last = base.rsplit("/", 1)[-1]
    short = base[: len(base) - len(last)] + last.split(":", 1)[0]
    return bool({image, base, short, ref.name, ref.familiar_name, str(ref)} & missing)


def _unauthorized(registry: str, repository: str) -> str:
    from urllib.parse import quote

    from k8s_helpers.catalog import registries

    urls = registries()["token_urls"]
    entry = urls.get(registry) or next((v for k, v in urls.items() if registry.endswith("." + k)),
                                       urls["default"])
    scope = quote(f"repository:{repository}:pull", safe="")
    url = entry["url"].format(host=registry, scope=scope)
    return (f"failed to authorize: failed to fetch anonymous token: unexpected status from GET "
            f"request to {url}: {entry['status']}")
