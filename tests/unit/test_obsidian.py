"""The Obsidian dialect: the translation of a note (source/obsidian.py), finding what a link
names (source/vault.py), and the mapper with ``dialect = "obsidian"``."""

from __future__ import annotations

import json
import pickle
import re
from pathlib import Path

import pytest

from wpsync.model import Document
from wpsync.source.blocks import to_blocks
from wpsync.source.content import read_document, scan_content
from wpsync.source.mapping import Mapped, MappingDefaults, map_document
from wpsync.source.obsidian import translate
from wpsync.source.pages import folder_page, folder_parent
from wpsync.source.vault import VaultIndex, scan_vault

VAULT = Path(__file__).resolve().parents[1] / "fixtures" / "archives" / "obsidian"

INDEX = VaultIndex(
    (
        "Home.md",
        "Projects/Projects.md",
        "Projects/Garden Plan.md",
        "Reading/Books/Deep Work.md",
        "Reading/Reading List.md",
        "Archive/Old/Rome.md",
        "Travel/Rome.md",
        "Travel/Italy/Rome.md",
        "Attachments/cover.png",
        "Attachments/manual.pdf",
        "Reading/Books/diagram.png",
        "Projects/plan.png",
        "Projects/assets/local.png",
    ),
    "Attachments",
)


def note(body: str, rel: str = "Projects/Garden Plan.md", vault: VaultIndex = INDEX) -> Mapped:
    doc = Document(rel, {}, body, "0" * 64, body_line=1)
    return map_document(doc, MappingDefaults(dialect="obsidian", vault=vault))


def html(body: str, rel: str = "Projects/Garden Plan.md") -> str:
    return note(body, rel).payload.content


# ---------------------------------------------------------------------------- wikilinks


@pytest.mark.parametrize(
    ("written", "href", "text"),
    [
        ("[[Home]]", "Home.md", "Home"),
        ("[[home]]", "Home.md", "home"),  # case does not matter
        ("[[Home.md]]", "Home.md", "Home"),
        ("[[Home|the start]]", "Home.md", "the start"),
        ("[[Deep Work]]", "Reading/Books/Deep%20Work.md", "Deep Work"),
        ("[[Books/Deep Work]]", "Reading/Books/Deep%20Work.md", "Books/Deep Work"),
        ("[[Reading/Books/Deep Work]]", "Reading/Books/Deep%20Work.md", "Reading/Books/Deep Work"),
        (
            "[[Deep Work#Rules for focus]]",
            "Reading/Books/Deep%20Work.md#rules-for-focus",
            "Deep Work &gt; Rules for focus",
        ),
        ("[[Deep Work#Part#Étape 2: go!]]", "Reading/Books/Deep%20Work.md#etape-2-go", None),
        ("[[Deep Work#^key-idea|the idea]]", "Reading/Books/Deep%20Work.md", "the idea"),
        ("[[Projects]]", "Projects/Projects.md", "Projects"),
        ("[[./Projects]]", "Projects/Projects.md", "./Projects"),
        ("[[../Home]]", "Home.md", "../Home"),
        ("[[#Calendar]]", "#calendar", "Calendar"),
        ("[[Garden Plan#Calendar]]", "#calendar", None),  # its own note: the anchor alone
    ],
)
def test_a_wikilink_becomes_a_link_to_the_note(written: str, href: str, text: str | None) -> None:
    out = html(f"See {written} now.\n")
    found = re.search(r'<a href="([^"]*)">(.*?)</a>', out)
    assert found is not None, out
    assert found.group(1) == href
    if text is not None:
        assert found.group(2) == text
    assert "[[" not in out


def test_links_to_notes_are_collected_as_links_between_files() -> None:
    mapped = note("[[Home]], [[Deep Work#Rules]] and [[Deep Work|again]].\n")
    assert mapped.payload.links == ("Home.md", "Reading/Books/Deep Work.md")
    assert mapped.warnings == ()


def test_a_name_in_several_folders_takes_the_shortest_path_and_says_so() -> None:
    mapped = note("[[Rome]] and [[Italy/Rome]] and [[Old/Rome]].\n")
    assert mapped.payload.links == (
        "Travel/Rome.md",
        "Travel/Italy/Rome.md",
        "Archive/Old/Rome.md",
    )
    [warning] = mapped.warnings
    assert warning.startswith("line 1: [[Rome]] could name Travel/Rome.md or ")
    assert "Archive/Old/Rome.md" in warning and "Travel/Italy/Rome.md" in warning


def test_the_note_beside_the_linking_one_wins_over_others_of_that_name() -> None:
    mapped = note("[[Rome]]\n", rel="Travel/Italy/Notes.md")
    assert mapped.payload.links == ("Travel/Italy/Rome.md",)
    assert mapped.warnings == ()


def test_an_unresolved_wikilink_is_text_with_a_warning_naming_its_line() -> None:
    mapped = note("# Title\n\nFirst.\n\nSee [[Nowhere|the plan]] and [[Missing note]].\n")
    content = mapped.payload.content
    assert "<p>See the plan and Missing note.</p>" in content
    assert "[[" not in content and "href" not in content
    assert mapped.warnings == (
        "line 5: [[Nowhere|the plan]] names no note in the vault; published as its text",
        "line 5: [[Missing note]] names no note in the vault; published as its text",
    )


def test_a_wikilink_in_a_table_uses_the_escaped_pipe() -> None:
    out = html("| a | b |\n| - | - |\n| [[Home\\|home]] | x |\n")
    assert '<td><a href="Home.md">home</a></td>' in out


def test_link_text_cannot_make_markup() -> None:
    out = html("[[Home|<script>alert(1)</script>]] and [[Nowhere|<b>x</b>]]\n")
    assert "<script>" not in out


def test_a_wikilink_to_a_file_that_is_no_note_is_text_with_a_warning() -> None:
    mapped = note("The [[manual.pdf]].\n")
    assert mapped.payload.content == "<p>The manual.pdf.</p>"
    [warning] = mapped.warnings
    assert "[[manual.pdf]] links to a file (Attachments/manual.pdf)" in warning


# ---------------------------------------------------------------------------- embeds


def test_an_image_embed_is_an_uploaded_image_found_in_the_attachment_folder() -> None:
    mapped = note("![[cover.png]]\n")
    assert mapped.payload.content == '<p><img src="Attachments/cover.png" alt="cover.png"></p>'
    [image] = mapped.payload.images
    assert (image.rel, image.alt, image.title) == ("Attachments/cover.png", "cover.png", "")


@pytest.mark.parametrize(
    ("written", "attrs"),
    [
        ("![[cover.png|300]]", 'alt="cover.png" width="300"'),
        ("![[cover.png|300x200]]", 'alt="cover.png" width="300" height="200"'),
        ("![[cover.png|A cover]]", 'alt="A cover"'),
        ("![[cover.png|A cover|640]]", 'alt="A cover" width="640"'),
    ],
)
def test_an_image_embed_keeps_its_size_and_alt_text(written: str, attrs: str) -> None:
    mapped = note(f"{written}\n")
    assert mapped.payload.content == f'<p><img src="Attachments/cover.png" {attrs}></p>'
    assert mapped.payload.images[0].title == ""


def test_a_sized_image_is_a_resized_image_block() -> None:
    blocks = to_blocks(html("![[cover.png|300x200]]\n"), {"Attachments/cover.png": 7})
    assert '<!-- wp:image {"id":7,"width":300,"height":200,"sizeSlug":"full"' in blocks
    assert 'class="wp-block-image is-resized size-full"' in blocks or "is-resized" in blocks


def test_images_are_found_beside_the_note_by_path_and_by_unique_name() -> None:
    mapped = note("![[plan.png]] ![[assets/local.png]] ![[diagram.png]] ![[Books/diagram.png]]\n")
    assert [i.rel for i in mapped.payload.images] == [
        "Projects/plan.png",
        "Projects/assets/local.png",
        "Reading/Books/diagram.png",
    ]


def test_a_missing_image_is_left_for_the_missing_image_error() -> None:
    mapped = note("![[gone.png|200]]\n")
    assert [i.rel for i in mapped.payload.images] == ["Projects/gone.png"]


def test_an_attachment_folder_below_each_note() -> None:
    vault = VaultIndex(("a/b/Note.md", "a/b/assets/x.png", "c/assets/x.png"), "./assets")
    mapped = note("![[x.png]]\n", rel="a/b/Note.md", vault=vault)
    assert [i.rel for i in mapped.payload.images] == ["a/b/assets/x.png"]
    assert mapped.warnings == ()


def test_a_note_embed_is_a_link_to_the_note() -> None:
    mapped = note("![[Deep Work]]\n\n![[Deep Work#Rules for focus]]\n")
    assert mapped.payload.content == (
        '<p><a href="Reading/Books/Deep%20Work.md">Deep Work</a></p>\n'
        '<p><a href="Reading/Books/Deep%20Work.md#rules-for-focus">'
        "Deep Work &gt; Rules for focus</a></p>"
    )


def test_a_pdf_embed_is_its_name_with_a_warning() -> None:
    mapped = note("![[manual.pdf]]\n")
    assert mapped.payload.content == "<p>manual.pdf</p>"
    assert "does not publish" in mapped.warnings[0]


# ---------------------------------------------------------------------------- callouts


def test_a_callout_is_wpsyncs_callout_with_its_title_and_markdown_body() -> None:
    out = html("> [!tip] Hydration **matters**\n> 75 % is [[Home|forgiving]].\n> - a list\n")
    assert out == (
        '<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Hydration <strong>matters</strong></p>\n'
        '<p>75 % is <a href="Home.md">forgiving</a>.</p>\n<ul>\n<li>a list</li>\n</ul>\n</div>'
    )


@pytest.mark.parametrize(
    ("first", "kind", "title"),
    [
        ("> [!NOTE]", "note", "NOTE"),
        ("> [!abstract]", "abstract", "Abstract"),
        ("> [!faq]- Folded", "faq", "Folded"),
        ("> [!faq]+ Open", "faq", "Open"),
        ("> [!my-type] Mine", "mytype", "Mine"),
        ("> [!info|wide] Meta", "info", "Meta"),
        ("  > [!warning] Indented", "warning", "Indented"),
    ],
)
def test_callout_kinds_titles_and_folding(first: str, kind: str, title: str) -> None:
    out = html(f"{first}\n {first[: first.index('>')]}> Body.\n")
    out = "\n".join(line.strip() for line in out.split("\n"))
    assert out.startswith(
        f'<div class="wpsync-callout wpsync-callout-{kind}">\n'
        f'<p class="wpsync-callout-title">{title}</p>\n<p>Body.</p>'
    ), out
    assert "[!" not in out


def test_a_callout_in_a_list_item_stays_in_it() -> None:
    out = html("1. one\n   > [!tip]\n   > inside\n2. two\n\n- item\n\n    > [!note] T\n    > b\n")
    assert re.sub(r"\n\s+", "\n", out) == (
        '<ol>\n<li>\n<p>one</p>\n<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Tip</p>\n<p>inside</p>\n</div>\n</li>\n'
        "<li>\n<p>two</p>\n</li>\n</ol>\n"
        '<ul>\n<li>\n<p>item</p>\n<div class="wpsync-callout wpsync-callout-note">\n'
        '<p class="wpsync-callout-title">T</p>\n<p>b</p>\n</div>\n</li>\n</ul>'
    )


def test_nested_callouts_and_a_callout_in_a_quote() -> None:
    out = html(
        "> [!question] Outer\n> Text.\n> > [!todo] Inner\n> > Deeper.\n\n"
        "> A quote.\n> > [!note] In a quote\n> > Yes.\n"
    )
    assert out.count('<div class="wpsync-callout') == 3
    assert "[!" not in out
    assert "<blockquote>\n<p>A quote.</p>\n<div" in out
    blocks = to_blocks(out)
    assert blocks.count("<!-- wp:group") == 3 and "wp:html" not in blocks


def test_callouts_with_the_python_markdown_engine() -> None:
    doc = Document("a.md", {}, "> [!tip] Title\n> Body **bold**.\n>\n> - item\n", "0" * 64)
    defaults = MappingDefaults(markdown="python-markdown", dialect="obsidian", vault=INDEX)
    assert map_document(doc, defaults).payload.content == (
        '<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Title</p>\n'
        "<p>Body <strong>bold</strong>.</p>\n<ul>\n<li>item</li>\n</ul>\n</div>"
    )


def test_a_title_only_callout_and_a_plain_quote() -> None:
    out = html("> [!tip] Only a title\n\n> Just a quote [!not] a callout.\n")
    assert out == (
        '<div class="wpsync-callout wpsync-callout-tip">\n'
        '<p class="wpsync-callout-title">Only a title</p>\n</div>\n'
        "<blockquote>\n<p>Just a quote [!not] a callout.</p>\n</blockquote>"
    )


# ---------------------------------------------------------------------------- comments etc.


def test_comments_are_removed_inline_and_as_blocks() -> None:
    body = (
        "# T\n\nKeep %%secret one%% this.\n\n%%\nsecret two\n\n- secret list\n"
        "```\nsecret code\n```\n%%\n\nAfter %%multi\nline secret%% end.\n"
    )
    mapped = note(body)
    assert "secret" not in mapped.payload.content
    assert "<p>Keep  this.</p>" in mapped.payload.content
    assert "After" in mapped.payload.content and "end." in mapped.payload.content
    assert mapped.warnings == ()


def test_an_unclosed_comment_hides_the_rest_and_warns() -> None:
    mapped = note("Shown.\n\n%% private\n\nstill private\n")
    assert mapped.payload.content == "<p>Shown.</p>"
    assert mapped.warnings == (
        "line 3: a %% comment is not closed; the rest of the note is left out, "
        "as Obsidian hides it",
    )


def test_highlights_block_ids_and_tags() -> None:
    out = html("A ==marked *bit*== here. ^abc-1\n\n- item ^x\n\n^lone-id\n\nSee #tag and a == b.\n")
    assert out == (
        "<p>A <mark>marked <em>bit</em></mark> here.</p>\n<ul>\n<li>item</li>\n</ul>\n"
        "<p>See #tag and a == b.</p>"
    )


def test_urls_and_html_attributes_keep_their_equal_signs() -> None:
    out = html('[x](https://e.org/?a==b==) <span title="==t==">s</span>\n')
    assert 'href="https://e.org/?a==b=="' in out and 'title="==t=="' in out
    assert "<mark>" not in out


# ---------------------------------------------------------------------------- code


CODE_NOTE = (
    "Inline `[[no]] ==no== %%no%%` and ``a `[[tick]]` b``.\n\n"
    "```python\n[[kept]] ==kept== %%kept%%\n\tx == y  # ^not-an-id\n```\n\n"
    "~~~\n> [!note] kept\n~~~\n\n"
    "    indented [[kept]] %%kept%%\n\n"
    "> [!example] Code in a callout\n> ```\n> ![[kept.png]]\n> \ttab\n> ```\n\n"
    "- item\n\n  ```\n  ==kept in a list==\n  ```\n"
)


def test_code_is_never_translated() -> None:
    body = CODE_NOTE
    translated = translate(body, "Projects/Garden Plan.md", INDEX)
    for kept in (
        "`[[no]] ==no== %%no%%`",
        "``a `[[tick]]` b``",
        "[[kept]] ==kept== %%kept%%\n\tx == y  # ^not-an-id\n",
        "~~~\n> [!note] kept\n~~~",
        "    indented [[kept]] %%kept%%",
        "```\n![[kept.png]]\n\ttab\n```",
        "  ==kept in a list==",
    ):
        assert kept in translated.text, kept
    mapped = note(body)
    assert mapped.payload.images == () and mapped.payload.links == ()
    assert mapped.warnings == ()


def test_a_comment_marker_in_code_does_not_open_a_comment() -> None:
    out = html("`%%` and\n\n```\n%%\n```\n\nvisible\n")
    assert "visible" in out and out.count("%%") == 2


# ---------------------------------------------------------------------------- front matter


def test_obsidian_properties_are_known_and_publish_false_is_a_draft() -> None:
    doc = Document(
        "Ideas/Someday.md",
        {
            "aliases": ["x"],
            "alias": "y",
            "cssclasses": ["wide"],
            "cssclass": "n",
            "publish": False,
        },
        "Text.\n",
        "0" * 64,
    )
    mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=INDEX))
    assert mapped.payload.status == "draft"
    assert mapped.warnings == ()


def test_plain_markdown_is_not_translated() -> None:
    doc = Document("a.md", {}, "[[Home]] ==x== %%y%%\n", "0" * 64)
    assert map_document(doc, MappingDefaults()).payload.content == "<p>[[Home]] ==x== %%y%%</p>"


# ---------------------------------------------------------------------------- folder notes


def test_a_folder_note_is_its_folders_page() -> None:
    pages = {"Projects/Projects.md", "Projects/Garden Plan.md", "Projects/Sub/Deep.md"}
    assert folder_page("Projects", pages) == "Projects/Projects.md"
    assert folder_parent("Projects/Garden Plan.md", pages) == "Projects/Projects.md"
    assert folder_parent("Projects/Sub/Deep.md", pages) == "Projects/Projects.md"
    assert folder_parent("Projects/Projects.md", pages) is None
    # an index page still wins
    assert folder_page("Projects", pages | {"Projects/index.md"}) == "Projects/index.md"


# ---------------------------------------------------------------------------- the vault


def test_scan_vault_lists_every_file_and_reads_the_attachment_folder(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "app.json").write_text(json.dumps({"attachmentFolderPath": "/files"}))
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "a.png").write_bytes(b"x")
    (tmp_path / ".trash").mkdir()
    (tmp_path / ".trash" / "old.md").write_text("x")
    (tmp_path / "n.md").write_text("x")
    index = scan_vault(tmp_path)
    assert index.files == ("files/a.png", "n.md")
    assert index.attachment_folder == "files"
    assert pickle.loads(pickle.dumps(index)) == index


def test_scan_vault_finds_the_settings_above_the_content_folder(tmp_path: Path) -> None:
    (tmp_path / ".obsidian").mkdir()
    (tmp_path / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "./assets"}')
    (tmp_path / "notes").mkdir()
    assert scan_vault(tmp_path / "notes", tmp_path).attachment_folder == "./assets"
    (tmp_path / ".obsidian" / "app.json").write_text("not json")
    assert scan_vault(tmp_path / "notes", tmp_path).attachment_folder is None


def test_the_sample_vault_translates_without_raw_syntax() -> None:
    vault = scan_vault(VAULT)
    assert vault.attachment_folder == "Attachments"
    notes = scan_content(VAULT).files
    assert len(notes) >= 12
    for found in notes:
        doc = read_document(VAULT, found.rel)
        mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=vault))
        prose = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", mapped.payload.content, flags=re.S)
        for raw in ("[[", "![[", "[!", "%%", "=="):
            assert raw not in prose, (found.rel, raw)
        assert "PRIVATE-COMMENT" not in mapped.payload.content, found.rel
        for image in mapped.payload.images:
            assert (VAULT / image.rel).is_file(), image.rel
        for link in mapped.payload.links:
            assert (VAULT / link).is_file(), link


# ---------------------------------------------------------------------------- re-rendering


def test_turning_the_dialect_on_re_renders_the_notes_it_changes(tmp_path: Path) -> None:
    from tests.fakewp import FakeWordPress, Folder, only_the_remote_check
    from wpsync.engine.preview import run_plan

    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "vault")
    folder.write("Home.md", "# Home\n\nSee [[Other]] ==now==.\n")
    folder.write("Other.md", "# Other\n\nNothing Obsidian here.\n")
    first = folder.sync(wp)
    assert {f.path: f.action for f in first.files} == dict.fromkeys(
        ["Home.md", "Other.md"], "created"
    )
    home = next(p for p in wp.posts() if p.slug == "home")
    assert "[[Other]]" in home.content

    (folder.content / ".obsidian").mkdir()  # now it is a vault: dialect "auto" finds it
    plan = {p.path: p for p in run_plan(folder.config, client_factory=wp.client_factory()).files}
    assert plan["Home.md"].action == "update"
    assert plan["Home.md"].reason.startswith("rendering changed")
    assert plan["Other.md"].action == "unchanged"
    report = folder.sync(wp)
    assert {f.path: f.action for f in report.files} == {
        "Home.md": "updated",
        "Other.md": "unchanged",
    }
    assert "<mark>now</mark>" in home.content and "[[" not in home.content
    assert "/other/" in home.content  # the note's permalink
    mark = wp.request_count
    again = folder.sync(wp)
    assert {f.action for f in again.files} == {"unchanged"}
    assert only_the_remote_check(wp.requests[mark:])


# ---------------------------------------------------------------------------- hostile notes


@pytest.mark.parametrize(
    "body",
    [
        "".join("`" * n + "a" for n in range(1, 2500)),  # backtick runs of every length
        "==a " * 100_000,  # highlights that never close
        "x ^" + " " * 200_000 + "y",  # spaces before no block id
        "%%" + "`x" * 100_000,
        "[[" * 50_000 + "]]",
    ],
    ids=["backtick-runs", "open-highlights", "spaces", "comment-and-ticks", "brackets"],
)
def test_notes_made_to_hurt_are_translated_fast(body: str) -> None:
    import time

    started = time.perf_counter()
    translate(body, "a.md", INDEX)
    assert time.perf_counter() - started < 2.0


def test_quotes_nested_too_deep_fail_the_note_with_the_usual_reason() -> None:
    from wpsync.errors import DocumentError

    with pytest.raises(DocumentError, match="nested more than 64 levels"):
        note("> " * 70 + "[!note] x\n")
    with pytest.raises(DocumentError, match="nested"):
        note("".join("  " * i + "- x\n" for i in range(200)))


# ---------------------------------------------------------------------------- a note's own properties


def test_a_type_or_status_of_the_notes_own_is_a_property_not_a_failure() -> None:
    # ObsidianTTRPGProject/ObsidianTTRPGVault, 1-Session Journals/2023-10-26.md
    doc = Document(
        "Journal/2023-10-26.md",
        {"type": "Session Journal", "Status": ["⏳"], "sessionDate": "2000-01-01"},
        "This is what happened!\n",
        "0" * 64,
    )
    mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=INDEX))
    assert mapped.payload.rest_base == "posts" and mapped.payload.status == "publish"
    assert mapped.warnings[:2] == (
        "unknown front-matter key 'sessionDate' ignored",
        "front-matter key 'type' ('Session Journal') is a property of the note (post or "
        "page would be WordPress's), not a WordPress post type; ignored",
    )
    assert "front-matter key 'Status' must be one of" in mapped.warnings[2]
    # WordPress's own values still count
    doc = Document("a.md", {"type": "page", "status": "draft"}, "x\n", "0" * 64)
    mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=INDEX))
    assert (mapped.payload.rest_base, mapped.payload.status) == ("pages", "draft")


def test_a_notes_title_is_its_name_as_written() -> None:
    for rel, title in [
        ("Journal/2023-10-26.md", "2023-10-26"),
        ("Notes/acolyte.md", "acolyte"),
        ("Notes/2024-01-02-standup.md", "2024-01-02-standup"),
        ("Notes/Work in Layers.md", "Work in Layers"),
    ]:
        doc = Document(rel, {}, "Text.\n", "0" * 64)
        mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=INDEX))
        assert mapped.payload.title == title
        assert mapped.payload.title_from_name
    doc = Document("Journal/2023-10-26.md", {}, "Text.\n", "0" * 64)
    assert map_document(doc, MappingDefaults()).payload.title == "2023 10 26"  # plain


def test_front_matter_tags_lose_their_hash_and_split_on_spaces() -> None:
    for tags, wanted in [
        (["#daily", "notes/zettel"], ("daily", "notes/zettel")),
        ("#a #b/c", ("a", "b/c")),
        ("recipe, cooking", ("recipe", "cooking")),
        (["#", "x", "#x"], ("x",)),
    ]:
        doc = Document("a.md", {"tags": tags}, "x\n", "0" * 64)
        mapped = map_document(doc, MappingDefaults(dialect="obsidian", vault=INDEX))
        assert mapped.payload.tags == wanted, tags
    doc = Document("a.md", {"tags": ["#daily"]}, "x\n", "0" * 64)
    assert map_document(doc, MappingDefaults()).payload.tags == ("#daily",)  # plain


# ---------------------------------------------------------------------------- Markdown links


@pytest.mark.parametrize(
    ("written", "href"),
    [
        # obsidianmd/obsidian-help: "[Three laws of motion](Three%20laws%20of%20motion.md)"
        ("[x](Deep%20Work.md)", "../Reading/Books/Deep%20Work.md"),
        ("[x](<Deep Work.md>)", "../Reading/Books/Deep%20Work.md"),
        ("[x](Reading/Books/Deep%20Work)", "../Reading/Books/Deep%20Work.md"),  # no .md
        ("[x](/Reading/Reading%20List.md)", "../Reading/Reading%20List.md"),  # vault root
        (
            "[x](Deep%20Work.md#Rules%20for%20focus)",
            "../Reading/Books/Deep%20Work.md#rules-for-focus",
        ),
        ("[x](Deep%20Work.md#^key-idea)", "../Reading/Books/Deep%20Work.md"),
        ("[x](#Calendar%20and%20more)", "#calendar-and-more"),
        ('[x](Home.md "the start")', "../Home.md"),
        ("[x](https://e.org/a.md#B%20c)", "https://e.org/a.md#B%20c"),
        ("[x](Nowhere.md#Part)", "Nowhere.md#Part"),  # no such note: left for the usual rules
    ],
)
def test_a_markdown_link_is_followed_as_obsidian_follows_it(written: str, href: str) -> None:
    translated = translate(written + "\n", "Projects/Garden Plan.md", INDEX)
    assert f"]({href}" in translated.text
    assert f"({href}" in translated.text and "`" not in translated.text


def test_a_markdown_link_in_code_stays() -> None:
    body = "`[x](Deep%20Work.md#A%20b)`\n"
    assert translate(body, "Projects/Garden Plan.md", INDEX).text == body


def test_dataviews_file_name_query_is_the_notes_name() -> None:
    # ObsidianTTRPGProject/ObsidianTTRPGVault: "# `=this.file.name`", "Name: `= this.file.name`"
    body = "# `=this.file.name`\n\nName: `= this.file.name`, `=this.file.day`\n\n```\n`=this.file.name`\n```\n"
    mapped = note(body, rel="Quests/Beat [the] Goblin.md")
    assert mapped.payload.title == "Beat [the] Goblin"
    assert "<p>Name: Beat [the] Goblin, <code>=this.file.day</code></p>" in mapped.payload.content
    assert "<code>`=this.file.name`</code>" in mapped.payload.content


def test_a_markdown_link_to_no_note_is_warned_about_with_its_line() -> None:
    # ObsidianTTRPGProject/ObsidianTTRPGVault, acolyte.md: "a prayer [book](/3-Mechanics/CLI/items/book.md)"
    body = "Intro.\n\nA [book](/Items/book.md), [a page](guide/) and [home](Home.md).\n"
    translated = translate(body, "Projects/Garden Plan.md", INDEX)
    assert translated.warnings == ("line 3: (/Items/book.md) names no note in the vault",)
    assert "[book](/Items/book.md)" in translated.text and "[a page](guide/)" in translated.text
