"""The run's gate (engine/permissions.py) and WordPress's capability rules
(wordpress/rights.py): which writes a user may not make, phrased with the capability,
and the authors resolved with one warning per name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from tests.fakewp import FakeClient, FakeWordPress, Folder
from wpsync.engine.items import Changed, Stat
from wpsync.engine.permissions import category_paths, gate, set_aside
from wpsync.engine.plan import Action, Create, Fail
from wpsync.errors import PermissionDenied, RemoteError, TransportError
from wpsync.model import Entry, MediaRef, PostPayload
from wpsync.wordpress.records import RemotePost
from wpsync.wordpress.rights import Rights, forbids_listing

AUTHOR = ("edit_posts", "publish_posts", "upload_files", "edit_published_posts")
EDITOR = (*AUTHOR, "edit_pages", "publish_pages", "edit_others_posts", "manage_categories")


def rights(*caps: str, role: str = "author", user_id: int = 2) -> Rights:
    return Rights.from_json(
        {
            "id": user_id,
            "username": "writer",
            "slug": "writer",
            "name": "Wendy Writer",
            "roles": [role],
            "capabilities": {c: True for c in caps} | {"manage_options": False},
        }
    )


def create(rel: str, **fields: object) -> Create:
    base: dict[str, object] = {
        "rel": rel,
        "rest_base": "posts",
        "slug": rel.removesuffix(".md"),
        "title": rel,
        "content": "<p>x</p>",
        "status": "publish",
    }
    payload = PostPayload(**(base | fields))  # type: ignore[arg-type]
    return Create(rel, Stat(1, 1), "h", payload, "p")


def run_gate(
    actions: Iterable[Action],
    who: Rights | None,
    *,
    users: dict[str, int] | None = None,
    authors_map: dict[str, str | int] | None = None,
    categories: Iterable[tuple[str, ...]] = (("Existing",), ("Existing", "Child")),
    uploaded: Iterable[str] = (),
) -> tuple[object, list[str]]:
    asked: list[str] = []
    known = users or {}
    done = set(uploaded)

    def find_user(name: str) -> int | None:
        asked.append(name)
        return known.get(name)

    listed: list[int] = []

    def list_categories() -> list[tuple[str, ...]]:
        listed.append(1)
        return list(categories)

    gated = gate(
        list(actions),
        who,
        authors_map=authors_map or {},
        me="'writer'",
        find_user=find_user,
        categories=list_categories,
        uploaded=done.__contains__,
    )
    return gated, asked


def failures(gated: object) -> dict[str, PermissionDenied]:
    out = {}
    for action in gated.actions:  # type: ignore[attr-defined]
        if isinstance(action, Fail):
            assert isinstance(action.error, PermissionDenied)
            out[action.rel] = action.error
    return out


def test_an_author_may_publish_posts_but_not_pages_nor_new_categories() -> None:
    actions = [
        create("post.md", tags=("new-tag",)),
        create("page.md", rest_base="pages"),
        create("old-cat.md", categories=(("Existing", "Child"),)),
        create("new-cat.md", categories=(("Existing", "Brand New"),)),
    ]
    gated, _ = run_gate(actions, rights(*AUTHOR))
    failed = failures(gated)
    assert set(failed) == {"page.md", "new-cat.md"}
    assert failed["page.md"].capability == "edit_pages"
    assert str(failed["page.md"]).startswith(
        "page.md: your user 'writer' (author) may not create pages (edit_pages) — "
    )
    assert failed["new-cat.md"].capability == "manage_categories"
    assert "category 'Existing/Brand New' does not exist yet" in str(failed["new-cat.md"])
    # an editor may do all of it, and the categories are not even listed
    gated, _ = run_gate(actions, rights(*EDITOR, role="editor"))
    assert failures(gated) == {}


def test_categories_match_whatever_their_case_and_spacing() -> None:
    action = create("a.md", categories=(("existing", "  child"),))
    gated, _ = run_gate([action], rights(*AUTHOR))
    assert failures(gated) == {}


def test_a_contributor_may_submit_for_review_but_not_publish_or_schedule() -> None:
    actions = [
        create("published.md"),
        create("scheduled.md", status="future"),
        create("pending.md", status="pending"),
        create("draft.md", status="draft"),
        create("sticky.md", status="pending", sticky=True),
    ]
    failed = failures(run_gate(actions, rights("edit_posts", role="contributor"))[0])
    assert set(failed) == {"published.md", "scheduled.md", "sticky.md"}
    assert "may not publish posts (publish_posts)" in str(failed["published.md"])
    assert "status: pending" in str(failed["published.md"])
    assert "may not schedule posts (publish_posts)" in str(failed["scheduled.md"])
    assert "may not make posts sticky" in str(failed["sticky.md"])


def test_images_not_uploaded_yet_need_upload_files() -> None:
    actions = [
        create("new.md", images=(MediaRef("a.png"), MediaRef("b.png"))),
        create("known.md", featured_image=MediaRef("c.png")),
    ]
    failed = failures(
        run_gate(actions, rights("edit_posts", "publish_posts"), uploaded={"c.png"})[0]
    )
    assert set(failed) == {"new.md"}
    assert "may not upload media (upload_files): the file uses 2 local images" in str(
        failed["new.md"]
    )


def test_several_refusals_are_one_line() -> None:
    action = create("p.md", rest_base="posts", status="publish", images=(MediaRef("a.png"),))
    [error] = failures(run_gate([action], rights("edit_posts", role="contributor"))[0]).values()
    assert "may not publish posts (publish_posts)" in str(error)
    assert "it also may not upload media (upload_files)" in str(error)


def test_without_rights_nothing_is_refused_ahead() -> None:
    gated, _ = run_gate([create("page.md", rest_base="pages")], None)
    assert failures(gated) == {}


def test_unknown_authors_are_one_warning_per_name_and_counted() -> None:
    actions = [
        create("a.md", author="parkr"),
        create("b.md", author="parkr"),
        create("c.md", author="ghost"),
        create("d.md", author="Tom"),
        create("e.md", author="Wendy Writer"),  # the user's own display name
    ]
    gated, asked = run_gate(
        actions,
        rights(*EDITOR, "list_users", role="editor"),
        users={"tom-login": 7},
        authors_map={"tom": "tom-login"},  # names match whatever their case
    )
    assert gated.unknown_authors == (("ghost", 1), ("parkr", 2))  # type: ignore[attr-defined]
    assert gated.authors == {  # type: ignore[attr-defined]
        "ghost": None,
        "parkr": None,
        "Tom": 7,
        "Wendy Writer": 2,
    }
    assert sorted(asked) == ["ghost", "parkr", "tom-login"]  # once per name; never oneself
    warnings = gated.warnings  # type: ignore[attr-defined]
    assert len(warnings) == 2
    assert (
        "author 'parkr' (2 posts) is not a user of the site: published as 'writer'" in (warnings[1])
    )
    assert failures(gated) == {}


def test_an_author_may_not_publish_as_another_user_and_a_mapped_id_is_taken_as_is() -> None:
    actions = [create("a.md", author="Boss"), create("b.md", author="Boss")]
    gated, asked = run_gate(actions, rights(*AUTHOR), authors_map={"Boss": 1})
    assert asked == []  # an ID is not looked up
    assert gated.authors == {"Boss": None}  # type: ignore[attr-defined]
    [warning] = gated.warnings  # type: ignore[attr-defined]
    assert "(2 posts) not set" in warning and "edit_others_posts" in warning
    assert gated.unknown_authors == ()  # type: ignore[attr-defined]
    gated, _ = run_gate(actions, rights(*EDITOR, role="editor"), authors_map={"Boss": 1})
    assert gated.authors == {"Boss": 1} and gated.warnings == ()  # type: ignore[attr-defined]


def test_a_refused_file_authors_are_not_looked_up() -> None:
    page = create("page.md", rest_base="pages", author="parkr")
    gated, asked = run_gate([page], rights(*AUTHOR))
    assert asked == [] and gated.warnings == ()  # type: ignore[attr-defined]


def test_set_aside_takes_a_forbidden_types_files_and_entries_out() -> None:
    page = create("page.md", rest_base="pages").payload
    post = create("post.md").payload
    items = [
        Changed("page.md", Stat(1, 1), "h", page, "p"),
        Changed("post.md", Stat(1, 1), "h", post, "p"),
    ]
    who = rights(*AUTHOR)
    known = {
        rel: Entry(rel, base, n, rel, "h0", "p0", "2024-01-01T00:00:00")
        for n, (rel, base) in enumerate([("page.md", "pages"), ("post.md", "posts")])
    }
    kept, entries, fails = set_aside(items, known, who.type_refusal, who)
    assert [i.rel for i in kept] == ["post.md"]
    assert set(entries) == {"post.md"}  # a refused file is not a deleted one
    assert [f.rel for f in fails] == ["page.md"]


def test_category_paths_walk_the_parents() -> None:
    terms = {1: ("Guides", 0), 2: ("Python", 1), 3: ("Async", 2), 4: ("Loop", 5)}
    assert sorted(category_paths(terms)) == [
        ("Guides",),
        ("Guides", "Python"),
        ("Guides", "Python", "Async"),
        ("Loop",),  # its parent is not listed
    ]


def test_what_counts_as_a_refused_listing() -> None:
    forbidden_status = RemoteError(
        "Invalid parameter(s): status",
        status=400,
        code="rest_invalid_param",
        data={"status": 400, "params": {"status": "Status is forbidden."}},
    )
    assert forbids_listing(forbidden_status)
    assert forbids_listing(RemoteError("no", status=403, code="rest_forbidden_context"))
    other_param = RemoteError(
        "bad", status=400, code="rest_invalid_param", data={"params": {"slug": "bad"}}
    )
    assert not forbids_listing(other_param)
    assert not forbids_listing(TransportError("down", status=503))


class _Refusing(FakeClient):
    """A user whose rights WordPress will not tell, and who may not list ``books``."""

    def rights(self) -> Rights:
        self._send("GET", "/wp/v2/users/me", lambda: None)
        raise RemoteError("no route", status=404, code="rest_no_route")

    def posts_by_slugs(self, rest_base: str, slugs: Sequence[str]) -> dict[str, RemotePost]:
        if rest_base == "books":
            self._send("GET", "/wp/v2/books", lambda: None)
            raise RemoteError(
                "Invalid parameter(s): status",
                status=400,
                code="rest_invalid_param",
                data={"status": 400, "params": {"status": "Status is forbidden."}},
            )
        return super().posts_by_slugs(rest_base, slugs)

    def posts_by_slugs_raw(self, rest_base: str, slugs: Sequence[str]) -> dict[str, dict[str, Any]]:
        if rest_base == "books":  # the same listing, with the content (adoption.py)
            self.posts_by_slugs(rest_base, slugs)
        return super().posts_by_slugs_raw(rest_base, slugs)


def test_a_type_wordpress_will_not_list_fails_its_files_alone(tmp_path: Path) -> None:
    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "blog")
    folder.write("post.md", "---\ntitle: Post\n---\nA post.\n")
    folder.write("book.md", "---\ntitle: Book\ntype: books\n---\nA book.\n")
    report = folder.sync(wp, client=_Refusing(wp))
    outcome = {f.path: (f.action, f.error) for f in report.files}
    assert outcome["post.md"][0] == "created"
    action, error = outcome["book.md"]
    assert action == "failed"
    assert error == (
        "book.md: your user may not create books (the books type's edit_posts; WordPress "
        "refused to list them: rest_invalid_param) — give the user a role that may edit books"
    )
    assert [p.slug for p in wp.posts()] == ["post"]
