"""Comparar la imagePullPolicy que pone el servidor de API con la del modelo (IMG-4)."""

from __future__ import annotations

import os
from typing import Iterable

from k8s_helpers.images import default_pull_policy
from k8s_helpers.live.objects import apply_and_get

__all__ = ["compare_pull_policy"]


def compare_pull_policy(
    images: Iterable[str],
    *,
    name: str = "comparar-pull-policy",
    namespace: str = "default",
    kubeconfig: str | os.PathLike | None = None,
    context: str | None = None,
) -> list[dict]:
    """Crea (en seco, ``dry_run``) un Pod con un contenedor por imagen y compara.

    Devuelve una fila por imagen: ``imagen``, ``servidor`` (lo que rellenó el
    servidor de API), ``modelo`` (``default_pull_policy``) y ``coinciden``.
    No guarda nada en el clúster.  Uso en un cuaderno::

        run_live(compare_pull_policy, ["nginx", "nginx:1.21", "nginx@sha256:..."])
    """
    images = list(images)
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": f"c{i}", "image": image}
                                for i, image in enumerate(images)]},
    }
    got = apply_and_get(pod, namespace, dry_run=True, kubeconfig=kubeconfig, context=context)
    server = {c["name"]: c.get("imagePullPolicy") for c in got["spec"]["containers"]}
    rows = []
    for i, image in enumerate(images):
        model = default_pull_policy(image)
        rows.append({"imagen": image, "servidor": server.get(f"c{i}"), "modelo": model,
                     "coinciden": server.get(f"c{i}") == model})
    return rows
