"""TaintToleration (plugins/tainttoleration/taint_toleration.go; TNT-1, TNT-1b, SCH-3).

A toleration matches a taint when its effect is empty or equal, its key is empty or
equal, and its operator is Equal (the default) with an equal value, or Exists
(core/v1 toleration.go ``ToleratesTaint``; Lt/Gt need an alpha feature gate, off).

- Filter: a node with a ``NoSchedule`` or ``NoExecute`` taint the pod does not tolerate is
  rejected, UnschedulableAndUnresolvable, with the 1.36 text ``node(s) had untolerated
  taint(s)`` (TNT-1b: no key or value since PR #134740).
- Score: the number of ``PreferNoSchedule`` taints not tolerated by the pod's tolerations
  with an empty or ``PreferNoSchedule`` effect; normalised reversed
  (``helper.DefaultNormalizeScore(100, true)``: 100 - 100·raw/max, all 100 when max is 0).
"""
from __future__ import annotations

from ..framework import MAX_NODE_SCORE, UNRESOLVABLE, Status

__all__ = ["TaintToleration", "tolerates", "tolerations_tolerate", "find_untolerated", "parse_taint", "REASON",
           "default_normalize"]

REASON = "node(s) had untolerated taint(s)"
_DO_NOT_SCHEDULE = ("NoSchedule", "NoExecute")


def tolerates(toleration: dict, taint: dict) -> bool:
    """Toleration.ToleratesTaint (TNT-1)."""
    effect = toleration.get("effect") or ""
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key") or ""
    if key and key != taint.get("key"):
        return False
    op = toleration.get("operator") or "Equal"
    if op == "Exists":
        return True
    if op == "Equal":
        return (toleration.get("value") or "") == (taint.get("value") or "")
    return False


def tolerations_tolerate(tolerations, taint: dict) -> bool:
    """TolerationsTolerateTaint."""
    return any(tolerates(t, taint) for t in tolerations or ())


def find_untolerated(taints, tolerations, effects=_DO_NOT_SCHEDULE):
    """FindMatchingUntoleratedTaint: the first taint with one of ``effects`` no toleration tolerates."""
    for taint in taints or ():
        if taint.get("effect") not in effects:
            continue
        if not tolerations_tolerate(tolerations, taint):
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


def default_normalize(scores: list, reverse: bool) -> None:
    """helper.DefaultNormalizeScore(MaxNodeScore, reverse): 100·s/max (integer), reversed if asked."""
    top = max(scores) if scores else 0
    if top == 0:
        if reverse:
            scores[:] = [MAX_NODE_SCORE] * len(scores)
        return
    for i, s in enumerate(scores):
        s = MAX_NODE_SCORE * s // top
        scores[i] = MAX_NODE_SCORE - s if reverse else s


class TaintToleration:
    name = "TaintToleration"
    EVENTS = frozenset({"NodeAdd", "NodeUpdate"})

    @staticmethod
    def passes_all(pod, snapshot) -> bool:
        return not snapshot.any_do_not_schedule_taint

    def filter(self, state, pod, node):
        if not node.taints:
            return None
        if find_untolerated(node.taints, pod.spec.get("tolerations")) is None:
            return None
        return Status(UNRESOLVABLE, REASON)

    def pre_score(self, state, pod, nodes, snapshot):
        state[self.name] = [t for t in pod.spec.get("tolerations") or ()
                            if (t.get("effect") or "") in ("", "PreferNoSchedule")]
        return None

    def score_nodes(self, state, pod, nodes):
        score = self.score
        return [score(state, pod, ni) if ni.taints else 0 for ni in nodes]

    def score(self, state, pod, node):
        if not node.taints:
            return 0
        tols = state[self.name]
        return sum(1 for taint in node.taints
                   if taint.get("effect") == "PreferNoSchedule" and not tolerations_tolerate(tols, taint))

    def normalize(self, state, pod, scores, nodes):
        default_normalize(scores, reverse=True)

    def queueing_hint(self, event, pod, old, new):
        """isSchedulableAfterNodeChange: untolerated before (or new node), tolerated now."""
        if new is None:
            return False
        was = True if old is None else find_untolerated(old.taints, pod.spec.get("tolerations")) is not None
        return was and find_untolerated(new.taints, pod.spec.get("tolerations")) is None
