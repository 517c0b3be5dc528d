"""Reading the content tree: scan rules and read_document's errors, line numbers and splitting."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from wpsync.errors import DocumentError
from wpsync.source import content
from wpsync.source.content import is_ignored_name, is_markdown, read_document, scan_content


def write(root: Path, rel: str, data: str | bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def rels(root: Path) -> list[str]:
    return [f.rel for f in scan_content(root).files]


def error_for(root: Path, rel: str, *, max_bytes: int = content.DEFAULT_MAX_BYTES) -> DocumentError:
    with pytest.raises(DocumentError) as caught:
        read_document(root, rel, max_bytes=max_bytes)
    return caught.value


JEKYLL_POST = """\
---
layout: post
title: "Welcome to Jekyll!"
date: 2024-03-05 10:00:00 +0200
categories: jekyll update
tags:
  - intro
  - setup
---

You'll find this post in your `_posts` directory.

```ruby
def print_hi(name)
  puts "Hi, #{name}"
end
```
"""


# ---------------------------------------------------------------------------- scan


def test_scan_finds_markdown_in_sub_folders_sorted_with_posix_paths(tmp_path: Path) -> None:
    write(tmp_path, "b.md", "# B")
    write(tmp_path, "a.markdown", "# A")
    write(tmp_path, "guides/python/setup.md", "# Setup")
    write(tmp_path, "guides/notes.txt", "not markdown")
    write(tmp_path, "img/logo.png", b"\x89PNG")
    assert rels(tmp_path) == ["a.markdown", "b.md", "guides/python/setup.md"]


def test_scan_reports_size_and_mtime_from_the_directory_entry(tmp_path: Path) -> None:
    path = write(tmp_path, "post.md", "# Hello\n")
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_123_456_789))
    (found,) = scan_content(tmp_path).files
    assert (found.rel, found.size, found.mtime_ns) == ("post.md", 8, 1_700_000_000_123_456_789)


def test_scan_skips_hidden_files_and_folders(tmp_path: Path) -> None:
    write(tmp_path, ".git/HEAD.md", "x")
    write(tmp_path, ".wpsync/state.md", "x")
    write(tmp_path, ".foo.md", "x")
    write(tmp_path, "drafts/.hidden/post.md", "x")
    write(tmp_path, "post.md", "x")
    assert rels(tmp_path) == ["post.md"]


@pytest.mark.parametrize(
    "name",
    [
        "post.md~",
        ".post.md.swp",
        "post.md.swp",
        "post.md.swx",
        "4913",
        "post.md___jb_tmp___",
        "post.md___jb_old___",
        ".#post.md",
        "#post.md#",
        "post.md.tmp",
        ".hidden.md",
    ],
)
def test_editor_temp_swap_and_backup_files_are_ignored(tmp_path: Path, name: str) -> None:
    assert is_ignored_name(name)
    write(tmp_path, name, "x")
    write(tmp_path, "post.md", "x")
    assert rels(tmp_path) == ["post.md"]


@pytest.mark.parametrize("name", ["post.md", "index.markdown", "README.MD", "a~b.md", "4914.md"])
def test_ordinary_names_are_not_ignored(name: str) -> None:
    assert not is_ignored_name(name)
    assert is_markdown(name)


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("posts/a.md", True),
        ("posts/a.markdown", True),
        ("posts/a.txt", False),
        ("posts/.a.md", False),
        ("posts/a.md~", False),
        ("posts/a.md.swp", False),
        ("md", False),
    ],
)
def test_is_markdown(rel: str, expected: bool) -> None:
    assert is_markdown(rel) is expected


def test_a_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    write(tmp_path, "real/post.md", "# Post")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (tmp_path / "linked.md").symlink_to(tmp_path / "real/post.md")
    result = scan_content(tmp_path)
    assert [f.rel for f in result.files] == ["alias/post.md", "linked.md", "real/post.md"]
    assert result.errors == ()


def test_a_symlink_escaping_the_root_is_an_error_entry_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "content"
    outside = tmp_path / "outside"
    write(outside, "secret.md", "# Secret")
    write(root, "post.md", "# Post")
    (root / "escape").symlink_to(outside, target_is_directory=True)
    (root / "escape.md").symlink_to(outside / "secret.md")
    result = scan_content(root)
    assert [f.rel for f in result.files] == ["post.md"]
    assert sorted(e.path for e in result.errors) == ["escape", "escape.md"]
    assert all("outside the content folder" in e.reason for e in result.errors)


def test_a_symlink_loop_is_an_error_entry_not_a_crash(tmp_path: Path) -> None:
    write(tmp_path, "docs/post.md", "# Post")
    (tmp_path / "docs/again").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    result = scan_content(tmp_path)
    assert [f.rel for f in result.files] == ["docs/post.md"]
    reasons = {e.path: e.reason for e in result.errors}
    assert set(reasons) == {"a.md", "b.md", "docs/again"}
    assert all("loop" in reason for reason in reasons.values())


def test_a_broken_symlink_is_an_error_entry(tmp_path: Path) -> None:
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    result = scan_content(tmp_path)
    assert result.files == ()
    assert [(e.path, e.reason) for e in result.errors] == [
        ("gone.md", "broken symlink: its target does not exist")
    ]


def test_an_unreadable_directory_is_an_error_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "ok/post.md", "# Post")
    write(tmp_path, "locked/post.md", "# Post")
    real_scandir = os.scandir

    def scandir(path: str) -> object:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(content.os, "scandir", scandir)
    result = scan_content(tmp_path)
    assert [f.rel for f in result.files] == ["ok/post.md"]
    assert [(e.path, e.reason) for e in result.errors] == [
        ("locked", "cannot read directory: permission denied")
    ]


def test_a_file_name_that_is_not_utf8_is_an_error_entry(tmp_path: Path) -> None:
    bad = os.fsdecode(b"caf\xe9.md")
    (tmp_path / bad).write_text("# Café")
    write(tmp_path, "ok.md", "# OK")
    result = scan_content(tmp_path)
    assert [f.rel for f in result.files] == ["ok.md"]
    (error,) = result.errors
    assert "not valid UTF-8" in error.reason
    assert error.path == "caf\\xe9.md"


def test_a_missing_content_folder_is_an_error_entry(tmp_path: Path) -> None:
    result = scan_content(tmp_path / "nope")
    assert result.files == ()
    assert "cannot read the content folder" in result.errors[0].reason


def test_scanning_ten_thousand_files_finds_them_all(tmp_path: Path) -> None:
    for folder in range(100):
        base = tmp_path / f"section-{folder:03d}"
        base.mkdir()
        for n in range(100):
            (base / f"post-{n:03d}.md").write_bytes(b"# x\n")
    result = scan_content(tmp_path)
    assert len(result.files) == 10_000 and not result.errors
    assert result.files[0].rel == "section-000/post-000.md"  # sorted, POSIX paths


# ---------------------------------------------------------------------------- read: splitting


def test_a_jekyll_post_splits_into_front_matter_and_body(tmp_path: Path) -> None:
    write(tmp_path, "_posts/2024-03-05-welcome.md", JEKYLL_POST)
    doc = read_document(tmp_path, "_posts/2024-03-05-welcome.md")
    assert doc.rel == "_posts/2024-03-05-welcome.md"
    assert doc.front_matter == {
        "layout": "post",
        "title": "Welcome to Jekyll!",
        "date": "2024-03-05 10:00:00 +0200",  # not a YAML timestamp: the mapper parses it
        "categories": "jekyll update",
        "tags": ["intro", "setup"],
    }
    assert doc.body.startswith("You'll find this post")
    assert doc.body.endswith("end\n```\n")
    assert doc.body_line == 11
    assert doc.key_lines == {"layout": 2, "title": 3, "date": 4, "categories": 5, "tags": 6}
    assert doc.source_hash == hashlib.sha256(JEKYLL_POST.encode()).hexdigest()


def test_yaml_dates_arrive_as_date_and_datetime_objects(tmp_path: Path) -> None:
    write(
        tmp_path,
        "p.md",
        "---\nday: 2024-01-05\nat: 2024-01-05T10:00:00Z\nnaive: 2024-01-05 10:00:00\n---\nx",
    )
    fm = read_document(tmp_path, "p.md").front_matter
    assert fm["day"] == date(2024, 1, 5)
    assert fm["at"] == datetime(2024, 1, 5, 10, tzinfo=UTC)
    assert fm["naive"] == datetime(2024, 1, 5, 10)


def test_an_impossible_yaml_date_is_kept_as_text_for_the_mapper_to_report(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\ntitle: T\ndate: 2023-02-30\n---\nx")
    doc = read_document(tmp_path, "p.md")
    assert doc.front_matter["date"] == "2023-02-30"
    assert doc.key_lines["date"] == 3


def test_a_file_without_front_matter_is_all_body(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "\n\n# Title\n\nText with a rule:\n\n---\n\nmore\n")
    doc = read_document(tmp_path, "p.md")
    assert doc.front_matter == {}
    assert doc.body == "# Title\n\nText with a rule:\n\n---\n\nmore\n"
    assert doc.body_line == 3


def test_front_matter_may_follow_blank_lines(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "\n\n---\ntitle: T\n---\nBody\n")
    doc = read_document(tmp_path, "p.md")
    assert doc.front_matter == {"title": "T"}
    assert doc.key_lines == {"title": 4}
    assert doc.body_line == 6


def test_front_matter_without_a_body_gives_an_empty_body(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\ntitle: Only a title\n---\n")
    doc = read_document(tmp_path, "p.md")
    assert (doc.front_matter, doc.body) == ({"title": "Only a title"}, "")


def test_empty_front_matter_is_an_empty_mapping(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\n---\nBody\n")
    doc = read_document(tmp_path, "p.md")
    assert (doc.front_matter, doc.body, doc.body_line) == ({}, "Body\n", 3)


def test_an_indented_code_block_at_the_start_of_the_body_keeps_its_indent(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\ntitle: T\n---\n\n    code\n")
    assert read_document(tmp_path, "p.md").body == "    code\n"


def test_hugo_toml_front_matter(tmp_path: Path) -> None:
    write(
        tmp_path,
        "post.md",
        '+++\ntitle = "Hugo post"\ndate = 2024-02-01T08:00:00-05:00\ndraft = false\n'
        'tags = ["go", "hugo"]\n\n[taxonomies]\nseries = ["intro"]\n+++\n\nBody\n',
    )
    doc = read_document(tmp_path, "post.md")
    assert doc.front_matter == {
        "title": "Hugo post",
        "date": datetime(2024, 2, 1, 8, tzinfo=timezone(timedelta(hours=-5))),
        "draft": False,
        "tags": ["go", "hugo"],
        "taxonomies": {"series": ["intro"]},
    }
    assert doc.key_lines == {"title": 2, "date": 3, "draft": 4, "tags": 5, "taxonomies": 7}
    assert (doc.body, doc.body_line) == ("Body\n", 11)


def test_broken_toml_front_matter_names_the_line_in_the_file(tmp_path: Path) -> None:
    write(tmp_path, "post.md", '+++\ntitle = "ok"\ndate = \n+++\nBody')
    error = error_for(tmp_path, "post.md")
    assert error.line == 3
    assert error.reason.startswith("invalid TOML front matter: Invalid value")
    assert str(error).startswith("post.md:3: ")


def test_json_front_matter_with_nested_objects(tmp_path: Path) -> None:
    write(
        tmp_path,
        "post.md",
        '{\n  "title": "JSON post",\n  "meta": {\n    "title": "nested"\n  },\n'
        '  "tags": ["a"]\n}\n\nBody\n',
    )
    doc = read_document(tmp_path, "post.md")
    assert doc.front_matter == {"title": "JSON post", "meta": {"title": "nested"}, "tags": ["a"]}
    assert doc.key_lines == {"title": 2, "meta": 3, "tags": 6}
    assert (doc.body, doc.body_line) == ("Body\n", 9)


def test_broken_json_front_matter_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "post.md", '{\n  "title": "JSON post",\n  "tags": [a]\n}\n\nBody\n')
    error = error_for(tmp_path, "post.md")
    assert (error.line, error.reason.split(":")[0]) == (3, "invalid JSON front matter")


def test_text_after_the_closing_json_brace_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "post.md", '{\n  "title": "x"\n} trailing\nBody\n')
    assert error_for(tmp_path, "post.md").line == 3


# ---------------------------------------------------------------------------- read: errors


def test_a_broken_yaml_front_matter_names_the_file_and_line(tmp_path: Path) -> None:
    write(tmp_path, "posts/bad.md", "---\nlayout: post\ntitle: Python: a primer\n---\nBody\n")
    error = error_for(tmp_path, "posts/bad.md")
    assert error.path == "posts/bad.md"
    assert error.line == 3
    assert str(error).startswith("posts/bad.md:3: invalid YAML front matter: mapping values")
    assert error.hint is not None and "quote" in error.hint


def test_a_yaml_error_after_leading_blank_lines_still_names_the_file_line(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "\n---\ntitle: ok\ntags: [a, b\nx: 1\n---\nBody\n")
    assert error_for(tmp_path, "p.md").line == 5


def test_tabs_in_yaml_get_a_hint(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\ntags:\n\t- a\n---\nBody\n")
    error = error_for(tmp_path, "p.md")
    assert error.line == 3
    assert error.hint is not None and "tabs" in error.hint


@pytest.mark.parametrize(
    ("front_matter", "kind"),
    [("- a\n- b", "a list"), ("just a sentence", "a string"), ("42", "a number")],
)
def test_front_matter_that_is_not_a_mapping_is_an_error(
    tmp_path: Path, front_matter: str, kind: str
) -> None:
    write(tmp_path, "p.md", f"---\n{front_matter}\n---\nBody\n")
    error = error_for(tmp_path, "p.md")
    assert error.reason == f"YAML front matter must be a mapping of keys to values, not {kind}"
    assert error.line == 1


def test_unclosed_front_matter_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "---\ntitle: T\n\nBody without the closing line\n")
    error = error_for(tmp_path, "p.md")
    assert (error.line, error.reason) == (1, "YAML front matter opened with '---' is never closed")


def test_a_utf8_bom_is_stripped_but_hashed(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf---\ntitle: BOM\n---\nBody\n"
    write(tmp_path, "p.md", raw)
    doc = read_document(tmp_path, "p.md")
    assert doc.front_matter == {"title": "BOM"}
    assert doc.source_hash == hashlib.sha256(raw).hexdigest()


def test_crlf_and_cr_line_endings_become_lf(tmp_path: Path) -> None:
    write(tmp_path, "crlf.md", b"---\r\ntitle: Windows\r\n---\r\n\r\nOne\r\nTwo\r\n")
    write(tmp_path, "cr.md", b"---\rtitle: Old Mac\r---\rOne\rTwo\r")
    crlf = read_document(tmp_path, "crlf.md")
    cr = read_document(tmp_path, "cr.md")
    assert (crlf.front_matter, crlf.body, crlf.body_line) == ({"title": "Windows"}, "One\nTwo\n", 5)
    assert (cr.front_matter, cr.body, cr.body_line) == ({"title": "Old Mac"}, "One\nTwo\n", 4)


def test_a_file_that_is_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    write(tmp_path, "latin1.md", "---\ntitle: ok\n---\n\nCaf\xe9 au lait\n".encode("latin-1"))
    error = error_for(tmp_path, "latin1.md")
    assert error.line == 5
    assert error.reason == "not valid UTF-8: byte 0xE9 at column 4 cannot be decoded"
    assert error.hint is not None and "UTF-8" in error.hint


def test_a_binary_file_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "image.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    error = error_for(tmp_path, "image.md")
    assert error.reason == "binary file (contains NUL bytes), not Markdown"


def test_a_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "# Title\n".encode("utf-16"))
    assert error_for(tmp_path, "p.md").reason == "file is UTF-16 encoded"


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", b"\xef\xbb\xbf\r\n"])
def test_an_empty_or_whitespace_only_file_is_an_error(tmp_path: Path, data: bytes) -> None:
    write(tmp_path, "empty.md", data)
    assert error_for(tmp_path, "empty.md").reason == "file is empty"


def test_a_huge_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    with open(tmp_path / "huge.md", "wb") as fh:
        fh.truncate(10 * 1024 * 1024)  # sparse: no 10 MiB write
    error = error_for(tmp_path, "huge.md")
    assert error.reason == "file is 10.0 MiB, larger than the 5 MiB limit"


def test_the_size_limit_is_configurable(tmp_path: Path) -> None:
    write(tmp_path, "p.md", "# " + "x" * 2000)
    assert error_for(tmp_path, "p.md", max_bytes=1024).reason == (
        "file is 2.0 KiB, larger than the 1 KiB limit"
    )
    assert read_document(tmp_path, "p.md", max_bytes=4096).body.startswith("# x")


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    assert error_for(tmp_path, "nope.md").reason == "file not found"


def test_an_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "secret.md", "# x")

    def refuse(*args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(content, "open", refuse, raising=False)
    assert error_for(tmp_path, "secret.md").reason == "permission denied: cannot read the file"


def test_a_directory_is_not_a_document(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    assert error_for(tmp_path, "folder.md").reason == "is a directory, not a file"


@pytest.mark.parametrize(
    "rel", ["../outside.md", "/etc/passwd", "a/../../outside.md", "a/./b.md", "", "a\\b.md"]
)
def test_a_path_escaping_the_root_is_refused(tmp_path: Path, rel: str) -> None:
    write(tmp_path.parent, "outside.md", "# no")
    error = error_for(tmp_path, rel)
    assert "plain relative path" in error.reason


def test_a_symlink_out_of_the_root_is_not_read(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    write(tmp_path, "secret.md", "# secret")
    (root / "link.md").symlink_to(tmp_path / "secret.md")
    assert "outside the content folder" in error_for(root, "link.md").reason


# ---------------------------------------------------------------------------- real root


def test_a_file_resolving_outside_the_folder_is_not_read_with_its_real_path_given_or_not(
    tmp_path: Path,
) -> None:
    root, outside = tmp_path / "content", tmp_path / "outside"
    write(root, "post.md", "# Post\n")
    write(outside, "secret.md", "# Secret\n")
    (root / "escape.md").symlink_to(outside / "secret.md")
    (root / "via").symlink_to(outside, target_is_directory=True)
    real_root = os.path.realpath(root)
    for rel in ("escape.md", "via/secret.md"):
        for given in (None, real_root):
            with pytest.raises(DocumentError, match="leads outside the content folder"):
                read_document(root, rel, real_root=given)
    assert read_document(root, "post.md", real_root=real_root) == read_document(root, "post.md")


def test_the_real_root_resolved_once_stays_as_strict_when_links_change_after(
    tmp_path: Path,
) -> None:
    """A run resolves the folder once (readpool): a link turned to point outside since,
    or the folder itself pointed elsewhere since, reads nothing outside what it resolved."""
    first, other = tmp_path / "first", tmp_path / "other"
    write(first, "post.md", "# First\n")
    write(first, "alias.md", "# Alias\n")
    write(other, "post.md", "# Other\n")
    write(tmp_path / "outside", "secret.md", "# Secret\n")
    root = tmp_path / "content"
    root.symlink_to(first, target_is_directory=True)
    real_root = os.path.realpath(root)
    assert read_document(root, "post.md", real_root=real_root).body == "# First\n"

    (first / "alias.md").unlink()
    (first / "alias.md").symlink_to(tmp_path / "outside" / "secret.md")
    with pytest.raises(DocumentError, match="leads outside the content folder"):
        read_document(root, "alias.md", real_root=real_root)

    root.unlink()
    root.symlink_to(other, target_is_directory=True)  # the folder moved under the run
    assert read_document(root, "post.md", real_root=real_root).body == "# First\n"


@pytest.mark.parametrize("stat_size", [0, 5, 9, 10, 11, 20])
@pytest.mark.parametrize("length", [0, 5, 10, 11, 30])
def test_a_file_is_read_as_reading_up_to_the_limit_reads_it_whatever_its_stat_said(
    stat_size: int, length: int
) -> None:
    """The size from ``fstat`` only sizes the first read: a file that grew or shrank since
    reads as ``read(limit)`` reads it (the limit is the largest size allowed, plus one)."""
    data = bytes(range(length))
    assert content._read_up_to(io.BytesIO(data), stat_size, 11) == io.BytesIO(data).read(11)
