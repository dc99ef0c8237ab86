"""Referencias de imágenes de contenedor y la política de descarga por defecto.

Model code (no Jupyter, no kubernetes client). It follows, rule by rule, the
spec sheet ``shared/reference/kubernetes-semantics.md``:

* IMG-1: the reference grammar of ``distribution/reference`` (regexp.go,
  reference.go) plus the ``go-digest`` checks of the digest.
* IMG-2: ``ParseNormalizedNamed`` (normalize.go), in its exact order.
* IMG-4: ``SetDefaults_Container`` (imagePullPolicy defaulting), which uses
  Kubernetes' ``ParseImageName``.

Whether a string is valid is decided only by the exact grammar (same regular
expressions as the Go code, with Python's ``re`` in ASCII mode and
``fullmatch``, which gives the same leftmost-first submatches as Go).  The
Spanish error messages come from a separate diagnosis that only explains *why*
a string was rejected; it never decides validity.

Uso en un cuaderno::

    from k8s_helpers.images import parse_image, default_pull_policy
    ref = parse_image("nginx:1.21")
    ref.registry, ref.repository, ref.tag, ref.digest
    # ('docker.io', 'library/nginx', '1.21', None)
    default_pull_policy("nginx")         # 'Always'
    default_pull_policy("nginx:1.21")    # 'IfNotPresent'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ImageReference",
    "parse_image",
    "is_valid_image",
    "default_pull_policy",
    "DEFAULT_REGISTRY",
    "DEFAULT_TAG",
    "MAX_PATH_LENGTH",
    "MAX_TAG_LENGTH",
    "DIGEST_ALGORITHMS",
]

# --- constants (normalize.go, reference.go, go-digest algorithm.go) ---------

DEFAULT_REGISTRY = "docker.io"
LEGACY_DEFAULT_REGISTRY = "index.docker.io"
OFFICIAL_REPO_PREFIX = "library/"
DEFAULT_TAG = "latest"
LOCALHOST = "localhost"
MAX_PATH_LENGTH = 255  # RepositoryNameTotalLengthMax
MAX_TAG_LENGTH = 128

#: Digest algorithms accepted and the number of lower-case hex characters each
#: one needs (go-digest: ``anchoredEncodedRegexps``).  ``sha512`` is only
#: "available" in a Go program that links ``crypto/sha512`` (Kubernetes'
#: binaries do); the spec sheet (IMG-1) lists it as valid, so we accept it.
DIGEST_ALGORITHMS = {"sha256": 64, "sha384": 96, "sha512": 128}

# --- the grammar (IMG-1): regexp.go, verbatim ------------------------------

_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_DOMAIN_NAME_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_OPTIONAL_PORT = r"(?::[0-9]+)?"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}"
_IDENTIFIER = r"([a-f0-9]{64})"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_DOMAIN_NAME = _DOMAIN_NAME_COMPONENT + r"(?:\." + _DOMAIN_NAME_COMPONENT + r")*"
_HOST = r"(?:" + _DOMAIN_NAME + r"|" + _IPV6 + r")"
_DOMAIN_AND_PORT = _HOST + _OPTIONAL_PORT
_PATH_COMPONENT = _ALPHANUMERIC + r"(?:" + _SEPARATOR + _ALPHANUMERIC + r")*"
_REMOTE_NAME = _PATH_COMPONENT + r"(?:/" + _PATH_COMPONENT + r")*"
_NAME = r"(?:" + _DOMAIN_AND_PORT + r"/)?" + _REMOTE_NAME

# re.ASCII: Go's \w and character classes are ASCII-only.
DOMAIN_AND_PORT_RE = re.compile(_DOMAIN_AND_PORT, re.ASCII)
NAME_RE = re.compile(r"(?:(" + _DOMAIN_AND_PORT + r")/)?(" + _REMOTE_NAME + r")", re.ASCII)
REFERENCE_RE = re.compile(
    r"(" + _NAME + r")(?::(" + _TAG + r"))?(?:@(" + _DIGEST + r"))?", re.ASCII
)
IDENTIFIER_RE = re.compile(_IDENTIFIER, re.ASCII)
TAG_RE = re.compile(_TAG, re.ASCII)
_PATH_COMPONENT_RE = re.compile(_PATH_COMPONENT, re.ASCII)
_DOMAIN_COMPONENT_RE = re.compile(_DOMAIN_NAME_COMPONENT, re.ASCII)
# go-digest DigestRegexpAnchored (decides "invalid format" vs "unsupported").
_GO_DIGEST_RE = re.compile(r"[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+", re.ASCII)


@dataclass(frozen=True)
class ImageReference:
    """Una referencia de imagen ya normalizada (IMG-1, IMG-2).

    Campos:

    * ``registry``: el registro (dominio), p. ej. ``"docker.io"``, ``"localhost:5000"``.
      Queda vacío en un caso raro que la biblioteca de referencia también da:
      ``"bad_host.io/app"`` (con ``_`` no es un nombre de host, así que todo es ruta).
    * ``repository``: la ruta dentro del registro, p. ej. ``"library/nginx"``.
    * ``tag``: la etiqueta escrita, o ``None`` si no se escribió ninguna
      (el analizador no se inventa ``latest``: mira ``effective_tag``).
    * ``digest``: el digest (``"sha256:..."``), o ``None``.

    ``str(ref)`` da la referencia completa normalizada, p. ej.
    ``"docker.io/library/nginx:1.21"``.
    """

    registry: str
    repository: str
    tag: str | None = None
    digest: str | None = None

    # Go-style aliases (Domain(), Path()).
    @property
    def domain(self) -> str:
        """Alias de ``registry`` (así lo llama la biblioteca de referencia)."""
        return self.registry

    @property
    def path(self) -> str:
        """Alias de ``repository`` (así lo llama la biblioteca de referencia)."""
        return self.repository

    @property
    def name(self) -> str:
        """Registro y repositorio, sin etiqueta ni digest: ``"docker.io/library/nginx"``."""
        if not self.registry:
            return self.repository
        return f"{self.registry}/{self.repository}"

    @property
    def familiar_name(self) -> str:
        """El nombre corto que escribimos a diario: ``"nginx"``, ``"bitnami/redis"``.

        Quita ``docker.io/`` y, para las imágenes oficiales, ``library/``
        (IMG-2, ``FamiliarName``).
        """
        if self.registry != DEFAULT_REGISTRY:
            return self.name
        path = self.repository
        if path.startswith(OFFICIAL_REPO_PREFIX):
            rest = path[len(OFFICIAL_REPO_PREFIX):]
            if "/" not in rest:
                return rest
        return path

    @property
    def familiar_string(self) -> str:
        """El nombre corto con su etiqueta y su digest: ``"nginx:1.21"``."""
        return self.familiar_name + self._suffix()

    @property
    def effective_tag(self) -> str | None:
        """La etiqueta que usa Kubernetes (``ParseImageName``, IMG-2).

        ``"latest"`` cuando no hay ni etiqueta ni digest; la etiqueta escrita si
        la hay; ``None`` si solo hay digest.
        """
        if self.tag is None and self.digest is None:
            return DEFAULT_TAG
        return self.tag

    @property
    def docker_ref(self) -> str:
        """La referencia como la normaliza ``ParseDockerRef``.

        Con digest se queda solo el digest (la etiqueta sobra); sin etiqueta ni
        digest se añade ``:latest``.
        """
        if self.digest is not None:
            return f"{self.name}@{self.digest}"
        return f"{self.name}:{self.effective_tag}"

    def _suffix(self) -> str:
        suffix = ""
        if self.tag is not None:
            suffix += ":" + self.tag
        if self.digest is not None:
            suffix += "@" + self.digest
        return suffix

    def __str__(self) -> str:
        return self.name + self._suffix()

    def _repr_html_(self) -> str:
        """Tabla en español para los cuadernos (sin importar nada de Jupyter)."""
        from html import escape

        rows = [
            ("Registro", self.registry or "(ninguno)"),
            ("Repositorio", self.repository),
            ("Etiqueta", self.tag if self.tag is not None else "(ninguna)"),
            ("Digest", self.digest if self.digest is not None else "(ninguno)"),
            ("Etiqueta que usa Kubernetes", self.effective_tag or "(ninguna: solo digest)"),
            ("imagePullPolicy por defecto", default_pull_policy(self)),
            ("Referencia completa", str(self)),
        ]
        cells = "".join(
            f"<tr><th style='text-align:left;padding:2px 8px'>{escape(k)}</th>"
            f"<td style='text-align:left;padding:2px 8px'><code>{escape(v)}</code></td></tr>"
            for k, v in rows
        )
        return f"<table class='k8s-image-reference'>{cells}</table>"


# --- parsing ----------------------------------------------------------------


def _split_docker_domain(s: str) -> tuple[str, str, bool]:
    """normalize.go splitDockerDomain, IMG-2 step 2 and 3.

    Returns (domain, remainder, domain_was_written).
    """
    maybe_domain, sep, maybe_remote = s.partition("/")
    if not sep:
        return DEFAULT_REGISTRY, OFFICIAL_REPO_PREFIX + s, False
    if maybe_domain == LOCALHOST:
        domain, remote, written = maybe_domain, maybe_remote, True
    elif maybe_domain == LEGACY_DEFAULT_REGISTRY:
        domain, remote, written = DEFAULT_REGISTRY, maybe_remote, True
    elif "." in maybe_domain or ":" in maybe_domain:
        domain, remote, written = maybe_domain, maybe_remote, True
    elif maybe_domain.lower() != maybe_domain:
        domain, remote, written = maybe_domain, maybe_remote, True
    else:
        domain, remote, written = DEFAULT_REGISTRY, s, False
    if domain == DEFAULT_REGISTRY and "/" not in remote:
        remote = OFFICIAL_REPO_PREFIX + remote
    return domain, remote, written


def _check_digest(digest: str) -> str | None:
    """go-digest ``Digest.Validate``: returns a Spanish problem or None."""
    algorithm, _, encoded = digest.partition(":")
    if algorithm not in DIGEST_ALGORITHMS:
        known = ", ".join(DIGEST_ALGORITHMS)
        if algorithm.lower() in DIGEST_ALGORITHMS:
            return (f"«{digest}» no es un digest válido: el algoritmo se escribe en "
                    f"minúsculas («{algorithm.lower()}»)")
        return (f"«{digest}» no es un digest válido: el algoritmo «{algorithm}» no está "
                f"soportado (se admiten {known})")
    needed = DIGEST_ALGORITHMS[algorithm]
    if len(encoded) != needed:
        return (f"«{digest}» no es un digest válido: {algorithm} necesita {needed} "
                f"caracteres hexadecimales y tiene {len(encoded)}")
    if not re.fullmatch(r"[a-f0-9]+", encoded):
        bad = next((c for c in encoded if c not in "0123456789abcdef"), "")
        if bad.lower() in "abcdef":
            return (f"«{digest}» no es un digest válido: los caracteres hexadecimales "
                    f"van en minúsculas («{bad}» debería ser «{bad.lower()}»)")
        return (f"«{digest}» no es un digest válido: «{bad}» no es un carácter "
                f"hexadecimal (solo 0-9 y a-f)")
    return None


def _grammar_parse(s: str) -> tuple[str, str, str | None, str | None]:
    """reference.go ``Parse`` without normalisation (IMG-1).

    Returns (domain, path, tag, digest); domain is "" when the name has no
    domain part.  Raises ValueError (the message is filled in by the caller's
    diagnosis when possible).
    """
    if s == "":
        raise ValueError("la referencia de imagen no puede estar vacía")
    m = REFERENCE_RE.fullmatch(s)
    if m is None:
        raise ValueError(None)
    name, tag, digest = m.group(1), m.group(2), m.group(3)
    nm = NAME_RE.fullmatch(name)
    domain = nm.group(1) or "" if nm else ""
    path = nm.group(2) if nm else name
    if len(path) > MAX_PATH_LENGTH:
        raise ValueError(
            f"el nombre del repositorio «{path[:40]}…» tiene {len(path)} caracteres; "
            f"el máximo es {MAX_PATH_LENGTH}"
        )
    if digest is not None:
        problem = _check_digest(digest)
        if problem:
            raise ValueError(problem)
    return domain, path, tag, digest


def parse_image(image: str) -> ImageReference:
    """Analiza una referencia de imagen como lo hace Kubernetes (IMG-1, IMG-2).

    Sigue ``ParseNormalizedNamed`` de ``distribution/reference`` paso a paso:

    1. Un texto de 64 caracteres hexadecimales es un error (parece un ID).
    2. Se separa por la primera ``/``: sin ``/`` el registro es ``docker.io`` y el
       repositorio ``library/<nombre>`` (por eso ``localhost:5000`` a secas es el
       repositorio ``docker.io/library/localhost`` con la etiqueta ``5000``);
       ``localhost``, ``index.docker.io`` (que pasa a ``docker.io``), algo con
       ``.`` o ``:``, o algo con mayúsculas es el registro; si no, todo es ruta
       en ``docker.io``.
    3. En ``docker.io``, una ruta sin ``/`` recibe el prefijo ``library/``.
    4. La ruta tiene que ir en minúsculas; después se comprueba la gramática
       completa (etiqueta de 1 a 128 caracteres, digest ``sha256:`` + 64
       hexadecimales, ruta de 255 caracteres como máximo...).

    No se añade ninguna etiqueta: ``parse_image("nginx").tag`` es ``None`` (mira
    ``effective_tag``).

    >>> ref = parse_image("nginx:1.21")
    >>> ref.registry, ref.repository, ref.tag, ref.digest
    ('docker.io', 'library/nginx', '1.21', None)

    Si la referencia no es válida lanza ``ValueError`` con un mensaje en
    español que dice qué falla y dónde.
    """
    if not isinstance(image, str):
        raise TypeError(
            f"la referencia de imagen tiene que ser un texto (str), no {type(image).__name__}"
        )
    if image == "":
        raise ValueError("la referencia de imagen no puede estar vacía: escribe al menos "
                         "el nombre del repositorio, p. ej. «nginx:1.21»")
    original = image
    try:
        # IMG-2 step 1
        if IDENTIFIER_RE.fullmatch(image):
            raise ValueError(
                "es un identificador de 64 caracteres hexadecimales (el ID de una "
                "imagen), no un nombre de repositorio; para fijar una imagen por su "
                "contenido escribe nombre@sha256:<64 hexadecimales>"
            )
        # IMG-2 step 2 and 3
        domain, remainder, _ = _split_docker_domain(image)
        # IMG-2 step 4: the remote name (up to the first ':') must be lower case
        remote = remainder.split(":", 1)[0]
        if remote.lower() != remote:
            problem = _diagnose(original)
            if problem is None:
                problem = f"el nombre del repositorio debe ir en minúsculas: «{remote}»"
            raise ValueError(problem)
        try:
            d, path, tag, digest = _grammar_parse(domain + "/" + remainder)
        except ValueError as exc:
            problem = exc.args[0] if exc.args and exc.args[0] else None
            if problem is None:
                problem = _diagnose(original) or "no cumple la gramática de las referencias de imagen"
            raise ValueError(problem) from None
        # ``d`` may be "" in one odd corner, exactly as in Go: "bad_host.io/app" is
        # split as domain "bad_host.io" (it has a "."), but that is not a valid
        # host ("_"), so the grammar reads the whole string as a path.
        return ImageReference(registry=d, repository=path, tag=tag, digest=digest)
    except ValueError as exc:
        shown = original if len(original) <= 80 else original[:77] + "..."
        raise ValueError(
            f"«{shown}» no es una referencia de imagen válida: {exc.args[0]}"
        ) from None


def is_valid_image(image: str) -> bool:
    """``True`` si ``parse_image`` acepta la referencia (IMG-1, IMG-2)."""
    try:
        parse_image(image)
    except (ValueError, TypeError):
        return False
    return True


# --- diagnosis: Spanish explanation of a rejected reference -----------------

_PATH_HELP = "solo minúsculas, dígitos y los separadores «.», «_», «__» y «-»"


def _diagnose(s: str) -> str | None:
    """Explain in Spanish why ``s`` is not a valid reference (or None)."""
    if s == "":
        return "no puede estar vacía"
    if s != s.strip() or any(c.isspace() for c in s):
        return "contiene espacios (una referencia de imagen no lleva espacios)"
    if "://" in s:
        return ("parece una URL: no lleva «http://» ni «https://», escribe "
                "registro/repositorio:etiqueta")
    name_tag, at, digest = s.partition("@")
    if at:
        if "@" in digest:
            return "solo puede haber un «@» (el que separa el digest)"
        if not digest:
            return "el digest (tras «@») no puede estar vacío"
    first, slash, rest = name_tag.partition("/")
    if not slash and first.startswith("["):
        return (f"«{first}» parece un registro IPv6, pero falta el repositorio detrás: "
                "escribe p. ej. «[fc00::1]:5000/mi-imagen:1.0»")
    domain: str | None = None
    if slash and (first == LOCALHOST or "." in first or ":" in first
                  or first.lower() != first):
        domain, path_tag = first, rest
    else:
        path_tag = name_tag
    # the tag is after the first ':' of the path part
    path, colon, tag = path_tag.partition(":")
    if domain is not None:
        problem = _diagnose_domain(domain)
        if problem:
            return problem
    problem = _diagnose_path(path, domain)
    if problem:
        return problem
    if colon:
        problem = _diagnose_tag(tag)
        if problem:
            return problem
    if at:
        problem = _diagnose_digest(digest)
        if problem:
            return problem
    return None


def _diagnose_domain(domain: str) -> str | None:
    if domain.startswith("["):
        if not re.fullmatch(_IPV6 + _OPTIONAL_PORT, domain, re.ASCII):
            return (f"el registro «{domain}» no es una dirección IPv6 válida entre "
                    "corchetes: solo admite dígitos hexadecimales y «:» (sin zonas "
                    "como «%eth0» ni direcciones IPv4 incrustadas), p. ej. «[fc00::1]:5000»")
        return None
    host, colon, port = domain.partition(":")
    if ":" in port:
        return (f"el registro «{domain}» tiene varios «:»: una dirección IPv6 debe ir "
                "entre corchetes, p. ej. «[fc00::1]:5000»")
    if colon and port == "":
        return f"al registro «{domain}» le falta el número de puerto tras «:»"
    if colon and not re.fullmatch(r"[0-9]+", port):
        return f"el puerto «{port}» del registro «{domain}» tiene que ser un número"
    for part in host.split("."):
        if part == "":
            return f"el registro «{domain}» tiene una parte vacía (dos puntos seguidos o un punto en un extremo)"
        if not _DOMAIN_COMPONENT_RE.fullmatch(part):
            bad = next((c for c in part if not (c.isascii() and (c.isalnum() or c == "-"))), None)
            if bad is not None:
                return (f"el registro «{domain}» contiene «{bad}», que no está permitido "
                        "(solo letras, dígitos, «-» y «.»)")
            return (f"cada parte del registro «{domain}» debe empezar y terminar por "
                    f"letra o dígito: «{part}»")
    return None


def _diagnose_path(path: str, domain: str | None) -> str | None:
    if path == "":
        return "falta el nombre del repositorio"
    if path.lower() != path:
        return f"el nombre del repositorio debe ir en minúsculas: «{path}»"
    components = path.split("/")
    for comp in components:
        if comp == "":
            return (f"el nombre del repositorio «{path}» tiene una parte vacía "
                    "(dos «/» seguidas o una «/» al final)")
    for comp in components:
        if _PATH_COMPONENT_RE.fullmatch(comp):
            continue
        bad = next((c for c in comp if not (c.isascii() and (c.isdigit() or c.islower()
                                                              or c in "._-"))), None)
        if bad is not None:
            return (f"el nombre del repositorio «{path}» contiene «{bad}», que no está "
                    f"permitido ({_PATH_HELP})")
        if comp[0] in "._-" or comp[-1] in "._-":
            return (f"cada parte del nombre del repositorio debe empezar y terminar por "
                    f"una minúscula o un dígito: «{comp}»")
        sep = re.search(r"[._-]{2,}", comp)
        return (f"separador no válido «{sep.group(0) if sep else comp}» en «{comp}»: entre "
                "letras o dígitos solo puede ir un «.», uno o dos «_», o uno o más «-»")
    return None


def _diagnose_tag(tag: str) -> str | None:
    if tag == "":
        return "la etiqueta (tras «:») no puede estar vacía"
    if len(tag) > MAX_TAG_LENGTH:
        return (f"la etiqueta «{tag[:20]}…» tiene {len(tag)} caracteres; el máximo "
                f"es {MAX_TAG_LENGTH}")
    if not re.fullmatch(r"\w", tag[0], re.ASCII):
        return (f"la etiqueta «{tag}» debe empezar por una letra, un dígito o «_» "
                f"(empieza por «{tag[0]}»)")
    bad = next((c for c in tag if not re.fullmatch(r"[\w.-]", c, re.ASCII)), None)
    if bad is not None:
        return (f"la etiqueta «{tag}» contiene «{bad}», que no está permitido "
                "(solo letras, dígitos, «_», «.» y «-»)")
    return None


def _diagnose_digest(digest: str) -> str | None:
    algorithm, colon, encoded = digest.partition(":")
    if not colon or not algorithm or not encoded:
        return (f"«{digest}» no es un digest válido: debe tener la forma "
                "algoritmo:hexadecimales, p. ej. «sha256:» seguido de 64 hexadecimales")
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*",
                        algorithm, re.ASCII):
        return f"«{digest}» no es un digest válido: el algoritmo «{algorithm}» no tiene un formato válido"
    return _check_digest(digest) or (
        f"«{digest}» no es un digest válido: necesita al menos 32 caracteres hexadecimales"
        if not re.fullmatch(r"[0-9A-Fa-f]{32,}", encoded) else None
    )


# --- IMG-4 -------------------------------------------------------------------

PULL_ALWAYS = "Always"
PULL_IF_NOT_PRESENT = "IfNotPresent"
PULL_NEVER = "Never"
PULL_POLICIES = (PULL_ALWAYS, PULL_IF_NOT_PRESENT, PULL_NEVER)


def default_pull_policy(image: str | ImageReference, policy: str | None = None) -> str:
    """La ``imagePullPolicy`` que pone el servidor de API si no la escribes (IMG-4).

    Igual que ``SetDefaults_Container``: solo si la política está vacía, se mira
    la etiqueta que da ``ParseImageName`` (``latest`` cuando no hay ni etiqueta
    ni digest):

    * etiqueta ``latest`` (``nginx``, ``nginx:latest``, incluso
      ``nginx:latest@sha256:...``) -> ``"Always"``;
    * cualquier otra cosa (``nginx:1.21``, ``nginx@sha256:...``) -> ``"IfNotPresent"``.

    Si pasas ``policy`` (la que escribiste en el manifiesto) se devuelve tal
    cual: el valor por defecto solo se pone cuando falta, una vez, al crear el
    objeto; no se recalcula si luego cambias la imagen.

    Una referencia mal escrita no da error aquí: el servidor ignora el error de
    análisis y pone ``"IfNotPresent"``; será el kubelet quien deje el contenedor
    esperando con ``InvalidImageName`` (IMG-3). Usa ``parse_image`` para validar.

    >>> default_pull_policy("nginx")
    'Always'
    >>> default_pull_policy("nginx:1.21")
    'IfNotPresent'
    """
    if policy:
        if policy not in PULL_POLICIES:
            raise ValueError(
                f"imagePullPolicy «{policy}» no es válida: usa Always, IfNotPresent o Never"
            )
        return policy
    if isinstance(image, ImageReference):
        ref = image
    else:
        try:
            ref = parse_image(image)
        except (ValueError, TypeError):
            # SetDefaults_Container ignores the parse error: tag "" -> IfNotPresent.
            return PULL_IF_NOT_PRESENT
    return PULL_ALWAYS if ref.effective_tag == DEFAULT_TAG else PULL_IF_NOT_PRESENT
