"""What a dialect's translation may ask of the folder besides the file it translates.

Hugo's ``ref`` and site-root links, Jekyll's ``post_url`` and ``{{ site.baseurl }}/…``
paths name *other* files of the site; a translation picks among the few files such a name
can stand for (``section/page.md``, ``section/page/index.md``…) by asking :meth:`Site.exists`.
Jekyll's ``excerpt_separator`` and ``{{ site.title }}`` come from the site's
``_config.yml`` (:meth:`Site.config`); a Jekyll page's own URL (``permalink: /about/`` in
``_pages/about.md``) from the front matter of the folder's files (:meth:`Site.permalinks`).

:class:`Site` is the one place these questions reach the disk; the translations themselves
stay pure (a test gives a ``Site`` built from a set of paths and a mapping).
"""

from __future__ import annotations

import functools
import logging
import os
import posixpath
import re
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

__all__ = ["Site", "permalink_key"]

#: the site configuration files read for ``{{ site.x }}`` and ``excerpt_separator``
CONFIG_NAMES = ("_config.yml", "_config.yaml")
MAX_CONFIG_BYTES = 1024 * 1024


class Site:
    """The folder as the translations see it: which files exist, the site's settings.

    ``root``: the content folder (files are asked for relative to it).  ``files`` and
    ``config`` replace the disk (tests, and callers that already know them).
    """

    def __init__(
        self,
        root: Path | None = None,
        *,
        files: Collection[str] | None = None,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self._root = root
        self._files = files
        self._config = config
        self._markdown: tuple[str, ...] | None = None
        self._permalinks: Mapping[str, str] | None = None

    def exists(self, rel: str) -> bool:
        """Whether ``rel`` (relative to the content folder, POSIX) is a file of it."""
        rel = posixpath.normpath(rel)
        if rel in (".", "..") or rel.startswith(("../", "/")):
            return False
        if self._files is not None:
            return rel in self._files
        if self._root is None:
            return False
        try:
            return (self._root / rel).is_file()
        except OSError:
            return False

    def markdown_files(self) -> tuple[str, ...]:
        """Every Markdown file of the folder (dot-folders left out), listed once: for
        Hugo's ``ref`` to a page by its name alone, looked for in the whole site."""
        if self._markdown is None:
            if self._files is not None:
                found = [rel for rel in self._files if rel.endswith((".md", ".markdown", ".mdx"))]
            else:
                found = _list_markdown(self._root) if self._root is not None else []
            self._markdown = tuple(sorted(found))
        return self._markdown

    def permalinks(self) -> Mapping[str, str]:
        """The site-root URL each Markdown file sets with ``permalink:`` (without its
        trailing slash or ``.html``) → that file.  Read once, and only when a site-root
        link names no file by its path; a permalink with ``:placeholders`` is left out."""
        if self._permalinks is None:
            found: dict[str, str] = {}
            root = self._root
            for rel in self.markdown_files():
                url = _front_permalink(root / rel) if root is not None else None
                if url is not None:
                    found.setdefault(url, rel)
            self._permalinks = found
        return self._permalinks

    def config(self) -> Mapping[str, Any]:
        """The site's ``_config.yml`` (Jekyll) as a mapping; empty when there is none or
        it cannot be read (a translation then uses Jekyll's defaults)."""
        if self._config is not None:
            return self._config
        if self._root is None:
            return {}
        for name in CONFIG_NAMES:
            path = self._root / name
            try:
                st = path.stat()
            except OSError:
                continue
            return _read_config(str(path), st.st_mtime_ns, st.st_size)
        return {}


_PERMALINK = re.compile(r"""^permalink:[ \t]*["']?(/[^"'\s#]*)["']?[ \t]*$""", re.MULTILINE)


def _front_permalink(path: Path) -> str | None:
    """The ``permalink:`` of the file's front matter, normalised (``/docs/themes``)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192).decode("utf-8", "replace")
    except OSError:
        return None
    if not head.startswith("---"):
        return None
    end = head.find("\n---", 3)
    found = _PERMALINK.search(head, 0, end if end > 0 else len(head))
    if found is None or ":" in found.group(1):
        return None
    return permalink_key(found.group(1))


def permalink_key(url: str) -> str:
    """A site-root URL as the permalink index keys it: no trailing slash, no ``.html``."""
    url = url.split("#", 1)[0].split("?", 1)[0]
    url = re.sub(r"(?:/index)?\.html?$", "", url)
    return "/" + url.strip("/")


def _list_markdown(root: Path) -> list[str]:
    out: list[str] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        base = Path(folder).relative_to(root).as_posix()
        for name in names:
            if name.lower().endswith((".md", ".markdown", ".mdx")) and not name.startswith("."):
                out.append(name if base == "." else f"{base}/{name}")
    return out


@functools.lru_cache(maxsize=8)
def _read_config(path: str, mtime_ns: int, size: int) -> Mapping[str, Any]:
    """``path`` parsed as YAML (cached by its stat: every file of a run asks)."""
    import yaml

    if size > MAX_CONFIG_BYTES:
        logger.warning("%s is larger than %d bytes; not read", path, MAX_CONFIG_BYTES)
        return {}
    try:
        with open(path, "rb") as handle:
            loaded = yaml.safe_load(handle.read().decode("utf-8", "replace"))
    except (OSError, yaml.YAMLError) as exc:
        logger.warning("%s could not be read (%s); Jekyll's defaults apply", path, exc)
        return {}
    return loaded if isinstance(loaded, dict) else {}
