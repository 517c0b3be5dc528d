"""Where themes of Jekyll and Hugo keep a post's images, beyond the tools' own rules.  Pure.

A post's own ``image:`` (``cover:``, ``featured_image:``, LoveIt's ``featuredImage:``) is
read by ``fields.py``.  Popular themes keep it elsewhere too, and a writer coming from
them expects the picture at the top of the post to stay its picture:

- Minimal Mistakes (Jekyll) and its kin: ``header: {image: …}``, else
  ``header: {overlay_image: …}`` (the hero behind the title), else ``header: {teaser: …}``
  (the thumbnail of the archive pages);
- al-folio (Jekyll): ``thumbnail: assets/img/9.jpg`` (the picture of the blog's list, a
  path from the site's root);
- LoveIt, DoIt and FixIt (Hugo): the page resource named ``featured-image``
  (``resources: [{name: featured-image, src: images/cover.png}]``).

Chirpy (Jekyll) lets a post name its images by their file name alone: ``media_subpath:
/assets/img/posts/x/`` (``img_path:`` before Chirpy 7) is put before every relative image
path of the post, ``![a](shot.png)`` and ``image: {path: cover.png}`` alike
(:func:`under_subpath`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["featured_candidates", "media_subpath", "under_subpath"]

_HEADER_KEYS = ("image", "overlay_image", "teaser")
_RESOURCE_NAMES = frozenset({"featured-image", "featuredimage", "featured_image"})
_ABSOLUTE = re.compile(r"^(?:[a-z][\w+.-]*:|/|#)", re.IGNORECASE)


def featured_candidates(front_matter: Mapping[str, Any]) -> list[str]:
    """The image paths (or URLs) a theme would show as the post's picture, best first."""
    out: list[str] = []
    header = front_matter.get("header")
    if isinstance(header, Mapping):
        out += [header[k] for k in _HEADER_KEYS if isinstance(header.get(k), str)]
    thumbnail = front_matter.get("thumbnail")
    if isinstance(thumbnail, str) and thumbnail.strip():
        # al-folio shows it through relative_url: a path from the site's root
        out.append(thumbnail if _ABSOLUTE.match(thumbnail) else f"/{thumbnail}")
    resources = front_matter.get("resources")
    for resource in resources if isinstance(resources, list) else ():
        if (
            isinstance(resource, Mapping)
            and str(resource.get("name", "")).lower() in _RESOURCE_NAMES
            and isinstance(resource.get("src"), str)
        ):
            out.append(resource["src"])
    return [path for path in out if path.strip()]


def media_subpath(front_matter: Mapping[str, Any]) -> str | None:
    """Chirpy's ``media_subpath`` (or the older ``img_path``), or None."""
    for key in ("media_subpath", "img_path"):
        value = front_matter.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def under_subpath(url: str, subpath: str | None) -> str:
    """``url`` with Chirpy's ``media_subpath`` before it when it is relative (a file name,
    ``shots/a.png``); a URL, a site-root path or an anchor as written."""
    if not subpath or not url or _ABSOLUTE.match(url):
        return url
    return f"{subpath.rstrip('/')}/{url.removeprefix('./')}"
