"""Doctor, first step: does the site answer, and is its TLS certificate valid?"""

from __future__ import annotations

import ssl

import httpx

from wpsync.wordpress.doctor.clock import note_clock
from wpsync.wordpress.doctor.diagnosis import Diagnosis
from wpsync.wordpress.doctor.probe import Probe, reason
from wpsync.wordpress.doctor.report import FAIL, OK, WARN, make_check
from wpsync.wordpress.transport import find_cause


def check_reachable(d: Diagnosis, probe: Probe) -> bool:
    """Does the site answer at ``/wp-json/``, over valid TLS?  False stops the diagnosis."""
    url = f"{d.site.url}/wp-json/"
    host = httpx.URL(d.site.url).host
    try:
        answer = probe.send("GET", url)
    except httpx.ConnectError as exc:
        problem = find_cause(exc, ssl.SSLError)
        if isinstance(problem, ssl.SSLCertVerificationError):
            why = problem.verify_message or str(problem)
            d.add(
                make_check(
                    "reachable",
                    FAIL,
                    f"{host}: the TLS certificate is not valid ({why})",
                    "renew or fix the site's certificate; for a private CA set "
                    "site.ca_bundle to its PEM file (site.verify_tls = false only for tests)",
                    code="tls_certificate",
                )
            )
        elif problem is not None:
            d.add(
                make_check(
                    "reachable",
                    FAIL,
                    f"{host}: the TLS handshake failed ({problem.reason or problem})",
                    "is site.url's scheme right (https:// on a port that speaks TLS)?",
                    code="tls_handshake",
                )
            )
        else:
            d.add(
                make_check(
                    "reachable",
                    FAIL,
                    f"cannot connect to {d.site.url}: {reason(exc)}",
                    "check site.url (scheme, host, port) and that the web server is running",
                    code="connect",
                )
            )
        return False
    except httpx.TimeoutException:
        d.add(
            make_check(
                "reachable",
                FAIL,
                f"{d.site.url} did not answer within {min(d.site.timeout, 20.0):g} s",
                "is the site up? raise site.timeout for a slow server",
                code="timeout",
            )
        )
        return False
    except httpx.HTTPError as exc:
        d.add(
            make_check(
                "reachable",
                FAIL,
                f"{d.site.url}: {type(exc).__name__}: {exc}",
                "check site.url",
            )
        )
        return False
    note_clock(d, "date_header_skew", answer)
    status = answer.response.status_code
    if 300 <= status < 400:
        location = answer.response.headers.get("Location", "")
        target = httpx.URL(location) if location else None
        better = (
            f"{target.scheme}://{target.netloc.decode()}"
            if target is not None and target.host
            else None
        )
        d.add(
            make_check(
                "reachable",
                FAIL,
                f"{url} redirects (HTTP {status}) to {location or '(nowhere)'}",
                f'set site.url = "{better}"'
                if better and better != d.site.url
                else "set site.url to the WordPress Address (Settings → General)",
                code="redirect",
            )
        )
        return False
    scheme = httpx.URL(d.site.url).scheme
    tls = (
        "TLS certificate valid"
        if scheme == "https" and d.site.verify_tls
        else "TLS NOT verified (site.verify_tls = false)"
        if scheme == "https"
        else "plain http (allowed on loopback only)"
        if not d.site.allow_insecure_http
        else "plain http: credentials travel in clear text"
    )
    status_text = f"HTTP {status}"
    fine = "clear text" not in tls and "NOT" not in tls
    if status >= 400 and status not in (401, 403):
        # The server answers, but not as WordPress at /wp-json/ (a 404 web page, a 500…):
        # not a success; the REST API check says more (plain permalinks settle it).
        d.add(
            make_check(
                "reachable",
                WARN,
                f"{d.site.url} answers, but {url} gave {status_text} "
                f"({answer.elapsed * 1000:.0f} ms); {tls}",
                "see the REST API check below" + ("" if fine else "; use https://"),
                code="http_error",
            )
        )
        return True
    d.add(
        make_check(
            "reachable",
            OK if fine else WARN,
            f"{d.site.url} answered {status_text} in {answer.elapsed * 1000:.0f} ms; {tls}",
            None if fine else "use https://",
        )
    )
    return True
