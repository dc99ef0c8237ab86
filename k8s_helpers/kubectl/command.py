"""Parse a kubectl command line and run it against a cluster (simulated or live adapter).

The cluster needs only: ``get(kind, name=None, namespace=..., selector=...)``,
``events()``, ``logs(pod, container=None, namespace=..., previous=False)``,
``delete(kind, name, namespace=...)`` and ``now``. Output is what kubectl prints on the
terminal (stdout, or the error line kubectl prints on stderr), as one string.
"""
from __future__ import annotations

import json
import shlex

from . import printers
from .describe import describe_node, describe_pod
from .resources import Resource, lookup
from .timefmt import cluster_now

__all__ = ["run", "KubectlUsageError"]

_API_VERSIONS = {"": "v1", "apps": "apps/v1", "batch": "batch/v1", "networking.k8s.io": "networking.k8s.io/v1",
                 "storage.k8s.io": "storage.k8s.io/v1", "rbac.authorization.k8s.io": "rbac.authorization.k8s.io/v1",
                 "autoscaling": "autoscaling/v2", "policy": "policy/v1", "scheduling.k8s.io": "scheduling.k8s.io/v1",
                 "discovery.k8s.io": "discovery.k8s.io/v1"}
_ALL = ("pods", "services", "daemonsets", "deployments", "replicasets", "statefulsets", "jobs", "cronjobs")
_SUPPORTED = "get, describe, delete, logs"


class KubectlUsageError(Exception):
    """A command line kubectl would reject; the message is kubectl's own text."""


# ------------------------------------------------------------------------------ parsing
_VALUE_FLAGS = {"-o": "output", "--output": "output", "-n": "namespace", "--namespace": "namespace",
                "-l": "selector", "--selector": "selector", "-c": "container", "--container": "container",
                "--tail": "tail", "--grace-period": "grace", "--sort-by": "sort_by",
                "--field-selector": "field_selector"}
_BOOL_FLAGS = {"-A": "all_namespaces", "--all-namespaces": "all_namespaces", "--show-labels": "show_labels",
               "-f": "follow", "--follow": "follow",
               "--no-headers": "no_headers", "-p": "previous", "--previous": "previous", "--force": "force",
               "--now": "now", "--wait": "wait", "--ignore-not-found": "ignore_not_found",
               "--timestamps": "timestamps", "--all": "all"}
_ALLOWED = {
    "get": {"output", "namespace", "selector", "all_namespaces", "show_labels", "no_headers", "sort_by",
            "ignore_not_found", "field_selector"},
    "describe": {"namespace", "selector", "all_namespaces"},
    "delete": {"namespace", "selector", "grace", "force", "now", "wait", "ignore_not_found", "all", "output"},
    "logs": {"namespace", "container", "previous", "tail", "timestamps", "follow"},
}


def _parse(tokens: list[str], verb: str) -> tuple[list[str], dict]:
    args: list[str] = []
    opts: dict = {}
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok == "--":
            args.extend(tokens[i + 1:])
            break
        if verb != "logs" and (tok in ("-f", "--filename") or tok.startswith("--filename=")
                               or (tok.startswith("-f") and not tok.startswith("--"))):
            raise KubectlUsageError(
                "error: el clúster simulado no lee ficheros con -f; pasa el YAML a «c.apply(texto)» "
                "o usa «kubectl delete <tipo> <nombre>».")
        if tok.startswith("--") and "=" in tok:
            name, value = tok.split("=", 1)
            if name in _VALUE_FLAGS:
                opts[_VALUE_FLAGS[name]] = value
            elif name in _BOOL_FLAGS:
                opts[_BOOL_FLAGS[name]] = value.lower() != "false"
            else:
                raise KubectlUsageError(f"error: unknown flag: {name}")
        elif tok in _VALUE_FLAGS:
            if i + 1 >= len(tokens):
                raise KubectlUsageError(f"error: flag needs an argument: {tok!r} in {tok}")
            opts[_VALUE_FLAGS[tok]] = tokens[i + 1]
            i += 1
        elif tok in _BOOL_FLAGS:
            opts[_BOOL_FLAGS[tok]] = True
        elif tok.startswith("-") and not tok.startswith("--") and len(tok) > 2 and tok[:2] in _VALUE_FLAGS:
            value = tok[2:]
            opts[_VALUE_FLAGS[tok[:2]]] = value[1:] if value.startswith("=") else value
        elif tok.startswith("--"):
            raise KubectlUsageError(f"error: unknown flag: {tok}")
        elif tok.startswith("-") and len(tok) > 1:
            raise KubectlUsageError(f"error: unknown shorthand flag: {tok[1]!r} in {tok}")
        else:
            args.append(tok)
        i += 1
    for key in opts:
        if key not in _ALLOWED[verb]:
            flag = next(f for f, k in {**_VALUE_FLAGS, **_BOOL_FLAGS}.items() if k == key and f.startswith("--"))
            raise KubectlUsageError(f"error: unknown flag: {flag}")
    return args, opts


def _resolve(name: str) -> Resource:
    res = lookup(name)
    if res is None:
        raise KubectlUsageError(f'error: the server doesn\'t have a resource type "{name}"')
    return res


def _targets(args: list[str]) -> list[tuple[Resource, str | None]]:
    """``pod web``, ``pod/web``, ``pods a b``, ``pod/a svc/b``, ``pods,svc`` -> (resource, name)."""
    if not args:
        return []
    if "/" in args[0]:
        out = []
        for a in args:
            if "/" not in a:
                raise KubectlUsageError("error: there is no need to specify a resource type as a separate "
                                        "argument when passing arguments in resource/name form "
                                        "(e.g. 'kubectl get resource/<resource_name>' instead of "
                                        "'kubectl get resource resource/<resource_name>'")
            kind, name = a.split("/", 1)
            out.append((_resolve(kind), name))
        return out
    kinds = []
    for part in args[0].split(","):
        if part == "all":
            kinds.extend(lookup(k) for k in _ALL)
        else:
            kinds.append(_resolve(part))
    names = args[1:]
    if not names:
        return [(k, None) for k in kinds]
    return [(k, n) for k in kinds for n in names]


# ------------------------------------------------------------------------------ cluster access
def _not_found(res: Resource, name: str) -> str:
    return f'Error from server (NotFound): {res.qualified} "{name}" not found'


def _is_not_found(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return isinstance(exc, LookupError) or "notfound" in text or "not found" in text or "no existe" in text


def _with_type(res: Resource, obj: dict) -> dict:
    if "kind" in obj and "apiVersion" in obj:
        return obj
    typed = {"apiVersion": _API_VERSIONS.get(res.group, "v1"), "kind": res.kind}
    typed.update(obj)
    return typed


def _get_one(cluster, res: Resource, name: str, namespace: str) -> dict | None:
    try:
        if res.namespaced:
            obj = cluster.get(res.plural, name, namespace=namespace)
        else:
            obj = cluster.get(res.plural, name)
    except Exception as exc:  # noqa: BLE001 - the simulator's own error types
        if _is_not_found(exc):
            return None
        raise
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    return obj


def _matches(obj: dict, selector) -> bool:
    return selector is None or selector.matches((obj.get("metadata") or {}).get("labels") or {})


def _parse_selector(text: str | None):
    if not text:
        return None
    from ..api.labels import parse_selector
    try:
        return parse_selector(text)
    except ValueError as exc:
        raise KubectlUsageError(f"error: unable to parse requirement: {exc}") from None


def _list(cluster, res: Resource, namespace: str | None, selector_text: str | None) -> list[dict]:
    """Objects of one kind; namespace None means all namespaces."""
    selector = _parse_selector(selector_text)
    if res.kind == "Event" and hasattr(cluster, "events"):
        items = printers.fetch_events(cluster, namespace=namespace)
        # The API lists Events by name, "<object name>.<first time in hex>": grouped by object.
        items.sort(key=lambda e: ((e.get("involvedObject") or {}).get("name") or "",
                                  printers.event_times(e, cluster)[0] or 0))
        return items
    kwargs = {}
    if res.namespaced:
        kwargs["namespace"] = namespace
    if selector_text:
        kwargs["selector"] = selector_text
    try:
        items = cluster.get(res.plural, **kwargs)
    except TypeError:
        items = cluster.get(res.plural)
    except Exception as exc:  # noqa: BLE001
        if _is_not_found(exc):
            return []
        raise
    if isinstance(items, dict):
        items = items.get("items", [items])
    items = list(items or [])
    if res.namespaced and namespace is not None:
        items = [o for o in items if (o.get("metadata") or {}).get("namespace", "default") == namespace]
    items = [o for o in items if _matches(o, selector)]
    # The API lists objects in key order: namespace, then name.
    items.sort(key=lambda o: ((o.get("metadata") or {}).get("namespace") or "", (o.get("metadata") or {}).get("name") or ""))
    return items


def _pod_events(cluster, kind: str, name: str, namespace: str | None) -> list[dict]:
    return printers.fetch_events(cluster, name=name, kind=kind, namespace=namespace)


# ------------------------------------------------------------------------------ verbs
_DUMPER = None


def to_yaml(obj) -> str:
    """YAML as kubectl prints it (sigs.k8s.io/yaml): sorted keys, block style, double quotes."""
    global _DUMPER
    import yaml
    if _DUMPER is None:
        class _Emitter(yaml.emitter.Emitter):
            def choose_scalar_style(self):
                style = super().choose_scalar_style()
                return '"' if style == "'" else style

        class _Dumper(_Emitter, yaml.serializer.Serializer, yaml.representer.SafeRepresenter,
                      yaml.resolver.Resolver):
            def __init__(self, stream, **kw):
                _Emitter.__init__(self, stream, canonical=kw.get("canonical"), indent=kw.get("indent"),
                                  width=kw.get("width"), allow_unicode=kw.get("allow_unicode"),
                                  line_break=kw.get("line_break"))
                yaml.serializer.Serializer.__init__(self, encoding=kw.get("encoding"),
                                                    explicit_start=kw.get("explicit_start"),
                                                    explicit_end=kw.get("explicit_end"),
                                                    version=kw.get("version"), tags=kw.get("tags"))
                yaml.representer.SafeRepresenter.__init__(self, default_style=kw.get("default_style"),
                                                          default_flow_style=kw.get("default_flow_style"),
                                                          sort_keys=kw.get("sort_keys", True))
                yaml.resolver.Resolver.__init__(self)

        def _str(dumper, data):
            style = "|" if "\n" in data.rstrip("\n") or data.endswith("\n") else None
            return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)

        _Dumper.add_representer(str, _str)
        _DUMPER = _Dumper
    return yaml.dump(obj, Dumper=_DUMPER, sort_keys=True, default_flow_style=False, allow_unicode=True,
                     width=1 << 30)


def _dump(obj: dict, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(obj, indent=4, ensure_ascii=False) + "\n"
    return to_yaml(obj)


def _cmd_get(cluster, args, opts) -> str:
    targets = _targets(args)
    if not targets:
        raise KubectlUsageError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a complete '
            "list of supported resources.\n\nerror: Required resource not specified.")
    for key, flag in (("sort_by", "--sort-by"), ("field_selector", "--field-selector")):
        if opts.get(key):
            raise KubectlUsageError(f"error: el clúster simulado todavía no admite {flag}; "
                                    "filtra con -l (etiquetas) o -n (espacio de nombres).")
    output = opts.get("output") or ""
    fmt = output.split("=", 1)[0]
    if fmt in ("jsonpath", "jsonpath-as-json", "jsonpath-file", "custom-columns", "custom-columns-file",
               "go-template", "go-template-file", "template", "templatefile"):
        raise KubectlUsageError(f"error: el clúster simulado todavía no admite -o {fmt}; "
                                "usa -o yaml, -o json, -o wide o -o name.")
    if output not in ("", "wide", "yaml", "json", "name"):
        raise KubectlUsageError(
            f"error: unable to match a printer suitable for the output format \"{output}\", allowed formats "
            "are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
            "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml")
    all_ns = bool(opts.get("all_namespaces"))
    namespace = None if all_ns else opts.get("namespace", "default")
    now = cluster_now(cluster)
    multi_kind = len({r.plural for r, _ in targets}) > 1
    errors: list[str] = []
    groups: list[tuple[Resource, list[dict]]] = []
    for res, name in targets:
        if name is None:
            objs = _list(cluster, res, namespace if res.namespaced else None, opts.get("selector"))
        else:
            obj = _get_one(cluster, res, name, namespace or "default")
            if obj is None:
                if not opts.get("ignore_not_found"):
                    errors.append(_not_found(res, name))
                objs = []
            else:
                objs = [obj]
        if groups and groups[-1][0] is res:
            groups[-1][1].extend(objs)
        else:
            groups.append((res, objs))

    chunks: list[str] = []
    if output in ("yaml", "json"):
        items = [_with_type(res, o) for res, objs in groups for o in objs]
        if len(items) == 1 and len(targets) == 1 and targets[0][1] is not None:
            chunks.append(_dump(items[0], output))
        elif items or not errors:
            chunks.append(_dump({"apiVersion": "v1", "items": items, "kind": "List",
                                 "metadata": {"resourceVersion": ""}}, output))
    elif output == "name":
        for res, objs in groups:
            prefix = res.kind.lower() if not res.group else f"{res.kind.lower()}.{res.group}"
            chunks.extend(f"{prefix}/{(o.get('metadata') or {}).get('name')}\n" for o in objs)
    else:
        tables = []
        for res, objs in groups:
            if not objs:
                continue
            if multi_kind:
                prefix = res.kind.lower() if not res.group else f"{res.kind.lower()}.{res.group}"
                objs = [{**o, "metadata": {**(o.get("metadata") or {}),
                                           "name": f"{prefix}/{(o.get('metadata') or {}).get('name')}"}}
                        for o in objs]
            tables.append(printers.print_table(
                res.kind, objs, now, cluster, wide=output == "wide", all_namespaces=all_ns and res.namespaced,
                show_labels=bool(opts.get("show_labels")), no_headers=bool(opts.get("no_headers"))))
        chunks.append("\n".join(tables))
        if not tables and not errors:
            res0 = targets[0][0]
            if all_ns or not res0.namespaced:
                chunks.append("No resources found\n")
            else:
                chunks.append(f"No resources found in {namespace} namespace.\n")
    text = "".join(chunks)
    if errors:
        text += "\n".join(errors) + "\n"
    return text


def _cmd_describe(cluster, args, opts) -> str:
    targets = _targets(args)
    if not targets:
        raise KubectlUsageError(
            'You must specify the type of resource to describe. Use "kubectl api-resources" for a complete '
            "list of supported resources.")
    namespace = opts.get("namespace", "default")
    now = cluster_now(cluster)
    out: list[str] = []
    errors: list[str] = []
    for res, name in targets:
        if res.kind not in ("Pod", "Node"):
            raise KubectlUsageError(
                f'error: el simulador solo sabe describir pods y nodos (pedido: "{res.plural}"). '
                f"Prueba «kubectl get {res.plural} <nombre> -o yaml».")
        if name is None:
            objs = _list(cluster, res, None if opts.get("all_namespaces") else namespace, opts.get("selector"))
            if not objs:
                errors.append(f"No resources found in {namespace} namespace." if res.namespaced
                              else "No resources found")
        else:
            obj = _get_one(cluster, res, name, namespace)
            if obj is None:
                errors.append(_not_found(res, name))
                continue
            objs = [obj]
        for obj in objs:
            meta = obj.get("metadata") or {}
            if res.kind == "Pod":
                events = _pod_events(cluster, "Pod", meta.get("name"), meta.get("namespace", namespace))
                out.append(describe_pod(obj, events, now, cluster))
            else:
                pods = [p for p in _list(cluster, lookup("pods"), None, None)
                        if (p.get("spec") or {}).get("nodeName") == meta.get("name")
                        and (p.get("status") or {}).get("phase") not in ("Succeeded", "Failed")]
                events = _pod_events(cluster, "Node", meta.get("name"), None)
                out.append(describe_node(obj, pods, events, now, cluster))
    text = "\n\n".join(out) if len(out) > 1 else "".join(out)
    if errors:
        text += "\n".join(errors) + "\n"
    return text


def _cmd_delete(cluster, args, opts) -> str:
    targets = _targets(args)
    if not targets:
        raise KubectlUsageError(
            'error: You must provide one or more resources by argument or filename.\n'
            'Example resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n'
            '   \'<resource> <name>\'\n   \'<resource>\'')
    namespace = opts.get("namespace", "default")
    lines = []
    for res, name in targets:
        if name is None:
            if not (opts.get("all") or opts.get("selector")):
                raise KubectlUsageError("error: resource(s) were provided, but no name was specified")
            names = [(o.get("metadata") or {}).get("name")
                     for o in _list(cluster, res, namespace if res.namespaced else None, opts.get("selector"))]
            if not names:
                lines.append("No resources found")
        else:
            names = [name]
        for n in names:
            if _get_one(cluster, res, n, namespace) is None:
                if not opts.get("ignore_not_found"):
                    lines.append(_not_found(res, n))
                continue
            extra = {}
            if "wait" in opts:
                extra["wait"] = bool(opts["wait"])
            if opts.get("now"):
                extra["grace_period"] = 1
            if opts.get("grace") is not None:
                try:
                    extra["grace_period"] = max(0, int(opts["grace"])) if not opts.get("force") else 0
                except ValueError:
                    raise KubectlUsageError(f'error: invalid argument "{opts["grace"]}" for "--grace-period" '
                                            f'flag: strconv.ParseInt: parsing "{opts["grace"]}": invalid syntax') from None
            try:
                kwargs = {"namespace": namespace} if res.namespaced else {}
                try:
                    cluster.delete(res.kind.lower(), n, **kwargs, **extra)
                except TypeError:
                    if not extra:
                        raise
                    cluster.delete(res.kind.lower(), n, **kwargs)
            except Exception as exc:  # noqa: BLE001
                if _is_not_found(exc):
                    lines.append(_not_found(res, n))
                    continue
                raise
            prefix = res.kind.lower() if not res.group else f"{res.kind.lower()}.{res.group}"
            if res.namespaced:
                # kubectl >= 1.32 (kubernetes/kubernetes#126619) names the namespace.
                lines.append(f'{prefix} "{n}" deleted from {namespace} namespace')
            else:
                lines.append(f'{prefix} "{n}" deleted')
    return "\n".join(lines) + "\n"


def _cmd_logs(cluster, args, opts) -> str:
    if not args:
        raise KubectlUsageError("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\n"
                                "POD or TYPE/NAME is a required argument for the logs command")
    target = args[0]
    if "/" in target:
        kind, target = target.split("/", 1)
        if _resolve(kind).kind != "Pod":
            raise KubectlUsageError("error: el simulador solo muestra logs de pods («kubectl logs <pod>»).")
    container = opts.get("container") or (args[1] if len(args) > 1 else None)
    namespace = opts.get("namespace", "default")
    pods = lookup("pods")
    pod = _get_one(cluster, pods, target, namespace)
    if pod is None:
        raise KubectlUsageError(_not_found(pods, target))
    spec = pod.get("spec") or {}
    names = [c.get("name") for c in spec.get("containers") or []]
    init_names = [c.get("name") for c in spec.get("initContainers") or []]
    if container is None:
        default = ((pod.get("metadata") or {}).get("annotations") or {}).get("kubectl.kubernetes.io/default-container")
        container = default if default in names else (names[0] if names else None)
    elif container not in names and container not in init_names:
        raise KubectlUsageError(f"error: container {container} is not valid for pod {target}")
    previous = bool(opts.get("previous"))
    if not spec.get("nodeName"):
        # pkg/registry/core/pod/strategy.go LogLocation: a pod without a node has no log
        # location, and kubectl prints nothing.
        return ""
    try:
        text = cluster.logs(target, container=container, namespace=namespace, previous=previous)
    except Exception as exc:  # noqa: BLE001
        if previous:
            raise KubectlUsageError(
                f'Error from server (BadRequest): previous terminated container "{container}" in pod '
                f'"{target}" not found') from None
        # The simulator explains in Spanish and ends with kubectl's own text in brackets:
        # print only what kubectl prints.
        message = str(exc)
        if message.endswith(")") and "(" in message:
            depth = 0
            for i in range(len(message) - 1, -1, -1):
                depth += {")": 1, "(": -1}.get(message[i], 0)
                if depth == 0:
                    message = message[i + 1:-1]
                    break
        raise KubectlUsageError(f"Error from server (BadRequest): {message}") from None
    text = text or ""
    if opts.get("tail") is not None:
        n = int(opts["tail"])
        lines = text.splitlines(keepends=True)
        text = "".join(lines[-n:]) if n >= 0 else text
    return text


_VERBS = {"get": _cmd_get, "describe": _cmd_describe, "delete": _cmd_delete, "logs": _cmd_logs}


def run(cluster, command: str) -> str:
    """Run ``command`` (``"get pods -o wide"``, with or without a leading ``kubectl``) on ``cluster``.

    Returns what kubectl would print: the table, YAML, description or log text, or kubectl's
    error line (``Error from server (NotFound): pods "x" not found``).
    """
    try:
        tokens = shlex.split(command)
    except ValueError as exc:
        return f"error: no se pudo leer la orden ({exc}); revisa las comillas.\n"
    if tokens and tokens[0] == "kubectl":
        tokens = tokens[1:]
    if not tokens:
        return ("error: falta la orden. Ejemplos: «kubectl get pods», «kubectl describe pod web».\n"
                f"Órdenes disponibles en el simulador: {_SUPPORTED}.\n")
    verb, rest = tokens[0], tokens[1:]
    if verb not in _VERBS:
        return (f'error: unknown command "{verb}" for "kubectl"\n'
                f"(El clúster simulado admite estas órdenes: {_SUPPORTED}.)\n")
    try:
        args, opts = _parse(rest, verb)
        return _VERBS[verb](cluster, args, opts)
    except KubectlUsageError as exc:
        text = str(exc)
        if text.startswith("error: unknown flag") or text.startswith("error: unknown shorthand"):
            text += f"\nSee 'kubectl {verb} --help' for usage.\n"
            if text.startswith("error: unknown shorthand flag: 'w'") or "--watch" in text:
                text += ("(Pista: en el clúster simulado el tiempo solo avanza con «c.run(seconds=...)»; "
                         "en lugar de -w, avanza el reloj y vuelve a ejecutar «kubectl get».)")
            else:
                text += ("(Pista: el simulador no conoce esa opción; revisa cómo se escribe o consulta "
                         "las opciones admitidas en la documentación del curso.)")
        return text + "\n"
