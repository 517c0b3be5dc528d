"""Every error wpsync raises on purpose.

    WpsyncError                    root; str() is a one-line message safe to print
     ├── ConfigError               config.toml / environment is wrong          (exit 2)
     │    └── TrustError           the site is not approved for this folder's
     │                             credentials and settings (``wpsync trust``)
     ├── AuthError                 credentials refused, auth plugin missing     (exit 2)
     │                             or misconfigured, header stripped
     ├── StateError                state file unreadable, corrupt, too new      (exit 2)
     │    └── LockTimeout          another wpsync holds the content-folder lock
     ├── DocumentError             one source file cannot be read or mapped     (that file fails)
     │    └── PermissionDenied     the site's user may not do what the file     (that file fails)
     │                             needs (the capability is named)
     ├── MediaError                a local image cannot be used or uploaded     (its post fails)
     ├── RemoteError               WordPress answered with an error status      (that file fails)
     │    ├── TransportError       no usable answer after retries (network, 5xx, 429, timeout)
     │    └── UploadRefused        WordPress refuses a file for good (type, size): never
     │                             retried; the post shows the image's alt text instead
     └── SafetyError               a guard refused to act (mass deletion …)     (exit 1)

Messages never contain a password, application password or token: the values are
never passed in.  A ``hint`` says what the user can do about it.
"""

from __future__ import annotations

from pathlib import Path


class WpsyncError(Exception):
    """Root of wpsync's own errors."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class ConfigError(WpsyncError):
    """The configuration (file, flags or environment) is unusable."""

    exit_code = 2


class TrustError(ConfigError):
    """The user has not approved this folder's site (or its widening settings) for their
    credential; nothing was sent (:mod:`wpsync.trust`)."""

    exit_code = 2


class AuthError(WpsyncError):
    """WordPress refused the credentials, or authentication is not set up on the site."""

    exit_code = 2

    def __init__(self, message: str, *, code: str | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.code = code


class StateError(WpsyncError):
    """The state store cannot be used safely."""

    exit_code = 2


class LockTimeout(StateError):
    """Another wpsync process holds the lock on this content folder."""


class DocumentError(WpsyncError):
    """One source file is unusable; the rest of the sync goes on."""

    def __init__(
        self, path: Path | str, message: str, *, line: int | None = None, hint: str | None = None
    ) -> None:
        location = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{location}: {message}", hint=hint)
        self.path = str(path)
        self.line = line
        self.reason = message


class MediaError(WpsyncError):
    """A local image a post uses cannot be used, or WordPress did not take it
    (``engine.media``: ``ImageError``, ``UploadFailed``)."""


class PermissionDenied(DocumentError):
    """The site's user lacks a capability this file needs (create pages, publish, create
    a category, upload media…): that file fails, naming the capability; the run goes on."""

    def __init__(
        self, path: Path | str, message: str, *, capability: str, hint: str | None = None
    ) -> None:
        super().__init__(path, message, hint=hint)
        self.capability = capability


class RemoteError(WpsyncError):
    """WordPress answered a request with an error."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        url: str | None = None,
        data: object = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, hint=hint)
        self.status = status
        self.code = code
        self.method = method
        self.url = url
        self.data = data


class TransportError(RemoteError):
    """No usable answer from WordPress after the allowed retries."""


class UploadRefused(RemoteError):
    """WordPress (or the web server in front of it) refuses this file for good: its type
    is not allowed, it is too large, the site's space is used up.  Sending it again
    changes nothing, so it is not retried; ``message`` is the site's own words."""


class SafetyError(WpsyncError):
    """A safety check refused to carry out a dangerous plan."""
