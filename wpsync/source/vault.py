"""An Obsidian vault's files, and finding the one a link names the way Obsidian does.

Obsidian links by name: ``[[Trip to Rome]]`` names ``travel/2023/Trip to Rome.md`` when no
other note has that name, ``![[photo.jpg]]`` the only ``photo.jpg`` of the vault.  Finding
the file needs every file of the vault (attachments too), so :func:`scan_vault` lists them
once per run — names only, a few milliseconds for 10,000 files — into a
:class:`VaultIndex`, a frozen, picklable value the mapper is given (the read pool sends
it to its workers).

:meth:`VaultIndex.locate` resolves a link as Obsidian does (``getFirstLinkpathDest``):

1. a path relative to the linking note (``./x``, ``../x``; and ``sub/x`` from its folder),
2. a path from the vault's root (``folder/Note``, Obsidian's "absolute path in vault"),
3. for an attachment, the configured attachment folder (``.obsidian/app.json``
   ``attachmentFolderPath``: ``attachments``, or ``./assets`` below the note's folder),
4. the file of that name (or path ending) anywhere in the vault — Obsidian's "shortest
   path when possible"; several: the one in the note's folder, else the one with the
   shortest path (reported as ambiguous).

A note may be named without ``.md`` (``[[Note]]``) or with it; matching ignores case.

The same ``app.json`` says how the vault shows a single line break: Obsidian's
*Strict line breaks* (``strictLineBreaks``) is off unless the writer turned it on, and
then reading view shows each line of a paragraph on a line of its own.
"""

from __future__ import annotations

import functools
import json
import os
import posixpath
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Located", "VaultIndex", "scan_vault"]

_NOTE_SUFFIX = ".md"


@dataclass(frozen=True)
class Located:
    """What a link names: ``rel`` (None: nothing in the vault), and the other files it
    could have meant when the name was not unique."""

    rel: str | None
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class VaultIndex:
    """Every file below the content folder (POSIX paths, sorted), where new
    attachments go (``attachmentFolderPath`` made relative to the content folder; a
    ``./`` form is relative to each note's folder; None: the root), and whether the vault
    has *Strict line breaks* on (``strictLineBreaks``; off, Obsidian's default: a single
    line break in a paragraph is shown as one)."""

    files: tuple[str, ...] = ()
    attachment_folder: str | None = None
    strict_line_breaks: bool = False

    @functools.cached_property
    def _by_path(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rel in self.files:
            out.setdefault(rel.lower(), []).append(rel)
        return out

    @functools.cached_property
    def _by_name(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for rel in self.files:
            out.setdefault(posixpath.basename(rel).lower(), []).append(rel)
        return out

    def exists(self, rel: str) -> bool:
        return rel.lower() in self._by_path

    def _exact(self, rel: str | None) -> str | None:
        if rel is None:
            return None
        found = self._by_path.get(rel.lower())
        if not found:
            return None
        return rel if rel in found else found[0]

    def locate(self, link: str, source: str, *, note: bool) -> Located:
        """The file ``link`` names from the note ``source`` (see the module's docstring).
        ``note``: a link to a note (``.md`` may be left out), not an embedded file."""
        link = link.strip().replace("\\", "/")
        if not link:
            return Located(None)
        forms = [link]
        if note and not link.lower().endswith(_NOTE_SUFFIX):
            forms.insert(0, link + _NOTE_SUFFIX)
        folder = posixpath.dirname(source)
        for form in forms:
            relative = form.startswith(("./", "../"))
            found = self._exact(_joined(folder, form))
            if found is None and not relative:
                found = self._exact(_joined("", form.lstrip("/")))
                if found is None and not note:
                    found = self._exact(self._in_attachment_folder(folder, form))
            if found is not None:
                return Located(found)
        for form in forms:
            if form.startswith(("./", "../")):
                continue
            matches = self._ending_with(form.lstrip("/"))
            if matches:
                return _pick(matches, folder)
        return Located(None)

    def _in_attachment_folder(self, folder: str, name: str) -> str | None:
        where = self.attachment_folder
        if where is None:
            return None
        if where == "." or where.startswith("./"):
            return _joined(folder, posixpath.join(where, name))
        return _joined(where, name)

    def _ending_with(self, path: str) -> list[str]:
        wanted = path.lower()
        candidates = self._by_name.get(posixpath.basename(wanted), [])
        return [
            rel for rel in candidates if rel.lower() == wanted or rel.lower().endswith("/" + wanted)
        ]


def _joined(folder: str, ref: str) -> str | None:
    joined = posixpath.normpath(posixpath.join(folder, ref))
    if joined in (".", "..") or joined.startswith(("../", "/")):
        return None
    return joined


def _pick(matches: list[str], folder: str) -> Located:
    if len(matches) == 1:
        return Located(matches[0])
    here = [rel for rel in matches if posixpath.dirname(rel) == folder]
    ordered = sorted(matches, key=lambda rel: (rel.count("/"), len(rel), rel))
    chosen = here[0] if here else ordered[0]
    if here:
        return Located(chosen)
    return Located(chosen, tuple(rel for rel in ordered if rel != chosen))


# ---------------------------------------------------------------------------- disk


def scan_vault(content_dir: Path, project: Path | None = None) -> VaultIndex:
    """List every file below ``content_dir`` (hidden files and folders left out) and
    read the attachment folder and *Strict line breaks* from the nearest
    ``.obsidian/app.json`` at or above it (up to ``project``).  Unreadable folders are left out silently: the files in them
    cannot be published either, and the link to them is then reported."""
    root = str(content_dir)
    files: list[str] = []
    for current, dirs, names in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        base = os.path.relpath(current, root).replace(os.sep, "/")
        base = "" if base == "." else base + "/"
        files.extend(base + name for name in names if not name.startswith("."))
    files.sort()
    settings = _app_json(content_dir, project)
    if settings is None:
        return VaultIndex(tuple(files))
    path, vault = settings
    values = _read_app_json(path)
    return VaultIndex(
        tuple(files),
        _attachment_folder(values.get("attachmentFolderPath"), vault, content_dir.resolve()),
        values.get("strictLineBreaks") is True,
    )


def _app_json(content_dir: Path, project: Path | None) -> tuple[Path, Path] | None:
    """The nearest ``.obsidian/app.json`` at or above ``content_dir`` and its vault."""
    folder = content_dir.resolve()
    top = (project or content_dir).resolve()
    while True:
        settings = folder / ".obsidian" / "app.json"
        if settings.is_file():
            return settings, folder
        if folder == top or top not in folder.parents or folder.parent == folder:
            return None
        folder = folder.parent


def _read_app_json(path: Path) -> dict[str, object]:
    """The settings of ``app.json``; none when it cannot be read (Obsidian's defaults)."""
    try:
        values = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return {}
    return values if isinstance(values, dict) else {}


def _attachment_folder(value: object, vault: Path, content: Path) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip().replace("\\", "/").rstrip("/")
    if value in ("", "/"):
        value = ""
    if value == "." or value.startswith("./"):
        return value  # below each note's folder
    where = (vault / value.lstrip("/")).resolve()
    try:
        rel = where.relative_to(content).as_posix()
    except ValueError:
        return None  # outside the content folder: nothing there can be published
    return None if rel == "." else rel
