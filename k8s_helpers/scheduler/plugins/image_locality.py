"""ImageLocality (plugins/imagelocality/image_locality.go).

Favours nodes that already have the pod's images (``status.images`` of the Node, names
normalised with ``:latest`` when untagged). Each image present counts its size scaled by
the fraction of nodes that have it (``int(size * numNodes / totalNodes)``); the sum over
init containers, containers and image volumes is clamped to [23 MiB, 1000 MiB × number of
containers] and mapped to 0..100: ``100 * (sum - 23Mi) / (max - 23Mi)``. No NormalizeScore.
"""
from __future__ import annotations

from ..framework import MAX_NODE_SCORE

__all__ = ["ImageLocality", "normalized_image_name", "calculate_priority"]

MB = 1024 * 1024
MIN_THRESHOLD = 23 * MB
MAX_CONTAINER_THRESHOLD = 1000 * MB


def normalized_image_name(name: str) -> str:
    if name.rfind(":") <= name.rfind("/"):
        name = name + ":latest"
    return name


def calculate_priority(sum_scores: int, num_containers: int) -> int:
    max_threshold = MAX_CONTAINER_THRESHOLD * num_containers
    if sum_scores < MIN_THRESHOLD:
        sum_scores = MIN_THRESHOLD
    elif sum_scores > max_threshold:
        sum_scores = max_threshold
    return MAX_NODE_SCORE * (sum_scores - MIN_THRESHOLD) // (max_threshold - MIN_THRESHOLD)


class ImageLocality:
    name = "ImageLocality"

    def pre_score(self, state, pod, nodes, snapshot):
        spec = pod.spec
        images = [normalized_image_name(c.get("image") or "") for c in spec.get("initContainers") or ()]
        images += [normalized_image_name(c.get("image") or "") for c in spec.get("containers") or ()]
        images += [normalized_image_name((v.get("image") or {}).get("reference") or "")
                   for v in spec.get("volumes") or () if v.get("image") is not None]
        total = len(snapshot)
        spread = {img: snapshot.image_num_nodes(img) for img in set(images)}
        n_containers = len(spec.get("initContainers") or ()) + len(spec.get("containers") or ())
        state[self.name] = (images, spread, total, n_containers)
        return None

    def score_nodes(self, state, pod, nodes):
        images, spread, total, n_containers = state[self.name]
        if not any(spread.values()):  # no node has any of the images: the floor for every node
            return [calculate_priority(0, n_containers)] * len(nodes)
        score = self.score
        return [score(state, pod, ni) for ni in nodes]

    def score(self, state, pod, node):
        images, spread, total, n_containers = state[self.name]
        if not node.images:
            return calculate_priority(0, n_containers)
        s = 0
        for img in images:
            size = node.images.get(img)
            if size is not None:
                s += int(size * (spread[img] / total))
        return calculate_priority(s, n_containers)
