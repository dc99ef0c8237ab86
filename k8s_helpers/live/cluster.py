"""¿Hay un clúster al que conectarse?  Comprobación rápida y mensajes en español.

The check never hangs: a TCP connect with a short timeout first, then
``GET /version`` through the official client with ``_request_timeout`` and no
retries, all inside a daemon thread joined with a deadline.
"""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlsplit

__all__ = [
    "LiveStatus",
    "kubeconfig_paths",
    "load_configuration",
    "api_client",
    "cluster_status",
    "skip_message",
    "run_live",
    "en_vivo",
]


@dataclass(frozen=True)
class LiveStatus:
    """Resultado de ``cluster_status``: si hay clúster, por qué no, y su versión."""

    available: bool
    reason: str
    version: str | None = None
    server: str | None = None

    def __bool__(self) -> bool:
        return self.available


def kubeconfig_paths() -> list[Path]:
    """Los kubeconfig que existen: los de ``KUBECONFIG`` o, si no, ``~/.kube/config``."""
    env = os.environ.get("KUBECONFIG")
    if env:
        candidates = [Path(p).expanduser() for p in env.split(os.pathsep) if p]
    else:
        candidates = [Path("~/.kube/config").expanduser()]
    return [p for p in candidates if p.is_file()]


def load_configuration(kubeconfig: str | os.PathLike | None = None, context: str | None = None):
    """A ``kubernetes.client.Configuration`` loaded from the kubeconfig, without retries.

    Raises FileNotFoundError when there is no kubeconfig.
    """
    from kubernetes import client, config

    if kubeconfig is not None:
        paths = [Path(kubeconfig).expanduser()]
        if not paths[0].is_file():
            raise FileNotFoundError(f"no existe el kubeconfig {paths[0]}")
    else:
        paths = kubeconfig_paths()
        if not paths:
            raise FileNotFoundError(
                "no hay kubeconfig (ni la variable KUBECONFIG ni ~/.kube/config "
                "apuntan a un fichero)"
            )
    cfg = client.Configuration()
    config.load_kube_config(
        config_file=os.pathsep.join(str(p) for p in paths),
        context=context,
        client_configuration=cfg,
        persist_config=False,
    )
    cfg.retries = 0  # fail fast: urllib3 would otherwise retry 3 times
    return cfg


def api_client(kubeconfig: str | os.PathLike | None = None, context: str | None = None):
    """Un ``kubernetes.client.ApiClient`` listo para usar con el kubeconfig actual."""
    from kubernetes import client

    return client.ApiClient(load_configuration(kubeconfig, context))


def _socket_reason(exc: OSError, timeout: float) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "conexión rechazada: no hay nada escuchando ahí (¿está parado el clúster?)"
    if isinstance(exc, (socket.timeout, TimeoutError)):
        return f"no contesta en {timeout:g} s"
    if isinstance(exc, socket.gaierror):
        return "no se encuentra ese nombre de servidor"
    return f"{type(exc).__name__}: {exc}"


def cluster_status(
    timeout: float = 2.0,
    kubeconfig: str | os.PathLike | None = None,
    context: str | None = None,
) -> LiveStatus:
    """Comprueba, en pocos segundos como mucho, si hay un clúster disponible.

    1. Carga el kubeconfig con el cliente oficial (``KUBECONFIG`` o
       ``~/.kube/config``).
    2. Abre una conexión TCP con el servidor de API (``timeout`` segundos).
    3. Pide ``GET /version`` con ``_request_timeout`` y sin reintentos.

    Nunca lanza excepciones ni se queda colgada: devuelve ``LiveStatus`` con
    ``available``, el motivo en español (``reason``) y la versión del servidor.
    """
    try:
        cfg = load_configuration(kubeconfig, context)
    except FileNotFoundError as exc:
        return LiveStatus(False, str(exc))
    except Exception as exc:  # malformed kubeconfig, unknown context, ...
        return LiveStatus(False, f"el kubeconfig no se pudo cargar ({type(exc).__name__}: {exc})")

    server = cfg.host
    parts = urlsplit(server)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if not host:
        return LiveStatus(False, f"el kubeconfig no tiene una dirección de servidor válida ({server!r})",
                          server=server)
    if not cfg.proxy:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                pass
        except OSError as exc:
            return LiveStatus(False, f"el servidor de API {server} no responde: "
                                     f"{_socket_reason(exc, timeout)}", server=server)

    result: dict[str, Any] = {}

    def probe() -> None:
        from kubernetes import client

        api = client.ApiClient(cfg)
        try:
            # Raw JSON, not the typed model: the client's strict model rejects a
            # /version answer that lacks a field, and all we need is gitVersion.
            resp = client.VersionApi(api).get_code(_request_timeout=(timeout, timeout),
                                                   _preload_content=False)
            import json

            data = json.loads(resp.data)
            result["version"] = str(data.get("gitVersion") or
                                    f"v{data.get('major', '?')}.{data.get('minor', '?')}")
        except Exception as exc:  # reported below, in Spanish
            result["error"] = exc
        finally:
            try:
                api.close()
            except Exception:
                pass

    worker = threading.Thread(target=probe, name="k8s-live-probe", daemon=True)
    worker.start()
    worker.join(timeout * 2 + 1)
    if worker.is_alive():
        return LiveStatus(False, f"el servidor de API {server} no contesta a /version en "
                                 f"{timeout:g} s", server=server)
    if "version" in result:
        return LiveStatus(True, f"clúster disponible en {server} (Kubernetes {result['version']})",
                          version=result["version"], server=server)
    exc = result.get("error")
    status = getattr(exc, "status", None)
    if status:
        detail = (f"el servidor de API {server} respondió {status} ({getattr(exc, 'reason', '')}) "
                  "a /version")
        if status in (401, 403):
            detail += ": revisa las credenciales del kubeconfig"
        return LiveStatus(False, detail, server=server)
    return LiveStatus(False, f"el servidor de API {server} no contesta bien a /version "
                             f"({type(exc).__name__}: {str(exc)[:200]})", server=server)


def skip_message(status: LiveStatus) -> str:
    """El aviso en español para una celda en vivo que no se puede ejecutar."""
    if status.available:
        return f"✅ Hay clúster: {status.reason}."
    return (
        f"⏭️  Celda en vivo omitida: {status.reason}.\n"
        "Es opcional: el resto del cuaderno funciona igual con el clúster simulado.\n"
        "Para verla contra un clúster de verdad (necesitas Docker y kind instalados), "
        "en la carpeta del curso ejecuta:\n"
        "    make cluster\n"
        "que crea el clúster kind «curso-k8s» con kind-config.yaml (un plano de control y "
        "tres workers) y deja configurado ~/.kube/config. Después vuelve a ejecutar esta "
        "celda. Para borrarlo: make cluster-delete"
    )


def _describe_error(exc: BaseException) -> str:
    status = getattr(exc, "status", None)
    if status:
        import json

        message = None
        body = getattr(exc, "body", None)
        try:
            message = json.loads(body).get("message") if body else None
        except (ValueError, AttributeError):
            message = None
        return f"el servidor de API respondió {status} ({getattr(exc, 'reason', '')}): {message or body}"
    inner = getattr(exc, "api_exceptions", None)  # kubernetes.utils.FailToCreateError
    if inner:
        return "; ".join(_describe_error(e) for e in inner)
    return f"{type(exc).__name__}: {exc}"


def run_live(fn: Callable[..., Any], *args: Any, timeout: float = 2.0,
             status: LiveStatus | None = None, **kwargs: Any) -> Any:
    """Ejecuta ``fn`` solo si hay clúster; si no, explica en español por qué se omite.

    Pensada para una línea en un cuaderno::

        run_live(lambda: apply_and_get(pod, dry_run=True))

    Devuelve lo que devuelva ``fn`` (el cuaderno lo muestra), o ``None`` si se
    omite o falla.  Nunca lanza excepciones: así nbval y nbgrader pasan sin clúster.
    """
    try:
        status = status or cluster_status(timeout=timeout)
    except Exception as exc:  # defensive: cluster_status itself should not raise
        status = LiveStatus(False, f"no se pudo comprobar el clúster ({type(exc).__name__}: {exc})")
    if not status.available:
        print(skip_message(status))
        return None
    try:
        return fn(*args, **kwargs)
    except Exception as exc:
        print(f"⚠️  La celda en vivo ha fallado: {_describe_error(exc)}")
        return None


#: Spanish alias: ``en_vivo(lambda: ...)``
en_vivo = run_live
