"""A docs folder (tests/fixtures/archives/docs: an mdBook with its repository around it;
a Docusaurus site, a GitBook and a Material for MkDocs page written in the test)
published to the real WordPress as it is: only the book's chapters are published — not the
repository's README, node_modules/, the build output, what .gitignore or ``[content]
exclude`` leave out, a README beside an index, SUMMARY.md — the pages nested and ordered
as SUMMARY.md and the folders say, same-named files all published, every internal link
answering, and a second run that sends nothing."""

from __future__ import annotations

import html
import json
import re
import shutil
import textwrap
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.sitekit import REMOTE_CHECK, Site, all_posts
from tests.wordpress import REPO, WordPressInstance

pytestmark = pytest.mark.integration

BOOK = REPO / "tests" / "fixtures" / "archives" / "docs"

#: the files that are the book (relative to the content folder)
PUBLISHED = {
    "src/README.md",
    "src/about/README.md",
    "src/about/introduction.md",
    "src/contributors.md",
    "src/getting-started/README.md",
    "src/getting-started/config-file.md",
    "src/getting-started/installation.md",
    "src/guide/checklist.md",
    "src/guide/index.md",
    "src/guide/style.md",
    "src/news/2024/release.md",
    "src/news/2025/release.md",
    "src/templates/README.md",
    "src/templates/introduction.md",
}

#: what is not, and the reason plan --show-skipped gives
SKIPPED = {
    "README.md": "outside mdBook's source folder src/ (book.toml)",
    "book/": "mdBook's build output (book.toml)",
    "node_modules/": "installed npm packages, never content",
    "src/SUMMARY.md": "mdBook's table of contents: it orders and nests the pages",
    "src/drafts/": "excluded by [content] exclude 'src/drafts/'",
    "src/generated/": "ignored by .gitignore line 5 (src/generated/)",
    "src/guide/README.md": "README beside index.md: index.md is the folder's page",
}


def book_site(tmp_path: Path, wp: WordPressInstance) -> Site:
    """The sample book copied with what its .gitignore keeps out of the repository (the
    build output, generated chapters), no dialect set: it is detected from book.toml."""
    root = tmp_path / "site"
    content = root / "content"
    shutil.copytree(BOOK, content)
    (content / "book").mkdir()
    (content / "book" / "print.md").write_text("# Built copy\n")
    (content / "src" / "generated").mkdir()
    (content / "src" / "generated" / "api.md").write_text("# Generated API\n")
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{wp.url}"
            auth = "jwt"
            username = "{wp.admin_user}"

            [content]
            dir = "content"
            exclude = ["src/drafts/"]
            """
        )
    )
    return Site(root, wp)


def by_path(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["path"]: f for f in report["files"]}


def test_a_docs_folder_publishes_its_book_and_nothing_else(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = book_site(tmp_path, wp)

    # What is not content, and why: listed by plan --show-skipped and in --json.
    plan = site.cli("plan", "--show-skipped")
    assert plan.returncode == 0, plan.stderr
    shown = {
        line.split(None, 1)[1].split(": ", 1)[0]: line.split(": ", 1)[1]
        for line in plan.stdout.splitlines()
        if line.startswith("skipped ")
    }
    assert shown == SKIPPED
    assert f"({len(SKIPPED)} skipped)" in plan.stdout.splitlines()[-1]
    planned = site.cli("plan", "--json")
    data = json.loads(planned.stdout)
    assert {s["path"]: s["reason"] for s in data["skipped"]} == SKIPPED
    assert {f["path"] for f in data["files"]} == PUBLISHED

    code, report = site.sync_json()
    assert code == 0, report
    files = by_path(report)
    assert set(files) == PUBLISHED
    assert {f["action"] for f in files.values()} == {"created"}
    # the second release note got its folder in front of its slug, with a warning
    assert report["warnings"] == [
        "src/news/2025/release.md: slug '2025-release': 'release' is already "
        "src/news/2024/release.md's (set `slug:` in the front matter to choose another)"
    ]

    pages = {p["id"]: p for p in all_posts(wp, "pages")}
    posts = {p["id"]: p for p in all_posts(wp)}
    assert len(pages) == len(PUBLISHED) - 2 and len(posts) == 2
    page = {rel: pages[f["id"]] for rel, f in files.items() if f["id"] in pages}
    post = {rel: posts[f["id"]] for rel, f in files.items() if f["id"] in posts}

    # Same-named files: both pages keep their slug (other parents), the posts do not share.
    assert page["src/templates/introduction.md"]["slug"] == "introduction"
    assert page["src/about/introduction.md"]["slug"] == "introduction"
    assert post["src/news/2024/release.md"]["slug"] == "release"
    assert post["src/news/2025/release.md"]["slug"] == "2025-release"

    # Nesting: SUMMARY.md's, else the folder's page (a README without an index is one).
    def parent(rel: str) -> str | None:
        pid = page[rel]["parent"]
        return next((r for r, p in page.items() if p["id"] == pid), None) if pid else None

    assert parent("src/README.md") is None
    assert page["src/README.md"]["slug"] == "index"  # the book's front page
    assert parent("src/getting-started/README.md") is None
    assert page["src/getting-started/README.md"]["slug"] == "getting-started"
    assert parent("src/getting-started/installation.md") == "src/getting-started/README.md"
    assert parent("src/getting-started/config-file.md") == "src/getting-started/README.md"
    assert parent("src/guide/style.md") == "src/guide/index.md"
    assert parent("src/templates/README.md") == "src/guide/index.md"  # SUMMARY, not folders
    assert parent("src/templates/introduction.md") == "src/templates/README.md"
    assert parent("src/about/introduction.md") == "src/about/README.md"
    assert parent("src/guide/checklist.md") == "src/guide/index.md"  # not listed: its folder
    assert parent("src/contributors.md") is None

    # Order: each page's place among its siblings in SUMMARY.md.
    top = ["src/README.md", "src/getting-started/README.md", "src/guide/index.md"]
    top += ["src/about/README.md", "src/contributors.md"]
    assert [page[r]["menu_order"] for r in top] == [1, 2, 3, 4, 5]
    assert page["src/guide/style.md"]["menu_order"] == 1
    assert page["src/templates/README.md"]["menu_order"] == 2
    # a chapter whose file has no title takes SUMMARY.md's
    assert page["src/getting-started/config-file.md"]["title"]["raw"] == "Configuring the site"
    assert page["src/getting-started/installation.md"]["title"]["raw"] == "Installation"

    # Every internal link is a permalink that answers.
    links: set[str] = set()
    for item in [*pages.values(), *posts.values()]:
        for url in re.findall(r'href="([^"]+)"', item["content"]["rendered"]):
            url = html.unescape(url)
            if url.startswith("https://rust-lang.github.io"):
                continue
            assert url.startswith(wp.url), (item["slug"], url)
            assert ".md" not in url, (item["slug"], url)
            links.add(url)
    linked = {"src/getting-started/README.md", "src/guide/index.md", "src/about/README.md"}
    linked |= {"src/getting-started/installation.md", "src/getting-started/config-file.md"}
    linked |= {"src/templates/README.md", "src/templates/introduction.md", "src/guide/style.md"}
    linked |= {"src/guide/checklist.md", "src/about/introduction.md"}
    linked |= {"src/news/2024/release.md", "src/news/2025/release.md"}  # the renamed post too
    assert links == {({**page, **post})[rel]["link"] for rel in linked}
    with httpx.Client(timeout=30, follow_redirects=False) as web:
        for url in sorted(links):
            assert web.get(url).status_code == 200, url

    # A second run: nothing to send, not one request.
    code, again = site.sync_json()
    assert code == 0, again
    assert again["unchanged"] == len(PUBLISHED) and again["requests"] <= REMOTE_CHECK
    assert again["warnings"] == []

    # A third release note: it gets a slug of its own; the published ones keep theirs
    # (though src/news/2023/ sorts first).
    site.write("src/news/2023/release.md", "---\ntype: post\n---\n# Handbook 2023\n")
    code, third = site.sync_json()
    assert code == 0, third
    assert by_path(third)["src/news/2023/release.md"]["action"] == "created"
    assert third["created"] == 1 and third["updated"] == 0
    slugs = {p["slug"] for p in all_posts(wp)}
    assert slugs == {"release", "2025-release", "2023-release"}


def test_mkdocs_admonitions_and_tabs_reach_wordpress_as_callouts(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    """A Material for MkDocs page (detected from mkdocs.yml, the default parser): its
    admonitions are callout groups in WordPress, its tabs a bold title and their code —
    no ``!!!`` and no code block made of the body."""
    root = tmp_path / "mkdocs"
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: Demo\nmarkdown_extensions:\n  - admonition\n")
    (docs / "install.md").write_text(
        textwrap.dedent(
            """\
            # Install

            !!! warning "Before you start"
                You need **Python 3.11**.

            === "pip"

                ```sh
                pip install demo
                ```
            """
        )
    )
    (root / "config.toml").write_text(
        f'[site]\nurl = "{wp.url}"\nauth = "jwt"\nusername = "{wp.admin_user}"\n'
        '[content]\ndir = "docs"\n'
    )
    site = Site(root, wp)
    code, report = site.sync_json()
    assert code == 0, report
    [made] = report["files"]
    [page] = [p for p in all_posts(wp, "pages") if p["id"] == made["id"]]
    raw = page["content"]["raw"]
    # (the group is the first block: it also carries wpsync's fingerprint)
    assert '"className":"wpsync-callout wpsync-callout-warning"} -->' in raw
    assert '<div class="wp-block-group wpsync-callout wpsync-callout-warning">' in raw
    assert '<p class="wpsync-callout-title">Before you start</p>' in raw
    assert "<p>You need <strong>Python 3.11</strong>.</p>" in raw
    assert "<p><strong>pip</strong></p>" in raw
    assert "pip install demo</code></pre>" in raw
    assert "!!!" not in raw and "===" not in raw


def test_a_docusaurus_site_reaches_wordpress_without_its_mdx(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    """A Docusaurus site (detected from docusaurus.config.js; pages taken from Docusaurus'
    own docs): its .mdx pages are published, not skipped; no ``import`` line, no
    ``<Tabs>``, no ``:::`` and no ``{/* */}`` reaches WordPress — tabs are their labels in
    bold, admonitions callouts, an unknown component's text kept with a warning — and the
    link to ``installation.mdx#requirements`` is the page's permalink with its anchor."""
    root = tmp_path / "website"
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "docusaurus.config.js").write_text("module.exports = {title: 'Demo'};\n")
    (root / "versioned_docs" / "version-1.0").mkdir(parents=True)
    (root / "versioned_docs" / "version-1.0" / "installation.mdx").write_text("# Old copy\n")
    (docs / "installation.mdx").write_text(
        textwrap.dedent(
            """\
            ---
            sidebar_position: 2
            ---

            # Installation

            import Tabs from '@theme/Tabs';
            import TabItem from '@theme/TabItem';

            :::tip Fast track

            Use **docusaurus.new** to test Docusaurus immediately.

            :::

            ## Requirements {/* #requirements */}

            <Tabs groupId="package-manager">
              <TabItem value="npm" label="npm" default>
                ```bash
                npm install
                ```
              </TabItem>
              <TabItem value="yarn" label="Yarn">
                ```bash
                yarn install
                ```
              </TabItem>
            </Tabs>

            <Highlight color="#25c2a0">Docusaurus green</Highlight> is the default.
            """
        )
    )
    (docs / "intro.md").write_text(
        "---\nid: intro\n---\n\n# Intro\n\nSee the [requirements](installation.mdx#requirements)"
        " or [the page](./installation#requirements) at [its path](/docs/installation).\n"
    )
    (root / "blog").mkdir()
    (root / "blog" / "2019-05-28-first-blog-post.md").write_text(
        "---\nslug: first-blog-post\ntitle: First Blog Post\nauthors: [slorber]\n"
        "tags: [hola, docusaurus]\n---\n\nLorem ipsum dolor sit amet...\n\n"
        "<!-- truncate -->\n\n...consectetur adipiscing elit.\n"
    )
    (root / "config.toml").write_text(
        f'[site]\nurl = "{wp.url}"\nauth = "jwt"\nusername = "{wp.admin_user}"\n'
        '[content]\ndir = "."\n'
    )
    site = Site(root, wp)
    code, report = site.sync_json()
    assert code == 0, report
    files = by_path(report)
    assert set(files) == {
        "docs/installation.mdx",
        "docs/intro.md",
        "blog/2019-05-28-first-blog-post.md",
    }
    # the blog's post: a post, dated by its file name, tagged, its teaser ending at truncate
    [post] = all_posts(wp)
    assert post["id"] == files["blog/2019-05-28-first-blog-post.md"]["id"]
    assert post["date"].startswith("2019-05-28") and len(post["tags"]) == 2
    assert "<!-- wp:more -->" in post["content"]["raw"]
    assert report["warnings"] == [
        "docs/installation.mdx: line 31: the <Highlight> component has no WordPress "
        "equivalent: removed, its content kept"
    ]
    pages = {p["id"]: p for p in all_posts(wp, "pages")}
    install = pages[files["docs/installation.mdx"]["id"]]
    raw = install["content"]["raw"]
    for syntax in ("import ", "<Tabs", "TabItem", ":::", "{/*", "Highlight"):
        assert syntax not in raw, syntax
    assert '<div class="wp-block-group wpsync-callout wpsync-callout-tip">' in raw
    assert '<p class="wpsync-callout-title">Fast track</p>' in raw
    assert '<h2 id="requirements">Requirements</h2>' in raw
    assert "<p><strong>npm</strong></p>" in raw and "<p><strong>Yarn</strong></p>" in raw
    assert "npm install</code></pre>" in raw and "yarn install</code></pre>" in raw
    assert "<p>Docusaurus green is the default.</p>" in raw

    intro = pages[files["docs/intro.md"]["id"]]["content"]["rendered"]
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', intro)]
    anchored = install["link"] + "#requirements"
    assert hrefs == [anchored, anchored, install["link"]]
    with httpx.Client(timeout=30, follow_redirects=False) as web:
        assert web.get(install["link"]).status_code == 200


def test_a_gitbook_reaches_wordpress_without_its_tags(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    """A GitBook (SUMMARY.md; the page from The Hacker Recipes): hints are callouts, tabs a
    bold title and their content, an embed a link — no ``{% … %}`` reaches WordPress."""
    root = tmp_path / "book"
    root.mkdir()
    (root / "SUMMARY.md").write_text("# Table of contents\n\n* [Forged tickets](tickets.md)\n")
    (root / "tickets.md").write_text(
        textwrap.dedent(
            """\
            # Forged tickets

            {% hint style="warning" %}
            Testers need the `krbtgt`'s NT hash or AES key.
            {% endhint %}

            {% tabs %}
            {% tab title="UNIX-like" %}
            ```bash
            lookupsid.py 'DOMAIN/DomainUser@DomainController' 0
            ```
            {% endtab %}

            {% tab title="Windows" %}
            On Windows, mimikatz can be used.
            {% endtab %}
            {% endtabs %}

            {% embed url="https://adsecurity.org/?p=2011" caption="" %}
            """
        )
    )
    (root / "config.toml").write_text(
        f'[site]\nurl = "{wp.url}"\nauth = "jwt"\nusername = "{wp.admin_user}"\n'
        '[content]\ndir = "."\n'
    )
    site = Site(root, wp)
    code, report = site.sync_json()
    assert code == 0, report
    [made] = report["files"]
    [page] = [p for p in all_posts(wp, "pages") if p["id"] == made["id"]]
    raw = page["content"]["raw"]
    assert "{%" not in raw
    assert '<div class="wp-block-group wpsync-callout wpsync-callout-warning">' in raw
    assert "<p><strong>UNIX-like</strong></p>" in raw and "<p><strong>Windows</strong></p>" in raw
    assert "lookupsid.py" in raw and "<p>On Windows, mimikatz can be used.</p>" in raw
    assert '<a href="https://adsecurity.org/?p=2011">https://adsecurity.org/?p=2011</a>' in raw
