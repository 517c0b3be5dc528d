"""What ``wpsync doctor`` reports: one :class:`Check` per step, and the
:class:`DoctorReport` that holds them with the facts found on the way."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal, get_args

#: How a check came out: fine, works but worth knowing, a sync would fail, not checked.
Outcome = Literal["ok", "warn", "fail", "skip"]
OK: Final[Outcome] = "ok"
WARN: Final[Outcome] = "warn"
FAIL: Final[Outcome] = "fail"
SKIP: Final[Outcome] = "skip"

#: The checks, in the order a sync needs them (and the report lists them).
CheckName = Literal[
    "password",
    "reachable",
    "rest_api",
    "auth_plugin",
    "credentials",
    "auth_header",
    "clock",
    "token_lifetime",
    "can_create",
    "can_publish",
    "can_upload",
    "can_create_terms",
    "files",
    "authors",
]

CHECK_ORDER: tuple[CheckName, ...] = get_args(CheckName)

#: What the diagnosis learnt on the way (``facts`` in the JSON report).
Fact = str | float | bool | list[str] | None

TITLES: dict[CheckName, str] = {
    "password": "password",
    "reachable": "site reachable",
    "rest_api": "REST API",
    "auth_plugin": "auth plugin",
    "credentials": "credentials",
    "auth_header": "Authorization header",
    "clock": "clock",
    "token_lifetime": "token lifetime",
    "can_create": "may create",
    "can_publish": "may publish",
    "can_upload": "may upload media",
    "can_create_terms": "may create terms",
    "files": "files to send",
    "authors": "authors",
}


@dataclass(frozen=True)
class Check:
    """One line of the diagnosis.  ``fix`` is what to do (one or a few lines)."""

    name: CheckName
    title: str
    status: Outcome
    message: str
    fix: str | None = None
    code: str | None = None  # the WordPress / plugin error code behind a failure

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
            "code": self.code,
        }


@dataclass(frozen=True)
class DoctorReport:
    site: str
    auth: str
    username: str
    checks: tuple[Check, ...]
    facts: Mapping[str, Fact] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(c.status == FAIL for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def check(self, name: CheckName) -> Check:
        return next(c for c in self.checks if c.name == name)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "site": self.site,
            "auth": self.auth,
            "username": self.username,
            "checks": [c.to_json() for c in self.checks],
            "facts": dict(self.facts),
        }


def make_check(
    name: CheckName, status: Outcome, message: str, fix: str | None = None, code: str | None = None
) -> Check:
    """The check ``name`` with its title."""
    return Check(name, TITLES[name], status, message, fix, code)
