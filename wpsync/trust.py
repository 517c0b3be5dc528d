"""Which sites a folder may send the user's credentials to: the approvals ``wpsync trust``
records, and the one check every credential passes (:func:`require`).

A repository's ``config.toml`` is input written by whoever wrote the repository.  It names
the site (``site.url``) and may ask for more than publishing its own Markdown there: run a
command (``site.password_command``), name another secret (``site.password_env``), weaken
TLS (``site.verify_tls = false``, ``site.allow_insecure_http``), read or write outside its
folder (``content.dir``, ``state.path``).  The user's credential goes to a site only when

* the environment gave the URL and the password together (``WPSYNC_URL`` +
  ``WPSYNC_PASSWORD``: CI secrets, scripts) and the file asks for nothing more, or
* the user approved that URL for that folder, with exactly those settings (their
  fingerprint is part of the approval: a changed setting asks again).

Approvals live in the user's own configuration folder (``$XDG_CONFIG_HOME/wpsync/trusted.json``,
``~/.config/wpsync/`` by default; folder 0700, file 0600, replaced atomically), keyed by
the resolved folder of ``config.toml`` and the URL.  docs/security.md explains the model.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shlex
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from wpsync.errors import TrustError

#: the file of approvals, in the user's wpsync configuration folder
TRUST_FILE = "trusted.json"
FORMAT_VERSION = 1
#: the password variable that, with ``WPSYNC_URL``, forms the trusted environment pair
PAIR_PASSWORD = "WPSYNC_PASSWORD"
#: settings that only choose where the password comes from: not used under the pair
_PASSWORD_SETTINGS = ("site.password_env", "site.password_command")

Setting = tuple[str, str]


@dataclass(frozen=True)
class Scope:
    """What one configuration asks to be trusted with: its URL, for its folder, with the
    settings beyond the defaults that widen what it can make wpsync do."""

    config: Path  # the configuration file, resolved
    url: str
    url_from_env: bool
    settings: tuple[Setting, ...] = ()

    @property
    def folder(self) -> Path:
        return self.config.parent

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.settings)

    def approve_command(self) -> str:
        """The one command that approves this scope."""
        try:
            here: Path | None = Path.cwd().resolve()
        except OSError:
            here = None
        if self.config.name == "config.toml" and self.folder == here:
            return "wpsync trust"
        return f"wpsync --config {shlex.quote(str(self.config))} trust"


@dataclass(frozen=True)
class Approval:
    """One recorded approval: ``url`` may receive the user's credential for ``folder``
    while the configuration's widening settings are exactly ``settings``."""

    folder: str
    url: str
    settings: tuple[Setting, ...]
    fingerprint: str
    approved: str  # UTC, ISO 8601

    def to_json(self) -> dict[str, object]:
        return {
            "folder": self.folder,
            "url": self.url,
            "settings": [list(s) for s in self.settings],
            "fingerprint": self.fingerprint,
            "approved": self.approved,
        }


def fingerprint(settings: tuple[Setting, ...]) -> str:
    """A digest of the widening settings (order-independent)."""
    canonical = json.dumps(sorted(settings), separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def store_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/wpsync/trusted.json`` (an absolute XDG_CONFIG_HOME only, as the
    XDG spec says), else ``~/.config/wpsync/trusted.json``."""
    env = os.environ if env is None else env
    base = env.get("XDG_CONFIG_HOME", "")
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".config"
    return root / "wpsync" / TRUST_FILE


# --------------------------------------------------------------------------- the file


def _corrupt(path: Path, why: str) -> TrustError:
    return TrustError(
        f"{path}: not a readable wpsync trust file ({why})",
        hint=f"fix or delete {path}, then run `wpsync trust` again in each folder you use",
    )


def _setting(item: object) -> Setting | None:
    if isinstance(item, list) and len(item) == 2 and all(isinstance(x, str) for x in item):
        return (item[0], item[1])
    return None


def _parse(path: Path, text: str) -> list[Approval]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _corrupt(path, f"invalid JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("approvals"), list):
        raise _corrupt(path, "no list of approvals")
    if doc.get("version") != FORMAT_VERSION:
        raise _corrupt(path, f"format version {doc.get('version')!r}, expected {FORMAT_VERSION}")
    out: list[Approval] = []
    for n, item in enumerate(doc["approvals"], 1):
        fields = ("folder", "url", "fingerprint", "approved")
        if not isinstance(item, dict) or not all(isinstance(item.get(f), str) for f in fields):
            raise _corrupt(path, f"approval {n} is malformed")
        raw = item.get("settings")
        settings = [_setting(s) for s in raw] if isinstance(raw, list) else [None]
        if any(s is None for s in settings):
            raise _corrupt(path, f"approval {n} has malformed settings")
        out.append(
            Approval(
                folder=item["folder"],
                url=item["url"],
                settings=tuple(s for s in settings if s is not None),
                fingerprint=item["fingerprint"],
                approved=item["approved"],
            )
        )
    return out


def load_approvals(path: Path | None = None) -> list[Approval]:
    """Every recorded approval (none when the file does not exist yet)."""
    path = store_path() if path is None else path
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise _corrupt(path, exc.strerror or type(exc).__name__) from None
    try:
        with os.fdopen(fd, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise _corrupt(path, exc.strerror or type(exc).__name__) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _corrupt(path, "not UTF-8") from None
    return _parse(path, text)


def _private_folder(folder: Path) -> None:
    """Create ``folder`` 0700 (whatever the umask); tighten one we own that is not."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o700)
        st = os.stat(folder, follow_symlinks=False)
    except OSError as exc:
        raise TrustError(f"cannot create {folder}: {exc.strerror}") from None
    if not os.path.isdir(folder) or os.path.islink(folder):
        raise TrustError(f"{folder} is not a folder")
    if st.st_mode & 0o077:
        if st.st_uid != os.getuid():
            raise TrustError(
                f"{folder} is writable or readable by others and not yours",
                hint=f"chmod 700 {folder} (as its owner) or set XDG_CONFIG_HOME",
            )
        os.chmod(folder, 0o700)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the trust folder while reading and rewriting the file."""
    _private_folder(path.parent)
    fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _write(path: Path, approvals: list[Approval]) -> None:
    """Replace the file atomically: a 0600 temporary in the same folder, fsync, rename."""
    doc = {"version": FORMAT_VERSION, "approvals": [a.to_json() for a in approvals]}
    data = (json.dumps(doc, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        fd = os.open(tmp, flags, 0o600)
        try:
            os.fchmod(fd, 0o600)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise TrustError(f"cannot write {path}: {exc.strerror}") from None


def _same(approval: Approval, folder: Path, url: str) -> bool:
    return approval.folder == str(folder) and approval.url == url


def approve(scope: Scope, path: Path | None = None) -> Approval:
    """Record that ``scope.url`` may receive the user's credential for ``scope.folder``
    with ``scope.settings`` (replacing an earlier approval of the same folder and URL)."""
    path = store_path() if path is None else path
    approval = Approval(
        folder=str(scope.folder),
        url=scope.url,
        settings=scope.settings,
        fingerprint=scope.fingerprint,
        approved=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    with _locked(path):
        kept = [a for a in load_approvals(path) if not _same(a, scope.folder, scope.url)]
        _write(path, [*kept, approval])
    return approval


def revoke(folder: Path, url: str | None = None, path: Path | None = None) -> list[Approval]:
    """Forget the approvals of ``folder`` (only ``url``'s when given); returns those removed."""
    path = store_path() if path is None else path
    with _locked(path):
        approvals = load_approvals(path)
        gone = [a for a in approvals if a.folder == str(folder) and (url is None or a.url == url)]
        if gone:
            _write(path, [a for a in approvals if a not in gone])
    return gone


def find(scope: Scope, approvals: list[Approval]) -> Approval | None:
    """The approval recorded for the scope's folder and URL, whatever its settings."""
    return next((a for a in approvals if _same(a, scope.folder, scope.url)), None)


def changes(approved: tuple[Setting, ...], now: tuple[Setting, ...]) -> list[str]:
    """What differs between the approved settings and the current ones, in words."""
    before, after = dict(approved), dict(now)
    out: list[str] = []
    for key in sorted(before.keys() | after.keys()):
        if key not in before:
            out.append(f"{key} = {after[key]} (new)")
        elif key not in after:
            out.append(f"{key} (removed)")
        elif before[key] != after[key]:
            out.append(f"{key} = {after[key]} (was {before[key]})")
    return out


# --------------------------------------------------------------------------- the check


def needs_approval(scope: Scope, source: str) -> tuple[Setting, ...] | None:
    """``None`` when the credential from ``source`` may go to the scope's URL without an
    approval; else the settings the approval must cover.

    ``source`` is :func:`wpsync.config.password_source`'s answer (``$VARIABLE``,
    ``keyring``, ``site.password_command`` or ``site.password``)."""
    pair = scope.url_from_env and source == f"${PAIR_PASSWORD}"
    if pair:
        # the environment chose URL and password: only the settings that still apply count
        widening = tuple(s for s in scope.settings if s[0] not in _PASSWORD_SETTINGS)
        return scope.settings if widening else None
    if source in ("site.password", "keyring"):
        # the file's own password to the file's own URL -- or the keyring's, stored for
        # this very URL and user: nothing of the user's goes anywhere else
        return scope.settings if scope.settings else None
    return scope.settings


def _interactive() -> bool:
    try:
        return sys.stdin.isatty() and sys.stderr.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _ask(scope: Scope, changed: list[str] | None) -> bool:
    """Ask once at the terminal; ``True`` when the user says yes."""
    lines: list[str] = []
    if changed:
        lines.append(f"{scope.config} changed settings approved for {scope.url}:")
        lines.extend(f"  {c}" for c in changed)
    elif scope.settings:
        lines.append(f"{scope.config} also asks for:")
        lines.extend(f"  {k} = {v}" for k, v in scope.settings)
    lines.append(f"Send your password to {scope.url} for {scope.folder}? [y/N] ")
    sys.stderr.write("\n".join(lines))
    sys.stderr.flush()
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")


def require(scope: Scope, source: str, env: Mapping[str, str] | None = None) -> None:
    """Stop (:class:`TrustError`) unless the credential from ``source`` may go to the
    scope's URL.  At a terminal (stdin and stderr), asks once and records a yes."""
    if needs_approval(scope, source) is None:
        return
    path = store_path(env)
    found = find(scope, load_approvals(path))
    if found is not None and found.fingerprint == scope.fingerprint:
        return
    changed = changes(found.settings, scope.settings) if found is not None else None
    if _interactive() and _ask(scope, changed):
        approve(scope, path)
        return
    command = scope.approve_command()
    if changed is not None:
        raise TrustError(
            f"the settings of {scope.config} approved for {scope.url} changed "
            f"({'; '.join(changed)}); no credential is sent until you approve them again",
            hint=f"check {scope.config.name}, then run `{command}` in {scope.folder}",
        )
    what = f" with {', '.join(k for k, _ in scope.settings)}" if scope.settings else ""
    raise TrustError(
        f"{scope.url} is not approved to receive your password for {scope.folder}{what}; "
        "no credential is sent",
        hint=f"if you trust {scope.config.name} there, run `{command}` in {scope.folder}",
    )
