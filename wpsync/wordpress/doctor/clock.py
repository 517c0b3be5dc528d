"""Doctor: do the server's clock (a token's ``iat``, the HTTP ``Date``) and ours agree, and
how long does a token live?"""

from __future__ import annotations

import time
from collections.abc import Mapping

from wpsync.wordpress.doctor.diagnosis import Diagnosis
from wpsync.wordpress.doctor.probe import Answer
from wpsync.wordpress.doctor.report import FAIL, OK, SKIP, WARN, make_check
from wpsync.wordpress.tokens import as_number

#: Clock difference (seconds) up to which all is well, and beyond which it is an error.
SKEW_OK = 30.0
SKEW_FAIL = 300.0
#: Shorter-lived tokens work, but make every run log in again.
SHORT_TOKEN = 120.0


def note_clock(d: Diagnosis, key: str, answer: Answer) -> None:
    """Remember the skew of an answer's HTTP ``Date`` as fact ``key``."""
    server = answer.server_time
    if server is not None:
        d.facts[key] = round(server - answer.local_time, 1)


def check_clock(d: Diagnosis, answer: Answer, claims: Mapping[str, object]) -> None:
    """The server's clock against ours, by the token's ``iat`` and the HTTP ``Date``."""
    iat = as_number(claims.get("iat"))
    skews: list[tuple[str, float]] = []
    if iat is not None:
        skews.append(("token iat", iat - answer.local_time))
        d.facts["iat_skew"] = round(iat - answer.local_time, 1)
    server = answer.server_time
    if server is not None:
        skews.append(("HTTP Date", server - answer.local_time))
        d.facts["date_header_skew"] = round(server - answer.local_time, 1)
    check_skew(d, skews)


def check_skew(d: Diagnosis, skews: list[tuple[str, float]]) -> None:
    """The ``clock`` check from the (source, seconds ahead) differences measured."""
    if not skews:
        d.add(make_check("clock", SKIP, "the server sent no time to compare with"))
        return
    _, worst = max(skews, key=lambda s: abs(s[1]))
    described = ", ".join(f"{name} {signed(value)}" for name, value in skews)
    if abs(worst) <= SKEW_OK:
        d.add(make_check("clock", OK, f"server and local clocks agree ({described})"))
        return
    side = "ahead of" if worst > 0 else "behind"
    fix = (
        "synchronise the clocks (systemd-timesyncd, chrony or ntpd) on this machine "
        "and on the server"
    )
    d.add(
        make_check(
            "clock",
            WARN if abs(worst) <= SKEW_FAIL else FAIL,
            f"the server's clock is {abs(worst):.0f} s {side} this machine's "
            f"({described}): token expiry is judged by both",
            fix,
            code="clock_skew",
        )
    )


def check_lifetime(d: Diagnosis, claims: Mapping[str, object]) -> None:
    """The ``token_lifetime`` check from a token's ``iat`` and ``exp``."""
    iat, exp = as_number(claims.get("iat")), as_number(claims.get("exp"))
    if exp is None:
        d.add(
            make_check(
                "token_lifetime",
                WARN,
                "the token has no exp claim: wpsync renews it only when WordPress refuses it",
            )
        )
        return
    if iat is None:
        d.add(make_check("token_lifetime", OK, f"expires at {when(exp)} (no iat claim)"))
        return
    life = exp - iat
    d.facts["token_lifetime"] = life
    if life <= 0:
        d.add(
            make_check(
                "token_lifetime",
                FAIL,
                f"tokens are born expired (exp {duration(life)} after iat)",
                "a jwt_auth_expire filter on the site returns a time in the past",
            )
        )
    elif life < SHORT_TOKEN:
        d.add(
            make_check(
                "token_lifetime",
                WARN,
                f"tokens live only {duration(life)}: wpsync renews them, but nearly every "
                "run logs in again",
                "raise it with the plugin's jwt_auth_expire filter (hours or days)",
            )
        )
    else:
        d.add(
            make_check(
                "token_lifetime",
                OK,
                f"tokens live {duration(life)}; wpsync caches one and renews it before it expires",
            )
        )


def signed(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole:+d} s" if whole else "±0 s"


def duration(seconds: float) -> str:
    s = abs(seconds)
    if s >= 2 * 86400:
        text = f"{s / 86400:.0f} days"
    elif s >= 2 * 3600:
        text = f"{s / 3600:.0f} hours"
    elif s >= 120:
        text = f"{s / 60:.0f} minutes"
    else:
        text = f"{s:.0f} s"
    return text if seconds >= 0 else "-" + text


def when(epoch: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(epoch))
