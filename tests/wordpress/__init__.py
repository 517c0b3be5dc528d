"""The real local WordPress that integration tests talk to: fixtures and helpers.

Fixtures (made available to every test by tests/conftest.py):

- ``wordpress`` (session): a running instance. Started once per test session by ``scripts/wordpress up
  --dir <tmp> --port 0`` and stopped (``down``) at the end; or, when ``WPSYNC_TEST_WP_DIR`` names an
  instance folder (one holding ``wordpress.env``), that instance, started if it is stopped and left running.
- ``wp`` (function): the same instance, reset first (``POST /wp-json/wpsync-test/v1/reset``): no posts of
  any type, no media, no terms but "Uncategorized", no users but ``admin`` and ``author``, JWT settings
  back to the defaults (Tmeister protocol, 7-day tokens, secret configured).

Helpers: ``set_jwt``, ``stop``, ``start``, ``reset``.

If WordPress cannot start, the fixtures raise: integration tests error, they never skip.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "wordpress"
ENV_FILE = "wordpress.env"
EXISTING_DIR_VARIABLE = "WPSYNC_TEST_WP_DIR"


class WordPressUnavailable(RuntimeError):
    """The test WordPress could not be started or reached."""


@dataclass(frozen=True)
class WordPressInstance:
    """A running local WordPress and its credentials (from ``<dir>/wordpress.env``)."""

    url: str
    admin_user: str
    admin_password: str = field(repr=False)
    app_password: str = field(repr=False)
    author_user: str
    author_password: str = field(repr=False)
    jwt_secret: str = field(repr=False)
    dir: Path

    def env(self) -> dict[str, str]:
        """The variables of ``wordpress.env``: WP_URL, WP_ADMIN_USER, … JWT_AUTH_SECRET_KEY."""
        return {
            "WP_URL": self.url,
            "WP_ADMIN_USER": self.admin_user,
            "WP_ADMIN_PASSWORD": self.admin_password,
            "WP_APP_PASSWORD": self.app_password,
            "WP_AUTHOR_USER": self.author_user,
            "WP_AUTHOR_PASSWORD": self.author_password,
            "JWT_AUTH_SECRET_KEY": self.jwt_secret,
        }

    @classmethod
    def from_dir(cls, directory: Path) -> WordPressInstance:
        path = directory / ENV_FILE
        try:
            text = path.read_text()
        except OSError as exc:
            raise WordPressUnavailable(f"cannot read {path}: {exc.strerror}") from None
        values: dict[str, str] = {}
        for line in text.splitlines():
            words = shlex.split(line, comments=True)
            if len(words) == 2 and words[0] == "export" and "=" in words[1]:
                key, _, value = words[1].partition("=")
                values[key] = value
        try:
            return cls(
                url=values["WP_URL"],
                admin_user=values["WP_ADMIN_USER"],
                admin_password=values["WP_ADMIN_PASSWORD"],
                app_password=values["WP_APP_PASSWORD"],
                author_user=values["WP_AUTHOR_USER"],
                author_password=values["WP_AUTHOR_PASSWORD"],
                jwt_secret=values["JWT_AUTH_SECRET_KEY"],
                dir=directory,
            )
        except KeyError as exc:
            raise WordPressUnavailable(f"{path} lacks {exc.args[0]}") from None


def run_script(*args: str, timeout: float = 900) -> str:
    """Run scripts/wordpress; its last stdout line (the URL for ``up``), or WordPressUnavailable."""
    done = subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise WordPressUnavailable(f"scripts/wordpress {' '.join(args)} failed: {last}")
    lines = done.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def _control(instance: WordPressInstance, route: str, body: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        f"{instance.url}/wp-json/wpsync-test/v1/{route}",
        json=body or {},
        auth=(instance.admin_user, instance.app_password),
        timeout=60,
    )
    if response.status_code != 200:
        raise WordPressUnavailable(
            f"/wpsync-test/v1/{route}: HTTP {response.status_code} {response.text[:300]}"
        )
    return response.json()


def reset(instance: WordPressInstance) -> None:
    """Back to a clean site: no content, no media, no extra terms or users, default JWT settings."""
    _control(instance, "reset")


def set_jwt(
    instance: WordPressInstance,
    ttl: int | None = None,
    mode: Literal["tmeister", "useful-team"] = "tmeister",
    secret: bool = True,
    *,
    not_before: int | None = None,
    invalid_token: Literal["anonymous", "reject"] = "anonymous",
) -> None:
    """Configure the JWT double; every call replaces all settings (``wp`` restores the defaults).

    ttl: token lifetime in seconds (via the ``jwt_auth_expire`` filter; negative = born expired);
        None = the plugin's default (7 days for Tmeister, 10 minutes for Useful Team).
    mode: which plugin to speak: "tmeister" (JWT Authentication for WP REST API 1.3.4) or "useful-team".
    secret: False behaves as if JWT_AUTH_SECRET_KEY were not defined (jwt_auth_bad_config).
    not_before: seconds from issue until the token is valid (``jwt_auth_not_before``).
    invalid_token: Useful Team mode only, what an invalid token on an ordinary route does:
        "anonymous" (the request goes on unauthenticated) or "reject" (401 jwt_auth_invalid_token).
    """
    _control(
        instance,
        "jwt",
        {
            "ttl": ttl,
            "mode": mode,
            "secret": secret,
            "not_before": not_before,
            "invalid_token": invalid_token,
        },
    )


def set_media(
    instance: WordPressInstance, *, allow_svg: bool = False, max_upload_kb: int | None = None
) -> None:
    """What uploads the site takes (``wp`` restores WordPress's defaults: no SVG, no limit).

    allow_svg: SVG allowed through ``upload_mimes``, as an SVG plugin does.
    max_upload_kb: larger files refused by ``wp_handle_sideload_prefilter`` with "This file
        is too big…" (a 500 ``rest_upload_sideload_error``), as an upload-limit plugin does.
    """
    _control(instance, "media", {"allow_svg": allow_svg, "max_upload_kb": max_upload_kb})


def stop(instance: WordPressInstance) -> None:
    """Stop WordPress (web server and database), keeping its data; ``start`` brings it back."""
    run_script("down", "--dir", str(instance.dir))


def start(instance: WordPressInstance) -> None:
    """Start a stopped instance again, same data, same port (no-op when it runs)."""
    url = run_script("up", "--dir", str(instance.dir))
    if url != instance.url:
        raise WordPressUnavailable(f"restarted at {url}, expected {instance.url}")


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPressInstance]:
    """A running local WordPress for the whole session (see the module docstring)."""
    existing = os.environ.get(EXISTING_DIR_VARIABLE)
    if existing:
        directory = Path(existing).expanduser().absolute()
        if not (directory / ENV_FILE).is_file():
            raise WordPressUnavailable(f"{EXISTING_DIR_VARIABLE}={existing}: no {ENV_FILE} there")
        run_script("up", "--dir", str(directory))
        yield WordPressInstance.from_dir(directory)
        return
    directory = tmp_path_factory.mktemp("wordpress")
    try:
        run_script("up", "--dir", str(directory), "--port", "0")
        yield WordPressInstance.from_dir(directory)
    finally:
        run_script("down", "--dir", str(directory), timeout=120)


@pytest.fixture
def wp(wordpress: WordPressInstance) -> WordPressInstance:
    """The session's WordPress, reset to a clean state for this test."""
    try:
        reset(wordpress)
    except httpx.TransportError:  # a previous test stopped it and failed before starting it again
        start(wordpress)
        reset(wordpress)
    return wordpress
