"""Shared pytest fixtures. Keep this file small: fixtures live in their own modules, imported here."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.wordpress import wordpress, wp

__all__ = ["wordpress", "wp"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: talks to the real local WordPress started by scripts/wordpress"
    )


@pytest.fixture(autouse=True, scope="session")
def private_trust_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """wpsync's approvals (``wpsync trust``, ``init``) go to a folder of the test run, never
    to the user's ``~/.config`` (the CLI run in a subprocess inherits it)."""
    before = os.environ.get("XDG_CONFIG_HOME")
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("xdg-config"))
    yield
    if before is None:
        os.environ.pop("XDG_CONFIG_HOME", None)
    else:
        os.environ["XDG_CONFIG_HOME"] = before
