"""The fault matrix: `wpsync sync` through the fault proxy, against the real WordPress.

For each operation (create, update, term creation, delete, token fetch) and each fault
(500/502/503/504, 429 with Retry-After, connection reset, a stall past the timeout, the
answer dropped after WordPress did the work), the run ends *converged* — in the same run
when the fault is passing, in the next run when it lasts — with exactly one post per
file and the state matching WordPress.  Also: a token that expires in the middle of a
run, and one WordPress stops accepting.

Every case has its own folder, state and slugs, so the cases share one WordPress without
a reset between them (a reset per case would double the run time).  The passing faults'
runs are the command's library call in this process; the lasting faults and the lost
link update run the real command line.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.convergence import (
    assert_converged,
    list_posts,
    posts_by_slug,
    read_state,
    site_at,
    sync_here,
)
from tests.faults import (
    Fault,
    FaultProxy,
    Match,
    drop_response,
    passthrough,
    reset,
    stall,
    status,
)
from tests.sitekit import Site, admin
from tests.wordpress import WordPressInstance, set_jwt
from tests.wordpress import reset as reset_wordpress

pytestmark = pytest.mark.integration

TIMEOUT = 1.0  # site.timeout of every case: a stall outlasts it
ATTEMPTS = 3  # site.max_attempts
PARALLEL = 4  # cases run side by side

FAULTS: dict[str, Fault] = {
    "500": status(500),
    "502": status(502),
    "503": status(503),
    "504": status(504),
    "429": status(429, retry_after=1),
    "reset": reset,
    "stall": stall(TIMEOUT + 1.5),
    "drop": drop_response,
}

#: faults injected by this module (printed at the end, for the closing note)
INJECTED: dict[str, int] = {}


def matcher(method: str, pattern: str) -> Match:
    regex = re.compile(pattern)
    return lambda m, path: m == method and regex.search(path) is not None


CREATE = matcher("POST", r"/wp-json/wp/v2/posts(\?|$)")
UPDATE = matcher("POST", r"/wp-json/wp/v2/posts/\d+")
TERM = matcher("POST", r"/wp-json/wp/v2/tags(\?|$)")
DELETE = matcher("DELETE", r"/wp-json/wp/v2/posts/\d+")
TOKEN = matcher("POST", r"/wp-json/jwt-auth/v1/token$")


@pytest.fixture(scope="module")
def wpm(wordpress: WordPressInstance) -> Iterator[WordPressInstance]:
    """The session's WordPress, reset once for the module (cases use distinct slugs)."""
    reset_wordpress(wordpress)
    yield wordpress
    total = sum(INJECTED.values())
    print(f"\nfault matrix: {total} faults injected: {dict(sorted(INJECTED.items()))}")


@contextlib.contextmanager
def fault_proxy(wp: WordPressInstance) -> Iterator[FaultProxy]:
    with FaultProxy(wp.url) as proxy:
        try:
            yield proxy
        finally:
            with _counting:
                for name, count in proxy.by_fault.items():
                    INJECTED[name] = INJECTED.get(name, 0) + count


_counting = threading.Lock()


def run_cases(case: Callable[[str], None], names: list[str]) -> None:
    """Run independent cases side by side (each has its own proxy, folder and slugs;
    most of a case is waiting for a retry or a timeout); fail with every case's error."""
    errors: dict[str, str] = {}
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        futures = {name: pool.submit(case, name) for name in names}
        for name, future in futures.items():
            try:
                future.result()
            except Exception as exc:  # every case is reported, not just the first
                errors[name] = "".join(traceback.format_exception_only(exc)).strip()
    assert errors == {}, "\n".join(f"[{name}] {error}" for name, error in errors.items())


def case_site(
    tmp_path: Path, wp: WordPressInstance, proxy: FaultProxy, *, batch: bool = False
) -> Site:
    sync = "[sync]\nbatch = true\nconcurrency = 1\n" if batch else "[sync]\nbatch = false\n"
    return site_at(
        tmp_path / "site", wp, proxy.url, timeout=TIMEOUT, max_attempts=ATTEMPTS, extra=sync
    )


def post_file(
    site: Site, rel: str, title: str, *, tags: tuple[str, ...] = (), body: str = "Body."
) -> None:
    tag_line = f"tags: [{', '.join(tags)}]\n" if tags else ""
    site.write(rel, f"---\ntitle: {title}\n{tag_line}---\n{body}\n")


def run(site: Site) -> tuple[int, dict[str, Any]]:
    """The run under test: what ``wpsync sync --json`` runs (the same library call, the same
    client and the same report), in this process — the cases run side by side in threads,
    where a second of interpreter start-up per case was most of the CPU they cost.  The
    lasting faults, whose message and exit status are the point, run the real command line."""
    return sync_here(site)


@dataclass(frozen=True)
class Operation:
    """Prepare a case (before the fault), say which request to hit, then apply the change."""

    name: str
    match: Match
    prepare: Callable[[Site, str], None]
    change: Callable[[Site, str], dict[str, str]]  # → the files expected afterwards (rel → slug)
    action: str  # what the faulted run reports for the file the fault hit
    batch: bool = False  # writes through /batch/v1 (one batch: sync.concurrency = 1)


def _prepare_nothing(site: Site, p: str) -> None:
    pass


def _create(site: Site, p: str) -> dict[str, str]:
    post_file(site, f"{p}-a.md", f"Alpha {p}")
    post_file(site, f"{p}-b.md", f"Beta {p}")
    return {f"{p}-a.md": f"{p}-a", f"{p}-b.md": f"{p}-b"}


def _prepare_two(site: Site, p: str) -> None:
    _create(site, p)
    code, report = sync_here(site)
    assert code == 0 and report["created"] == 2, report


def _update(site: Site, p: str) -> dict[str, str]:
    post_file(site, f"{p}-a.md", f"Alpha {p}", body="Edited body.")
    post_file(site, f"{p}-b.md", f"Beta {p}", body="Edited body.")
    return {f"{p}-a.md": f"{p}-a", f"{p}-b.md": f"{p}-b"}


def _term(site: Site, p: str) -> dict[str, str]:
    post_file(site, f"{p}-a.md", f"Alpha {p}", tags=(f"tag-{p}", f"other-{p}"))
    return {f"{p}-a.md": f"{p}-a"}


def _prepare_three(site: Site, p: str) -> None:
    _create(site, p)
    post_file(site, f"{p}-c.md", f"Gamma {p}")
    code, report = sync_here(site)
    assert code == 0 and report["created"] == 3, report


def _delete(site: Site, p: str) -> dict[str, str]:
    (site.content / f"{p}-c.md").unlink()
    return {f"{p}-a.md": f"{p}-a", f"{p}-b.md": f"{p}-b"}


BATCH = matcher("POST", r"/wp-json/batch/v1")

OPERATIONS = {
    "create": Operation("create", CREATE, _prepare_nothing, _create, "created"),
    "update": Operation("update", UPDATE, _prepare_two, _update, "updated"),
    "term": Operation("term", TERM, _prepare_nothing, _term, "created"),
    "delete": Operation("delete", DELETE, _prepare_three, _delete, "deleted"),
    "token": Operation("token", TOKEN, _prepare_nothing, _create, "created"),
    "batch-create": Operation(
        "batch-create", BATCH, _prepare_nothing, _create, "created", batch=True
    ),
    "batch-update": Operation("batch-update", BATCH, _prepare_two, _update, "updated", batch=True),
}
#: the batch route gets the faults that matter most there, not the whole list
MATRIX = [
    (op, fault)
    for op in OPERATIONS
    for fault in FAULTS
    if not OPERATIONS[op].batch or fault in ("503", "429", "reset", "drop")
]


def check_side_effects(op: str, site: Site, wp: WordPressInstance, p: str) -> None:
    if op == "term":
        post = posts_by_slug(wp)[f"{p}-a"][0]
        assert len(post["tags"]) == 2
        names = terms_named(wp, f"tag-{p}") + terms_named(wp, f"other-{p}")
        assert len(names) == 2, f"a tag was created twice: {names}"
    if op == "delete":
        trashed = [t for t in all_posts_in_trash(wp) if t["slug"].startswith(f"{p}-c")]
        assert [t["slug"] for t in trashed] == [f"{p}-c__trashed"], trashed
    if op.endswith("update"):
        for slug in (f"{p}-a", f"{p}-b"):
            [post] = list_posts(wp, fields="content", status="any", slug=slug)
            assert "Edited body." in post["content"]["raw"], slug


def terms_named(wp: WordPressInstance, name: str) -> list[dict[str, Any]]:
    with admin(wp) as client:
        found = client.get("/wp/v2/tags", params={"search": name, "per_page": 100}).json()
    return [t for t in found if t["name"] == name]


def all_posts_in_trash(wp: WordPressInstance) -> list[dict[str, Any]]:
    with admin(wp) as client:
        response = client.get(
            "/wp/v2/posts", params={"status": "trash", "context": "edit", "per_page": 100}
        )
        response.raise_for_status()
        return list(response.json())


# --------------------------------------------------------------------------- passing faults


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_a_passing_fault_is_retried_and_the_run_converges(
    tmp_path: Path, wpm: WordPressInstance, op: str
) -> None:
    operation = OPERATIONS[op]

    def case(fault: str) -> None:
        with fault_proxy(wpm) as proxy:
            p = f"{op}-{fault}"
            site = case_site(tmp_path / fault, wpm, proxy, batch=operation.batch)
            operation.prepare(site, p)
            expected = operation.change(site, p)
            plan = proxy.plan(operation.match, [FAULTS[fault]])

            code, report = run(site)

            assert plan.hits == 1, f"the fault never hit: {proxy.log}"
            assert code == 0, report
            assert report["failed"] == 0 and report["conflicts"] == 0
            assert operation.action in {f["action"] for f in report["files"]}, report
            assert_converged(site, expected)
            check_side_effects(op, site, wpm, p)

    run_cases(case, [fault for o, fault in MATRIX if o == op])


# --------------------------------------------------------------------------- lasting faults

LASTING = [
    ("create", "503"),
    ("create", "drop"),
    ("update", "reset"),
    ("update", "drop"),
    ("term", "500"),
    ("delete", "502"),
    ("token", "503"),
    ("batch-create", "503"),
    ("batch-update", "drop"),
]


def test_a_lasting_fault_fails_the_run_cleanly_and_the_next_run_converges(
    tmp_path: Path, wpm: WordPressInstance
) -> None:
    def case(name: str) -> None:
        op, fault = name.split(":")
        with fault_proxy(wpm) as proxy:
            lasting_case(tmp_path / op / fault, wpm, proxy, op, fault)

    run_cases(case, [f"{op}:{fault}" for op, fault in LASTING])


def lasting_case(
    tmp_path: Path, wpm: WordPressInstance, proxy: FaultProxy, op: str, fault: str
) -> None:
    operation = OPERATIONS[op]
    p = f"lasting-{op}-{fault}"
    site = case_site(tmp_path, wpm, proxy, batch=operation.batch)
    operation.prepare(site, p)
    expected = operation.change(site, p)
    plan = proxy.plan(operation.match, [FAULTS[fault]], repeat=True)

    done = site.cli("sync")

    assert "Traceback" not in done.stderr
    if fault == "drop" and "create" in op:
        # every create reaches WordPress; each lost answer is recovered by slug
        assert done.returncode == 0, done.stderr
        assert plan.hits == (1 if operation.batch else len(expected))
    else:
        assert plan.hits >= ATTEMPTS
        assert done.returncode == 1, done.stderr
        assert f"after {ATTEMPTS} attempts" in done.stderr, done.stderr
        assert remote_slugs(wpm, p) <= set(expected.values()) | {f"{p}-c"}
    proxy.clear()
    code, report = sync_here(site)
    assert code == 0, report
    assert_converged(site, expected)
    check_side_effects(op, site, wpm, p)


def remote_slugs(wp: WordPressInstance, prefix: str) -> set[str]:
    return {p["slug"] for p in list_posts(wp) if p["slug"].startswith(prefix)}


# --------------------------------------------------------------------------- tokens


@pytest.fixture
def proxy(wpm: WordPressInstance) -> Iterator[FaultProxy]:
    with fault_proxy(wpm) as proxy:
        yield proxy


def test_a_token_that_expires_in_the_middle_of_a_run_is_renewed(
    tmp_path: Path, wpm: WordPressInstance, proxy: FaultProxy
) -> None:
    set_jwt(wpm, ttl=2)
    try:
        site = case_site(tmp_path, wpm, proxy)
        expected = {}
        for n in range(12):
            post_file(site, f"ttl-{n}.md", f"Short-lived token {n}")
            expected[f"ttl-{n}.md"] = f"ttl-{n}"
        # the 6th create is told to come back in 3 s: the 2-second token dies meanwhile
        proxy.plan(CREATE, [*[passthrough] * 5, status(429, retry_after=3)])
        started = time.monotonic()
        code, report = site.sync_json()
        elapsed = time.monotonic() - started
        assert code == 0, report
        assert report["created"] == 12 and report["failed"] == 0
        assert elapsed > 3
        fetches = [e for e in proxy.log if TOKEN(e.method, e.path)]
        assert len(fetches) >= 2, "the token was never renewed"
        assert all(e.status == 200 for e in fetches)
        assert_converged(site, expected, final_run=False)
    finally:
        set_jwt(wpm)
    assert_converged(site, expected)


def test_a_token_wordpress_stops_accepting_is_replaced_once(
    tmp_path: Path, wpm: WordPressInstance, proxy: FaultProxy
) -> None:
    site = case_site(tmp_path, wpm, proxy)
    post_file(site, "revoked-a.md", "Revoked A")
    assert site.sync_json()[0] == 0
    # WordPress's key changes under a cached, unexpired token: every request with it is
    # refused (403 jwt_auth_invalid_token); wpsync must fetch a new one and carry on.
    cache = site.root / ".wpsync" / "token.json"
    text = cache.read_text()
    token = re.search(r'"token": "([^"]+)"', text)
    assert token is not None
    header, payload, signature = token.group(1).split(".")
    forged = f"{header}.{payload}.{'A' * len(signature)}"
    cache.write_text(text.replace(token.group(1), forged))
    post_file(site, "revoked-b.md", "Revoked B")
    code, report = site.sync_json()
    assert code == 0, report
    refused = [e for e in proxy.log if e.status == 403]
    assert len(refused) == 1, proxy.log
    assert len([e for e in proxy.log if TOKEN(e.method, e.path)]) == 2
    assert_converged(site, {"revoked-a.md": "revoked-a", "revoked-b.md": "revoked-b"})
    assert read_state(site).pending == {}


def test_a_lost_link_update_is_not_taken_for_an_edit_made_in_wordpress(
    tmp_path: Path, wpm: WordPressInstance, proxy: FaultProxy
) -> None:
    # a.md links to b.md, both new: a is created with the link as written, then updated
    # with b's permalink once b has one.  Every answer to that update is lost.
    site = case_site(tmp_path, wpm, proxy)
    site.write("links-a.md", "---\ntitle: Links A\n---\nSee [B](links-b.md).\n")
    site.write("links-b.md", "---\ntitle: Links B\n---\nB.\n")
    proxy.plan(UPDATE, [drop_response], repeat=True)
    done = site.cli("sync")
    assert done.returncode == 0, done.stderr
    assert "links not updated" in done.stderr, done.stderr
    proxy.clear()

    code, report = sync_here(site)

    assert code == 0 and report["conflicts"] == 0, report
    assert {f["path"]: f["action"] for f in report["files"]}["links-a.md"] == "updated"
    posts = assert_converged(site, {"links-a.md": "links-a", "links-b.md": "links-b"})
    [a] = list_posts(wpm, fields="content", slug="links-a")
    assert posts["links-b"]["id"] and "links-b.md" not in a["content"]["raw"]
