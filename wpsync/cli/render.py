"""``wpsync render``: what a Markdown file becomes, printed, without a request.  A file is
read and mapped by the very function a sync reads it with (``engine.readpool.load``, as
:func:`wpsync.render_file` does; a command may not import the API facade).  No state, no
lock, no client: only the configuration (the content folder, the defaults) and the files."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import click

from wpsync.cli.common import EXIT_FAILED, EXIT_OK, Globals, fail, load
from wpsync.errors import DocumentError, WpsyncError

if TYPE_CHECKING:
    from wpsync.config import Config
    from wpsync.engine.items import Changed

Format = Literal["html", "blocks", "json"]

#: the header lines of the text formats, in this order
_HEADER = ("title", "slug", "status", "type")


def kind_of(rest_base: str) -> str:
    """The post type a REST base stands for (``posts`` → ``post``; a custom type as is)."""
    return {"posts": "post", "pages": "page"}.get(rest_base, rest_base)


def read_file(config: Config, path: Path) -> Changed:
    """``path`` (absolute or relative to the working directory, in the content folder)
    read and mapped as a sync reads it.  Raises DocumentError (file and line)."""
    from wpsync.engine.items import Broken, Changed, Stat
    from wpsync.engine.paths import content_rel
    from wpsync.engine.reading import read_settings
    from wpsync.engine.readpool import ReadTask, load

    root = config.content.dir
    rel = content_rel(path, root)
    if rel is None:
        raise DocumentError(str(path), f"is not in the content folder {root}")
    item = load(read_settings(config.content), ReadTask(rel, Stat(0, 0), None))
    if isinstance(item, Broken):
        raise item.error
    assert isinstance(item, Changed)  # no known hash: never Unchanged
    return item


def as_json(mapped: Changed, path: str) -> dict[str, Any]:
    """Every payload field of ``mapped`` — ``images`` and ``featured_image`` are the local
    images it uses, ``links`` the Markdown files it links to, ``content`` the HTML — with
    ``type``, the block markup and the warnings.  The password is never printed, only
    whether there is one."""
    from wpsync.source.blocks import to_blocks

    payload = mapped.payload
    fields = dataclasses.asdict(payload)
    for name in payload.BOOKKEEPING:
        fields.pop(name)
    if payload.password is not None:
        fields["password"] = "(set)"
    return {
        "path": path,
        "type": kind_of(payload.rest_base),
        **fields,
        "blocks": to_blocks(payload.content),
        "warnings": list(mapped.warnings),
    }


def as_text(mapped: Changed, fmt: Format) -> str:
    """The header (title, slug, status, type), the warnings, then the body as HTML or
    block markup."""
    payload = mapped.payload
    values = {
        "title": payload.title,
        "slug": payload.slug,
        "status": payload.status,
        "type": kind_of(payload.rest_base),
    }
    lines = [f"{key}: {values[key]}" for key in _HEADER]
    lines += [f"warning: {warning}" for warning in mapped.warnings]
    body = payload.content
    if fmt == "blocks":
        from wpsync.source.blocks import to_blocks

        body = to_blocks(body)
    return "\n".join(lines) + "\n\n" + body.rstrip("\n")


def render_all(config: Config, paths: Sequence[Path], fmt: Format) -> int:
    """Print what each file becomes (a failed file: its one-line error on stderr, the
    others still printed); the exit status: 1 when a file failed."""
    status = EXIT_OK
    objects: list[dict[str, Any]] = []
    for path in paths:
        try:
            mapped = read_file(config, path)
        except DocumentError as exc:
            click.echo(f"failed    {exc}", err=True)
            if exc.hint:
                click.echo(f"hint: {exc.hint}", err=True)
            status = EXIT_FAILED
            objects.append({"path": str(path), "error": str(exc)})
            continue
        if fmt == "json":
            objects.append(as_json(mapped, str(path)))
            continue
        if len(paths) > 1:
            click.echo(f"==> {path} <==")
        click.echo(as_text(mapped, fmt))
        if len(paths) > 1:
            click.echo()
    if fmt == "json":
        click.echo(json.dumps(objects[0] if len(paths) == 1 else objects, ensure_ascii=False))
    return status


@click.command()
@click.argument(
    "paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "blocks", "json"]),
    default="html",
    show_default=True,
    help="The body as HTML, as block-editor markup, or everything as JSON.",
)
@click.pass_obj
def render(g: Globals, paths: tuple[Path, ...], fmt: Format) -> None:
    """Print what Markdown files become in WordPress; send nothing.

    For each FILE (in the content folder): its title, slug, status and type, the
    warnings mapping it gave, then the body as HTML (--format blocks: as block-editor
    markup).  Images not uploaded yet keep their local path; links to other Markdown
    files keep theirs (a sync makes them URLs).  --format json prints one object per
    file (a list for several) with every field, the warnings, and the local images and
    Markdown links the file refers to.  Reads no state and makes no request: handy to
    preview a post and for bug reports.  Exit status 1 when a file cannot be read or
    mapped (its `path:line: reason` on stderr, the others still printed).

    \b
    Example:
      wpsync render content/hello.md                  # title, slug, … and the HTML
      wpsync render --format blocks content/hello.md  # the block-editor markup
      wpsync render --format json content/*.md | jq '.[] | {path, warnings}'
    """
    try:
        config = load(g)
    except WpsyncError as exc:
        fail(exc, fmt == "json")
    sys.exit(render_all(config, paths, fmt))
