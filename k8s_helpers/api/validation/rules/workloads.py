"""Controllers: selector vs template labels and template restartPolicy (RS-1, JOB-1, CJ-1).

apps/v1 Deployment, ReplicaSet, StatefulSet and DaemonSet need a non-empty
``spec.selector`` that matches ``spec.template.metadata.labels`` ("selector does
not match template labels") and a template with ``restartPolicy: Always``; Jobs
(and CronJob job templates) need ``OnFailure`` or ``Never`` -- and since the Pod
default is Always, leaving it out is rejected too.
"""
from __future__ import annotations

import functools
import re

from ...labels import SelectorError, label_selector_to_selector, selector_from_set
from .. import apierror as E
from .common import add, as_dict, as_list, enum_check, get, is_int, suggest
from .objectmeta import check_labels

_APPS_CONTROLLERS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"}
_CRON_MACROS = {"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"}


def pod_specs(obj: dict):
    """(path, pod spec, context) of every Pod spec in the object."""
    kind = obj.get("kind")
    if kind == "Pod":
        spec = obj.get("spec")
        if isinstance(spec, dict):
            yield ("spec",), spec, {"kind": kind, "template": False, "object": obj}
        return
    if kind == "PodTemplate":
        prefix = ("template",)
    elif kind in _APPS_CONTROLLERS or kind in ("Job", "ReplicationController"):
        prefix = ("spec", "template")
    elif kind == "CronJob":
        prefix = ("spec", "jobTemplate", "spec", "template")
    else:
        return
    spec = get(obj, *prefix, "spec")
    if isinstance(spec, dict):
        claims = [get(t, "metadata", "name") for t in as_list(get(obj, "spec", "volumeClaimTemplates"))] \
            if kind == "StatefulSet" else []
        yield prefix + ("spec",), spec, {"kind": kind, "template": True, "claim_templates": claims, "object": obj}


_TEMPLATE_PATHS = {k: ("spec", "template") for k in _APPS_CONTROLLERS | {"Job", "ReplicationController"}}
_TEMPLATE_PATHS["CronJob"] = ("spec", "jobTemplate", "spec", "template")


def _missing_pod_spec(obj: dict, out: list) -> None:
    """A Pod needs a spec with containers; a controller needs a Pod template."""
    kind = obj.get("kind")
    if kind == "Pod" and obj.get("spec") is None:
        add(out, ("spec",), "falta «spec» con la lista «containers»: un Pod necesita al menos un contenedor")
        return
    path = _TEMPLATE_PATHS.get(kind)
    if path is None:
        return
    if kind == "CronJob" and get(obj, "spec", "jobTemplate") is None:
        add(out, ("spec", "jobTemplate"), "falta «jobTemplate», la plantilla del Job que se crea en cada ejecución",
            "CJ-1")
        return
    if get(obj, *path) is None:
        return  # the schema reports the missing template itself
    if get(obj, *path, "spec") is None:
        where = ".".join(path)
        rule = "JOB-1" if kind in ("Job", "CronJob") else "RS-1"
        add(out, path + ("spec",),
            f"falta la plantilla de Pod «{where}.spec» (con «containers»): sin ella el {kind} no sabe qué Pods crear",
            rule)


def check(obj: dict, out: list) -> None:
    kind = obj.get("kind")
    _missing_pod_spec(obj, out)
    spec = as_dict(obj.get("spec"))
    if kind in _APPS_CONTROLLERS:
        _check_selector(spec, kind, out)
        _restart_policy(get(spec, "template", "spec"), ("spec", "template", "spec"), ("Always",), kind, "RS-1", out)
        _nonneg(spec, ("replicas", "minReadySeconds", "revisionHistoryLimit"), ("spec",), out,
                "DEP-1" if kind == "Deployment" else "RS-1")
        _template_labels(spec, ("spec",), out)
    if kind == "Deployment":
        _deployment_strategy(spec, out)
    if kind == "StatefulSet":
        enum_check(out, ("spec", "podManagementPolicy"), spec.get("podManagementPolicy"),
                   ("OrderedReady", "Parallel"), "podManagementPolicy", "STS-1", empty_ok=True)
        enum_check(out, ("spec", "updateStrategy", "type"), get(spec, "updateStrategy", "type"),
                   ("RollingUpdate", "OnDelete"), "el tipo de actualización", empty_ok=True)
    if kind == "DaemonSet":
        enum_check(out, ("spec", "updateStrategy", "type"), get(spec, "updateStrategy", "type"),
                   ("RollingUpdate", "OnDelete"), "el tipo de actualización", "DS-1", empty_ok=True)
    if kind == "ReplicationController":
        sel = spec.get("selector")
        labels = get(spec, "template", "metadata", "labels")
        if isinstance(sel, dict) and sel and isinstance(labels, dict):
            if not selector_from_set(sel).matches(labels):
                add(out, ("spec", "selector"), "el «selector» no coincide con las etiquetas de la plantilla "
                    "(«spec.template.metadata.labels»): el controlador no reconocería sus propios Pods", "RS-1")
        _restart_policy(get(spec, "template", "spec"), ("spec", "template", "spec"), ("Always",), kind, "RS-1", out)
        _template_labels(spec, ("spec",), out)
    if kind == "Job":
        _job(spec, ("spec",), out)
    if kind == "CronJob":
        _cronjob(spec, out)


def _template_labels(spec: dict, path: tuple, out: list) -> None:
    labels = get(spec, "template", "metadata", "labels")
    if isinstance(labels, dict):
        check_labels(labels, path + ("template", "metadata", "labels"), out)


def _check_selector(spec: dict, kind: str, out: list) -> None:
    path = ("spec", "selector")
    sel = spec.get("selector")
    labels = get(spec, "template", "metadata", "labels")
    if "selector" not in spec or sel is None:
        add(out, path, f"falta «selector»: en apps/v1 un {kind} debe indicar qué Pods gestiona, normalmente "
                       "«selector: {matchLabels: ...}» con las mismas etiquetas que «spec.template.metadata.labels»",
            "RS-1")
        return
    if not isinstance(sel, dict):
        return
    if not (sel.get("matchLabels") or sel.get("matchExpressions")):
        add(out, path, "el «selector» está vacío: debe tener «matchLabels» o «matchExpressions» (un selector "
                       "vacío seleccionaría todos los Pods)", "RS-1")
        return
    check_labels(as_dict(sel.get("matchLabels")), path + ("matchLabels",), out)
    _check_expressions(as_list(sel.get("matchExpressions")), path + ("matchExpressions",), out, "RS-1")
    try:
        selector = label_selector_to_selector(sel)
    except (SelectorError, TypeError):
        return  # expression errors are reported above
    if spec.get("template") is None:
        return  # reported by the schema (required) or above
    if not isinstance(labels, dict) or not labels:
        add(out, ("spec", "template", "metadata", "labels"),
            "la plantilla no tiene etiquetas: «spec.template.metadata.labels» debe incluir las del «selector» "
            "para que el controlador reconozca sus Pods", "RS-1")
        return
    if not all(isinstance(v, str) for v in labels.values()):
        return  # the schema already reported the non-string values
    if not selector.matches(labels):
        missing = []
        for k, v in as_dict(sel.get("matchLabels")).items():
            if labels.get(k) != v:
                missing.append(f"{k}: {v}" + (f" (en la plantilla: {k}: {labels[k]})" if k in labels else ""))
        detail = f"; no coinciden: {', '.join(missing)}" if missing else ""
        add(out, path, "el «selector» no coincide con las etiquetas de la plantilla («spec.template.metadata.labels»)"
                       f"{detail}. Kubernetes lo rechaza: el controlador no reconocería los Pods que crea", "RS-1")


def _check_expressions(exprs: list, path: tuple, out: list, rule: str, node: bool = False) -> None:
    ops = ("In", "NotIn", "Exists", "DoesNotExist") + (("Gt", "Lt") if node else ())
    for i, e in enumerate(exprs):
        if not isinstance(e, dict):
            continue
        p = path + (i,)
        op, values = e.get("operator"), e.get("values")
        if not enum_check(out, p + ("operator",), op, ops, "el operador", rule):
            continue
        vals = values if isinstance(values, list) else []
        if op in ("In", "NotIn") and not vals:
            add(out, p + ("values",), f"con el operador {op} «values» debe tener al menos un valor", rule)
        if op in ("Exists", "DoesNotExist") and vals:
            add(out, p + ("values",), f"con el operador {op} no se indica «values» (debe ir vacío)", rule)
        if op in ("Gt", "Lt"):
            if len(vals) != 1 or not (isinstance(vals[0], str) and re.fullmatch(r"[+-]?\d+", vals[0])):
                add(out, p + ("values",), f"con el operador {op} «values» debe tener exactamente un valor, "
                                          "un número entero escrito como texto (p. ej. [\"3\"])", rule)


def _restart_policy(pod_spec, path, allowed, kind, rule, out) -> None:
    if not isinstance(pod_spec, dict):
        return
    ap = E.Path(path + ("restartPolicy",))
    rp = pod_spec.get("restartPolicy")
    job = "Always" not in allowed
    if rp is None or rp == "":  # SetDefaults_PodSpec: "" becomes Always
        if job:
            add(out, path + ("restartPolicy",),
                f"falta «restartPolicy» en la plantilla: por defecto sería Always, que un {kind} no admite; "
                "escribe «restartPolicy: OnFailure» o «restartPolicy: Never»", rule,
                E.required(ap, 'valid values: "OnFailure", "Never"'))
        return
    if not isinstance(rp, str) or rp in allowed:
        return
    if job and rp == "Always":
        api = E.required(ap, 'valid values: "OnFailure", "Never"')
    else:
        api = E.not_supported(ap, rp, list(allowed))
    if rp in ("Always", "OnFailure", "Never"):
        add(out, path + ("restartPolicy",),
            f"un {kind} solo admite " + " o ".join(f"«restartPolicy: {a}»" for a in allowed)
            + f" en la plantilla, no «{rp}»"
            + (" (sus Pods deben seguir en marcha siempre)" if allowed == ("Always",) else
               " (un Job termina: sus Pods no se reinician para siempre)"), rule, api)
    else:
        guess = suggest(rp, ("Always", "OnFailure", "Never"))
        add(out, path + ("restartPolicy",),
            f"restartPolicy «{rp}» no es válido: los valores posibles son «Always», «OnFailure» y «Never», y las "
            "mayúsculas cuentan" + (f" (¿quisiste decir «{guess}»?)" if guess else "")
            + f". Además, en la plantilla de un {kind} solo se admite " + " o ".join(f"«{a}»" for a in allowed),
            rule, api)


def _nonneg(spec: dict, fields, path, out, rule: str | None = None) -> None:
    for f in fields:
        v = spec.get(f)
        if is_int(v) and v < 0:
            add(out, path + (f,), f"«{f}» no puede ser negativo ({v})", rule,
                E.invalid(E.Path(path + (f,)), v, "must be greater than or equal to 0"))


def _int_or_percent(v):
    """(number, is_percent) or None for an IntOrString like 1 or "25%"."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v, False
    if isinstance(v, str):
        m = re.fullmatch(r"(\d+)%", v)
        if m:
            return int(m.group(1)), True
    return None


def _deployment_strategy(spec: dict, out: list) -> None:
    strategy = as_dict(spec.get("strategy"))
    path = ("spec", "strategy")
    t = strategy.get("type")
    enum_check(out, path + ("type",), t, ("RollingUpdate", "Recreate"), "el tipo de estrategia", "DEP-1", empty_ok=True)
    ru = strategy.get("rollingUpdate")
    if t == "Recreate" and ru is not None:
        add(out, path + ("rollingUpdate",), "con «type: Recreate» no se puede indicar «rollingUpdate»", "DEP-1")
        return
    ru = as_dict(ru)
    parsed = {}
    for f in ("maxSurge", "maxUnavailable"):
        if f in ru and ru[f] is not None:
            p = _int_or_percent(ru[f])
            if p is None:
                add(out, path + ("rollingUpdate", f), f"«{f}» debe ser un número entero o un porcentaje como «25%», "
                                                      f"no «{ru[f]}»", "DEP-2")
                continue
            if p[0] < 0:
                add(out, path + ("rollingUpdate", f), f"«{f}» no puede ser negativo", "DEP-2")
            if f == "maxUnavailable" and p[1] and p[0] > 100:
                add(out, path + ("rollingUpdate", f), "«maxUnavailable» no puede pasar del 100%", "DEP-2")
            parsed[f] = p
    if parsed.get("maxSurge", (1,))[0] == 0 and parsed.get("maxUnavailable", (1,))[0] == 0:
        add(out, path + ("rollingUpdate", "maxUnavailable"),
            "«maxSurge» y «maxUnavailable» no pueden ser 0 a la vez: la actualización no podría avanzar", "DEP-2")
    pds, mrs = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds")
    if is_int(pds) and is_int(mrs) and pds <= mrs:
        add(out, ("spec", "progressDeadlineSeconds"),
            "«progressDeadlineSeconds» debe ser mayor que «minReadySeconds»", "DEP-1")


def _job(spec: dict, path: tuple, out: list, template: bool = False) -> None:
    """validateJobSpec (+ ValidateJobSpec for a Job, ValidateJobTemplateSpec for a CronJob's)."""
    ap = E.Path(path)
    _restart_policy(get(spec, "template", "spec"), path + ("template", "spec"), ("OnFailure", "Never"), "Job",
                    "JOB-1", out)
    _nonneg(spec, ("parallelism", "completions", "activeDeadlineSeconds", "backoffLimit", "ttlSecondsAfterFinished",
                   "backoffLimitPerIndex", "maxFailedIndexes"), path, out, "JOB-1")
    mode = spec.get("completionMode")
    enum_check(out, path + ("completionMode",), mode, ("NonIndexed", "Indexed"), "completionMode", "JOB-1",
               api_order=["NonIndexed", "Indexed"])
    if mode == "Indexed" and spec.get("completions") is None:
        add(out, path + ("completions",), "con «completionMode: Indexed» hay que indicar «completions» (cuántos "
                                          "índices, de 0 a completions-1)", "JOB-1",
            E.required(ap.child("completions"), "when completion mode is Indexed"))
    if mode != "Indexed":
        for f in ("backoffLimitPerIndex", "maxFailedIndexes"):
            if is_int(spec.get(f)):
                add(out, path + (f,), f"«{f}» solo vale con «completionMode: Indexed»", "JOB-1",
                    E.invalid(ap.child(f), spec[f], "requires indexed completion mode"))
    if spec.get("podFailurePolicy") is not None and get(spec, "template", "spec", "restartPolicy") == "OnFailure":
        add(out, path + ("template", "spec", "restartPolicy"), "con «podFailurePolicy» la plantilla debe usar "
                                                               "«restartPolicy: Never»", "JOB-1",
            E.invalid(ap.child("template", "spec", "restartPolicy"), "OnFailure",
                      'only "Never" is supported when podFailurePolicy is specified'))
    sel = spec.get("selector")
    if template:
        if sel is not None:
            add(out, path + ("selector",), "en la plantilla de Job de un CronJob no se indica «selector»: Kubernetes lo "
                                           "genera para cada Job; quítalo", "CJ-1",
                E.invalid(ap.child("selector"), sel, "`selector` will be auto-generated"))
        if spec.get("manualSelector") is True:
            add(out, path + ("manualSelector",), "un CronJob no admite «manualSelector: true»", "CJ-1",
                E.not_supported(ap.child("manualSelector"), True, ["nil", "false"]))
    elif sel is not None and spec.get("manualSelector") is not True:
        add(out, path + ("selector",), "un Job genera su propio «selector»: quítalo (o indica «manualSelector: true» "
                                       "si de verdad lo quieres fijar a mano)", "JOB-1",
            E.invalid(ap.child("selector"), sel, "`selector` not auto-generated"))
    _template_labels(spec, path, out)


def _cronjob(spec: dict, out: list) -> None:
    sp = E.path("spec")
    sched = spec.get("schedule")
    if sched is None or sched == "":
        add(out, ("spec", "schedule"), "falta «schedule», el horario en formato cron (p. ej. «*/5 * * * *», cada 5 "
                                       "minutos)", "CJ-1", E.required(sp.child("schedule")))
    elif isinstance(sched, str):
        es, api = parse_cron(sched)
        if es:
            add(out, ("spec", "schedule"), es, "CJ-1", E.invalid(sp.child("schedule"), sched, api))
        if "TZ" in sched:
            add(out, ("spec", "schedule"), "no se admite «TZ=» ni «CRON_TZ=» dentro de «schedule»: indica la zona "
                                           "horaria en el campo «timeZone» (p. ej. «timeZone: Europe/Madrid»)", "CJ-1",
                E.invalid(sp.child("schedule"), sched, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"))
    tz = spec.get("timeZone")
    if isinstance(tz, str):
        for es, api in time_zone_errors(tz):
            add(out, ("spec", "timeZone"), es, "CJ-1", E.invalid(sp.child("timeZone"), tz, api))
    enum_check(out, ("spec", "concurrencyPolicy"), spec.get("concurrencyPolicy"), ("Allow", "Forbid", "Replace"),
               "concurrencyPolicy", "CJ-1", empty_ok=True)
    _nonneg(spec, ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"), ("spec",), out,
            "CJ-1")
    job_spec = get(spec, "jobTemplate", "spec")
    if isinstance(job_spec, dict):
        _job(job_spec, ("spec", "jobTemplate", "spec"), out, template=True)


# ----------------------------------------------------------------------------- time zones
_TZ_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}\Z")


@functools.lru_cache(maxsize=1)
def _zones() -> frozenset:
    import zoneinfo
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def _zone_exists(name: str) -> bool:
    """time.LoadLocation succeeds (IANA database, case-sensitive). Without any time zone database
    on this machine (no system zoneinfo, no ``tzdata`` package) nothing can be said: accept."""
    if name in _zones() or len(_zones()) <= 1:
        return True
    import zoneinfo
    try:
        zoneinfo.ZoneInfo(name)
        return True
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False


def time_zone_errors(tz: str) -> list[tuple[str, str]]:
    """validateTimeZone (pkg/apis/batch/validation): (Spanish, API detail) pairs; empty when valid."""
    example = "p. ej. «Europe/Madrid», «America/Mexico_City» o «UTC»"
    if tz == "":
        return [("«timeZone» está vacío: quítalo o escribe una zona horaria IANA, " + example,
                 "timeZone must be nil or non-empty string")]
    if any(p in (".", "..") or p.startswith("-") or not _TZ_PART.match(p) for p in tz.split("/")):
        return [(f"«{tz}» no es una zona horaria IANA: se escribe «Región/Ciudad», sin espacios, {example}",
                 f"unknown time zone {tz}")]
    errs = []
    if tz.lower() == "local":
        errs.append(("«Local» no vale: el clúster no tiene una zona «local» fija; escribe una zona IANA explícita, "
                     + example, "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"))
    if tz != "Local" and not _zone_exists(tz):
        same = sorted(z for z in _zones() if z.lower() == tz.lower() or z.lower().endswith("/" + tz.lower()))
        if same and same[0].lower() == tz.lower():
            hint = f" (las mayúsculas cuentan): ¿quisiste decir «{same[0]}»?"
        elif same:
            hint = f": las zonas IANA se escriben «Región/Ciudad», ¿quisiste decir «{same[0]}»?"
        else:
            hint = f"; {example}"
        errs.append((f"«{tz}» no es una zona horaria IANA conocida{hint}",
                     f"unknown time zone {tz}"))
    return errs


# ----------------------------------------------------------------------------- cron schedules
# robfig/cron v3 ParseStandard (minute hour day-of-month month day-of-week), as the API server
# calls it: day of week 0-6 only (Sunday is 0 -- `7` is an error), names case-insensitive,
# descriptors case-sensitive.
_CRON_RANGES = ((0, 59, "minuto"), (0, 23, "hora"), (1, 31, "día del mes"), (1, 12, "mes"), (0, 6, "día de la semana"))
_NAMES = {3: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
          4: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]}
_DURATION = re.compile(r"[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+\Z|0\Z")


class _CronError(Exception):
    def __init__(self, es: str, api: str):
        super().__init__(api)
        self.es, self.api = es, api


def _atoi(expr: str, label: str) -> int:
    if not re.fullmatch(r"[+-]?\d+", expr):
        raise _CronError(f"«{expr}» no es un número ni un nombre válido en el campo de {label}",
                         f'failed to parse int from {expr}: strconv.Atoi: parsing "{expr}": invalid syntax')
    n = int(expr)
    if n < 0:
        raise _CronError(f"el campo de {label} no admite números negativos ({n})",
                         f"negative number ({n}) not allowed: {expr}")
    return n


def _cron_range(expr: str, i: int) -> None:
    lo, hi, label = _CRON_RANGES[i]
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = lo, hi
    else:
        names = _NAMES.get(i, [])

        def value(x):
            if x.lower() in names:
                return names.index(x.lower()) + (1 if i == 3 else 0)
            return _atoi(x, label)
        start = value(low_high[0])
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = value(low_high[1])
        else:
            raise _CronError(f"«{expr}» tiene demasiados «-» en el campo de {label}", f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _atoi(range_and_step[1], label)
        if len(low_high) == 1:
            end = hi
    elif len(range_and_step) > 2:
        raise _CronError(f"«{expr}» tiene demasiadas «/» en el campo de {label}", f"too many slashes: {expr}")
    if start < lo:
        raise _CronError(f"el valor {start} del campo de {label} está fuera de rango ({lo}-{hi})",
                         f"beginning of range ({start}) below minimum ({lo}): {expr}")
    if end > hi:
        extra = " (el domingo es 0 o «sun»)" if i == 4 and end == 7 else ""
        raise _CronError(f"el valor {end} del campo de {label} está fuera de rango ({lo}-{hi}){extra}",
                         f"end of range ({end}) above maximum ({hi}): {expr}")
    if start > end:
        raise _CronError(f"en el campo de {label} el rango «{range_and_step[0]}» empieza después de terminar",
                         f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise _CronError(f"el paso del campo de {label} no puede ser 0",
                         f"step of range should be a positive number: {expr}")


def parse_cron(spec: str) -> tuple[str | None, str | None]:
    """(Spanish message, robfig/cron error text), or (None, None) when the schedule parses."""
    try:
        _parse_cron(spec)
    except _CronError as e:
        return e.es, e.api
    return None, None


def _parse_cron(spec: str) -> None:
    if not spec:
        raise _CronError("«schedule» está vacío; p. ej. «*/5 * * * *» (cada 5 minutos)", "empty spec string")
    if spec.startswith(("TZ=", "CRON_TZ=")):
        head, _, rest = spec.partition(" ")
        zone = head.split("=", 1)[1]
        if not _zone_exists(zone) and zone not in ("", "Local"):
            raise _CronError(f"«{zone}» no es una zona horaria conocida", f"provided bad location {zone}: unknown "
                                                                          f"time zone {zone}")
        spec = rest.strip()
    if spec.startswith("@"):
        if spec in _CRON_MACROS:
            return
        if spec.startswith("@every "):
            dur = spec[len("@every "):]
            if _DURATION.match(dur):
                return
            raise _CronError(f"«{dur}» no es una duración válida para @every (p. ej. «@every 5m» o «@every 1h30m»)",
                             f'failed to parse duration {spec}: time: invalid duration "{dur}"')
        guess = suggest(spec.lower(), sorted(_CRON_MACROS))
        raise _CronError(f"«{spec}» no es una macro válida; las macros son @yearly, @monthly, @weekly, @daily y "
                         "@hourly, en minúsculas" + (f" (¿quisiste decir «{guess}»?)" if guess else ""),
                         f"unrecognized descriptor: {spec}")
    fields = spec.split()
    if len(fields) != 5:
        raise _CronError(f"«{spec}» tiene {len(fields)} campos y un horario cron necesita 5: minuto hora día-del-mes "
                         "mes día-de-la-semana (p. ej. «0 3 * * *» = cada día a las 3:00)",
                         f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    for i, f in enumerate(fields):
        for part in f.split(","):
            if part:
                _cron_range(part, i)


def cron_schedule_error(sched: str) -> str | None:
    """Spanish message when a CronJob schedule is not accepted on create (CJ-1), else None."""
    if "TZ" in sched:
        return "no se admite «TZ=» dentro de «schedule»: usa el campo «timeZone» (p. ej. «timeZone: Europe/Madrid»)"
    return parse_cron(sched)[0]
