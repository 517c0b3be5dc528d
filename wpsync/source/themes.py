"""The featured image themes of Jekyll and Hugo read from elsewhere than ``image:``.  Pure.

A post's own ``image:`` (``cover:``, ``featured_image:``, LoveIt's ``featuredImage:``) is
read by ``fields.py``.  Popular themes keep it elsewhere too, and a writer coming from
them expects the picture at the top of the post to stay its picture:

- Minimal Mistakes (Jekyll) and its kin: ``header: {image: …}``, else
  ``header: {overlay_image: …}`` (the hero behind the title), else ``header: {teaser: …}``
  (the thumbnail of the archive pages);
- LoveIt, DoIt and FixIt (Hugo): the page resource named ``featured-image``
  (``resources: [{name: featured-image, src: images/cover.png}]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["featured_candidates"]

_HEADER_KEYS = ("image", "overlay_image", "teaser")
_RESOURCE_NAMES = frozenset({"featured-image", "featuredimage", "featured_image"})


def featured_candidates(front_matter: Mapping[str, Any]) -> list[str]:
    """The image paths (or URLs) a theme would show as the post's picture, best first."""
    out: list[str] = []
    header = front_matter.get("header")
    if isinstance(header, Mapping):
        out += [header[k] for k in _HEADER_KEYS if isinstance(header.get(k), str)]
    resources = front_matter.get("resources")
    for resource in resources if isinstance(resources, list) else ():
        if (
            isinstance(resource, Mapping)
            and str(resource.get("name", "")).lower() in _RESOURCE_NAMES
            and isinstance(resource.get("src"), str)
        ):
            out.append(resource["src"])
    return [path for path in out if path.strip()]
