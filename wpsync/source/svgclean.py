"""An SVG made safe to show: no script, no event handler, nothing fetched.  Pure.

An SVG is XML that a browser runs: ``<script>``, ``onload="…"``, ``<foreignObject>``
holding HTML, ``href="javascript:…"``, a stylesheet ``@import`` or ``url(https://…)``
that tracks the reader, an entity expanding into a billion laughs.  :func:`clean_svg`
parses the file (an XML parser that refuses any DOCTYPE or entity declaration — with
``defusedxml`` when it is installed) and keeps only:

- elements of the SVG namespace, minus ``script``, ``foreignObject`` and the
  animations that could rewrite a link (``set``/``animate*`` of ``href``);
- attributes that are not event handlers (``on…``), with ``href``/``xlink:href`` only
  to a same-document ``#id``, no ``javascript:``/``data:``/``vbscript:`` anywhere, and
  ``url(…)`` only to ``#id``;
- ``<style>`` only without ``@import`` and without ``url(…)`` other than ``url(#id)``.

What it removed is named (for the warning).  An SVG that cannot be parsed, or whose root
is not ``<svg>``, is refused (:class:`UnsafeSvg`) rather than guessed at.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import xml.etree.ElementTree as ET

__all__ = ["CleanSvg", "UnsafeSvg", "clean_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_SVG = f"{{{SVG_NS}}}"

_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DROPPED = frozenset({"script", "foreignObject"})
_ANIMATIONS = frozenset({"set", "animate", "animateMotion", "animateTransform", "animateColor"})
_URL = re.compile(r"url\s*\(\s*(['\"]?)\s*(?P<target>[^)'\"]*)\1\s*\)", re.IGNORECASE)
_BAD_SCHEME = re.compile(r"(?:java|vb)script\s*:|data\s*:", re.IGNORECASE)
#: the most elements kept (a drawing with more is refused: nobody hand-draws that many)
MAX_ELEMENTS = 100_000


class UnsafeSvg(ValueError):
    """The SVG cannot be made safe (not parseable, a DOCTYPE, not an ``<svg>``)."""


@dataclass(frozen=True)
class CleanSvg:
    """The safe SVG's bytes, and what was removed (empty: ``data`` is the original)."""

    data: bytes
    removed: tuple[str, ...] = ()


def _parse(data: bytes) -> ET.Element:
    # imported by the run that has an SVG to upload (xml.etree is not small)
    import xml.etree.ElementTree as ET

    ET.register_namespace("", SVG_NS)  # written back as the drawing had them
    ET.register_namespace("xlink", XLINK_NS)
    if _DECLARATION.search(data):
        raise UnsafeSvg("it declares a DOCTYPE or entities")
    try:
        from defusedxml import ElementTree as safe_tree
    except ImportError:
        safe_tree = None
    try:
        if safe_tree is not None:
            root: ET.Element = safe_tree.fromstring(data, forbid_dtd=True)
        else:
            root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise UnsafeSvg(f"it is not well-formed XML ({exc})") from None
    except Exception as exc:  # defusedxml's refusals
        raise UnsafeSvg(f"it uses XML features refused for safety ({type(exc).__name__})") from None
    if root.tag != f"{_SVG}svg":
        raise UnsafeSvg("its root element is not an SVG <svg>")
    return root


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _safe_url_value(value: str) -> bool:
    """No script scheme, and every ``url(…)`` points inside the document."""
    if _BAD_SCHEME.search(value):
        return False
    return all(m.group("target").strip().startswith("#") for m in _URL.finditer(value))


def clean_svg(data: bytes) -> CleanSvg:
    """``data`` made safe to show (see the module docstring); raises :class:`UnsafeSvg`."""
    root = _parse(data)
    removed: list[str] = []
    count = 0

    def note(what: str) -> None:
        if what not in removed:
            removed.append(what)

    def walk(element: ET.Element) -> None:
        nonlocal count
        for child in list(element):
            count += 1
            if count > MAX_ELEMENTS:
                raise UnsafeSvg(f"it has more than {MAX_ELEMENTS} elements")
            tag = child.tag if isinstance(child.tag, str) else ""
            name = _local(tag)
            if not tag.startswith(_SVG) or name in _DROPPED:
                element.remove(child)
                note(f"<{name or 'comment'}>" if tag else "processing instruction")
                continue
            target = _local(child.get("attributeName", ""))
            if name in _ANIMATIONS and target in ("href", "xlink:href"):
                element.remove(child)
                note(f"<{name}> of a link")
                continue
            if name == "style" and not _safe_url_value(child.text or ""):
                element.remove(child)
                note("<style> fetching a URL")
                continue
            if name == "style" and "@import" in (child.text or "").lower():
                element.remove(child)
                note("<style> with @import")
                continue
            _clean_attributes(child, note)
            walk(child)

    _clean_attributes(root, note)
    walk(root)
    if not removed:
        return CleanSvg(data)
    import xml.etree.ElementTree as ET

    return CleanSvg(ET.tostring(root, encoding="utf-8", xml_declaration=False), tuple(removed))


def _clean_attributes(element: ET.Element, note: Callable[[str], None]) -> None:
    for key, value in list(element.attrib.items()):
        name = _local(key)
        if name.lower().startswith("on"):
            del element.attrib[key]
            note(f"{name}=")
        elif name == "href":
            if not value.strip().startswith("#"):
                del element.attrib[key]
                note("external href")
        elif not _safe_url_value(value):
            del element.attrib[key]
            note(f"{name}= with a URL")
