"""Crear, leer y borrar objetos en un clúster real con el cliente oficial.

Objects come back as plain dicts in the Kubernetes API shape
(``ApiClient().sanitize_for_serialization``), the same shape the simulator
uses, so a notebook can put the server's answer next to the simulator's.
"""

from __future__ import annotations

import copy
import os
import time
from typing import Any, Mapping

__all__ = ["apply_and_get", "get", "delete"]

REQUEST_TIMEOUT = 30.0


def _as_manifest(manifest: Mapping[str, Any] | str) -> dict:
    if isinstance(manifest, str):
        import yaml

        data = yaml.safe_load(manifest)
    else:
        data = copy.deepcopy(dict(manifest))
    if not isinstance(data, dict):
        raise ValueError("el manifiesto tiene que ser un objeto (un diccionario o un YAML con claves)")
    for key in ("apiVersion", "kind"):
        if not data.get(key):
            raise ValueError(f"al manifiesto le falta «{key}»")
    meta = data.get("metadata") or {}
    if not (meta.get("name") or meta.get("generateName")):
        raise ValueError("al manifiesto le falta «metadata.name»")
    return data


def _namespaced_api(client_mod, api, api_version: str, kind: str):
    """The typed API and the snake_case kind used by kubernetes.utils."""
    import importlib

    # the module, not the function kubernetes.utils re-exports under the same name
    cfy = importlib.import_module("kubernetes.utils.create_from_yaml")

    group, _, version = api_version.partition("/")
    if version == "":
        version, group = group, "core"
    group = "".join(group.rsplit(".k8s.io", 1))
    group = "".join(word.capitalize() for word in group.split("."))
    typed = getattr(client_mod, f"{group}{version.capitalize()}Api")(api)
    snake = cfy.UPPER_FOLLOWED_BY_LOWER_RE.sub(r"\1_\2", kind)
    snake = cfy.LOWER_OR_NUM_FOLLOWED_BY_UPPER_RE.sub(r"\1_\2", snake).lower()
    return typed, snake


def _call(manifest: dict, verb: str, namespace: str, api, **kwargs):
    from kubernetes import client

    typed, snake = _namespaced_api(client, api, manifest["apiVersion"], manifest["kind"])
    ns = (manifest.get("metadata") or {}).get("namespace") or namespace
    name = manifest["metadata"].get("name")
    namespaced = getattr(typed, f"{verb}_namespaced_{snake}", None)
    if namespaced is not None:
        return namespaced(name=name, namespace=ns, **kwargs)
    return getattr(typed, f"{verb}_{snake}")(name=name, **kwargs)


def apply_and_get(
    manifest: Mapping[str, Any] | str,
    namespace: str = "default",
    *,
    dry_run: bool = False,
    replace: bool = True,
    kubeconfig: str | os.PathLike | None = None,
    context: str | None = None,
    timeout: float = REQUEST_TIMEOUT,
) -> dict:
    """Crea el objeto en el clúster y devuelve lo que guardó el servidor, como dict.

    Así se ve lo que el servidor de API rellena por su cuenta, p. ej.
    ``imagePullPolicy`` (IMG-4)::

        pod = apply_and_get({"apiVersion": "v1", "kind": "Pod",
                             "metadata": {"name": "web"},
                             "spec": {"containers": [{"name": "web", "image": "nginx"}]}},
                            dry_run=True)
        pod["spec"]["containers"][0]["imagePullPolicy"]   # 'Always'

    * ``manifest``: un dict o un texto YAML (un solo documento).
    * ``dry_run=True``: el servidor valida y rellena los valores por defecto
      pero no guarda nada (no hace falta borrar después).
    * ``replace=True``: si ya existe (409), lo borra y lo vuelve a crear.
    """
    from kubernetes import client, utils

    body = _as_manifest(manifest)
    api = client.ApiClient(_load(kubeconfig, context))
    try:
        kwargs: dict[str, Any] = {"_request_timeout": timeout}
        if dry_run:
            kwargs["dry_run"] = "All"
        try:
            created = utils.create_from_dict(api, copy.deepcopy(body), namespace=namespace, **kwargs)
        except utils.FailToCreateError as exc:
            conflict = [e for e in exc.api_exceptions if getattr(e, "status", None) == 409]
            if not (replace and conflict and not dry_run):
                raise
            _delete(body, namespace, api, timeout=timeout, wait=True)
            created = utils.create_from_dict(api, copy.deepcopy(body), namespace=namespace, **kwargs)
        return api.sanitize_for_serialization(created[0])
    finally:
        api.close()


def get(manifest: Mapping[str, Any] | str, namespace: str = "default", *,
        kubeconfig: str | os.PathLike | None = None, context: str | None = None,
        timeout: float = REQUEST_TIMEOUT) -> dict | None:
    """Lee el objeto del clúster (como dict) o ``None`` si no existe."""
    from kubernetes import client

    body = _as_manifest(manifest)
    api = client.ApiClient(_load(kubeconfig, context))
    try:
        try:
            obj = _call(body, "read", namespace, api, _request_timeout=timeout)
        except client.ApiException as exc:
            if exc.status == 404:
                return None
            raise
        return api.sanitize_for_serialization(obj)
    finally:
        api.close()


def _delete(body: dict, namespace: str, api, *, timeout: float, wait: bool,
            grace_period_seconds: int = 0) -> bool:
    from kubernetes import client

    try:
        _call(body, "delete", namespace, api, grace_period_seconds=grace_period_seconds,
              _request_timeout=timeout)
    except client.ApiException as exc:
        if exc.status == 404:
            return False
        raise
    if wait:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                _call(body, "read", namespace, api, _request_timeout=timeout)
            except client.ApiException as exc:
                if exc.status == 404:
                    break
                raise
            time.sleep(0.5)
    return True


def delete(manifest: Mapping[str, Any] | str, namespace: str = "default", *,
           wait: bool = False, grace_period_seconds: int = 0,
           kubeconfig: str | os.PathLike | None = None, context: str | None = None,
           timeout: float = REQUEST_TIMEOUT) -> bool:
    """Borra el objeto del manifiesto. Devuelve ``False`` si ya no existía.

    ``wait=True`` espera (hasta ``timeout`` s) a que desaparezca del todo.
    """
    from kubernetes import client

    body = _as_manifest(manifest)
    api = client.ApiClient(_load(kubeconfig, context))
    try:
        return _delete(body, namespace, api, timeout=timeout, wait=wait,
                       grace_period_seconds=grace_period_seconds)
    finally:
        api.close()


def _load(kubeconfig, context):
    from k8s_helpers.live.cluster import load_configuration

    return load_configuration(kubeconfig, context)
