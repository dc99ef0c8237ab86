"""Rules a real API server enforces that the OpenAPI schema does not express.

Each check cites its rule id in shared/reference/kubernetes-semantics.md (RES-1,
RS-1, JOB-1, TNT-1, AFF-1, PRB-1, SVC-2, IMG-3, ...) or, for apimachinery name
rules, DNS-1123, and carries the API server's own error text (``apierror``). They run
on every document with a built-in schema; values of the wrong type were already
reported by the schema and are skipped here. Warnings the API server returns with a
successful answer (``warnings``) are findings of severity "aviso".
"""
from __future__ import annotations

from ..findings import Finding
from . import configdata, ingress, objectmeta, podspec, service, storage, workloads


def check(obj: dict, schema_ok: bool = True) -> list[Finding]:
    out: list[Finding] = []
    objectmeta.check(obj, out)
    podspec.check_quantities(obj, out)
    workloads.check(obj, out)
    for path, spec, ctx in workloads.pod_specs(obj):
        podspec.check(spec, path, ctx, out)
    service.check(obj, out)
    storage.check(obj, out)
    ingress.check(obj, out)
    configdata.check(obj, out)
    return out
