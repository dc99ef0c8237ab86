"""TaintToleration plugin (TNT-1 filter, SCH-3 score).

A toleration matches a taint when its effect is empty or equal, its key is
empty or equal, and its operator is Equal (the default) with an equal value,
or Exists. An empty key with Exists tolerates every taint. Filter: a node with
an untolerated ``NoSchedule`` or ``NoExecute`` taint is rejected
("node(s) had untolerated taint {key: value}"). Score: fewer untolerated
``PreferNoSchedule`` taints is better, 100 - 100 x raw / max.
"""
from __future__ import annotations

from ..framework import Status

__all__ = ["TaintToleration", "tolerates", "find_untolerated", "parse_taint"]


def tolerates(toleration: dict, taint: dict) -> bool:
    """ToleratesTaint (TNT-1)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    op = toleration.get("operator") or "Equal"
    if key and key != taint.get("key"):
        return False
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def find_untolerated(taints, tolerations, effects=("NoSchedule", "NoExecute")):
    """The first taint with one of ``effects`` that no toleration tolerates, or None."""
    for taint in taints or ():
        if taint.get("effect") not in effects:
            continue
        if not any(tolerates(t, taint) for t in tolerations or ()):
            return taint
    return None


def parse_taint(text: str) -> dict:
    """``key=value:Effect`` or ``key:Effect`` -> a taint dict (TNT-2 syntax)."""
    if not isinstance(text, str) or ":" not in text:
        raise ValueError(f"«{text}» no es un taint válido: usa clave=valor:Efecto o clave:Efecto (TNT-2)")
    kv, effect = text.rsplit(":", 1)
    if effect not in ("NoSchedule", "PreferNoSchedule", "NoExecute"):
        raise ValueError(f"«{text}»: el efecto debe ser NoSchedule, PreferNoSchedule o NoExecute (TNT-2)")
    key, _, value = kv.partition("=")
    if not key:
        raise ValueError(f"«{text}»: falta la clave del taint (TNT-2)")
    taint = {"key": key, "effect": effect}
    if value:
        taint["value"] = value
    return taint


class TaintToleration:
    name = "TaintToleration"

    def filter(self, state, pod, node_info):
        taints = node_info.node["spec"].get("taints")
        if not taints:
            return None
        taint = find_untolerated(taints, pod["spec"].get("tolerations"))
        if taint is None:
            return None
        return Status(f"node(s) had untolerated taint {{{taint.get('key')}: {taint.get('value') or ''}}}",
                      unresolvable=True)

    def score(self, state, pod, node_info):
        tols = [t for t in pod["spec"].get("tolerations") or () if (t.get("effect") or "") in ("", "PreferNoSchedule")]
        n = 0
        for taint in node_info.node["spec"].get("taints") or ():
            if taint.get("effect") == "PreferNoSchedule" and not any(tolerates(t, taint) for t in tols):
                n += 1
        return n

    @staticmethod
    def normalize(scores):
        top = max(scores) if scores else 0
        if top == 0:
            return [100] * len(scores)
        return [100 - 100 * s / top for s in scores]
