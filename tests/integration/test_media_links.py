"""Images and links against the real WordPress: the sample site in content/ published as it
is, images uploaded once per site, links between files turned into live permalinks."""

from __future__ import annotations

import re
import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import frontmatter
import httpx
import pytest

from tests.faults import FaultProxy, drop_response, route
from tests.sitekit import REMOTE_CHECK, Site, admin, all_posts, make_site
from tests.wordpress import REPO, WordPressInstance
from wpsync.model import bytes_hash
from wpsync.store.state import StateStore

pytestmark = pytest.mark.integration

SAMPLE = REPO / "content"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d4944415478da63f8cfc0f01f0005000201a5c3a8d30000000049454e44ae426082"
)


def png(variant: int) -> bytes:
    """A valid PNG whose bytes differ by ``variant`` (an ancillary text chunk)."""
    import struct
    import zlib

    text = f"wpsync-test\0variant {variant}".encode()
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text
    chunk += struct.pack(">I", zlib.crc32(b"tEXt" + text) & 0xFFFFFFFF)
    return PNG[:33] + chunk + PNG[33:]


def attachments(wp: WordPressInstance) -> list[dict[str, Any]]:
    with admin(wp) as client:
        r = client.get("/wp/v2/media", params={"per_page": 100, "context": "edit"})
        r.raise_for_status()
        return list(r.json())


def sample_site(tmp_path: Path, wp: WordPressInstance, extra: str = "") -> Site:
    """content/ of this repository, published as it is; the state stays in tmp_path."""
    root = tmp_path / "sample"
    root.mkdir()
    (root / "config.toml").write_text(
        textwrap.dedent(
            f"""
            [site]
            url = "{wp.url}"
            auth = "jwt"
            username = "{wp.admin_user}"

            [content]
            dir = "{SAMPLE}"

            [state]
            path = "{root / "state"}"
            """
        )
        + extra
    )
    site = Site(root, wp)
    # content.dir lies outside the config's folder: honoured once approved (docs/security.md)
    trusted = site.cli("trust")
    assert trusted.returncode == 0, trusted.stderr
    return site


def local_images(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.suffix in (".png", ".jpg")
    }


def image_uses(folder: Path) -> int:
    """How many times Markdown files refer to an image (inline or featured)."""
    count = 0
    for md in folder.rglob("*.md"):
        text = md.read_text()
        count += len(re.findall(r"\.\./img/|\bimg/", text))
    return count


# ---------------------------------------------------------------------------- the sample site


def test_the_sample_site_publishes_with_shared_images_live_links_pages_and_a_schedule(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    site = sample_site(tmp_path, wp)
    markdown = sorted(SAMPLE.rglob("*.md"))
    files_before = sorted(SAMPLE.rglob("*"))
    code, report = site.sync_json()
    assert code == 0, report
    assert report["created"] == len(markdown) and report["failed"] == report["conflicts"] == 0
    assert report["warnings"] == []  # every link resolved, no unknown key

    # Every image uploaded exactly once, though posts use them many more times.
    media = attachments(wp)
    assert len(media) == len(local_images(SAMPLE)) == 5
    assert image_uses(SAMPLE) > 2 * len(media)
    by_hash = {bytes_hash(p.read_bytes()) for p in (SAMPLE / "img").iterdir()}
    with httpx.Client(timeout=30) as web:
        assert {bytes_hash(web.get(m["source_url"]).content) for m in media} == by_hash

    posts = all_posts(wp) + all_posts(wp, "pages")
    public = [p for p in posts if p["status"] == "publish"]
    links: set[str] = set()
    for post in posts:
        content = post["content"]["raw"]
        assert ".md" not in " ".join(re.findall(r'href="([^"]*)"', content)), post["slug"]
        assert 'src="img/' not in content and "../img/" not in content, post["slug"]
        links |= {
            href
            for href in re.findall(r'(?:href|src)="([^"]+)"', content)
            if href.startswith(wp.url)
        }
    assert len(links) >= 15
    with httpx.Client(timeout=30) as web:  # anonymous: what a reader gets
        for url in sorted(links):
            assert web.get(url).status_code == 200, url
    # … and every internal link goes to a published post or page
    permalinks = {p["link"] for p in public}
    pages_and_posts = {u.partition("#")[0] for u in links if "/wp-content/" not in u}
    assert pages_and_posts <= permalinks

    # The hierarchy: folders and a `parent:` key.
    pages = {p["slug"]: p for p in all_posts(wp, "pages")}
    assert pages["about"]["parent"] == 0
    assert pages["team"]["parent"] == pages["about"]["id"]  # about/team.md by folder
    assert pages["joining"]["parent"] == pages["team"]["id"]  # about/team/joining.md
    assert pages["colophon"]["parent"] == pages["about"]["id"]  # parent: about
    assert pages["team"]["link"] == f"{wp.url}/about/team/"
    assert (pages["team"]["menu_order"], pages["colophon"]["menu_order"]) == (1, 2)
    assert pages["about"]["featured_media"] in {m["id"] for m in media}

    # The scheduled post: future, at the GMT time of its front matter.
    scheduled = frontmatter.load(SAMPLE / "news" / "2030-06-01-five-years.md")
    when = datetime.fromisoformat(str(scheduled["date"])).astimezone(UTC)
    [post] = [p for p in all_posts(wp) if p["slug"] == "five-years"]
    assert post["status"] == "future"
    assert post["date_gmt"] == when.strftime("%Y-%m-%dT%H:%M:%S") == "2030-06-01T07:00:00"

    # A second run: nothing to do, not one request.
    code, again = site.sync_json()
    assert code == 0
    assert again["unchanged"] == len(markdown) and again["requests"] <= REMOTE_CHECK
    assert sorted(SAMPLE.rglob("*")) == files_before  # state and caches stay out of content/


# ---------------------------------------------------------------------------- images


@pytest.fixture
def site(tmp_path: Path, wp: WordPressInstance) -> Site:
    return make_site(tmp_path / "blog", wp)


def write_image(site: Site, rel: str, data: bytes) -> None:
    path = site.content / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_a_changed_image_is_uploaded_again_and_only_its_posts_are_updated(site: Site) -> None:
    write_image(site, "img/a.png", png(1))
    write_image(site, "img/b.png", png(2))
    site.write("one.md", "# One\n\n![A](img/a.png)\n")
    site.write("two.md", "---\nfeatured_image: img/a.png\n---\nTwo.\n")
    site.write("three.md", "# Three\n\n![B](img/b.png)\n")
    assert site.sync_json()[0] == 0
    assert len(attachments(site.wp)) == 2
    before = {p["slug"]: p for p in all_posts(site.wp)}

    write_image(site, "img/a.png", png(3))  # the markdown files do not change
    code, report = site.sync_json()
    assert code == 0, report
    actions = {f["path"]: f["action"] for f in report["files"]}
    assert actions == {"one.md": "updated", "two.md": "updated", "three.md": "unchanged"}
    media = {m["id"]: m for m in attachments(site.wp)}
    assert len(media) == 3
    after = {p["slug"]: p for p in all_posts(site.wp)}
    new_id = after["two"]["featured_media"]
    assert new_id != before["two"]["featured_media"]
    assert media[new_id]["source_url"] in after["one"]["content"]["raw"]
    assert after["three"]["modified_gmt"] == before["three"]["modified_gmt"]
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK


def test_a_missing_or_escaping_image_fails_that_file_only(site: Site, tmp_path: Path) -> None:
    outside = tmp_path / "private.png"
    outside.write_bytes(png(4))
    (site.content / "img").mkdir()
    (site.content / "img" / "leak.png").symlink_to(outside)
    site.write("missing.md", "# Missing\n\n![gone](img/nope.png)\n")
    site.write("escape.md", "# Escape\n\n![x](img/leak.png)\n")
    site.write("fine.md", "# Fine\n\nNo pictures.\n")
    done = site.cli("sync")
    assert done.returncode == 1
    assert "missing.md: image 'img/nope.png' does not exist" in done.stderr
    assert (
        "escape.md: image 'img/leak.png' is a link to a file outside the content folder"
        in done.stderr
    )
    assert [p["slug"] for p in all_posts(site.wp)] == ["fine"]
    assert attachments(site.wp) == []


def test_remote_images_are_left_as_they_are(site: Site) -> None:
    site.write("remote.md", "# Remote\n\n![logo](https://example.com/logo.png)\n")
    assert site.sync_json()[0] == 0
    [post] = all_posts(site.wp)
    assert 'src="https://example.com/logo.png"' in post["content"]["raw"]
    assert attachments(site.wp) == []


def test_an_upload_whose_answer_is_lost_is_not_duplicated(
    tmp_path: Path, wp: WordPressInstance
) -> None:
    with FaultProxy(wp.url) as proxy:
        site = make_site(tmp_path / "blog", wp)
        site.config.write_text(site.config.read_text().replace(wp.url, proxy.url))
        write_image(site, "img/a.png", png(5))
        site.write("one.md", "# One\n\n![A](img/a.png)\n")
        proxy.plan(route("POST", "/wp/v2/media"), [drop_response])
        code, report = site.sync_json()
        assert proxy.by_fault["drop_response"] == 1
    assert code == 0, report
    assert len(attachments(wp)) == 1


def test_an_upload_journalled_by_a_run_that_died_is_found_not_sent_again(site: Site) -> None:
    data = png(6)
    write_image(site, "img/a.png", data)
    with admin(site.wp) as client:  # what the dead run managed to send
        r = client.post(
            "/wp/v2/media",
            content=data,
            headers={
                "Content-Type": "image/png",
                "Content-Disposition": 'attachment; filename="a.png"',
            },
        )
        r.raise_for_status()
        uploaded = r.json()["id"]
    with StateStore.open(site.root / ".wpsync", site.wp.url) as state:
        state.mark_media_pending(bytes_hash(data), "img/a.png")
    site.write("one.md", "# One\n\n![A](img/a.png)\n")
    assert site.sync_json()[0] == 0
    assert [m["id"] for m in attachments(site.wp)] == [uploaded]
    [post] = all_posts(site.wp)
    assert "/a.png" in post["content"]["raw"]


def test_dropping_the_featured_image_removes_it_in_wordpress(site: Site) -> None:
    write_image(site, "cover.png", png(7))
    site.write("one.md", "---\ntitle: One\nfeatured_image: cover.png\n---\nBody.\n")
    site.sync_json()
    assert all_posts(site.wp)[0]["featured_media"] != 0
    site.write("one.md", "---\ntitle: One\n---\nBody.\n")
    assert site.sync_json()[0] == 0
    assert all_posts(site.wp)[0]["featured_media"] == 0


# ---------------------------------------------------------------------------- links


def test_a_link_to_a_draft_is_reported_and_resolved_when_the_draft_is_published(
    site: Site,
) -> None:
    site.write("guide.md", "# Guide\n\nRead [the setup](setup.md#install) first.\n")
    site.write("setup.md", "---\nstatus: draft\n---\n# Setup\n\n## Install\n\nSteps.\n")
    code, report = site.sync_json()
    assert code == 0
    assert report["warnings"] == [
        "guide.md: links to setup.md, which is not published (status draft); "
        "the link is left as written"
    ]
    site.write("setup.md", "# Setup\n\n## Install\n\nSteps.\n")  # published now
    code, report = site.sync_json()
    assert code == 0 and report["warnings"] == []
    actions = {f["path"]: (f["action"], f.get("detail")) for f in report["files"]}
    assert actions == {"setup.md": ("updated", None), "guide.md": ("updated", "links updated")}
    posts = {p["slug"]: p for p in all_posts(site.wp)}
    assert f'href="{posts["setup"]["link"]}#install"' in posts["guide"]["content"]["raw"]
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK


def test_links_to_missing_files_are_reported_and_fixed_once_the_file_appears(site: Site) -> None:
    site.write("a.md", "# A\n\nSee [b](sub/b.md).\n")
    code, report = site.sync_json()
    assert code == 0
    assert report["warnings"] == [
        "a.md: links to sub/b.md, which does not exist; the link is left as written"
    ]
    site.write("sub/b.md", "# B\n\nBack to [a](../a.md).\n")
    code, report = site.sync_json()
    assert code == 0 and report["warnings"] == [], report
    posts = {p["slug"]: p for p in all_posts(site.wp)}
    assert f'href="{posts["b"]["link"]}"' in posts["a"]["content"]["raw"]
    assert f'href="{posts["a"]["link"]}"' in posts["b"]["content"]["raw"]
    assert site.sync_json()[1]["requests"] <= REMOTE_CHECK


def test_deleting_a_link_target_updates_the_posts_linking_to_it(site: Site) -> None:
    site.write("a.md", "# A\n\nSee [b](b.md).\n")
    site.write("b.md", "# B\n\nText.\n")
    site.sync_json()
    (site.content / "b.md").unlink()
    code, report = site.sync_json()
    assert code == 0
    assert {f["path"]: f["action"] for f in report["files"]} == {
        "a.md": "updated",
        "b.md": "deleted",
    }
    assert report["warnings"] == [
        "a.md: links to b.md, which was deleted; the link is left as written"
    ]
    [a] = [p for p in all_posts(site.wp) if p["slug"] == "a"]
    assert 'href="b.md"' in a["content"]["raw"]
