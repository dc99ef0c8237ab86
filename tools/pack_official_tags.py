"""Repack the official-images tag history (tags.json) as one zip member per image.

The data is the same JSON, split so that ``k8s_helpers.catalog.official_tags`` can read
one image (``nginx.json``) in about a millisecond instead of parsing 8 MB at once:

    python tools/pack_official_tags.py path/to/tags.json k8s_helpers/catalog/official_images/tags.zip
"""
from __future__ import annotations

import json
import sys
import zipfile


def pack(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        data = json.load(f)
    meta = {k: v for k, v in data.items() if k != "images"}
    meta["images"] = sorted(data["images"])
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("meta.json", json.dumps(meta, separators=(",", ":")))
        for name in sorted(data["images"]):
            z.writestr(f"{name}.json", json.dumps(data["images"][name], separators=(",", ":")))


if __name__ == "__main__":
    pack(sys.argv[1], sys.argv[2])
