"""Splitting a source file's text into front matter and body, with the line of each key.

Front matter may be YAML (``---``), TOML (``+++``) or a JSON object (``{`` alone on the
first line).  python-frontmatter's YAML handler does the YAML loading; the splitting is
done here because ``frontmatter.parse`` strips the text (losing line numbers) and silently
drops front matter that is not a mapping.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, Literal

import yaml
from frontmatter.default_handlers import YAMLHandler
from yaml.constructor import SafeConstructor

from wpsync.errors import DocumentError
from wpsync.model import JSONValue
from wpsync.words import article

__all__ = ["FrontMatterFormat", "split_front_matter"]

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


def split_front_matter(
    text: str, rel: str
) -> tuple[dict[str, JSONValue], dict[str, int], str, int]:
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


#: the front-matter notations a document may use (named in error messages)
FrontMatterFormat = Literal["YAML", "TOML", "JSON"]


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _fenced(
    text: str,
    start: int,
    rel: str,
    fence: re.Pattern[str],
    kind: FrontMatterFormat,
    marker: str,
    load: Callable[[str, str, int], object],
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


def _load_yaml(block: str, rel: str, first_line: int) -> object:
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


def _load_toml(block: str, rel: str, first_line: int) -> object:
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


def _as_mapping(raw: object, rel: str, kind: FrontMatterFormat, line: int) -> dict[str, JSONValue]:
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
    return article(type(value).__name__)


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
