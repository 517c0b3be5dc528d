"""What changed in WordPress since our last push: the words of a conflict.  Pure.

A post whose ``modified_gmt`` moved since wpsync pushed it is a conflict (see plan.py):
left alone until ``--force`` or ``pull``.  To say *what* was edited, wpsync keeps the
fields it sent with each post (:func:`pushed_fields`, stored in the state: short values
as they are, long texts as a hash, never the password) and compares them with the post
as WordPress has it now (``GET …?context=edit``): :func:`describe_conflict`.

    post 12 was edited in WordPress at 2026-11-29T10:02:11: title ('Hello' → 'Hello!'), content
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wpsync.model import RestBody

__all__ = ["ConflictDescription", "FieldChange", "describe_conflict", "pushed_fields"]

#: fields kept as a hash and a length, not as text
LONG_TEXT = ("content", "excerpt")
#: fields never kept
SECRET = ("password",)
#: statuses that mean the same thing for a push (WordPress turns a publish with a future
#: date into ``future``, and a past ``future`` into ``publish``)
_SAME_STATUS = {"future": "publish"}
_SHORT = 40
#: the order fields are named in (others follow, alphabetically)
_ORDER = ("title", "content", "excerpt", "status", "slug", "date", "date_gmt", "categories", "tags")


def _text_digest(text: str) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "length": len(text)}


def pushed_fields(body: RestBody) -> dict[str, Any]:
    """What to remember of a REST body we sent (JSON-serialisable)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in SECRET:
            continue
        if key in LONG_TEXT and isinstance(value, str):
            out[key] = _text_digest(value)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class FieldChange:
    """One field whose value in WordPress is not the one we pushed; ``before``/``after``
    are short renderings (None when not worth showing: a long text)."""

    field: str
    before: str | None = None
    after: str | None = None

    def __str__(self) -> str:
        if self.before is None or self.after is None:
            return self.field
        return f"{self.field} ({self.before} → {self.after})"


@dataclass(frozen=True)
class ConflictDescription:
    post_id: int
    modified_gmt: str
    changes: tuple[FieldChange, ...]
    known: bool = True  # False: wpsync has no record of what it pushed

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(change.field for change in self.changes)

    def summary(self) -> str:
        """One line, e.g. "changed in WordPress: title ('A' → 'B'), content"."""
        if not self.known:
            return "changed in WordPress (what wpsync last pushed is not recorded)"
        if not self.changes:
            return "saved in WordPress without a change to the fields wpsync sends"
        return "changed in WordPress: " + ", ".join(str(c) for c in self.changes)


def _short(value: Any) -> str:
    if isinstance(value, str):
        text = value if len(value) <= _SHORT else value[: _SHORT - 1] + "…"
        return repr(text)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return repr(value)


def _remote_value(remote: Mapping[str, Any], key: str) -> Any:
    value = remote.get(key)
    if isinstance(value, Mapping) and key in ("title", "content", "excerpt", "guid"):
        raw = value.get("raw")
        return raw if raw is not None else value.get("rendered")
    return value


def _same(key: str, pushed: Any, now: Any) -> bool:
    if key in LONG_TEXT and isinstance(pushed, Mapping):
        return isinstance(now, str) and _text_digest(now)["sha256"] == pushed.get("sha256")
    if key == "status" and isinstance(pushed, str) and isinstance(now, str):
        return _SAME_STATUS.get(pushed, pushed) == _SAME_STATUS.get(now, now)
    if isinstance(pushed, list) and isinstance(now, list):
        return sorted(map(str, pushed)) == sorted(map(str, now))
    if isinstance(pushed, Mapping) and isinstance(now, Mapping):
        return all(_same(k, v, now.get(k)) for k, v in pushed.items())
    if key in ("date", "date_gmt") and isinstance(pushed, str) and isinstance(now, str):
        return pushed[:19] == now[:19]
    if isinstance(pushed, str) and isinstance(now, str):
        return pushed.strip() == now.strip()
    return bool(pushed == now)


def describe_conflict(
    pushed: Mapping[str, Any] | None, remote: Mapping[str, Any]
) -> ConflictDescription:
    """Compare what we pushed (``pushed_fields`` of the body, None if unknown) with the
    post as WordPress has it (``context=edit``)."""
    post_id = int(remote.get("id") or 0)
    modified = str(remote.get("modified_gmt") or "")
    if pushed is None:
        return ConflictDescription(post_id, modified, (), known=False)
    changes: list[FieldChange] = []
    order = {name: n for n, name in enumerate(_ORDER)}
    for key, value in sorted(pushed.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])):
        if key not in remote:
            continue  # not a field this type has (or not readable): nothing to say
        now = _remote_value(remote, key)
        if _same(key, value, now):
            continue
        if key in LONG_TEXT or isinstance(value, Mapping):
            changes.append(FieldChange(key))
        else:
            changes.append(FieldChange(key, _short(value), _short(now)))
    return ConflictDescription(post_id, modified, tuple(changes))
