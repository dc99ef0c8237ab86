"""The kubelet's image pulls: ErrImagePull, then ImagePullBackOff (IMG-3, IMG-5).

pkg/kubelet/images/image_manager.go ``EnsureImageExists``: a pull that fails records
``Failed to pull image "<image>": <error>`` and ``Error: ErrImagePull``, and moves the
image's back-off (``flowcontrol.Backoff``: 10 s, doubling, at most 300 s,
``backOffPeriod``/``MaxContainerBackOff``). The pod worker retries a failed sync after
``backOffPeriod`` (10 s; pod_workers.go, jitter left out for determinism). At that sync, if
the image is still in back-off (``IsInBackOffSinceUpdate``: less than the back-off since the
last failure), the kubelet does not pull: ``Back-off pulling image "<image>"`` and
``ImagePullBackOff``; otherwise it pulls again. So STATUS shows ``ErrImagePull`` first and
then alternates with ``ImagePullBackOff``, pulls spaced 10, 20, 40... s apart.
"""
from __future__ import annotations

__all__ = ["PullBackOff", "POD_RESYNC_SECONDS", "INITIAL_PULL_BACKOFF", "MAX_PULL_BACKOFF"]

POD_RESYNC_SECONDS = 10
INITIAL_PULL_BACKOFF = 10
MAX_PULL_BACKOFF = 300


class PullBackOff:
    """One image's pull back-off (``flowcontrol.Backoff`` keyed by pod UID and image)."""

    __slots__ = ("backoff", "last_update", "last_error")

    def __init__(self) -> None:
        self.backoff = None
        self.last_update = None
        self.last_error = ""

    def failed(self, now, error: str) -> None:
        """``Backoff.Next``: first failure (or after 2 x max without failures) waits 10 s, then
        doubles up to 300 s."""
        if self.backoff is None or now - self.last_update > 2 * MAX_PULL_BACKOFF:
            self.backoff = INITIAL_PULL_BACKOFF
        else:
            self.backoff = min(self.backoff * 2, MAX_PULL_BACKOFF)
        self.last_update = now
        self.last_error = error

    def in_backoff(self, now) -> bool:
        """``IsInBackOffSinceUpdate``."""
        return self.backoff is not None and now - self.last_update < self.backoff
