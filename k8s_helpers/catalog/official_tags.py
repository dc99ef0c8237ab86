"""Every tag ever published for about 50 Docker Hub official images, with dates (IMG-5).

Data: ``official_images/tags.zip`` (derived from docker-library/official-images, Apache-2.0;
see ``official_images/README.md`` and ``NOTICE.md``). Each image is read lazily, on first
use, from its own zip member: looking up ``nginx`` costs about a millisecond and never
parses the other images.

- ``images()``: the official images covered;
- ``tag_info(image, tag)``: ``{"first": "2021-11-09", "last": "2021-12-29"}`` (``last`` is
  ``None`` while the tag is still maintained) or ``None`` if the tag was never published;
- ``moves(image, tag)``: for floating tags (``latest``, ``1.21``, ``mainline``...), the
  ``[date, target]`` pairs of where the tag pointed over time.
"""
from __future__ import annotations

import json
import zipfile
from functools import lru_cache
from importlib import resources

__all__ = ["images", "has_image", "tags", "tag_info", "moves", "metadata"]

_ARCHIVE = "official_images/tags.zip"


@lru_cache(maxsize=1)
def _zip() -> zipfile.ZipFile:
    path = resources.files(__package__).joinpath(_ARCHIVE)
    return zipfile.ZipFile(path.open("rb"))


@lru_cache(maxsize=1)
def metadata() -> dict:
    """``source``, ``license``, ``generated_from_commit``, ``head_date`` and ``images``."""
    return json.loads(_zip().read("meta.json"))


def images() -> tuple[str, ...]:
    """The official images whose tag history is known (``nginx``, ``busybox``...)."""
    return tuple(metadata()["images"])


def has_image(image: str) -> bool:
    return image in metadata()["images"]


@lru_cache(maxsize=None)
def _image(image: str) -> dict:
    if not has_image(image):
        return {"tags": {}, "moves": {}}
    return json.loads(_zip().read(f"{image}.json"))


def tags(image: str) -> dict[str, dict]:
    """Tag -> ``{"first", "last"}`` for every tag ever listed, in order of first appearance."""
    return _image(image)["tags"]


def tag_info(image: str, tag: str) -> dict | None:
    return _image(image)["tags"].get(tag)


def moves(image: str, tag: str) -> list[list[str]]:
    """``[[date, target], ...]`` oldest first; ``[]`` for a tag that never moved (or whose
    moves the data set leaves out: see the README's tiers)."""
    return _image(image)["moves"].get(tag, [])
