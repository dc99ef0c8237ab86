"""NodeAffinity (plugins/nodeaffinity/node_affinity.go; component-helpers nodeaffinity; AFF-1).

Required: ``nodeSelector`` (every pair equal) AND ``requiredDuringScheduling...``: terms
ORed, an empty term matches nothing; in a term, ``matchExpressions`` (In, NotIn, Exists,
DoesNotExist, Gt, Lt) and ``matchFields`` (only ``metadata.name`` with In/NotIn and one
value) are ANDed; a term that does not parse matches nothing.

- PreFilter: Skip without nodeSelector and required affinity. Terms that all name nodes
  with ``matchFields metadata.name In`` narrow the candidates (PreFilterResult; the
  DaemonSet controller pins its pods this way).
- Filter: ``node(s) didn't match Pod's node affinity/selector``, UnschedulableAndUnresolvable.
- PreScore: Skip without preferred terms. Score: sum of the weights of the matching
  preferred terms; normalised ``DefaultNormalizeScore(100, false)`` (100·raw/max).
"""
from __future__ import annotations

from k8s_helpers.api.labels import (SelectorError, label_selector_to_selector, validate_label_key,
                                    validate_label_value)

from ..framework import SKIP, UNRESOLVABLE, PreFilterResult, Status
from .taint_toleration import default_normalize

__all__ = ["NodeAffinity", "RequiredNodeAffinity", "REASON", "pod_matches_node", "term_matches"]

REASON = "node(s) didn't match Pod's node affinity/selector"
REASON_CONFLICT = "pod affinity terms conflict"
_OPS = {"In": "In", "NotIn": "NotIn", "Exists": "Exists", "DoesNotExist": "DoesNotExist", "Gt": "Gt", "Lt": "Lt"}


def _parse_term(term: dict):
    """(label selector or None, [(op, value)] for metadata.name, or None) or raises ValueError."""
    exprs = term.get("matchExpressions") or []
    fields = term.get("matchFields") or []
    label_sel = None
    if exprs:
        for e in exprs:
            if e.get("operator") not in _OPS:
                raise ValueError(f"operator {e.get('operator')!r} not supported")
            # labels.NewRequirement validates the key and each value: a term with an invalid one
            # does not parse, so it matches nothing.
            if validate_label_key(str(e.get("key"))) or any(validate_label_value(v) for v in e.get("values") or ()):
                raise ValueError("invalid key or value")
        label_sel = label_selector_to_selector({"matchExpressions": exprs}, allow_gt_lt=True)
    field_reqs = None
    if fields:
        field_reqs = []
        for f in fields:
            op, vals = f.get("operator"), f.get("values") or []
            if op not in ("In", "NotIn") or len(vals) != 1:
                raise ValueError("matchFields: only In/NotIn with one value")
            field_reqs.append((f.get("key"), op, vals[0]))
    return label_sel, field_reqs


def term_matches(term: dict, labels: dict, node_name: str) -> bool:
    """nodeSelectorTerm.match (an empty or unparsable term matches nothing)."""
    if not (term or {}).get("matchExpressions") and not (term or {}).get("matchFields"):
        return False
    try:
        label_sel, field_reqs = _parse_term(term)
    except (ValueError, SelectorError, TypeError, AttributeError):
        return False
    if label_sel is not None and not label_sel.matches(labels):
        return False
    if field_reqs is not None and node_name:
        fields = {"metadata.name": node_name}
        for key, op, value in field_reqs:
            has = fields.get(key)
            if op == "In" and has != value:
                return False
            if op == "NotIn" and has == value:
                return False
    return True


class RequiredNodeAffinity:
    """nodeaffinity.GetRequiredNodeAffinity(pod): nodeSelector AND required terms."""

    __slots__ = ("node_selector", "terms")

    def __init__(self, spec: dict):
        self.node_selector = spec.get("nodeSelector") or None
        required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                    .get("requiredDuringSchedulingIgnoredDuringExecution"))
        self.terms = None if required is None else [t for t in required.get("nodeSelectorTerms") or ()
                                                    if t and (t.get("matchExpressions") or t.get("matchFields"))]

    def match(self, labels: dict, node_name: str = "") -> bool:
        if self.node_selector:
            for k, v in self.node_selector.items():
                if labels.get(k) != v:
                    return False
        if self.terms is None:
            return True
        return any(term_matches(t, labels, node_name) for t in self.terms)


def pod_matches_node(pod_spec: dict, labels: dict, node_name: str = "") -> bool:
    """nodeSelector AND required node affinity (AFF-1); the kubelet's admission uses it too."""
    return RequiredNodeAffinity(pod_spec).match(labels, node_name)


class NodeAffinity:
    name = "NodeAffinity"
    EVENTS = frozenset({"NodeAdd", "NodeUpdate"})

    def pre_filter(self, state, pod, snapshot):
        spec = pod.spec
        required = (((spec.get("affinity") or {}).get("nodeAffinity") or {})
                    .get("requiredDuringSchedulingIgnoredDuringExecution"))
        if required is None and spec.get("nodeSelector") is None:
            return None, Status(SKIP)
        state[self.name] = RequiredNodeAffinity(spec)
        terms = (required or {}).get("nodeSelectorTerms") or []
        if not terms:
            return None, None
        node_names = None
        for t in terms:
            term_names = None
            for f in t.get("matchFields") or ():
                if f.get("key") == "metadata.name" and f.get("operator") == "In":
                    s = set(f.get("values") or ())
                    term_names = s if term_names is None else term_names & s
            if term_names is None:
                return None, None
            node_names = term_names if node_names is None else node_names | term_names
        if node_names is not None and not node_names:
            return None, Status(UNRESOLVABLE, REASON_CONFLICT)
        if node_names:
            return PreFilterResult(node_names), None
        return None, None

    def filter(self, state, pod, node):
        req = state.get(self.name)
        if req is None:
            req = RequiredNodeAffinity(pod.spec)
        if req.match(node.labels, node.name):
            return None
        return Status(UNRESOLVABLE, REASON)

    def pre_score(self, state, pod, nodes, snapshot):
        preferred = (((pod.spec.get("affinity") or {}).get("nodeAffinity") or {})
                     .get("preferredDuringSchedulingIgnoredDuringExecution"))
        if preferred is None:
            return Status(SKIP)
        state[self.name + "/preferred"] = [(int(p.get("weight") or 0), p.get("preference") or {})
                                           for p in preferred
                                           if int(p.get("weight") or 0) != 0 and
                                           ((p.get("preference") or {}).get("matchExpressions") or
                                            (p.get("preference") or {}).get("matchFields"))]
        return None

    def score(self, state, pod, node):
        total = 0
        for weight, term in state[self.name + "/preferred"]:
            if term_matches(term, node.labels, node.name):
                total += weight
        return total

    def normalize(self, state, pod, scores, nodes):
        default_normalize(scores, reverse=False)

    def queueing_hint(self, event, pod, old, new):
        """isSchedulableAfterNodeChange: the node matches now (and did not before)."""
        if new is None:
            return False
        req = RequiredNodeAffinity(pod.spec)
        if not req.match(new.labels, new.name):
            return False
        return old is None or not req.match(old.labels, old.name)
