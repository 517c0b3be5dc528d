"""Shared pytest fixtures. Keep this file small: fixtures live in their own modules, imported here."""

from __future__ import annotations

import pytest

from tests.wordpress import wordpress, wp

__all__ = ["wordpress", "wp"]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "integration: talks to the real local WordPress started by scripts/wordpress"
    )
