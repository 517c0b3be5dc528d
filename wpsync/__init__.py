"""wpsync — keep a WordPress site in step with a folder of Markdown files.

The public API (see :mod:`wpsync.api`; everything else is internal)::

    import wpsync
    config = wpsync.load_config(Path("config.toml"))
    wpsync.plan(config)          # what a sync would do
    wpsync.sync(config)          # publish
    wpsync.render_file(config, Path("content/post.md"))

``import wpsync`` stays cheap: the names are looked up on first use (PEP 562), so the
command line's start-up (``wpsync --version``) loads none of the heavy modules.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: public name → the module that defines it
_EXPORTS: dict[str, str] = {
    "load_config": "wpsync.api",
    "sync": "wpsync.api",
    "plan": "wpsync.api",
    "render_file": "wpsync.api",
    "Config": "wpsync.config",
    "SyncReport": "wpsync.engine.report",
    "FileResult": "wpsync.engine.report",
    "PlanReport": "wpsync.engine.preview",
    "FilePlan": "wpsync.engine.preview",
    "PostPayload": "wpsync.model",
    "WpsyncError": "wpsync.errors",
    "ConfigError": "wpsync.errors",
    "AuthError": "wpsync.errors",
    "StateError": "wpsync.errors",
    "LockTimeout": "wpsync.errors",
    "DocumentError": "wpsync.errors",
    "RemoteError": "wpsync.errors",
    "TransportError": "wpsync.errors",
    "SafetyError": "wpsync.errors",
}

__all__ = [
    "AuthError",
    "Config",
    "ConfigError",
    "DocumentError",
    "FilePlan",
    "FileResult",
    "LockTimeout",
    "PlanReport",
    "PostPayload",
    "RemoteError",
    "SafetyError",
    "StateError",
    "SyncReport",
    "TransportError",
    "WpsyncError",
    "__version__",
    "load_config",
    "plan",
    "render_file",
    "sync",
]

if TYPE_CHECKING:
    from wpsync.api import load_config, plan, render_file, sync
    from wpsync.config import Config
    from wpsync.engine.preview import FilePlan, PlanReport
    from wpsync.engine.report import FileResult, SyncReport
    from wpsync.errors import (
        AuthError,
        ConfigError,
        DocumentError,
        LockTimeout,
        RemoteError,
        SafetyError,
        StateError,
        TransportError,
        WpsyncError,
    )
    from wpsync.model import PostPayload


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'wpsync' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
