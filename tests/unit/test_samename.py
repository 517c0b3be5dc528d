"""Same file name in different folders: the slug each file gets, whatever the order the
files are found in, and never taken from a post that has it."""

from __future__ import annotations

import itertools

from wpsync.engine.samename import Claim, SlugBook, candidates
from wpsync.source.pages import folder_page, folder_parent


def post(rel: str, slug: str = "introduction", *, held: str | None = None) -> Claim:
    return Claim(rel, "posts", "", slug, held=held)


def slugs(book: SlugBook, claims: list[Claim]) -> dict[str, str]:
    return {rel: given.slug for rel, given in book.settle(claims).items()}


def test_candidates_put_the_nearest_folders_in_front() -> None:
    assert candidates("a/b/introduction.md", "introduction") == [
        "b-introduction",
        "a-b-introduction",
    ]
    # an index or README is named after its folder: the folder above goes in front
    assert candidates("docs/guide/README.md", "guide") == ["docs-guide"]
    assert candidates("introduction.md", "introduction") == []


def test_same_named_posts_get_deterministic_slugs_whatever_the_order() -> None:
    claims = [
        post("templates/introduction.md"),
        post("about/introduction.md"),
        post("introduction.md"),
    ]
    results = [slugs(SlugBook(), list(order)) for order in itertools.permutations(claims)]
    assert all(r == results[0] for r in results)
    assert results[0] == {
        "introduction.md": "introduction",  # nearest the top keeps it
        "about/introduction.md": "about-introduction",
        "templates/introduction.md": "templates-introduction",
    }
    given = SlugBook().settle(claims)
    assert given["about/introduction.md"].warning == (
        "slug 'about-introduction': 'introduction' is already introduction.md's "
        "(set `slug:` in the front matter to choose another)"
    )


def test_a_published_post_keeps_its_slug_when_another_file_of_its_name_comes() -> None:
    # about/ and templates/ were published; a root introduction.md arrives
    fixed = [(("posts", "", "introduction"), "about/introduction.md")]
    fixed.append((("posts", "", "templates-introduction"), "templates/introduction.md"))
    book = SlugBook(fixed)
    assert slugs(book, [post("introduction.md")]) == {"introduction.md": "introduction-2"}
    # and an edited one keeps the slug it was given
    book = SlugBook(fixed[:1])
    edited = post("templates/introduction.md", held="templates-introduction")
    assert slugs(book, [edited]) == {"templates/introduction.md": "templates-introduction"}
    # … even when the file that had the plain slug is gone
    assert slugs(SlugBook(), [edited]) == {"templates/introduction.md": "templates-introduction"}


def test_pages_under_other_parents_keep_their_slug() -> None:
    claims = [
        Claim("about/introduction.md", "pages", "about/README.md", "introduction"),
        Claim("templates/introduction.md", "pages", "templates/README.md", "introduction"),
        Claim("introduction.md", "posts", "", "introduction"),  # a post: another type
    ]
    assert set(slugs(SlugBook(), claims).values()) == {"introduction"}
    top = [
        Claim("a/introduction.md", "pages", "", "introduction"),
        Claim("b/introduction.md", "pages", "", "introduction"),
    ]
    assert slugs(SlugBook(), top) == {
        "a/introduction.md": "introduction",
        "b/introduction.md": "b-introduction",
    }


def test_two_files_asking_for_one_slug_in_front_matter_fail_the_second() -> None:
    claims = [
        Claim("b.md", "posts", "", "same", explicit=True),
        Claim("a.md", "posts", "", "same", explicit=True),
        Claim("same.md", "posts", "", "same"),
    ]
    given = SlugBook().settle(claims)
    assert given["a.md"].slug == "same" and not given["a.md"].error
    assert given["b.md"].error == "slug 'same' is also used by a.md"
    assert given["same.md"].slug == "same-2"  # written slugs win over file names


def test_a_readme_is_its_folders_page_when_there_is_no_index() -> None:
    pages = {"guide/README.md", "guide/intro.md", "about/index.md", "about/README.md"}
    assert folder_page("guide", pages) == "guide/README.md"
    assert folder_page("about", pages) == "about/index.md"
    assert folder_parent("guide/intro.md", pages) == "guide/README.md"
    assert folder_parent("guide/README.md", pages) is None
