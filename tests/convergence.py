"""Shared by the reliability tests (faults, crashes, concurrency, corpus, secrets): a site
pointed at a URL of our choosing (the fault proxy), the state file read back, and the
check each of those tests ends with — *converged*:

- every expected file has exactly one post in WordPress (no second post with the same
  slug, no ``slug-2`` left behind by a duplicate create);
- the state links each file to that post (same id, slug and ``modified_gmt``) and holds
  no other entry and no pending create;
- one more ``wpsync sync`` reports everything unchanged and sends no request at all.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.sitekit import REMOTE_CHECK, Site, admin
from tests.wordpress import WordPressInstance
from wpsync.config import Config, Secret, load_config
from wpsync.engine.run import SyncRequest, run_sync
from wpsync.model import Entry, Pending
from wpsync.store.state import StateStore
from wpsync.wordpress.client import WordPressClient
from wpsync.wordpress.connect import TOKEN_CACHE


def site_at(
    root: Path,
    wp: WordPressInstance,
    url: str,
    *,
    auth: str = "jwt",
    timeout: float = 30,
    max_attempts: int = 5,
    site_extra: str = "",
    extra: str = "",
) -> Site:
    """A writer's folder whose config.toml points at ``url`` (e.g. the fault proxy)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "content").mkdir(exist_ok=True)
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{url}"
            auth = "{auth}"
            username = "{wp.admin_user}"
            timeout = {timeout}
            max_attempts = {max_attempts}
            """
        )
        + textwrap.dedent(site_extra)
        + '\n[content]\ndir = "content"\n'
        + textwrap.dedent(extra),
        encoding="utf-8",
    )
    return Site(root, wp, auth)


def site_url(site: Site) -> str:
    for line in site.config.read_text(encoding="utf-8").splitlines():
        if line.startswith("url = "):
            return line.split('"')[1]
    raise AssertionError(f"no url in {site.config}")


@dataclass(frozen=True)
class StateView:
    entries: dict[str, Entry]
    pending: dict[str, Pending]


def read_state(site: Site) -> StateView:
    """The state as wpsync would read it (integrity-checked; raises StateError if corrupt)."""
    with StateStore.open(site.root / ".wpsync", site_url(site), create=False) as state:
        return StateView(state.entries(), state.pending())


FIELDS = "id,slug,status,modified_gmt,title,tags,categories"


def list_posts(
    wp: WordPressInstance,
    rest_base: str = "posts",
    *,
    fields: str = FIELDS,
    status: str = "any",
    **filters: str,
) -> list[dict[str, Any]]:
    """Every post of a type (any status but trash; ``filters`` e.g. ``slug=``), only the
    fields the checks need."""
    out: list[dict[str, Any]] = []
    with admin(wp) as client:
        page = 1
        while True:
            response = client.get(
                f"/wp/v2/{rest_base}",
                params={
                    "status": status,
                    "context": "edit",
                    "per_page": 100,
                    "page": page,
                    "_fields": fields,
                    "orderby": "id",  # stable pages (many posts share a date)
                    "order": "asc",
                    **filters,
                },
            )
            response.raise_for_status()
            out.extend(response.json())
            if page >= int(response.headers.get("X-WP-TotalPages", "1")):
                return out
            page += 1


def posts_by_slug(
    wp: WordPressInstance, rest_base: str = "posts"
) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for post in list_posts(wp, rest_base):
        out.setdefault(post["slug"], []).append(post)
    return out


def duplicates(remote: Mapping[str, list[dict[str, Any]]], slugs: Iterable[str]) -> list[str]:
    """Slugs (of ours) that have more than one post, or a ``-N`` twin."""
    found = []
    for slug in slugs:
        if len(remote.get(slug, [])) > 1:
            found.append(slug)
        twin = re.compile(re.escape(slug) + r"-\d+$")
        found.extend(s for s in remote if twin.match(s))
    return found


def assert_converged(
    site: Site,
    expected: Mapping[str, str],
    *,
    pages: Mapping[str, str] | None = None,
    final_run: bool = True,
) -> dict[str, dict[str, Any]]:
    """``expected``: rel → slug of every file that must be published as a post (``pages``:
    as a page).  Returns slug → post (posts only)."""
    state = read_state(site)
    linked = {**expected, **(pages or {})}
    assert set(state.entries) == set(linked), (
        f"state has {sorted(set(state.entries) ^ set(linked))} extra/missing"
    )
    assert {rel for rel in state.pending if rel in linked} == set(), "pending creates left"
    found: dict[str, dict[str, Any]] = {}
    for rest_base, wanted in (("posts", expected), ("pages", pages or {})):
        remote = posts_by_slug(site.wp, rest_base)
        assert duplicates(remote, wanted.values()) == [], "duplicate posts"
        missing = sorted(slug for slug in wanted.values() if slug not in remote)
        assert missing == [], f"not published: {missing}"
        for rel, slug in wanted.items():
            entry = state.entries[rel]
            [post] = remote[slug]
            assert (entry.post_id, entry.slug, entry.rest_base) == (post["id"], slug, rest_base)
            assert entry.modified_gmt == post["modified_gmt"], f"{rel}: state modified_gmt is stale"
            if rest_base == "posts":
                found[slug] = post
    if final_run:
        assert_unchanged(site, len(linked))
    return found


def sync_here(site: Site, *, dry_run: bool = False) -> tuple[int, dict[str, Any]]:
    """``wpsync sync --json`` run inside the test process: the same library call the CLI
    makes, without a second of interpreter start-up (for set-up and the final check;
    the runs under test go through the CLI)."""
    config = load_config(site.config, env={})
    password = site.env()["WPSYNC_PASSWORD"]

    def client(config: Config) -> WordPressClient:
        return WordPressClient(
            config.site, Secret(password), token_cache=config.state.path / TOKEN_CACHE
        )

    report = run_sync(config, SyncRequest(dry_run=dry_run), client_factory=client)
    return report.exit_code, report.to_json()


def assert_unchanged(site: Site, count: int) -> None:
    """One more run: everything unchanged, nothing sent but the remote check's small GETs
    (a count and a listing of edits per post type, ``REMOTE_CHECK``)."""
    code, report = sync_here(site)
    assert code == 0, report
    assert report["requests"] <= REMOTE_CHECK, report
    assert report["unchanged"] == count and report["unchanged"] == len(report["files"]), report
