"""The system keyring as a password source (``site.password_keyring``; the optional
``wpsync[keyring]`` extra): one entry per site URL and user, so a password is only ever
read for the address it was stored for (docs/security.md)."""

from __future__ import annotations

from wpsync.errors import ConfigError

#: the keyring's service name for a site: one entry per site URL and user, so a password
#: is only ever read for the address it was stored for
KEYRING_SERVICE = "wpsync {url}"


def keyring_service(url: str) -> str:
    return KEYRING_SERVICE.format(url=url.rstrip("/"))


def keyring_available() -> bool:
    """Is the optional ``keyring`` package installed (``pip install 'wpsync[keyring]'``)?"""
    import importlib.util

    return importlib.util.find_spec("keyring") is not None


def store_in_keyring(url: str, username: str, password: str) -> None:
    """Keep ``password`` in the system keyring for ``url`` and ``username``."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise ConfigError(
            "the keyring package is not installed", hint="pip install 'wpsync[keyring]'"
        ) from None
    try:
        keyring.set_password(keyring_service(url), username, password)
    except KeyringError as exc:
        raise ConfigError(f"the system keyring refused the password: {exc}") from None


def read_keyring(url: str, username: str) -> str:
    """The password stored for ``url`` and ``username`` (site.password_keyring)."""
    service = keyring_service(url)
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        raise ConfigError(
            "site.password_keyring = true, but the keyring package is not installed",
            hint="pip install 'wpsync[keyring]'",
        ) from None
    try:
        value = keyring.get_password(service, username)
    except KeyringError as exc:
        raise ConfigError(f"the system keyring could not be read: {exc}") from None
    if not isinstance(value, str) or not value:
        raise ConfigError(
            f"no password in the system keyring for {username!r} at {url}",
            hint=f"`wpsync init --force` stores it, or: keyring set '{service}' {username}",
        )
    return value
