"""A Hugo site and a Jekyll blog (tests/fixtures/archives/) published to the real WordPress
as they are: every file published, no template syntax left in what readers see, code
byte-identical, every internal link and image live, images uploaded once, and a second
run that sends nothing."""

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

from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts
from tests.wordpress import WordPressInstance

pytestmark = pytest.mark.integration

ARCHIVES = Path(__file__).resolve().parents[1] / "fixtures" / "archives"
RAW_SYNTAX = ("{{<", "{{%", "{%", "{{ site", "{{ page", "}}")


def archive_site(tmp_path: Path, wp: WordPressInstance, name: str, content: str) -> Site:
    """A config.toml in ``tmp_path/name`` whose content folder is ``content``: Hugo's
    content/ of the archive copied there (hugo.toml beside it), or the Jekyll blog
    copied into it (its _config.yml inside)."""
    root = tmp_path / name
    if (ARCHIVES / name / content).is_dir():
        shutil.copytree(ARCHIVES / name, root)
    else:
        shutil.copytree(ARCHIVES / name, root / content)
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{wp.url}"
            auth = "jwt"
            username = "{wp.admin_user}"

            [content]
            dir = "{content}"
            """
        ),
        encoding="utf-8",
    )
    return Site(root, wp)


def sources(folder: Path) -> list[Path]:
    return sorted([*folder.rglob("*.md"), *folder.rglob("*.markdown")])


def expected_code(folder: Path) -> list[str]:
    """Every code block of the sources as the reader should see it, byte for byte."""
    patterns = (
        r"\{\{< highlight [^>]*>\}\}\n(.*?)\n\{\{< /highlight >\}\}",
        r"\{\{< code-toggle [^>]*>\}\}\n(.*?)\n\{\{< /code-toggle >\}\}",
        r"\{% highlight \w+ %\}\n(.*?)\n\{% endhighlight %\}",
        r"^```[^\n]*\n(.*?)\n```$",
    )
    out: list[str] = []
    for path in sources(folder):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            for found in re.finditer(pattern, text, re.S | re.M):
                code = re.sub(r"\{%-? *(?:end)?raw *-?%\}", "", found.group(1))
                out.append(re.sub(r"\{\{</\*(.*?)\*/>\}\}", r"{{<\1>}}", code))
    return out


def published_code(posts: list[dict[str, Any]]) -> list[str]:
    return [
        html.unescape(code)
        for post in posts
        for code in re.findall(r"<code[^>]*>(.*?)</code>", post["content"]["rendered"], re.S)
    ]


def outside_code(text: str) -> str:
    return re.sub(r"<pre.*?</pre>|<code.*?</code>", "", text, flags=re.S)


def media(wp: WordPressInstance) -> list[dict[str, Any]]:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 100, "context": "edit"})
        r.raise_for_status()
        return list(r.json())


def check_published(
    site: Site, folder: Path, report: dict[str, Any], images: int
) -> list[dict[str, Any]]:
    """What both archives must show once published; returns the posts and pages."""
    wp = site.wp
    files = sources(folder)
    assert report["failed"] == report["conflicts"] == 0, report
    assert report["created"] == len(files), report
    posts = all_posts(wp) + all_posts(wp, "pages")
    assert len(posts) == len(files)

    links: set[str] = set()
    for post in posts:
        shown = outside_code(post["content"]["rendered"])
        for syntax in RAW_SYNTAX:
            assert syntax not in shown, (post["slug"], syntax)
        assert ".md" not in " ".join(re.findall(r'href="([^"]*)"', shown)), post["slug"]
        links |= {u for u in re.findall(r'(?:href|src)="([^"]+)"', shown) if u.startswith(wp.url)}
    with httpx.Client(timeout=30) as web:  # anonymous: what a reader gets
        for url in sorted(links):
            assert web.get(html.unescape(url)).status_code == 200, url

    code = published_code(posts)
    wanted = expected_code(folder)
    assert any("\t" in c for c in wanted)
    for block in wanted:
        assert block in code, block

    uploaded = media(wp)
    assert len(uploaded) == images
    assert len({m["source_url"] for m in uploaded}) == images
    return posts


def test_a_hugo_site_publishes_with_its_shortcodes_translated(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = archive_site(tmp_path, wp, "hugo", "content")
    folder = site.content

    planned = site.cli("plan", env=site.env())
    assert planned.returncode == 0, planned.stderr
    assert (
        planned.stdout.splitlines()[0]
        == f"dialect: hugo (found {site.root.resolve() / 'hugo.toml'})"
    )
    as_json = json.loads(site.cli("plan", "--json", env=site.env()).stdout)
    assert as_json["dialect"] == {
        "name": "hugo",
        "reason": f"found {site.root.resolve() / 'hugo.toml'}",
    }

    code, report = site.sync_json()
    assert code == 0, report
    posts = check_published(site, folder, report, images=3)
    by_slug = {p["slug"]: p for p in posts}

    trip = by_slug["trip-report"]["content"]["raw"]
    assert "<!-- wp:image" in trip and "<strong>Old harbour</strong>" in trip
    assert '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=0RKpf3rK57I"' in trip
    assert "<details>" in trip and "wpsync-callout-tip" in trip
    hello = by_slug["hello-world"]["content"]["raw"]
    for provider in ("vimeo", "twitter"):
        assert f'"providerNameSlug":"{provider}"' in hello
    assert "<details open>" in hello and "instagram.com/p/CxOWiQNP2MO" in hello
    assert by_slug["trip-report"]["link"] + "#the-harbour" in hello
    assert "staging.internal" not in by_slug["configure"]["content"]["raw"]  # {{% comment %}}
    assert (by_slug["install"]["menu_order"], by_slug["configure"]["menu_order"]) == (1, 2)
    assert by_slug["draft-idea"]["status"] == "draft"

    warnings = "\n".join(report["warnings"])
    assert "unknown Hugo shortcode 'gallery'" in warnings
    assert "unknown Hugo shortcode 'tabs'" not in warnings  # the set of tabs: silent
    assert "Menus are set in" in by_slug["configure"]["content"]["raw"]
    assert "Hugo's content type" in warnings  # type: docs, a warning and not an abort
    assert "did you mean" not in warnings

    code, again = site.sync_json()
    assert (
        code == 0
        and again["requests"] <= REMOTE_CHECK
        and again["unchanged"] == len(sources(folder))
    )


def test_a_jekyll_blog_publishes_with_its_liquid_translated(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = archive_site(tmp_path, wp, "jekyll", "blog")
    folder = site.root / "blog"
    # Authors the site does not have are another change's ([authors]); this test leaves them out.
    for path in sources(folder):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^author: .*\n", "", text), encoding="utf-8")

    planned = site.cli("plan", env=site.env())
    assert (
        planned.stdout.splitlines()[0]
        == f"dialect: jekyll (found {folder.resolve() / '_config.yml'})"
    )

    code, report = site.sync_json()
    assert code == 0, report
    posts = check_published(site, folder, report, images=3)
    by_slug = {p["slug"]: p for p in posts}

    assert by_slug["about"]["type"] == "page"
    assert by_slug["a-draft-about-sails"]["status"] == "draft"
    assert by_slug["the-date-is-wrong"]["date"].startswith("2021-02-03T")
    assert by_slug["welcome-to-jekyll"]["date_gmt"] == "2019-03-26T19:10:41"  # +0100
    assert "<!-- wp:more -->" in by_slug["welcome-to-jekyll"]["content"]["raw"]
    assert "<!--more-->" in by_slug["custom-excerpt"]["content"]["raw"]
    assert "end-of-teaser" not in by_slug["custom-excerpt"]["content"]["raw"]
    links = by_slug["images-and-links"]["content"]["raw"]
    assert links.count(by_slug["welcome-to-jekyll"]["link"]) == 2  # post_url and the old URL
    assert by_slug["about"]["link"] in links
    assert by_slug["images-and-links"]["featured_media"] in {m["id"] for m in media(wp)}

    figures = by_slug["figures-and-notices"]
    raw = figures["content"]["raw"]
    uploaded = {m["source_url"].rsplit("/", 1)[-1]: m for m in media(wp)}
    assert "<!-- wp:image" in raw and uploaded["chart.png"]["source_url"] in raw
    assert "High water at <em>dawn</em>." in raw
    shown = figures["content"]["rendered"]
    assert uploaded["diagram.png"]["source_url"] in shown and "&lt;/div&gt;" not in shown
    assert '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=0RKpf3rK57I"' in raw
    assert "<li>Log the tide times</li>" in shown
    assert figures["featured_media"] == uploaded["photo.png"]["id"]
    with admin(wp) as client:
        [category] = client.get(
            "/wp/v2/categories", params={"include": figures["categories"][0]}
        ).json()
    assert figures["categories"] == [category["id"]] and category["name"] == "harbour life"

    warnings = "\n".join(report["warnings"])
    assert "includes a template wpsync cannot render" in warnings
    assert "file name (2021-02-03) is used" in warnings

    code, again = site.sync_json()
    assert (
        code == 0
        and again["requests"] <= REMOTE_CHECK
        and again["unchanged"] == len(sources(folder))
    )


def test_changing_the_dialect_renders_the_posts_again(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    root = tmp_path / "site"
    site = Site(root, wp)
    (root / "content").mkdir(parents=True)
    (root / "hugo.toml").write_text("baseURL = 'https://x.example/'\n", encoding="utf-8")
    config = textwrap.dedent(
        f"""
        [site]
        url = "{wp.url}"
        auth = "jwt"
        username = "{wp.admin_user}"

        [content]
        dir = "content"
        dialect = "plain"
        """
    )
    (root / "config.toml").write_text(config, encoding="utf-8")
    site.write("video.md", "# Video\n\n{{< vimeo 55073825 >}}\n")
    site.write("plain.md", "# Plain\n\nNothing special.\n")
    code, report = site.sync_json()
    assert code == 0 and report["created"] == 2, report

    (root / "config.toml").write_text(config.replace('"plain"', '"auto"'), encoding="utf-8")
    code, report = site.sync_json()
    assert code == 0, report
    actions = {f["path"]: f["action"] for f in report["files"]}
    assert actions == {"video.md": "updated", "plain.md": "unchanged"}
    [video] = [p for p in all_posts(wp) if p["slug"] == "video"]
    assert "{{<" not in video["content"]["raw"] and "vimeo.com/55073825" in video["content"]["raw"]
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK
    dry = site.cli("sync", "--dry-run", env=site.env())  # the summary names the dialect
    assert f"dialect: hugo (found {root.resolve() / 'hugo.toml'})" in dry.stdout.splitlines(), (
        dry.stdout
    )
