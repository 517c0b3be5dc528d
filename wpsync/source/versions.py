"""Versions of installed libraries, read without importing them.

A run with nothing to do still records which Markdown engine (and which release of it)
rendered each post; importing the engine just to ask its version would cost ~50 ms on
every git hook.  The ``.dist-info`` folder beside the package names the version.

:func:`renderer_version` is what each post records as its renderer (``opt:renderer``).
"""

from __future__ import annotations

import functools
import os
import re
from pathlib import Path


@functools.cache
def installed_version(distribution: str, package: str) -> str:
    """The installed version of ``distribution`` (which provides the import ``package``),
    without importing either: the name of the ``.dist-info`` folder beside the package
    (a directory listing, ~1 ms), else ``importlib.metadata`` (~25 ms of imports)."""
    import importlib.util

    wanted = re.sub(r"[-_.]+", "_", distribution).lower()
    spec = importlib.util.find_spec(package)
    if spec is not None and spec.origin:
        where = Path(spec.origin).parent.parent
        try:
            names = os.listdir(where)
        except OSError:
            names = []
        found = [
            version
            for name in names
            if name.endswith(".dist-info")
            for dist, _, version in [name[: -len(".dist-info")].partition("-")]
            if re.sub(r"[-_.]+", "_", dist).lower() == wanted and version
        ]
        if len(found) == 1:
            return found[0]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return "?"


#: wpsync's own revision of each engine's pipeline: bumped when wpsync's steps around the
#: engine change the HTML of existing posts (a sync then re-sends them, once)
REVISIONS: dict[str, str] = {"commonmark": "wpsync-cm 4", "python-markdown": "wpsync-pm 5"}


def renderer_version(engine: str) -> str:
    """What each post records as rendered by ``engine`` (``wpsync.source.render.RENDERER_VERSION``): the libraries' installed
    releases and wpsync's own revision of that engine's pipeline.  Imports no engine (a
    run with nothing to do asks it too)."""
    if engine == "commonmark":
        library = (
            f"markdown-it-py {installed_version('markdown-it-py', 'markdown_it')}"
            f" + mdit-py-plugins {installed_version('mdit-py-plugins', 'mdit_py_plugins')}"
        )
    elif engine == "python-markdown":
        library = f"Python-Markdown {installed_version('markdown', 'markdown')}"
    else:
        return f"{engine} / unknown"
    return f"{library} / {REVISIONS[engine]}"


#: the revision of each dialect's translation (``hugo.py``, ``jekyll.py``…), recorded with
#: each post of a folder in that dialect (``opt:renderer``): bumped when a translation's
#: output changes, so a sync re-reads the posts once
DIALECT_REVISIONS: dict[str, str] = {"hugo": "2", "jekyll": "2", "obsidian": "2", "docs": "2"}


def dialect_revision(dialect: str) -> str:
    """The revision of ``dialect``'s translation ("1" for one without a recorded revision)."""
    return DIALECT_REVISIONS.get(dialect, "1")


#: the revision of the HTML → block markup conversion (``blocks.py``), recorded with each
#: post sent as blocks (``opt:block-editor``): bumped when the conversion's output changes,
#: so a sync re-sends the block posts once.  1: until the blocks were checked in the real
#: editor; 2: tables, images, embeds, callouts as WordPress 6.1 saves them.
BLOCKS_REVISION = "2"

#: the revision of the fingerprint recorded as the input ``opt:fingerprint`` ("a post
#: carries one"; revision 2 only adds fields, so a post carrying revision 1 is not sent
#: again): ``engine/fingerprint.py``'s ``REVISION``, kept here for the at-rest mark
#: (``quiet.py``), which must not import the fingerprint's module
FINGERPRINT_REVISION = "1"


@functools.cache
def renderer_identity(engine: str) -> str:
    """The engine that turns Markdown into HTML, with its version, as recorded with each
    post (``opt:renderer``, engine/references.py): when it is not the one recorded, the
    post is read again.  Asked on every run, a run with nothing to do included: it
    imports no renderer (:func:`renderer_version` reads the installed versions)."""
    return renderer_version(engine)


def dialect_identity(dialect: str) -> str:
    """What ``opt:renderer`` adds for a dialect (``source/dialect.py``): nothing for
    "plain"; otherwise the dialect and its translation's revision, so switching the
    dialect (or a new revision of its translation) re-reads the posts, and sends those
    it renders differently."""
    return "" if dialect == "plain" else f" / dialect {dialect} {dialect_revision(dialect)}"
