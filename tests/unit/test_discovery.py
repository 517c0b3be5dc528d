"""What is content: ``[content] exclude``, ``.gitignore`` files, each tool's non-content
folders, a README beside an index — one predicate for the scan, paths given on the
command line and the watcher, each decision with its reason."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakewp import FakeWordPress, Folder
from wpsync.engine.reading import Reader
from wpsync.source import content as content_module
from wpsync.source.content import scan_content
from wpsync.source.discovery import ContentRules
from wpsync.triggers.events import EventRouter

BOOK = Path(__file__).resolve().parents[1] / "fixtures" / "archives" / "docs"


def write(root: Path, rel: str, text: str = "# T\n") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def scanned(root: Path, rules: ContentRules) -> tuple[list[str], dict[str, str]]:
    scan = scan_content(root, rules)
    assert scan.errors == ()
    return [f.rel for f in scan.files], {s.rel: s.reason for s in scan.skipped}


def agree(root: Path, rules: ContentRules) -> None:
    """The scan and the one-path question (command line, watcher) say the same of every
    Markdown file of the tree."""
    files, _ = scanned(root, rules)
    everything = sorted(
        p.relative_to(root).as_posix()
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".md", ".markdown")
    )
    assert [rel for rel in everything if rules.is_content(rel)] == files


# ---------------------------------------------------------------- .gitignore


def test_gitignore_files_nested_negated_anchored_and_folder_only(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write(root, ".gitignore", "# comment\n\n*.draft.md\n!keep.draft.md\n/top.md\nbuild/\n")
    for rel in (
        "a.md",
        "x.draft.md",
        "keep.draft.md",
        "top.md",
        "sub/top.md",
        "build/out.md",
        "sub/build/out.md",
        "sub/build.md",  # a file named like the folder-only pattern: kept
        "sub/a.draft.md",
        "deep/local.md",
        "deep/other.md",
        "deep/inner/x.draft.md",
    ):
        write(root, rel)
    write(root, "deep/.gitignore", "local.md\n!x.draft.md\n")  # deeper overrides higher
    rules = ContentRules(root)
    files, skipped = scanned(root, rules)
    assert files == [
        "a.md",
        "deep/inner/x.draft.md",
        "deep/other.md",
        "keep.draft.md",
        "sub/build.md",
        "sub/top.md",
    ]
    assert skipped == {
        "build/": "ignored by .gitignore line 6 (build/)",
        "deep/local.md": "ignored by deep/.gitignore line 1 (local.md)",
        "sub/a.draft.md": "ignored by .gitignore line 3 (*.draft.md)",
        "sub/build/": "ignored by .gitignore line 6 (build/)",
        "top.md": "ignored by .gitignore line 5 (/top.md)",
        "x.draft.md": "ignored by .gitignore line 3 (*.draft.md)",
    }
    agree(root, rules)
    assert rules.reason("build/out.md") == (
        "in build/, skipped: ignored by .gitignore line 6 (build/)"
    )


def test_a_file_in_an_ignored_folder_cannot_be_taken_back_as_in_git(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write(root, ".gitignore", "private/\n!private/public.md\nlogs/**\n!logs/keep.md\n")
    for rel in ("private/public.md", "logs/keep.md", "logs/other.md", "logs/old/x.md"):
        write(root, rel)
    rules = ContentRules(root)
    files, skipped = scanned(root, rules)
    assert files == ["logs/keep.md"]  # logs/** leaves logs/ itself in: keep.md comes back
    assert set(skipped) == {"private/", "logs/other.md", "logs/old/"}
    agree(root, rules)


def test_a_gitignore_above_the_content_folder_counts_inside_a_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    write(repo, ".gitignore", "docs/generated/\n*.secret.md\n")
    root = repo / "docs"
    for rel in ("a.md", "b.secret.md", "generated/api.md"):
        write(root, rel)
    rules = ContentRules(root)
    files, skipped = scanned(root, rules)
    assert files == ["a.md"]
    assert skipped == {
        "b.secret.md": "ignored by ../.gitignore line 2 (*.secret.md)",
        "generated/": "ignored by ../.gitignore line 1 (docs/generated/)",
    }
    agree(root, rules)


def test_a_gitignore_is_read_again_when_it_changes(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write(root, "a.md")
    rules = ContentRules(root)
    assert rules.is_content("a.md")
    write(root, ".gitignore", "a.md\n")
    assert not rules.is_content("a.md")


# ---------------------------------------------------------------- [content] exclude


def test_exclude_globs_work_as_gitignore_lines_relative_to_the_content_folder(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    for rel in (
        "drafts/a.md",
        "drafts/ready.md",
        "drafts/deep/b.md",
        "guide/README.md",
        "README.md",
        "private/x.md",
        "sub/private/y.md",
        "post.md",
    ):
        write(root, rel)
    rules = ContentRules(
        root, exclude=["drafts/**", "!drafts/ready.md", "**/README.md", "/private"]
    )
    files, skipped = scanned(root, rules)
    assert files == ["drafts/ready.md", "post.md", "sub/private/y.md"]
    assert skipped == {
        "README.md": "excluded by [content] exclude '**/README.md'",
        "drafts/a.md": "excluded by [content] exclude 'drafts/**'",
        "drafts/deep/": "excluded by [content] exclude 'drafts/**'",
        "guide/README.md": "excluded by [content] exclude '**/README.md'",
        "private/": "excluded by [content] exclude '/private'",
    }
    agree(root, rules)


def test_exclude_can_take_back_what_a_gitignore_or_a_tool_rule_leaves_out(tmp_path: Path) -> None:
    root = tmp_path / "notes"
    write(root, ".gitignore", "generated/\n")
    write(root, "generated/api.md")
    write(root, "vendor/theme/notes.md")
    rules = ContentRules(root, exclude=["!generated/", "!vendor/"])
    assert scanned(root, rules)[0] == ["generated/api.md", "vendor/theme/notes.md"]


def test_skipped_folders_are_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "site"
    write(root, "post.md")
    for n in range(30):
        write(root, f"node_modules/pkg{n}/CHANGELOG.md")
    entered: list[str] = []
    real = os.scandir

    def spy(path: str) -> os._ScandirIterator[str]:  # type: ignore[name-defined]
        entered.append(str(path))
        return real(path)

    monkeypatch.setattr(content_module.os, "scandir", spy)
    files, skipped = scanned(root, ContentRules(root))
    assert files == ["post.md"]
    assert skipped == {"node_modules/": "installed npm packages, never content"}
    assert entered == [str(root.resolve())]


# ---------------------------------------------------------------- README and index


@pytest.mark.parametrize("index", ["index.md", "_index.md", "index.html"])
def test_a_readme_beside_an_index_is_not_content(tmp_path: Path, index: str) -> None:
    root = tmp_path / "docs"
    write(root, f"guide/{index}")
    write(root, "guide/README.md")
    write(root, "other/readme.md")  # no index: the folder's page
    rules = ContentRules(root)
    files, skipped = scanned(root, rules)
    assert "other/readme.md" in files and "guide/README.md" not in files
    assert skipped == {"guide/README.md": f"README beside {index}: {index} is the folder's page"}
    agree(root, rules)


# ---------------------------------------------------------------- each tool's folders


def test_an_mdbook_in_its_repository_is_only_its_source_folder() -> None:
    rules = ContentRules(BOOK, dialect="docs", exclude=["src/drafts/"])
    files, skipped = scanned(BOOK, rules)
    assert skipped == {
        "README.md": "outside mdBook's source folder src/ (book.toml)",
        "node_modules/": "installed npm packages, never content",
        "src/SUMMARY.md": "mdBook's table of contents: it orders and nests the pages",
        "src/drafts/": "excluded by [content] exclude 'src/drafts/'",
        "src/guide/README.md": "README beside index.md: index.md is the folder's page",
    }
    assert all(f.startswith("src/") for f in files) and len(files) == 14
    assert rules.summary == "src/SUMMARY.md" and rules.layout.source == "src"
    agree(BOOK, rules)


def test_mdbook_folders_come_from_book_toml(tmp_path: Path) -> None:
    root = tmp_path / "book"
    write(root, "book.toml", '[book]\nsrc = "chapters"\n[build]\nbuild-dir = "out"\n')
    for rel in ("chapters/SUMMARY.md", "chapters/a.md", "out/a.md", "src/old.md", "theme/x.md"):
        write(root, rel)
    files, skipped = scanned(root, ContentRules(root, dialect="docs"))
    assert files == ["chapters/a.md"]
    assert skipped["out/"] == "mdBook's build output (book.toml)"
    assert skipped["src/"] == "outside mdBook's source folder chapters/ (book.toml)"
    assert "chapters/SUMMARY.md" in skipped


def test_mkdocs_reads_docs_dir_and_leaves_out_site(tmp_path: Path) -> None:
    root = tmp_path / "project"
    write(root, "mkdocs.yml", "site_name: X\ndocs_dir: pages  # the sources\n")
    write(root, "pages/index.md")
    write(root, "site/index.md")
    write(root, "README.md")
    files, skipped = scanned(root, ContentRules(root, dialect="docs"))
    assert files == ["pages/index.md"]
    assert set(skipped) == {"README.md", "site/"}


def test_a_docusaurus_site_leaves_out_its_build_copies_and_partials(tmp_path: Path) -> None:
    """Docusaurus' build output, its versioned and translated copies of the docs and the
    partials its pages import (``_name.mdx``) are no pages of their own."""
    root = tmp_path / "website"
    write(root, "docusaurus.config.js", "module.exports = {};\n")
    for rel in (
        "docs/intro.md",
        "docs/_shared.md",
        "docs/_partials/x.md",
        "blog/2021-08-01-hello.md",
        "build/docs/intro.md",
        "versioned_docs/version-1.0/intro.md",
        "i18n/fr/docusaurus-plugin-content-docs/current/intro.md",
    ):
        write(root, rel)
    files, skipped = scanned(root, ContentRules(root, dialect="docs"))
    assert files == ["blog/2021-08-01-hello.md", "docs/intro.md"]
    assert set(skipped) == {
        "build/",
        "versioned_docs/",
        "i18n/",
        "docs/_shared.md",
        "docs/_partials/",
    }
    agree(root, ContentRules(root, dialect="docs"))


def test_mdx_pages_are_content_and_an_index_mdx_is_its_folders_page(tmp_path: Path) -> None:
    """Docusaurus' pages are ``.mdx`` as often as ``.md`` (its own docs: installation.mdx,
    blog/releases/3.0/index.mdx); they were skipped without a word."""
    root = tmp_path / "website"
    for rel in (
        "docs/installation.mdx",
        "blog/releases/3.0/index.mdx",
        "blog/releases/3.0/README.md",
    ):
        write(root, rel)
    files, skipped = scanned(root, ContentRules(root, dialect="docs"))
    assert files == ["blog/releases/3.0/index.mdx", "docs/installation.mdx"]
    assert skipped == {
        "blog/releases/3.0/README.md": "README beside index.mdx: index.mdx is the folder's page"
    }
    assert ContentRules(root, dialect="docs").is_content("docs/installation.mdx")


def test_hugo_site_root_is_only_its_content_dir(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, "hugo.toml", 'baseURL = "https://x/"\ncontentDir = "posts-src"\n')
    for rel in ("posts-src/a.md", "themes/t/README.md", "archetypes/default.md", "public/a.md"):
        write(root, rel)
    files, skipped = scanned(root, ContentRules(root, dialect="hugo"))
    assert files == ["posts-src/a.md"]
    assert set(skipped) == {"archetypes/", "public/", "themes/"}


def test_jekyll_leaves_out_underscore_folders_but_posts_drafts_and_collections(
    tmp_path: Path,
) -> None:
    root = tmp_path / "blog"
    write(
        root,
        "_config.yml",
        "collections:\n  recipes:\n    output: true\nexclude:\n  - notes/\ninclude:\n  - _pages\n",
    )
    for rel in (
        "_posts/2024-01-01-a.md",
        "_drafts/b.md",
        "_recipes/c.md",
        "_pages/about.md",
        "_includes/footer.md",
        "_layouts/x.md",
        "_site/a.md",
        "notes/todo.md",
        "about.md",
    ):
        write(root, rel)
    files, skipped = scanned(root, ContentRules(root, dialect="jekyll"))
    assert files == [
        "_drafts/b.md",
        "_pages/about.md",
        "_posts/2024-01-01-a.md",
        "_recipes/c.md",
        "about.md",
    ]
    assert skipped["_site/"] == "Jekyll's build output"
    assert skipped["_includes/"] == "Jekyll does not publish folders whose name starts with _"
    assert skipped["notes/"] == "excluded by _config.yml's exclude: 'notes/'"


def test_obsidian_templates_folder_is_not_content(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    write(root, ".obsidian/templates.json", '{"folder": "Meta/Templates"}')
    write(root, "Meta/Templates/Daily.md", "# {{date}}\n")
    write(root, "Meta/Index.md")
    files, skipped = scanned(root, ContentRules(root, dialect="obsidian"))
    assert files == ["Meta/Index.md"]
    assert skipped == {"Meta/Templates/": "Obsidian's templates folder (.obsidian/templates.json)"}


# ---------------------------------------------------------------- everyone asks the same


def test_paths_on_the_command_line_follow_the_same_rules(tmp_path: Path) -> None:
    folder = Folder.make(tmp_path / "blog")
    folder.write("post.md", "# Post\n")
    folder.write("node_modules/pkg/README.md", "# Pkg\n")
    reader = Reader(folder.config.content)
    scope = reader.scope(
        [folder.content / "post.md", folder.content / "node_modules/pkg/README.md"]
    )
    assert [rel for rel, _ in scope.files] == ["post.md"]
    assert [(s.rel, s.reason) for s in scope.skipped] == [
        (
            "node_modules/pkg/README.md",
            "in node_modules/, skipped: installed npm packages, never content",
        )
    ]
    # in scope all the same: a post it once had follows the delete policy
    assert "node_modules/pkg/README.md" in scope.rels


def test_the_watcher_follows_the_same_rules(tmp_path: Path) -> None:
    root = tmp_path / "site"
    write(root, ".gitignore", "build/\n")
    for rel in (
        "post.md",
        "build/a.md",
        "node_modules/p/b.md",
        "new/c.md",
        "new/node_modules/d.md",
    ):
        write(root, rel)
    touched: list[str] = []
    router = EventRouter(
        root,
        touch=touched.append,
        moved=lambda a, b: None,
        rescan=lambda: None,
        rules=ContentRules(root),
    )
    for rel in ("post.md", "build/a.md", "node_modules/p/b.md"):
        assert router.wanted(str(root / rel)) == (rel == "post.md")
    router._directory("created", str(root / "new"), "")
    assert touched == [str(root / "new" / "c.md")]


# ---------------------------------------------------------------- published, then excluded


def test_a_published_file_that_is_excluded_goes_as_a_deleted_one(tmp_path: Path) -> None:
    wp = FakeWordPress()
    folder = Folder.make(tmp_path / "blog")
    for name in "abcdefgh":
        folder.write(f"{name}.md", f"# {name}\n")
    folder.write("drafts/x.md", "# x\n")
    assert folder.sync(wp).count("created") == 9
    excluded = dataclasses.replace(
        folder.config,
        content=dataclasses.replace(folder.config.content, exclude=("drafts/",)),
    )
    report = Folder(folder.root, excluded).sync(wp)
    assert [(f.path, f.action, f.detail) for f in report.files if f.action != "unchanged"] == [
        ("drafts/x.md", "deleted", "trash")
    ]
    assert [s.rel for s in report.skipped] == ["drafts/"]
    # the mass-deletion guard judges excluded files as it does deleted ones
    everything = dataclasses.replace(
        folder.config,
        content=dataclasses.replace(folder.config.content, exclude=("*.md",)),
    )
    from wpsync.errors import SafetyError

    with pytest.raises(SafetyError):
        Folder(folder.root, everything).sync(wp)


def test_a_book_read_from_its_source_folder_finds_its_summary(tmp_path: Path) -> None:
    root = tmp_path / "handbook"
    shutil.copytree(BOOK, root)
    src = root / "src"
    rules = ContentRules(src, dialect="docs")
    files, skipped = scanned(src, rules)
    assert rules.summary == "SUMMARY.md"
    assert skipped == {
        "SUMMARY.md": "the table of contents: it orders and nests the pages",
        "guide/README.md": "README beside index.md: index.md is the folder's page",
    }
    assert "README.md" in files and "drafts/new-region.md" in files  # no exclude here


def test_the_files_a_commit_changed_follow_the_same_rules(tmp_path: Path) -> None:
    from wpsync.triggers.gitchanges import changed_files

    folder = Folder.make(tmp_path / "blog")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@x",
        "GIT_COMMITTER_NAME": "t",
    }
    env["GIT_COMMITTER_EMAIL"] = "t@x"

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=folder.root, env=env, check=True, capture_output=True)

    git("init", "-q")
    folder.write("post.md", "# Post\n")
    git("add", "-A")
    git("commit", "-qm", "one")
    folder.write("post.md", "# Post, edited\n")
    folder.write("node_modules/pkg/README.md", "# Pkg\n")
    folder.write("guide/index.md", "# Guide\n")
    folder.write("guide/README.md", "# About this folder\n")
    git("add", "-A")
    git("commit", "-qm", "two")
    changes = changed_files(folder.content, None, env=env)
    scope = Reader(folder.config.content).scope(list(changes.paths))
    assert sorted(rel for rel, _ in scope.files) == ["guide/index.md", "post.md"]
    assert sorted(s.rel for s in scope.skipped) == ["guide/README.md", "node_modules/pkg/README.md"]


def test_plan_says_why_a_post_goes_when_its_file_is_no_longer_content() -> None:
    from wpsync.engine.plan import Delete
    from wpsync.engine.preview import describe
    from wpsync.model import Entry

    entry = Entry("drafts/x.md", "posts", 7, "x", "s", "p", "m")
    line = describe(Delete(entry, "trash", skipped="excluded by [content] exclude 'drafts/'"))
    assert (line.action, line.post_id) == ("delete", 7)
    assert line.reason == (
        "no longer content (excluded by [content] exclude 'drafts/'): move its post to the "
        "trash (content.delete = 'trash')"
    )
    gone = describe(Delete(entry, "trash"))
    assert gone.reason.startswith("the file is gone: ")


def test_a_whole_folder_scope_names_the_known_files_with_their_entries_strings(
    tmp_path: Path,
) -> None:
    from wpsync.model import Entry

    folder = Folder.make(tmp_path / "blog")
    folder.write("a.md", "# A\n")
    folder.write("sub/b.md", "# B\n")
    reader = Reader(folder.config.content)
    rel = "".join(["sub/", "b.md"])  # a string of its own, as the state's row gives it
    known = {rel: Entry(rel, "posts", 1, "b", "s", "p", "m")}
    scanned = reader.scope(None)
    scope = scanned.sharing(known)
    assert [r for r, _ in scope.files] == ["a.md", "sub/b.md"]
    assert next(r for r, _ in scope.files if r == "sub/b.md") is rel
    assert next(r for r, _ in scanned.files if r == "sub/b.md") is not rel
    assert scope.named is None and scope.rels == {"a.md", "sub/b.md"}
    assert scanned.files == scope.files


PATHS = (
    "node_modules",
    "node_modules/x.md",
    "a/node_modules/b/c.md",
    "xnode_modules/a.md",
    "vendor",
    "vendor/bundle/x.md",
    "docs/vendor/a.md",
    "_build/x.md",
    "a/_build/x.md",
    "theme/x.md",
    "a/theme/x.md",
    "book/index.md",
    "site/a.md",
    "_site/a.md",
    "public/x.md",
    "resources/x.md",
    "SUMMARY.md",
    "src/SUMMARY.md",
    "a/SUMMARY.md",
    "_posts/a.md",
    "_drafts/a.md",
    "_layouts/a.md",
    "a/_b/c.md",
    "gemfiles/x.md",
    "Gemfile",
    "Gemfile.lock",
    "Gemfile.lock/x",
    "vendor/cache/x.md",
    "vendor/gems/x.md",
    "vendor/ruby/x.md",
    "posts/hello.md",
    "readme.md",
)


#: lines of real .gitignore files and of the tools' rules (layout.py)
GITIGNORE_LINES = (
    "node_modules/",
    "vendor/",
    "_build/",
    "/theme/",
    "/book/",
    "/site/",
    "/_site/",
    "/public/",
    "/resources/",
    "/SUMMARY.md",
    "/src/SUMMARY.md",
    "/_*/",
    "!/_posts/",
    "!/_drafts/",
    "/gemfiles/",
    "/Gemfile",
    "/Gemfile.lock",
    "/vendor/bundle/",
    "*.log",
    ".DS_Store",
    "/build",
    "dist/",
    ".env",
    "*.py[cod]",
    "__pycache__/",
    "docs/_build/",
    "!important.log",
    "a/*/c.md",
    "*.md~",
    "?.md",
    "/a?c/",
    "tmp/**",
    "**/drafts",
    "a/**/b",
    "\\#not-a-comment",
    "# a comment",
    "",
    "   ",
    "*",
    "*/",
    "/",
    "!",
    "a//b",
    "posts/ ",
    " lead.md",
    "!*.md",
    "x.*.y",
    "(a)+[b].md",
    "$^.md",
)


def pathspec_pattern(line: str):  # type: ignore[no-untyped-def]
    from pathspec import GitIgnoreSpec

    try:
        patterns = GitIgnoreSpec.from_lines([line]).patterns
    except ValueError:  # a line git skips too (``!`` alone)
        return None
    return patterns[0] if patterns and patterns[0].include is not None else None


def assert_as_pathspec(line: str, paths: Sequence[str]) -> None:
    """``line`` compiled by discovery (translated, or by pathspec) matches each path,
    file or folder, as pathspec's own pattern does — and a translated line is pathspec's
    very expression."""
    from wpsync.source import discovery

    theirs = pathspec_pattern(line)
    ours = discovery._compile(line, "r")
    if theirs is None:
        assert ours is None, line
        return
    assert ours is not None and ours.negated is not theirs.include, line
    plain = discovery._plain_pattern(line)
    if plain is not None:
        assert plain == (theirs.regex.pattern, theirs.include), line
    spec = discovery._Pattern(
        theirs.regex, not theirs.include, line.rstrip().endswith("/**"), "r",
        line.rstrip().endswith("/"),
    )  # fmt: skip
    for path in paths:
        for is_dir in (False, True):
            asked = path + ("/" if is_dir else "")
            assert (ours.regex.search(asked) is None) == (theirs.match_file(asked) is None), (
                line,
                asked,
            )
            assert ours.matches(path, is_dir) == spec.matches(path, is_dir), (line, path)


def test_gitignore_lines_are_read_as_pathspec_reads_them() -> None:
    """The lines of names, ``*`` and ``?`` are translated without pathspec (a run does
    not import it for them); each line, translated or not, matches as pathspec's."""
    from wpsync.source import discovery

    for line in GITIGNORE_LINES:
        assert_as_pathspec(line, (*PATHS, "a.log", "x/a.log", "a/b/c.md", "a/x/b", ".env"))
    translated = [line for line in GITIGNORE_LINES if discovery._plain_pattern(line)]
    assert "*.log" in translated and "!/_posts/" in translated and "/_*/" in translated
    assert not {"*.py[cod]", "tmp/**", "**/drafts", "\\#not-a-comment"} & set(translated)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab.*?/! #-", min_size=0, max_size=12),
    st.lists(st.text(alphabet="ab./ -", min_size=1, max_size=10), min_size=1, max_size=6),
)
def test_any_line_of_names_stars_and_slashes_is_read_as_pathspec_reads_it(
    line: str, paths: list[str]
) -> None:
    paths = [p.strip("/") for p in paths if p.strip("/") and "//" not in p]
    assert_as_pathspec(line, paths or ["a"])


def test_a_plain_folder_without_gitignore_does_not_import_pathspec(tmp_path: Path) -> None:
    """node_modules/ and vendor/ are left out without pathspec, and a .gitignore of plain
    lines too; a line only pathspec reads (``**``) brings it."""
    write(tmp_path / "blog", "a.md")
    write(tmp_path / "blog", "node_modules/pkg/readme.md")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from wpsync.source.content import scan_content\n"
        "from wpsync.source.discovery import ContentRules\n"
        "root = Path(sys.argv[1])\n"
        "scan = scan_content(root, ContentRules(root))\n"
        "print([f.rel for f in scan.files], [s.rel for s in scan.skipped],"
        " 'pathspec' in sys.modules, 'yaml' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    run = [sys.executable, "-c", code, str(tmp_path / "blog")]
    done = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "['a.md'] ['node_modules/'] False False"
    (tmp_path / "blog" / ".gitignore").write_text("drafts/\n*.log\n", encoding="utf-8")
    done = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "['a.md'] ['node_modules/'] False False"
    (tmp_path / "blog" / ".gitignore").write_text("drafts/\n**/*.log\n", encoding="utf-8")
    done = subprocess.run(run, capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "['a.md'] ['node_modules/'] True False"


def test_a_gitignore_line_git_cannot_read_is_skipped_as_git_skips_it(tmp_path: Path) -> None:
    """``!`` alone (pathspec: "Invalid git pattern"): git ignores the line, and so does
    the scan — the other lines still count; ``*/`` leaves out every folder."""
    root = tmp_path / "blog"
    write(root, "a.md")
    write(root, "notes.log.md")
    write(root, "posts/b.md")
    (root / ".gitignore").write_text("!\n*.log.md\n", encoding="utf-8")
    files, skipped = scanned(root, ContentRules(root))
    assert files == ["a.md", "posts/b.md"]
    assert skipped == {"notes.log.md": "ignored by .gitignore line 2 (*.log.md)"}
    (root / ".gitignore").write_text("*/\n", encoding="utf-8")
    files, skipped = scanned(root, ContentRules(root))
    assert files == ["a.md", "notes.log.md"] and list(skipped) == ["posts/"]
