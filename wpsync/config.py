"""Configuration: ``config.toml`` + environment, validated eagerly into frozen dataclasses.

Every key is declared once in ``_SCHEMA`` (type, default, check); an unknown key is an
error naming it.  Paths resolve relative to the config file.  Secrets never live in a
dataclass field as plain ``str``: they are :class:`Secret`, whose ``repr``/``str`` are masked.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import shlex
import subprocess
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from wpsync.errors import ConfigError
from wpsync.keyring_password import read_keyring
from wpsync.logsetup import register_secret
from wpsync.trust import Scope, Setting, require
from wpsync.words import article

logger = logging.getLogger(__name__)

AUTH_METHODS = ("jwt", "application-password")
#: the password variable used when ``site.password_env`` is not set
DEFAULT_PASSWORD_ENV = "WPSYNC_PASSWORD"
#: what happens to a post whose file is deleted (``content.delete``)
DeletePolicy = Literal["trash", "draft", "keep", "delete"]
DELETE_POLICIES: tuple[DeletePolicy, ...] = ("trash", "draft", "keep", "delete")
STATUSES = ("publish", "future", "draft", "pending", "private")
#: the Markdown parsers (``content.markdown``): CommonMark/GFM, or Python-Markdown for archives
MarkdownEngine = Literal["commonmark", "python-markdown"]
MARKDOWN_ENGINES: tuple[MarkdownEngine, ...] = ("commonmark", "python-markdown")

#: the tools an archive may have been written for (``content.dialect``); see
#: :mod:`wpsync.source.dialect`
Dialect = Literal["plain", "obsidian", "hugo", "jekyll", "docs"]
DIALECTS: tuple[Dialect, ...] = ("plain", "obsidian", "hugo", "jekyll", "docs")
DialectSetting = Literal["auto", "plain", "obsidian", "hugo", "jekyll", "docs"]


class Secret:
    """A credential.  Shows as ``Secret('********')`` anywhere it could be printed."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)


@dataclass(frozen=True)
class SiteConfig:
    url: str
    auth: str
    username: str
    password_env: str
    password_command: str | None
    inline_password: Secret | None
    verify_tls: bool
    ca_bundle: Path | None
    allow_insecure_http: bool
    timeout: float
    max_attempts: int
    request_deadline: float = 60.0
    #: the password is in the system keyring, stored for this URL and user (``wpsync init``)
    password_keyring: bool = False
    max_answer_mb: float = 32.0
    max_media_mb: float = 512.0
    max_pages: int = 1000
    #: what the user must have approved before a credential goes to ``url`` (``None``
    #: for a configuration built in code rather than loaded: its author is trusted)
    scope: Scope | None = None


@dataclass(frozen=True)
class ContentConfig:
    dir: Path
    default_type: str
    default_status: str
    delete: DeletePolicy
    block_editor: bool
    max_file_mb: float
    markdown: MarkdownEngine = "commonmark"
    #: ``[content] dialect``: "auto" (detected from the folder) or one of ``DIALECTS``
    dialect: DialectSetting = "auto"
    #: ``[content] exclude``: globs (relative to the content folder) never published
    exclude: tuple[str, ...] = ()
    #: the folder of config.toml (where dialect detection stops looking up)
    project: Path | None = None
    #: ``default_type`` was written in config.toml (else a docs folder's files are pages)
    type_given: bool = False


@dataclass(frozen=True)
class StateConfig:
    path: Path


@dataclass(frozen=True)
class SyncConfig:
    concurrency: int
    batch: bool
    max_deletions: int
    max_deletion_ratio: float


@dataclass(frozen=True)
class WatchConfig:
    debounce_ms: int
    reconcile_minutes: float
    poll: bool


@dataclass(frozen=True)
class Config:
    path: Path
    site: SiteConfig
    content: ContentConfig
    state: StateConfig
    sync: SyncConfig
    watch: WatchConfig
    #: ``[authors]``: a front-matter author name → the WordPress user (login, or user ID)
    authors: Mapping[str, str | int] = field(default_factory=dict)


# --------------------------------------------------------------------------- schema

Check = Callable[[Any], str | None]  # returns an error message or None


@dataclass(frozen=True)
class Key:
    type: type | tuple[type, ...]
    default: Any
    check: Check | None = None
    doc: str = ""


def _one_of(*choices: str) -> Check:
    return lambda v: None if v in choices else f"must be one of {', '.join(choices)}"


def _globs(v: Any) -> str | None:
    return None if all(isinstance(g, str) and g for g in v) else "must be a list of globs"


def _positive(v: Any) -> str | None:
    return None if v > 0 else "must be greater than 0"


def _non_negative(v: Any) -> str | None:
    return None if v >= 0 else "must be 0 or more"


_SCHEMA: dict[str, dict[str, Key]] = {
    "site": {
        "url": Key(str, None, doc="Site address, e.g. https://example.com"),
        "auth": Key(str, "jwt", _one_of(*AUTH_METHODS), "jwt or application-password"),
        "username": Key(str, None, doc="WordPress login"),
        "password_env": Key(
            str, DEFAULT_PASSWORD_ENV, doc="environment variable holding the password"
        ),
        "password_command": Key(str, None, doc="command printing the password"),
        "password_keyring": Key(
            bool, False, doc="read the password from the system keyring (wpsync[keyring])"
        ),
        "password": Key(str, None, doc="inline password (discouraged: warns)"),
        "verify_tls": Key(bool, True, doc="verify TLS certificates"),
        "ca_bundle": Key(str, None, doc="custom CA bundle (PEM) path"),
        "allow_insecure_http": Key(
            bool, False, doc="allow credentials over http:// to a non-loopback host"
        ),
        "timeout": Key((int, float), 30.0, _positive, "seconds per HTTP request"),
        "max_attempts": Key(int, 5, _positive, "attempts per request on transient errors"),
        "request_deadline": Key(
            (int, float), 60.0, _positive, "seconds for a whole request (at least timeout)"
        ),
        "max_answer_mb": Key((int, float), 32, _positive, "largest answer read from the API"),
        "max_media_mb": Key((int, float), 512, _positive, "largest media file downloaded"),
        "max_pages": Key(int, 1000, _positive, "most pages of one listing followed"),
    },
    "content": {
        "dir": Key(str, "content", doc="folder of Markdown files"),
        "default_type": Key(str, "post", doc="post, page or a custom type's REST base"),
        "default_status": Key(
            str, "publish", _one_of(*STATUSES), "status when front matter has none"
        ),
        "delete": Key(
            str, "trash", _one_of(*DELETE_POLICIES), "what happens to a post whose file is deleted"
        ),
        "block_editor": Key(bool, True, doc="emit block-editor markup (false: Classic HTML)"),
        "max_file_mb": Key((int, float), 5, _positive, "largest Markdown file accepted"),
        "markdown": Key(
            str,
            "commonmark",
            _one_of(*MARKDOWN_ENGINES),
            "commonmark (CommonMark + GFM) or python-markdown (for archives written for it)",
        ),
        "dialect": Key(
            str,
            "auto",
            _one_of("auto", *DIALECTS),
            "auto (detected from the folder), plain, obsidian, hugo, jekyll or docs",
        ),
        "exclude": Key(list, [], _globs, "globs of files never published, e.g. drafts/**"),
    },
    "state": {
        "path": Key(str, ".wpsync", doc="state folder (relative to the config file)"),
    },
    "sync": {
        "concurrency": Key(int, 4, _positive, "parallel requests"),
        "batch": Key(bool, True, doc="use /batch/v1 when the site allows it"),
        "max_deletions": Key(
            int, 10, _non_negative, "deletions allowed without --allow-mass-delete"
        ),
        "max_deletion_ratio": Key(
            (int, float), 0.5, _non_negative, "share of posts deletable without --allow-mass-delete"
        ),
    },
    "watch": {
        "debounce_ms": Key(int, 300, _non_negative, "quiet time before a changed file syncs"),
        "reconcile_minutes": Key((int, float), 10, _positive, "period of the full reconcile"),
        "poll": Key(bool, False, doc="poll the folder instead of inotify"),
    },
}

ENV_OVERRIDES = {
    "WPSYNC_URL": ("site", "url"),
    "WPSYNC_USERNAME": ("site", "username"),
    "WPSYNC_AUTH": ("site", "auth"),
}


def schema() -> Mapping[str, Mapping[str, Key]]:
    """The declared configuration keys (for docs and ``init``)."""
    return _SCHEMA


def _type_name(t: type | tuple[type, ...]) -> str:
    if isinstance(t, tuple):
        return "number" if float in t else " or ".join(x.__name__ for x in t)
    return {str: "string", bool: "true/false", int: "integer", list: "list"}.get(t, t.__name__)


def _validate(raw: Mapping[str, Any], source: str) -> dict[str, dict[str, Any]]:
    values: dict[str, dict[str, Any]] = {}
    for section in raw:
        if section in _FREE_SECTIONS:
            continue
        if section not in _SCHEMA:
            raise ConfigError(
                f"{source}: unknown section [{section}]",
                hint=f"known sections: {', '.join([*_SCHEMA, *_FREE_SECTIONS])}",
            )
        if not isinstance(raw[section], Mapping):
            raise ConfigError(f"{source}: [{section}] must be a table")
    for section, keys in _SCHEMA.items():
        given = raw.get(section, {})
        for key in given:
            if key not in keys:
                raise ConfigError(
                    f"{source}: unknown key '{section}.{key}'",
                    hint=f"known keys in [{section}]: {', '.join(keys)}",
                )
        out: dict[str, Any] = {}
        for key, spec in keys.items():
            value = given.get(key, spec.default)
            if value is not None and key in given:
                ok = isinstance(value, spec.type) and not (
                    isinstance(value, bool)
                    and spec.type is not bool
                    and bool not in _as_tuple(spec.type)
                )
                if not ok:
                    raise ConfigError(
                        f"{source}: '{section}.{key}' must be {article(_type_name(spec.type))}, "
                        f"not {type(value).__name__}"
                    )
                if spec.check is not None and (problem := spec.check(value)):
                    raise ConfigError(f"{source}: '{section}.{key}' {problem}")
            out[key] = value
        values[section] = out
    return values


#: tables whose keys are the user's own (``[authors]``: name → WordPress user)
_FREE_SECTIONS = ("authors",)


def _authors(raw: Any, source: str) -> dict[str, str | int]:
    """``[authors]``: each front-matter author name → a WordPress login or user ID."""
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{source}: [authors] must be a table")
    out: dict[str, str | int] = {}
    for name, user in raw.items():
        if isinstance(user, bool) or not isinstance(user, (str, int)) or user in ("", 0):
            raise ConfigError(
                f"{source}: 'authors.{name}' must be a WordPress login or a user ID",
                hint='e.g. [authors]\nparkr = "parker"',
            )
        out[str(name)] = user
    return out


def _as_tuple(t: type | tuple[type, ...]) -> tuple[type, ...]:
    return t if isinstance(t, tuple) else (t,)


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_url(url: str, allow_insecure_http: bool) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password or "@" in parts.netloc:
        # checked first: no message may repeat a URL that carries a password
        raise ConfigError(
            "site.url must not contain credentials",
            hint="put the user in site.username and the password in the environment",
        )
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"site.url {url!r} is not an http(s) URL", hint="e.g. https://example.com"
        )
    if parts.scheme == "http" and not _is_loopback(parts.hostname) and not allow_insecure_http:
        raise ConfigError(
            f"refusing to send credentials over plain http:// to {parts.hostname}",
            hint="use https://, or set site.allow_insecure_http = true if you really mean it",
        )
    return url.rstrip("/")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def widening_settings(
    site: Mapping[str, Any], content_dir: Path, state_path: Path, folder: Path
) -> tuple[Setting, ...]:
    """The settings that widen what the file can make wpsync do, as ``(key, value)``:
    honoured only under the user's approval (:mod:`wpsync.trust`)."""
    out: list[Setting] = []
    if site["password_env"] != DEFAULT_PASSWORD_ENV:
        out.append(("site.password_env", site["password_env"]))
    if site["password_command"]:
        out.append(("site.password_command", site["password_command"]))
    if not site["verify_tls"]:
        out.append(("site.verify_tls", "false"))
    if site["allow_insecure_http"]:
        out.append(("site.allow_insecure_http", "true"))
    if not _inside(content_dir, folder):
        out.append(("content.dir", str(content_dir)))
    if not _inside(state_path, folder):
        out.append(("state.path", str(state_path)))
    return tuple(out)


_warned: set[tuple[str, str]] = set()


def _warn_insecure(site: SiteConfig) -> None:
    """One warning line per run (per process) for each insecure setting in force."""
    notes = []
    if not site.verify_tls:
        notes.append(("site.verify_tls = false", "TLS certificates are not verified"))
    if site.allow_insecure_http:
        notes.append(("site.allow_insecure_http = true", "credentials may go over plain http://"))
    for setting, effect in notes:
        if (site.url, setting) not in _warned:
            _warned.add((site.url, setting))
            logger.warning("%s: %s for %s", setting, effect, site.url)


def load_config(path: Path, env: Mapping[str, str] | None = None) -> Config:
    """Read, validate and resolve ``path``; environment variables override the file."""
    env = os.environ if env is None else env
    path = path.expanduser()
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read: {exc}") from None
    elif any(name in env for name in ENV_OVERRIDES):
        raw = {}
    else:
        raise ConfigError(
            f"no configuration file at {path}",
            hint="run `wpsync init` or pass --config PATH",
        )
    values = _validate(raw, str(path))
    for name, (section, key) in ENV_OVERRIDES.items():
        if env.get(name):
            values[section][key] = env[name]
    if values["site"]["auth"] not in AUTH_METHODS:
        raise ConfigError(f"WPSYNC_AUTH must be one of {', '.join(AUTH_METHODS)}")
    if "password" in raw.get("site", {}):
        logger.warning(
            "%s: a password is written inline in site.password; move it to the environment "
            "variable %s or use site.password_command",
            path,
            values["site"]["password_env"],
        )
    base = path.resolve().parent
    s, c = values["site"], values["content"]
    content_dir = (base / c["dir"]).resolve()
    state_path = (base / values["state"]["path"]).resolve()
    if not s["url"]:
        raise ConfigError(f"{path}: site.url is not set", hint="set it in the file or WPSYNC_URL")
    if not s["username"]:
        raise ConfigError(
            f"{path}: site.username is not set", hint="set it in the file or WPSYNC_USERNAME"
        )
    url = _check_url(s["url"], s["allow_insecure_http"])
    site = SiteConfig(
        url=url,
        auth=s["auth"],
        username=s["username"],
        password_env=s["password_env"],
        password_command=s["password_command"],
        password_keyring=s["password_keyring"],
        inline_password=Secret(s["password"]) if s["password"] else None,
        verify_tls=s["verify_tls"],
        ca_bundle=(base / s["ca_bundle"]).resolve() if s["ca_bundle"] else None,
        allow_insecure_http=s["allow_insecure_http"],
        timeout=float(s["timeout"]),
        max_attempts=s["max_attempts"],
        request_deadline=float(s["request_deadline"]),
        max_answer_mb=float(s["max_answer_mb"]),
        max_media_mb=float(s["max_media_mb"]),
        max_pages=s["max_pages"],
        scope=Scope(
            config=path.resolve(),
            url=url,
            url_from_env=bool(env.get("WPSYNC_URL")),
            settings=widening_settings(s, content_dir, state_path, base),
        ),
    )
    if site.request_deadline < site.timeout:
        raise ConfigError(
            f"{path}: site.request_deadline ({site.request_deadline:g} s) is shorter than "
            f"site.timeout ({site.timeout:g} s)",
            hint="the deadline bounds a whole request: make it at least the timeout",
        )
    _warn_insecure(site)
    if site.ca_bundle is not None and not site.ca_bundle.is_file():
        raise ConfigError(f"site.ca_bundle {site.ca_bundle} does not exist")
    content = ContentConfig(
        dir=content_dir,
        default_type=c["default_type"],
        default_status=c["default_status"],
        delete=c["delete"],
        block_editor=c["block_editor"],
        max_file_mb=float(c["max_file_mb"]),
        markdown=c["markdown"],
        dialect=c["dialect"],
        exclude=tuple(c["exclude"]),
        project=base,
        type_given="default_type" in (raw.get("content") or {}),
    )
    return Config(
        path=path.resolve(),
        site=site,
        content=content,
        state=StateConfig(path=state_path),
        sync=SyncConfig(**values["sync"]),
        watch=WatchConfig(**values["watch"]),
        authors=_authors(raw.get("authors", {}), str(path)),
    )


def _learned(value: str) -> Secret:
    """A password just learned: masked in every log line from now on."""
    register_secret(value)
    return Secret(value)


def password_source(site: SiteConfig, env: Mapping[str, str] | None = None) -> str:
    """Where :func:`resolve_password` takes the password from, as the user names it:
    ``$VARIABLE``, ``keyring``, ``site.password_command`` or ``site.password``.

    In order: ``WPSYNC_PASSWORD`` when the environment also gave the URL (the pair CI
    secrets form); the variable ``site.password_env`` names -- one the file names
    explicitly must be set, there is no falling back to ``WPSYNC_PASSWORD``; then the
    system keyring (``site.password_keyring``); then ``site.password_command``; then
    ``site.password``."""
    env = os.environ if env is None else env
    if site.scope is not None and site.scope.url_from_env and env.get(DEFAULT_PASSWORD_ENV):
        return f"${DEFAULT_PASSWORD_ENV}"
    if env.get(site.password_env) or site.password_env != DEFAULT_PASSWORD_ENV:
        return f"${site.password_env}"
    if site.password_keyring:
        return "keyring"
    return "site.password_command" if site.password_command else "site.password"


def resolve_password(site: SiteConfig, env: Mapping[str, str] | None = None) -> Secret:
    """The password from :func:`password_source`'s source -- the one place a credential
    is read for a client, so the one place the user's approval of the site is checked
    (:func:`wpsync.trust.require`: before a variable is read or a command is run)."""
    env = os.environ if env is None else env
    source = password_source(site, env)
    name = source.removeprefix("$")
    if source.startswith("$") and not env.get(name):
        raise ConfigError(
            f"no password: the environment variable {name} (site.password_env) is not set",
            hint=f"export {name}='…', or remove site.password_env to use {DEFAULT_PASSWORD_ENV}",
        )
    if source == "site.password" and not site.inline_password:
        raise ConfigError(
            f"no password: set the environment variable {site.password_env}",
            hint="or set site.password_command to a command that prints it",
        )
    if site.scope is not None:
        require(site.scope, source, env)
    if source.startswith("$"):
        return _learned(env[name])
    if source == "keyring":
        return _learned(read_keyring(site.url, site.username))
    if source == "site.password_command":
        assert site.password_command is not None
        try:
            done = subprocess.run(
                shlex.split(site.password_command),
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(
                f"site.password_command could not run: {type(exc).__name__}"
            ) from None
        if done.returncode != 0:
            raise ConfigError(f"site.password_command exited with status {done.returncode}")
        value = done.stdout.strip("\r\n")
        if value:
            return _learned(value)
        raise ConfigError("site.password_command printed nothing")
    assert site.inline_password is not None
    return _learned(site.inline_password.reveal())
