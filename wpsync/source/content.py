"""Reading the content tree: which files are Markdown sources, and what one of them says.

This is the only module of the pure core that touches the disk.  ``scan_content`` lists
the sources cheaply (names and ``stat`` data, no bodies); ``read_document`` reads one file
and splits it into front matter and body.  Problems with single files never raise out of
``scan_content``: they come back as ``DocumentError`` entries so the other files still sync.

Front matter may be YAML (``---``), TOML (``+++``) or a JSON object (``{`` alone on the
first line).  python-frontmatter's YAML handler does the YAML loading; the splitting is
done here because ``frontmatter.parse`` strips the text (losing line numbers) and silently
drops front matter that is not a mapping.
"""

from __future__ import annotations

import errno
import json
import logging
import os
import posixpath
import re
import stat
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.constructor import SafeConstructor

from wpsync.errors import DocumentError
from wpsync.model import Document, JSONValue, bytes_hash

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_MAX_BYTES",
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

MARKDOWN_SUFFIXES = (".md", ".markdown")

# Names editors and tools leave next to the real file while saving (vim, emacs,
# JetBrains, generic "write temp then rename").  Hidden names are handled separately.
_IGNORED_EXACT = frozenset({"4913"})
_IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".swo", ".tmp", "___jb_tmp___", "___jb_old___")

_BOM = b"\xef\xbb\xbf"
_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class LocalFile:
    """A Markdown source found by the scan; ``rel`` is its POSIX path below the root."""

    rel: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ScanResult:
    files: tuple[LocalFile, ...]
    errors: tuple[DocumentError, ...]


# ---------------------------------------------------------------------------- names


def is_ignored_name(name: str) -> bool:
    """True for hidden names and editor temp / swap / backup files (one path component)."""
    if not name or name.startswith("."):
        return True
    if name in _IGNORED_EXACT:
        return True
    if name.startswith("#") and name.endswith("#"):
        return True
    return name.endswith(_IGNORED_SUFFIXES)


def is_markdown(rel: str) -> bool:
    """True when ``rel`` names a Markdown source wpsync should publish."""
    name = posixpath.basename(rel.replace(os.sep, "/"))
    return not is_ignored_name(name) and name.lower().endswith(MARKDOWN_SUFFIXES)


# ---------------------------------------------------------------------------- scan


def scan_content(root: Path) -> ScanResult:
    """List every Markdown source below ``root`` (sorted by ``rel``).

    Hidden and editor temp files are skipped.  Symlinks are followed only when their
    target stays inside ``root``; escaping links, loops, broken links and unreadable
    directories become error entries.
    """
    real_root = os.path.realpath(root)
    files: list[LocalFile] = []
    errors: list[DocumentError] = []
    try:
        root_stat = os.stat(real_root)
    except OSError as exc:
        errors.append(
            DocumentError(str(root), f"cannot read the content folder: {_os_reason(exc)}")
        )
        return ScanResult((), tuple(errors))
    _scan_dir(real_root, "", real_root, ((root_stat.st_dev, root_stat.st_ino),), files, errors)
    files.sort(key=lambda f: f.rel)
    errors.sort(key=lambda e: e.path)
    return ScanResult(tuple(files), tuple(errors))


def _scan_dir(
    path: str,
    rel_dir: str,
    real_root: str,
    ancestors: tuple[tuple[int, int], ...],
    files: list[LocalFile],
    errors: list[DocumentError],
) -> None:
    try:
        with os.scandir(path) as it:
            entries = list(it)
    except OSError as exc:
        errors.append(DocumentError(rel_dir or ".", f"cannot read directory: {_os_reason(exc)}"))
        return
    for entry in entries:
        name = entry.name
        if is_ignored_name(name):
            continue
        rel = f"{rel_dir}/{name}" if rel_dir else name
        try:
            name.encode("utf-8")
        except UnicodeEncodeError:
            shown = os.fsencode(rel).decode("utf-8", "backslashreplace")
            errors.append(DocumentError(shown, "file name is not valid UTF-8; rename it"))
            continue
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir()  # follows symlinks
        except OSError as exc:
            errors.append(DocumentError(rel, _os_reason(exc)))
            continue
        if is_link:
            target = os.path.realpath(entry.path)
            if not _inside(target, real_root):
                if is_dir or name.lower().endswith(MARKDOWN_SUFFIXES):
                    errors.append(
                        DocumentError(
                            rel,
                            "symlink points outside the content folder; not followed",
                            hint=f"target: {target}",
                        )
                    )
                continue
        if is_dir:
            try:
                st = entry.stat()
            except OSError as exc:
                errors.append(DocumentError(rel, _link_reason(exc)))
                continue
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                errors.append(DocumentError(rel, "symlink loop: it leads back to a parent folder"))
                continue
            _scan_dir(entry.path, rel, real_root, (*ancestors, key), files, errors)
            continue
        if not name.lower().endswith(MARKDOWN_SUFFIXES):
            continue
        try:
            st = entry.stat()
        except OSError as exc:
            errors.append(DocumentError(rel, _link_reason(exc)))
            continue
        if not stat.S_ISREG(st.st_mode):
            # A FIFO, socket or device named *.md: never opened (a FIFO would block).
            what = "symlink does not point to" if is_link else "is not"
            errors.append(DocumentError(rel, f"{what} a regular file ({_kind(st.st_mode)})"))
            continue
        files.append(LocalFile(rel, st.st_size, st.st_mtime_ns))


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


def read_document(root: Path, rel: str, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Document:
    """Read ``root/rel`` and split it into front matter and body.

    Raises ``DocumentError`` (naming ``rel`` and the line where known) for a path that
    leaves the content folder, a missing/unreadable/oversized/binary/non-UTF-8/empty file,
    or front matter that does not parse to a mapping.
    """
    path = _safe_path(root, rel)
    data = _read_bytes(path, rel, max_bytes)
    text = _decode(data, rel)
    front_matter, key_lines, body, body_line = _split(text, rel)
    return Document(
        rel=rel,
        front_matter=front_matter,
        body=body,
        source_hash=bytes_hash(data),
        body_line=body_line,
        key_lines=key_lines,
    )


def _safe_path(root: Path, rel: str) -> Path:
    parts = rel.split("/")
    if (
        not rel
        or rel.startswith("/")
        or "\\" in rel
        or _WINDOWS_DRIVE.match(rel)
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise DocumentError(rel, "path is not a plain relative path inside the content folder")
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
            data = fh.read(max_bytes + 1)
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


# ---------------------------------------------------------------------------- front matter

_YAML_FENCE = re.compile(r"^-{3,}[ \t]*$", re.MULTILINE)
_TOML_FENCE = re.compile(r"^\+{3,}[ \t]*$", re.MULTILINE)
_JSON_OPEN = re.compile(r"^\{[ \t]*$", re.MULTILINE)

_YAML_KEY = re.compile(
    r"""^(?![-?] |#)(?P<q>["']?)(?P<key>[^\s"'][^"']*?)(?P=q)[ \t]*:(?:[ \t]|$)"""
)
_TOML_KEY = re.compile(r"""^(?P<q>["']?)(?P<key>[A-Za-z0-9_\-]+|[^"'=]+?)(?P=q)[ \t]*=""")
_TOML_TABLE = re.compile(r"^\[\[?[ \t]*(?P<key>[A-Za-z0-9_\-]+)")
_JSON_KEY = re.compile(r"""^(?P<indent>[ \t]*)"(?P<key>(?:[^"\\]|\\.)*)"[ \t]*:""")

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available


class _FrontMatterLoader(_BaseLoader):  # type: ignore[misc]
    """Safe YAML loading, except that an impossible date (``2023-02-30``) stays a string,
    so the mapper can report it with the key's line instead of the loader failing."""


def _timestamp_or_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    try:
        return SafeConstructor.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError:
        return loader.construct_scalar(node)  # type: ignore[arg-type]


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_or_text)

_YAML = YAMLHandler()


def _split(text: str, rel: str) -> tuple[dict[str, JSONValue], dict[str, int], str, int]:
    """(front matter, key lines, body, body line) of a decoded, LF-normalised text."""
    start = len(text) - len(text.lstrip())
    start = text.rfind("\n", 0, start) + 1  # beginning of the first non-blank line
    newline = text.find("\n", start)
    opener = text[start : newline if newline >= 0 else len(text)]
    if _YAML_FENCE.fullmatch(opener):
        data, lines, end = _fenced(text, start, rel, _YAML_FENCE, "YAML", "---", _load_yaml)
    elif _TOML_FENCE.fullmatch(opener):
        data, lines, end = _fenced(text, start, rel, _TOML_FENCE, "TOML", "+++", _load_toml)
    elif _JSON_OPEN.fullmatch(opener):
        data, lines, end = _json_front_matter(text, start, rel)
    else:
        data, lines, end = {}, {}, 0
    body, body_line = _body(text, end)
    return data, lines, body, body_line


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _fenced(
    text: str,
    start: int,
    rel: str,
    fence: re.Pattern[str],
    kind: str,
    marker: str,
    load: Any,
) -> tuple[dict[str, JSONValue], dict[str, int], int]:
    open_end = text.find("\n", start)
    open_line = _line_of(text, start)
    closing = fence.search(text, open_end + 1) if open_end >= 0 else None
    if closing is None:
        raise DocumentError(
            rel,
            f"{kind} front matter opened with '{marker}' is never closed",
            line=open_line,
            hint=f"add a '{marker}' line after the front matter",
        )
    block = text[open_end + 1 : closing.start()]
    first_line = open_line + 1
    raw = load(block, rel, first_line)
    data = _as_mapping(raw, rel, kind, open_line)
    key_regex = _YAML_KEY if kind == "YAML" else _TOML_KEY
    lines = _key_lines(block, first_line, key_regex, table=kind == "TOML")
    return data, lines, closing.end()


def _load_yaml(block: str, rel: str, first_line: int) -> Any:
    try:
        return _YAML.load(block, Loader=_FrontMatterLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "syntax error"
        message = f"invalid YAML front matter: {problem}"
        if exc.context:
            message += f" ({exc.context})"
        line = first_line + mark.line if mark is not None else None
        if mark is not None:
            message += f", column {mark.column + 1}"
        hint = None
        if "mapping values are not allowed" in problem:
            hint = "quote values that contain ': ', e.g. title: \"Python: a primer\""
        elif mark is not None and _char_at(block, mark.line, mark.column) == "\t":
            hint = "YAML indentation must use spaces, not tabs"
        raise DocumentError(rel, message, line=line, hint=hint) from None
    except yaml.YAMLError as exc:
        raise DocumentError(rel, f"invalid YAML front matter: {exc}") from None
    except (ValueError, TypeError, OverflowError) as exc:
        raise DocumentError(rel, f"invalid YAML front matter: {exc}", line=first_line) from None
    except RecursionError:
        raise DocumentError(rel, "invalid YAML front matter: nested too deeply") from None


def _char_at(block: str, line: int, column: int) -> str:
    lines = block.split("\n")
    if 0 <= line < len(lines) and 0 <= column < len(lines[line]):
        return lines[line][column]
    return ""


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _load_toml(block: str, rel: str, first_line: int) -> Any:
    try:
        return tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _TOML_POS.search(message)
        line = None
        if found:
            line = first_line + int(found.group(1)) - 1
            message = _TOML_POS.sub(f"(column {found.group(2)})", message)
        raise DocumentError(rel, f"invalid TOML front matter: {message}", line=line) from None


def _json_front_matter(
    text: str, start: int, rel: str
) -> tuple[dict[str, JSONValue], dict[str, int], int]:
    try:
        raw, end = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            rel, f"invalid JSON front matter: {exc.msg}, column {exc.colno}", line=exc.lineno
        ) from None
    except RecursionError:
        raise DocumentError(rel, "invalid JSON front matter: nested too deeply") from None
    open_line = _line_of(text, start)
    data = _as_mapping(raw, rel, "JSON", open_line)
    line_end = text.find("\n", end)
    if text[end : line_end if line_end >= 0 else len(text)].strip():
        raise DocumentError(
            rel,
            "text after the closing '}' of the JSON front matter",
            line=_line_of(text, end),
            hint="put the closing '}' on a line of its own",
        )
    lines = _json_key_lines(text[start:end], open_line)
    return data, lines, end


def _as_mapping(raw: Any, rel: str, kind: str, line: int) -> dict[str, JSONValue]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DocumentError(
            rel,
            f"{kind} front matter must be a mapping of keys to values, not {_kind_of(raw)}",
            line=line,
            hint="write one 'key: value' per line",
        )
    return {str(k): v for k, v in raw.items()}


def _kind_of(value: object) -> str:
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, date | datetime):
        return "a date"
    return f"a {type(value).__name__}"


def _key_lines(
    block: str, first_line: int, regex: re.Pattern[str], *, table: bool
) -> dict[str, int]:
    lines: dict[str, int] = {}
    in_table = False
    for offset, line in enumerate(block.split("\n")):
        if table:
            found_table = _TOML_TABLE.match(line)
            if found_table:
                lines.setdefault(found_table.group("key"), first_line + offset)
                in_table = True
                continue
            if in_table:
                continue
        found = regex.match(line)
        if found:
            key = found.group("key").strip()
            if table:
                lines.setdefault(key, first_line + offset)
            else:  # YAML: the last duplicate wins, as in the loaded data
                lines[key] = first_line + offset
    return lines


def _json_key_lines(block: str, first_line: int) -> dict[str, int]:
    found = [
        (m.group("indent"), m.group("key"), first_line + offset)
        for offset, line in enumerate(block.split("\n"))
        if (m := _JSON_KEY.match(line))
    ]
    if not found:
        return {}
    top = min(len(indent) for indent, _, _ in found)
    lines: dict[str, int] = {}
    for indent, key, line in found:
        if len(indent) == top:
            try:
                lines[json.loads(f'"{key}"')] = line
            except json.JSONDecodeError:
                continue
    return lines


def _body(text: str, end: int) -> tuple[str, int]:
    """The body after position ``end`` without the rest of the closing line and without
    leading blank lines, and the file line where it starts."""
    newline = text.find("\n", end)
    if end and newline < 0:
        return "", _line_of(text, len(text))
    pos = newline + 1 if end else 0
    for line in _iter_lines_from(text, pos):
        if line.strip():
            break
        pos += len(line) + 1
    pos = min(pos, len(text))
    body = text[pos:].rstrip()
    return (body + "\n" if body else ""), _line_of(text, pos)


def _iter_lines_from(text: str, pos: int) -> Iterator[str]:
    while pos < len(text):
        newline = text.find("\n", pos)
        if newline < 0:
            yield text[pos:]
            return
        yield text[pos:newline]
        pos = newline + 1
