"""Reading the content tree: which files are Markdown sources, and what one of them says.

This is the only module of the pure core that touches the disk.  ``scan_content`` lists
the sources cheaply (names and ``stat`` data, no bodies); ``read_document`` reads one file
and splits it into front matter and body.  Problems with single files never raise out of
``scan_content``: they come back as ``DocumentError`` entries so the other files still sync.

The front matter is split off by :mod:`wpsync.source.front_matter`, imported by the
first read (with YAML): a scan that finds every file unchanged never imports it.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, NamedTuple

from wpsync.errors import DocumentError
from wpsync.model import Document, bytes_hash
from wpsync.source.discovery import (
    MARKDOWN_SUFFIXES,
    ContentRules,
    Layers,
    Skipped,
    is_ignored_name,
    is_markdown,
)

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MARKDOWN_SUFFIXES",
    "LocalFile",
    "ScanResult",
    "is_ignored_name",
    "is_markdown",
    "read_document",
    "scan_content",
]

MIB = 1024 * 1024
KIB = 1024
DEFAULT_MAX_BYTES = 5 * MIB

_BOM = b"\xef\xbb\xbf"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class LocalFile(NamedTuple):
    """A Markdown source found by the scan; ``rel`` is its POSIX path below the root.
    (A named tuple: a big folder's scan makes one per file.)"""

    rel: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ScanResult:
    files: tuple[LocalFile, ...]
    errors: tuple[DocumentError, ...]
    #: Markdown files and folders (``rel`` ending in ``/``) that are not content, and why
    skipped: tuple[Skipped, ...] = ()


# ---------------------------------------------------------------------------- scan


def scan_content(root: Path, rules: ContentRules | None = None) -> ScanResult:
    """List every Markdown source below ``root`` (sorted by ``rel``) that ``rules`` (by
    default: a plain folder's) call content; what they leave out is in ``skipped``, and a
    folder left out is not entered.

    Hidden and editor temp files are skipped.  Symlinks are followed only when their
    target stays inside ``root``; escaping links, loops, broken links and unreadable
    directories become error entries.
    """
    real_root = os.path.realpath(root)
    files: list[LocalFile] = []
    errors: list[DocumentError] = []
    skipped: list[Skipped] = []
    try:
        root_stat = os.stat(real_root)
    except OSError as exc:
        errors.append(
            DocumentError(str(root), f"cannot read the content folder: {_os_reason(exc)}")
        )
        return ScanResult((), tuple(errors))
    scan = _Scan(real_root, rules or ContentRules(root), files, errors, skipped)
    scan.folder(real_root, "", ((root_stat.st_dev, root_stat.st_ino),), scan.rules.root_layers())
    files.sort(key=lambda f: f.rel)
    errors.sort(key=lambda e: e.path)
    skipped.sort(key=lambda s: s.rel)
    return ScanResult(tuple(files), tuple(errors), tuple(skipped))


@dataclass
class _Scan:
    real_root: str
    rules: ContentRules
    files: list[LocalFile]
    errors: list[DocumentError]
    skipped: list[Skipped]

    def folder(
        self, path: str, rel_dir: str, ancestors: tuple[tuple[int, int], ...], layers: Layers
    ) -> None:
        try:
            with os.scandir(path) as it:
                entries = list(it)
        except OSError as exc:
            self.errors.append(
                DocumentError(rel_dir or ".", f"cannot read directory: {_os_reason(exc)}")
            )
            return
        names = {entry.name for entry in entries}
        file_layers = self.rules.file_layers(layers)  # (the rules that may name a file)
        for entry in entries:
            if not self.plain_file(entry, rel_dir, file_layers, names):
                self.entry(entry, rel_dir, ancestors, layers, names)

    def plain_file(
        self, entry: os.DirEntry[str], rel_dir: str, file_layers: Layers, names: set[str]
    ) -> bool:
        """The common case, taken as :meth:`entry` takes it, in fewer steps (a big
        folder's scan meets it ten thousand times): a regular Markdown file, no link, its
        name printable (valid UTF-8) and neither hidden nor temporary, content by the
        rules.  False for anything else, left to :meth:`entry` (errors and skips too)."""
        name = entry.name
        try:
            if (
                entry.is_symlink()
                or not name.lower().endswith(MARKDOWN_SUFFIXES)
                or name[0] == "."  # (is_ignored_name of a Markdown name: hidden)
                or not name.isprintable()
                or entry.is_dir()
            ):
                return False
            rel = f"{rel_dir}/{name}" if rel_dir else name
            if (file_layers or name[:1] in ("r", "R")) and self.rules.scanned_file_reason(
                rel, file_layers, names
            ) is not None:
                return False
            st = entry.stat()
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode):
            return False
        self.files.append(LocalFile(rel, st.st_size, st.st_mtime_ns))
        return True

    def entry(
        self,
        entry: os.DirEntry[str],
        rel_dir: str,
        ancestors: tuple[tuple[int, int], ...],
        layers: Layers,
        names: set[str],
    ) -> None:
        name = entry.name
        rel = f"{rel_dir}/{name}" if rel_dir else name
        if is_ignored_name(name):
            return  # hidden (.git/, .obsidian/, .trash/) or an editor's temp file: not told
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
            self.errors.append(DocumentError(shown, "file name is not valid UTF-8; rename it"))
            return
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows symlinks
        except OSError as exc:
            self.errors.append(DocumentError(rel, _os_reason(exc)))
            return
        if is_dir:
            why = self.rules.folder_reason(rel, layers)
            if why is not None:
                self.skipped.append(Skipped(rel + "/", why))
                return
        elif not name.lower().endswith(MARKDOWN_SUFFIXES):
            return
        else:
            why = self.rules.file_reason(rel, layers, names)
            if why is not None:
                self.skipped.append(Skipped(rel, why))
                return
        if is_link:
            target = os.path.realpath(entry.path)
            if not _inside(target, self.real_root):
                self.errors.append(
                    DocumentError(
                        rel,
                        "symlink points outside the content folder; not followed",
                        hint=f"target: {target}",
                    )
                )
                return
        if is_dir:
            try:
                st = entry.stat()
            except OSError as exc:
                self.errors.append(DocumentError(rel, _link_reason(exc)))
                return
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                self.errors.append(
                    DocumentError(rel, "symlink loop: it leads back to a parent folder")
                )
                return
            self.folder(entry.path, rel, (*ancestors, key), self.rules.layers_in(rel, layers))
            return
        try:
            st = entry.stat()
        except OSError as exc:
            self.errors.append(DocumentError(rel, _link_reason(exc)))
            return
        if not stat.S_ISREG(st.st_mode):
            # A FIFO, socket or device named *.md: never opened (a FIFO would block).
            what = "symlink does not point to" if is_link else "is not"
            self.errors.append(DocumentError(rel, f"{what} a regular file ({_kind(st.st_mode)})"))
            return
        self.files.append(LocalFile(rel, st.st_size, st.st_mtime_ns))


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _inside(path: str, real_root: str) -> bool:
    return path == real_root or path.startswith(real_root.rstrip(os.sep) + os.sep)


def _link_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT:
        return "broken symlink: its target does not exist"
    return _os_reason(exc)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------- read


def read_document(
    root: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES, real_root: str | None = None
) -> Document:
    """Read ``root/rel`` and split it into front matter and body.

    ``real_root``: ``os.path.realpath(root)`` when the caller has it (a run reading many
    files resolves it once): the file must still resolve inside it, whatever ``root``
    resolves to by then.

    Raises ``DocumentError`` (naming ``rel`` and the line where known) for a path that
    leaves the content folder, a missing/unreadable/oversized/binary/non-UTF-8/empty file,
    or front matter that does not parse to a mapping.
    """
    from wpsync.source.front_matter import split_front_matter  # YAML: when first read

    path = _safe_path(root, rel, real_root)
    data = _read_bytes(path, rel, max_bytes)
    text = _decode(data, rel)
    front_matter, key_lines, body, body_line = split_front_matter(text, rel)
    return Document(
        rel=rel,
        front_matter=front_matter,
        body=body,
        source_hash=bytes_hash(data),
        body_line=body_line,
        key_lines=key_lines,
    )


def _safe_path(root: Path, rel: str, real_root: str | None = None) -> Path:
    parts = rel.split("/")
    if (
        not rel
        or rel.startswith("/")
        or "\\" in rel
        or _WINDOWS_DRIVE.match(rel)
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise DocumentError(rel, "path is not a plain relative path inside the content folder")
    if real_root is None:
        real_root = os.path.realpath(root)
    path = os.path.join(real_root, *parts)
    if not _inside(os.path.realpath(path), real_root):
        raise DocumentError(rel, "path leads outside the content folder (symlink); not read")
    return Path(path)


def _read_bytes(path: Path, rel: str, max_bytes: int) -> bytes:
    try:
        # O_NONBLOCK: a named pipe must not hang the run (it is refused just below)
        with open(path, "rb", opener=_nonblocking) as fh:
            st = os.fstat(fh.fileno())
            if stat.S_ISDIR(st.st_mode):
                raise DocumentError(rel, "is a directory, not a file")
            if not stat.S_ISREG(st.st_mode):
                raise DocumentError(rel, f"is not a regular file ({_kind(st.st_mode)})")
            if st.st_size > max_bytes:
                raise DocumentError(rel, _too_big(st.st_size, max_bytes))
            data = _read_up_to(fh, st.st_size, max_bytes + 1)
    except DocumentError:
        raise
    except FileNotFoundError:
        raise DocumentError(rel, "file not found") from None
    except PermissionError:
        raise DocumentError(rel, "permission denied: cannot read the file") from None
    except IsADirectoryError:
        raise DocumentError(rel, "is a directory, not a file") from None
    except OSError as exc:
        raise DocumentError(rel, f"cannot read the file: {_link_reason(exc)}") from None
    if len(data) > max_bytes:  # grew while we read it
        raise DocumentError(rel, _too_big(len(data), max_bytes))
    return data


def _read_up_to(fh: BinaryIO, size: int, limit: int) -> bytes:
    """``fh.read(limit)`` without a buffer of ``limit`` bytes for every file (~15 µs a
    file): the ``size`` it had at its ``fstat`` and one byte more, then, when that byte is
    there (the file grew since), on to ``limit``."""
    first = min(size + 1, limit)
    data = fh.read(first)
    if len(data) < first or first == limit:
        return data
    return data + fh.read(limit - first)


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _too_big(size: int, limit: int) -> str:
    return f"file is {_size(size)}, larger than the {_limit(limit)} limit"


def _size(n: int) -> str:
    if n >= MIB:
        return f"{n / MIB:.1f} MiB"
    if n >= KIB:
        return f"{n / KIB:.1f} KiB"
    return f"{n} bytes"


def _limit(n: int) -> str:
    if n and n % MIB == 0:
        return f"{n // MIB} MiB"
    if n and n % KIB == 0:
        return f"{n // KIB} KiB"
    return f"{n} bytes"


def _decode(data: bytes, rel: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DocumentError(rel, "file is UTF-16 encoded", hint="save it as UTF-8")
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DocumentError(
            rel,
            "binary file (contains NUL bytes), not Markdown",
            line=data.count(b"\n", 0, nul) + 1,
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        raise DocumentError(
            rel,
            f"not valid UTF-8: byte 0x{data[exc.start]:02X} at column "
            f"{exc.start - line_start + 1} cannot be decoded",
            line=data.count(b"\n", 0, exc.start) + 1,
            hint="save the file as UTF-8 (it looks like Latin-1 / Windows-1252)",
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise DocumentError(rel, "file is empty")
    return text
