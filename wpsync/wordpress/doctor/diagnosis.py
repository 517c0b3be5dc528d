"""The state of one ``wpsync doctor`` run: the checks so far, the facts found, and what a
later check builds on (the password, the REST root, the token, which JWT plugin)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from wpsync.config import Config, Secret, SiteConfig
from wpsync.wordpress.doctor.report import SKIP, Check, CheckName, Fact, make_check

#: Which JWT plugin answers at jwt-auth/v1 (told by the shape of its answers).
Flavour = Literal["tmeister", "useful-team", "simple-jwt-login"]

PLUGIN_NAMES: dict[Flavour, str] = {
    "tmeister": "JWT Authentication for WP REST API (Tmeister)",
    "useful-team": "JWT Auth (Useful Team)",
    "simple-jwt-login": "Simple JWT Login",
}


@dataclass(eq=False)
class Diagnosis:
    """What one doctor run has found so far (the checks run one after another)."""

    config: Config
    env: Mapping[str, str]
    clock: Callable[[], float]
    checks: list[Check] = field(default_factory=list)
    facts: dict[str, Fact] = field(default_factory=dict)
    password: Secret | None = None
    password_source: str = ""
    flavour: Flavour | None = None
    index: Mapping[str, object] | None = None
    api_root: str = ""
    plain_permalinks: bool = False
    token: str | None = None
    credentials_ok: bool = False
    header_ok: bool = False

    def __post_init__(self) -> None:
        self.api_root = f"{self.site.url}/wp-json"

    @property
    def site(self) -> SiteConfig:
        return self.config.site

    def add(self, check: Check) -> None:
        self.checks.append(check)

    def has(self, name: CheckName) -> bool:
        return any(c.name == name for c in self.checks)

    def skip(self, names: tuple[CheckName, ...], why: str) -> None:
        for name in names:
            if not self.has(name):
                self.add(make_check(name, SKIP, why))

    def url(self, route: str) -> str:
        if self.plain_permalinks:
            return f"{self.site.url}/?rest_route={route}"
        return f"{self.site.url}/wp-json{route}"
