"""NodeAffinity plugin: nodeSelector and node affinity (AFF-1; SCH-3 score).

Filter: every ``nodeSelector`` pair must equal a node label, AND the required
node affinity must match (nodeSelectorTerms ORed, an empty term matches
nothing, expressions in a term ANDed; In, NotIn, Exists, DoesNotExist, Gt, Lt).
Rejected nodes: "node(s) didn't match Pod's node affinity/selector".
Score: sum of the weights of the preferred terms the node matches,
normalised to 100 x raw / max.
"""
from __future__ import annotations

from ..framework import Status

__all__ = ["NodeAffinity", "pod_matches_node"]

REASON = "node(s) didn't match Pod's node affinity/selector"


def pod_matches_node(pod_spec: dict, labels: dict) -> bool:
    """nodeSelector AND required node affinity (AFF-1)."""
    from k8s_helpers.api.labels import node_selector_matches

    for k, v in (pod_spec.get("nodeSelector") or {}).items():
        if labels.get(k) != v:
            return False
    required = (((pod_spec.get("affinity") or {}).get("nodeAffinity") or {})
                .get("requiredDuringSchedulingIgnoredDuringExecution"))
    if required is not None:
        return node_selector_matches(required, labels)
    return True


class NodeAffinity:
    name = "NodeAffinity"

    def filter(self, state, pod, node_info):
        spec = pod["spec"]
        if not spec.get("nodeSelector") and not spec.get("affinity"):
            return None
        if pod_matches_node(spec, node_info.node["metadata"].get("labels") or {}):
            return None
        return Status(REASON, unresolvable=True)

    def score(self, state, pod, node_info):
        from k8s_helpers.api.labels import node_selector_term_matches

        preferred = (((pod["spec"].get("affinity") or {}).get("nodeAffinity") or {})
                     .get("preferredDuringSchedulingIgnoredDuringExecution")) or []
        labels = node_info.node["metadata"].get("labels") or {}
        return sum(int(p.get("weight") or 0) for p in preferred
                   if node_selector_term_matches(p.get("preference") or {}, labels))

    @staticmethod
    def normalize(scores):
        top = max(scores) if scores else 0
        if top == 0:
            return [0] * len(scores)
        return [100 * s / top for s in scores]
