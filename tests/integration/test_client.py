"""The WordPress client against the real WordPress: reads, writes, terms, media, batch —
and every transport fault the proxy can throw at it, ending in success without a
duplicate within a bounded number of requests."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.faults import (
    Fault,
    FaultProxy,
    close,
    drop_response,
    reset,
    rewrite,
    route,
    stall,
    status,
)
from tests.sitekit import admin, all_posts, next_second
from tests.wordpress import WordPressInstance
from wpsync.config import Secret, SiteConfig
from wpsync.errors import RemoteError, TransportError, UploadRefused
from wpsync.wordpress.batch_route import BatchUnsupported
from wpsync.wordpress.client import WordPressClient
from wpsync.wordpress.records import BatchRequest, RemotePost, stored_digest

pytestmark = pytest.mark.integration

TIMEOUT = 1.5  # seconds per request in the fault tests; a stall lasts longer


def site_config(url: str, username: str, *, timeout: float, max_attempts: int) -> SiteConfig:
    return SiteConfig(
        url=url,
        auth="jwt",
        username=username,
        password_env="WPSYNC_PASSWORD",
        password_command=None,
        inline_password=None,
        verify_tls=True,
        ca_bundle=None,
        allow_insecure_http=False,
        timeout=timeout,
        max_attempts=max_attempts,
    )


def client_for(
    wp: WordPressInstance,
    url: str | None = None,
    *,
    timeout: float = 20.0,
    max_attempts: int = 4,
    **options: Any,
) -> WordPressClient:
    options.setdefault("retry_wait_initial", 0.01)
    options.setdefault("retry_wait_max", 0.05)
    return WordPressClient(
        site_config(url or wp.url, wp.admin_user, timeout=timeout, max_attempts=max_attempts),
        Secret(wp.admin_password),
        token_cache=None,
        **options,
    )


def draft(slug: str, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": f"Title of {slug}",
        "content": "Body.",
        "status": "draft",
        **extra,
    }


def listed(post: RemotePost) -> RemotePost:
    """``post`` as a look-up without the texts' digest answers it."""
    return dataclasses.replace(post, stored="")


def slugs_in_wordpress(wp: WordPressInstance) -> list[str]:
    return sorted(p["slug"] for p in all_posts(wp))


@pytest.fixture
def client(wp: WordPressInstance) -> Iterator[WordPressClient]:
    with client_for(wp) as client:
        yield client


@pytest.fixture
def proxy(wp: WordPressInstance) -> Iterator[FaultProxy]:
    with FaultProxy(wp.url) as proxy:
        yield proxy


@pytest.fixture
def via_proxy(wp: WordPressInstance, proxy: FaultProxy) -> Iterator[WordPressClient]:
    with client_for(wp, proxy.url, timeout=TIMEOUT) as client:
        client.validate_token()  # token fetched up front: counts below are about the faults
        yield client


# --------------------------------------------------------------------------- basics


def test_a_client_that_is_not_used_sends_nothing(wp: WordPressInstance) -> None:
    with client_for(wp) as client:
        pass
    assert client.request_count == 0


def test_index_is_read_without_logging_in(client: WordPressClient) -> None:
    index = client.index()
    assert "jwt-auth/v1" in index["namespaces"] and "wp/v2" in index["namespaces"]
    assert client.request_count == 1


def test_create_read_update_a_post(client: WordPressClient, wp: WordPressInstance) -> None:
    created = client.create_post("posts", draft("first-post"))
    assert (created.slug, created.status, created.rest_base) == ("first-post", "draft", "posts")
    assert created.modified_gmt and created.link
    assert client.get_post("posts", created.id) == listed(created)
    raw = client.get_post_raw("posts", created.id)
    assert raw["title"]["raw"] == "Title of first-post" and raw["content"]["raw"] == "Body."
    # a write asks back the texts as WordPress stored them: their digest is the post's
    assert created.stored == stored_digest(raw) != ""
    assert client.posts_by_ids("posts", [created.id], stored=True) == {created.id: created}
    next_second()  # modified_gmt has one-second resolution
    updated = client.update_post("posts", created.id, {"title": "New title", "status": "publish"})
    assert updated.id == created.id and updated.status == "publish"
    assert updated.modified_gmt > created.modified_gmt
    assert [p["title"]["raw"] for p in all_posts(wp)] == ["New title"]


def test_pages_and_custom_types_use_their_rest_base(client: WordPressClient) -> None:
    page = client.create_post("pages", draft("about", menu_order=3))
    book = client.create_post("books", draft("a-book"))
    assert client.posts_by_slugs("pages", ["about"]) == {"about": listed(page)}
    assert client.posts_by_slugs("books", ["a-book"]) == {"a-book": listed(book)}
    assert page.type == "page" and book.type == "book"


def test_a_missing_post_is_none(client: WordPressClient) -> None:
    assert client.get_post("posts", 999999) is None


def test_lookups_batch_a_hundred_per_request_and_paginate(client: WordPressClient) -> None:
    slugs = [f"bulk-{i:03d}" for i in range(130)]
    answers = client.batch([BatchRequest("POST", "/wp/v2/posts", draft(s)) for s in slugs])
    assert all(a.status == 201 for a in answers)
    ids = [a.body["id"] for a in answers]

    before = client.request_count
    found = client.posts_by_slugs("posts", [*slugs, "not-there"])
    assert sorted(found) == slugs
    assert client.request_count - before == 2  # 100 + 30

    before = client.request_count
    by_id = client.posts_by_ids("posts", [*ids, 999999])
    assert sorted(by_id) == sorted(ids) and by_id[ids[0]].slug == "bulk-000"
    # 100 + 30, then the id not found asked once more in the public view (a post the user
    # may read but not edit is left out of context=edit answers)
    assert client.request_count - before == 3

    before = client.request_count
    listed = list(client.list_posts("posts"))
    assert [p.slug for p in listed] == slugs  # oldest id first, drafts included
    assert client.request_count - before == 2


def test_slugs_with_non_ascii_letters_are_found(client: WordPressClient) -> None:
    created = client.create_post("posts", draft("café-crème"))
    assert client.posts_by_slugs("posts", ["café-crème"]) == {"café-crème": listed(created)}


def test_delete_trash_then_for_good_and_again(client: WordPressClient) -> None:
    post = client.create_post("posts", draft("to-delete"))
    client.delete_post("posts", post.id)
    trashed = client.get_post("posts", post.id)
    assert trashed is not None and trashed.status == "trash"
    client.delete_post("posts", post.id)  # 410 rest_already_trashed: fine
    client.delete_post("posts", post.id, force=True)
    client.delete_post("posts", post.id, force=True)  # already gone: fine
    assert client.get_post("posts", post.id) is None


def test_a_4xx_fails_fast_after_exactly_one_request(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    client.validate_token()
    before = client.request_count
    with pytest.raises(RemoteError) as caught:
        client.create_post("posts", draft("bad", status="bogus"))
    assert client.request_count - before == 1
    error = caught.value
    assert not isinstance(error, TransportError)
    assert (error.status, error.code, error.method) == (400, "rest_invalid_param", "POST")
    assert "status is not one of" in str(error)
    assert all_posts(wp) == []


def test_a_create_without_a_slug_is_refused_before_sending(client: WordPressClient) -> None:
    with pytest.raises(ValueError, match="slug"):
        client.create_post("posts", {"title": "no slug"})
    assert client.request_count == 0


# --------------------------------------------------------------------------- faults on a create

CREATE = route("POST", "/wp/v2/posts?")


@pytest.mark.parametrize(
    ("fault", "ambiguous"),
    [
        (status(500), True),
        (status(502), True),
        (status(503), True),
        (status(504), True),
        (status(429, retry_after=1), False),
        (reset, True),
        (close, True),
        (stall(TIMEOUT + 1.5), True),
        (drop_response, True),
    ],
    ids=str,
)
def test_a_create_survives_a_transport_fault_without_duplicate(
    wp: WordPressInstance,
    proxy: FaultProxy,
    via_proxy: WordPressClient,
    caplog: pytest.LogCaptureFixture,
    fault: Fault,
    ambiguous: bool,
) -> None:
    caplog.set_level(logging.INFO, logger="wpsync")
    proxy.plan(CREATE, [fault])
    before = via_proxy.request_count
    started = time.monotonic()
    post = via_proxy.create_post("posts", draft("faulty"))
    elapsed = time.monotonic() - started

    assert slugs_in_wordpress(wp) == ["faulty"]
    assert all_posts(wp)[0]["id"] == post.id
    assert proxy.injected == 1
    expected_creates = 1 if fault is drop_response else 2
    deadline = time.monotonic() + 10  # a stalled exchange is logged when the stall ends
    while len(proxy.requests_to("POST", "/wp/v2/posts?")) < expected_creates:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    creates = proxy.requests_to("POST", "/wp/v2/posts?")
    reached_wordpress = [e for e in creates if e.fault in (None, "drop_response")]
    if fault is drop_response:
        # WordPress created it on the first try; the look-up found it: no second create.
        assert len(creates) == 1 and len(reached_wordpress) == 1
        assert "recovered lost create" in caplog.text
        assert via_proxy.request_count - before == 2  # the lost create, the look-up
    else:
        assert len(creates) == 2 and len(reached_wordpress) == 1
        # the faulty attempt, a look-up when the create may have happened, the retry
        assert via_proxy.request_count - before == (3 if ambiguous else 2)
    assert "retrying in" in caplog.text
    if fault.kind == "status" and fault.status == 429:
        assert elapsed >= 1.0  # Retry-After honoured


def test_a_lost_create_with_an_accented_slug_is_recovered(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    proxy.plan(CREATE, [drop_response])
    post = via_proxy.create_post("posts", draft("crème-brûlée"))
    assert post.slug == "creme-brulee"  # WordPress removes the accents
    assert slugs_in_wordpress(wp) == ["creme-brulee"]


def test_a_stalled_create_is_abandoned_at_the_timeout(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    proxy.plan(CREATE, [stall(30)])
    started = time.monotonic()
    via_proxy.create_post("posts", draft("after-stall"))
    assert time.monotonic() - started < TIMEOUT + 5
    assert slugs_in_wordpress(wp) == ["after-stall"]


def test_repeated_faults_then_success(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    plan = proxy.plan(CREATE, [status(503), drop_response, reset])
    via_proxy.create_post("posts", draft("persistent"))
    assert slugs_in_wordpress(wp) == ["persistent"]
    # 503 → look-up, create (answer lost) → look-up finds it: the reset is never needed
    assert proxy.by_fault == {"status(503)": 1, "drop_response": 1}
    assert plan.remaining == 1


def test_giving_up_after_max_attempts(wp: WordPressInstance, proxy: FaultProxy) -> None:
    with client_for(wp, proxy.url, timeout=TIMEOUT, max_attempts=3) as client:
        client.validate_token()
        proxy.plan(route("GET", "/wp/v2/posts"), [status(503)] * 10)
        before = client.request_count
        with pytest.raises(TransportError) as caught:
            client.posts_by_slugs("posts", ["x"])
        assert client.request_count - before == 3
    assert caught.value.status == 503
    assert "after 3 attempts" in str(caught.value)


def test_a_create_lost_on_the_last_attempt_is_still_recovered(
    wp: WordPressInstance, proxy: FaultProxy
) -> None:
    with client_for(wp, proxy.url, timeout=TIMEOUT, max_attempts=2) as client:
        client.validate_token()
        proxy.plan(CREATE, [status(503), drop_response])
        post = client.create_post("posts", draft("stubborn"))
    assert slugs_in_wordpress(wp) == ["stubborn"] and all_posts(wp)[0]["id"] == post.id


def test_retry_after_is_capped(wp: WordPressInstance, proxy: FaultProxy) -> None:
    with client_for(wp, proxy.url, retry_after_max=0.2) as client:
        proxy.plan(route("GET", "/wp/v2/posts"), [status(429, retry_after=3600)])
        started = time.monotonic()
        assert client.posts_by_slugs("posts", ["x"]) == {}
        assert time.monotonic() - started < 5


def test_reads_are_retried_through_resets_and_5xx(
    proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    created = via_proxy.create_post("posts", draft("read-me"))
    proxy.plan(route("GET", "/wp/v2/posts"), [reset, status(502), close])
    before = via_proxy.request_count
    assert via_proxy.posts_by_slugs("posts", ["read-me"]) == {"read-me": listed(created)}
    assert via_proxy.request_count - before == 4


def test_a_lost_update_is_simply_resent(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    post = via_proxy.create_post("posts", draft("edit-me"))
    proxy.plan(route("POST", f"/wp/v2/posts/{post.id}"), [drop_response])
    updated = via_proxy.update_post("posts", post.id, {"title": "Edited"})
    assert updated.id == post.id
    assert [p["title"]["raw"] for p in all_posts(wp)] == ["Edited"]


# --------------------------------------------------------------------------- terms and users


def test_terms_are_created_once_and_reused(client: WordPressClient, wp: WordPressInstance) -> None:
    guides = client.ensure_term("categories", "Guides")
    python = client.ensure_term("categories", "Python", guides)
    tag = client.ensure_term("tags", "intro")
    before = client.request_count
    assert client.ensure_term("categories", "Guides") == guides  # cached
    assert client.request_count == before
    with client_for(wp) as other:  # a new run: WordPress answers term_exists with the id
        assert other.ensure_term("categories", "guides") == guides
        assert other.ensure_term("categories", "Python", guides) == python
        assert other.ensure_term("tags", "intro") == tag
    with admin(wp) as http:
        cats = {
            c["name"]: c for c in http.get("/wp/v2/categories", params={"per_page": 100}).json()
        }
    assert cats["Python"]["parent"] == guides


def test_a_lost_term_create_is_not_duplicated(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    proxy.plan(route("POST", "/wp/v2/tags"), [drop_response])
    tag = via_proxy.ensure_term("tags", "lost-answer")
    with admin(wp) as http:
        tags = http.get("/wp/v2/tags", params={"per_page": 100}).json()
    assert [(t["id"], t["name"]) for t in tags] == [(tag, "lost-answer")]


def test_terms_that_exist_are_found_by_slug_in_one_round_trip(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    """A nested category and a tag WordPress holds are found by the slugs it gave them
    (a child's slug with its parent's appended when a namesake took the plain one), all
    depths in one look-up per taxonomy, at the same time: no create, no second round
    trip.  A category made by hand under a slug of its own is not found by slug: its
    create answers ``term_exists`` with it, so no twin is made."""
    from wpsync.engine.prefetch import warm_terms
    from wpsync.model import PostPayload

    with admin(wp) as http:

        def made(taxonomy: str, **body: Any) -> tuple[int, str]:
            answer = http.post(f"/wp/v2/{taxonomy}", json=body)
            assert answer.status_code == 201, answer.text
            return int(answer.json()["id"]), str(answer.json()["slug"])

        top_python, _ = made("categories", name="Python")
        guides, _ = made("categories", name="Guides")
        python, python_slug = made("categories", name="Python", parent=guides)
        handmade, _ = made("categories", name="Q&A", slug="questions")
        intro, _ = made("tags", name="Intro")
    assert python_slug == "python-guides"  # how WordPress names a namesake's child
    payload = PostPayload(
        rel="p.md",
        rest_base="posts",
        slug="p",
        title="P",
        content="",
        status="draft",
        categories=(("Guides", "Python"), ("Python",), ("Q&A",)),
        tags=("intro",),
    )
    assert client.list_terms("tags", [intro]) == {intro: ("Intro", 0)}  # signed in
    before = client.request_count
    warm_terms(client, [payload], concurrency=4, batching=True)
    assert client.request_count - before == 2  # the look-ups, nothing created
    assert client.known_term("categories", "Guides") == guides
    assert client.known_term("categories", "Python", guides) == python
    assert client.known_term("categories", "Python") == top_python
    assert client.known_term("tags", "intro") == intro  # WordPress: names compared lower-cased
    assert client.known_term("categories", "Q&A") is None  # left to its create (the resolver's)
    assert client.ensure_term("categories", "Q&A") == handmade  # term_exists
    with admin(wp) as http:
        names = [c["name"] for c in http.get("/wp/v2/categories", params={"per_page": 100}).json()]
    assert sorted(names) == ["Guides", "Python", "Python", "Q&amp;A", "Uncategorized"]


def test_terms_asked_ahead_are_not_asked_again_and_the_missing_ones_are_created(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    """A hook's run asks its files' terms beside the edit check (ask_terms on a pool of
    its own); the warm-up before the writes takes those answers: a term found needs no
    request, a term not found is created without being looked up a second time."""
    from concurrent.futures import ThreadPoolExecutor

    from wpsync.engine.prefetch import ask_terms, term_paths, warm_terms
    from wpsync.model import PostPayload

    with admin(wp) as http:
        answer = http.post("/wp/v2/tags", json={"name": "Known"})
        assert answer.status_code == 201, answer.text
        known = int(answer.json()["id"])
    payload = PostPayload(
        rel="p.md",
        rest_base="posts",
        slug="p",
        title="P",
        content="",
        status="draft",
        tags=("Known", "Brand new"),
    )
    assert client.list_terms("tags", [known]) == {known: ("Known", 0)}  # signed in
    before = client.request_count
    with ThreadPoolExecutor(max_workers=2) as ahead:
        asked = ask_terms(client, term_paths([payload]), ahead.submit)
        warm_terms(client, [payload], concurrency=1, batching=False, asked=[asked])
    assert client.request_count - before == 1  # the one look-up: nothing asked twice
    assert client.known_term("tags", "Known") == known
    before = client.request_count
    created = client.ensure_term("tags", "Brand new")  # the resolver's: created now
    assert client.request_count - before == 1
    with admin(wp) as http:
        names = sorted(t["name"] for t in http.get("/wp/v2/tags", params={"per_page": 100}).json())
    assert names == ["Brand new", "Known"] and created


def test_find_user(client: WordPressClient, wp: WordPressInstance) -> None:
    assert client.find_user(wp.admin_user) == 1
    author = client.find_user(wp.author_user)
    assert author is not None and author != 1
    assert client.find_user("nobody-at-all") is None


# --------------------------------------------------------------------------- media

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def test_upload_media_with_alt_text_caption_and_title(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    media = client.upload_media(
        Path("images/dot.png"),
        PNG,
        "dot.png",
        "image/png",
        alt_text="A dot",
        caption="Tiny",
        title="Dot",
    )
    assert media.source_url.endswith(".png") and media.mime_type == "image/png"
    with admin(wp) as http:
        raw = http.get(f"/wp/v2/media/{media.id}", params={"context": "edit"}).json()
    assert (raw["alt_text"], raw["caption"]["raw"], raw["title"]["raw"]) == ("A dot", "Tiny", "Dot")


def test_a_lost_upload_is_found_by_its_bytes(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    proxy.plan(route("POST", "/wp/v2/media"), [drop_response])
    media = via_proxy.upload_media(Path("dot.png"), PNG, "dot.png", "image/png")
    with admin(wp) as http:
        items = http.get("/wp/v2/media", params={"context": "edit"}).json()
    assert [i["id"] for i in items] == [media.id]


def test_an_upload_wordpress_refuses_raises_at_once_with_its_words(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    """An SVG on a site without an SVG plugin: WordPress's 500 rest_upload_sideload_error
    is a refusal of the file, not a server fault — one request, no backoff."""
    client.validate_token()  # the token fetched first: the count below is the upload's
    before = client.request_count
    with pytest.raises(UploadRefused) as refused:
        client.upload_media(
            Path("d.svg"), b'<svg xmlns="http://www.w3.org/2000/svg"/>', "d.svg", "image/svg+xml"
        )
    assert refused.value.code == "rest_upload_sideload_error" and refused.value.status == 500
    assert "Sorry, you are not allowed to upload this file type." in str(refused.value)
    assert client.request_count - before == 1


def test_a_413_from_the_web_server_is_a_refusal_not_retried(
    proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    proxy.plan(route("POST", "/wp/v2/media"), [status(413)])
    before = via_proxy.request_count
    with pytest.raises(UploadRefused) as refused:
        via_proxy.upload_media(Path("dot.png"), PNG, "dot.png", "image/png")
    assert refused.value.status == 413 and "too large for the web server" in str(refused.value)
    assert via_proxy.request_count - before == 1


# --------------------------------------------------------------------------- batch


def test_batch_splits_into_25s_and_reports_each_answer(
    client: WordPressClient, wp: WordPressInstance
) -> None:
    requests = [BatchRequest("POST", "/wp/v2/posts", draft(f"b-{i:02d}")) for i in range(30)]
    requests.append(BatchRequest("POST", "/wp/v2/posts", draft("b-bad", status="bogus")))
    client.validate_token()
    before = client.request_count
    answers = client.batch(requests)
    assert client.request_count - before == 2
    assert [a.status for a in answers] == [201] * 30 + [400]
    assert answers[-1].code == "rest_invalid_param"
    assert [a.body["slug"] for a in answers[:30]] == [f"b-{i:02d}" for i in range(30)]
    assert len(all_posts(wp)) == 30


def test_a_lost_batch_answer_is_recovered_without_duplicates(
    wp: WordPressInstance, proxy: FaultProxy, via_proxy: WordPressClient
) -> None:
    existing = via_proxy.create_post("posts", draft("already-there"))
    proxy.plan(route("POST", "/batch/v1"), [drop_response])
    answers = via_proxy.batch(
        [
            BatchRequest("POST", "/wp/v2/posts", draft("new-1")),
            BatchRequest("POST", f"/wp/v2/posts/{existing.id}", {"title": "Renamed"}),
            BatchRequest("POST", "/wp/v2/posts", draft("new-2")),
        ]
    )
    assert [a.recovered for a in answers] == [True, False, True]
    assert [a.status for a in answers] == [201, 200, 201]
    assert slugs_in_wordpress(wp) == ["already-there", "new-1", "new-2"]
    assert RemotePost.from_json("posts", answers[0].body).slug == "new-1"


def test_a_site_without_the_batch_route(proxy: FaultProxy, via_proxy: WordPressClient) -> None:
    proxy.plan(route("POST", "/batch/v1"), [rewrite("/batch/v1", "/batch-gone/v1")])
    with pytest.raises(BatchUnsupported):
        via_proxy.batch([BatchRequest("POST", "/wp/v2/posts", draft("x"))])


# --------------------------------------------------------------------------- REST root


def test_plain_permalinks_switch_to_rest_route(wp: WordPressInstance, proxy: FaultProxy) -> None:
    # A server where /wp-json/ is not rewritten to WordPress: its 404 page.
    proxy.plan(route(None, "/wp-json/"), [status(404)], repeat=True)
    with client_for(wp, proxy.url) as client:
        post = client.create_post("posts", draft("plain"))
        assert client.api_root.endswith("/?rest_route=")
        assert client.posts_by_slugs("posts", ["plain"]) == {"plain": listed(post)}
        assert client.index()["namespaces"]
    assert slugs_in_wordpress(wp) == ["plain"]
    assert all("/wp-json/" not in e.path for e in proxy.log[2:])  # the probe, then rest_route only


def test_no_rest_api_at_all(wp: WordPressInstance, proxy: FaultProxy) -> None:
    proxy.plan(route(), [status(404)], repeat=True)
    with client_for(wp, proxy.url) as client, pytest.raises(RemoteError) as caught:
        client.index()
    assert str(caught.value).startswith(f"no WordPress REST API at {proxy.url}")


def test_an_answer_that_is_not_json(proxy: FaultProxy, via_proxy: WordPressClient) -> None:
    proxy.plan(
        route("GET", "/wp/v2/posts"),
        [status(200, body=b"<br /><b>Deprecated</b>: something in x.php<br />[]")],
    )
    with pytest.raises(RemoteError) as caught:
        via_proxy.posts_by_slugs("posts", ["x"])
    assert "WP_DEBUG_DISPLAY" in (caught.value.hint or "")


# --------------------------------------------------------------------------- concurrency


def test_one_client_shared_by_eight_threads(client: WordPressClient, wp: WordPressInstance) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(5):
                client.create_post("posts", draft(f"t{worker}-{i}"))
        except BaseException as exc:  # pragma: no cover — reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(all_posts(wp)) == 40
    assert client.request_count == 41  # one token, forty creates


def test_secrets_stay_out_of_client_errors_and_reprs(
    wp: WordPressInstance, proxy: FaultProxy
) -> None:
    with client_for(wp, proxy.url, timeout=TIMEOUT, max_attempts=2) as client:
        proxy.plan(route("GET", "/wp/v2/posts"), [status(503), reset])
        with pytest.raises(TransportError) as caught:
            client.posts_by_slugs("posts", ["x"])
        text = " ".join([repr(client), str(caught.value), repr(caught.value), str(vars(client))])
    assert wp.admin_password not in text
