"""Hugo's dialect: shortcodes, site-root links and front matter, translated before rendering."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from wpsync.model import Document
from wpsync.source.blocks import to_blocks
from wpsync.source.content import read_document
from wpsync.source.hugo import parse_args, translate
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "archives" / "hugo" / "content"
HUGO = MappingDefaults(dialect="hugo")
FILES = {
    "posts/hello.md",
    "posts/trip/index.md",
    "posts/trip/images/a.png",
    "docs/_index.md",
    "docs/install.md",
    "docs/guide/index.md",
    "static/img/logo.png",
}


def exists(rel: str) -> bool:
    return rel in FILES


def hugo(body: str, rel: str = "posts/trip/index.md", **front: Any) -> tuple[str, list[str]]:
    done = translate(body, rel=rel, front_matter=front, exists=exists)
    return done.text, list(done.warnings)


def mapped(body: str, rel: str = "posts/trip/index.md", **front: Any) -> Any:
    doc = Document(rel=rel, front_matter=front, body=body, source_hash="x")
    return map_document(doc, HUGO, Site(files=FILES))


# ---------------------------------------------------------------------------- arguments


def test_positional_named_quoted_and_raw_string_arguments() -> None:
    assert parse_args(' go "linenos=table" ') == (("go", "linenos=table"), {})
    positional, named = parse_args('src="a b.png" alt=`say "hi"` width=300 Title="x \\"y\\""')
    assert positional == ()
    assert named == {"src": "a b.png", "alt": 'say "hi"', "width": "300", "title": 'x "y"'}


# ---------------------------------------------------------------------------- shortcodes


def test_figure_becomes_an_image_block_with_its_caption_and_link() -> None:
    body = (
        '{{< figure src="images/a.png" alt="Dawn" caption="At *dawn*" title="Harbour"'
        ' link="https://example.org/big" width="640" >}}\n'
    )
    payload = mapped(body).payload
    assert [ref.rel for ref in payload.images] == ["posts/trip/images/a.png"]
    blocks = to_blocks(payload.content)
    assert blocks.startswith("<!-- wp:image")
    assert (
        '<figcaption class="wp-element-caption"><strong>Harbour</strong> At <em>dawn</em>' in blocks
    )
    assert (
        '<a href="https://example.org/big"><img src="posts/trip/images/a.png" alt="Dawn"' in blocks
    )


def test_a_self_closing_figure_with_a_site_root_source_finds_the_static_file() -> None:
    text, warnings = hugo('{{< figure src="/img/logo.png" alt="Logo" />}}\n')
    assert '<img src="../../static/img/logo.png" alt="Logo">' in text
    assert warnings == []


@pytest.mark.parametrize(
    ("shortcode", "url"),
    [
        ("{{< youtube 0RKpf3rK57I >}}", "https://www.youtube.com/watch?v=0RKpf3rK57I"),
        (
            '{{< youtube id="w7Ft2ymGmfc" autoplay="true" >}}',
            "https://www.youtube.com/watch?v=w7Ft2ymGmfc",
        ),
        ("{{< vimeo 55073825 >}}", "https://vimeo.com/55073825"),
        (
            '{{< x user="SanDiegoZoo" id="1453110110599868418" >}}',
            "https://twitter.com/SanDiegoZoo/status/1453110110599868418",
        ),
        (
            "{{< tweet SanDiegoZoo 1453110110599868418 >}}",
            "https://twitter.com/SanDiegoZoo/status/1453110110599868418",
        ),
    ],
)
def test_video_and_post_shortcodes_become_embed_blocks(shortcode: str, url: str) -> None:
    blocks = to_blocks(mapped(f"Before.\n{shortcode}\nAfter.\n").payload.content)
    assert f'<!-- wp:embed {{"url":"{url}"' in blocks
    assert "{{" not in blocks


def test_instagram_becomes_a_link_to_the_post() -> None:
    html = mapped("{{< instagram CxOWiQNP2MO >}}\n").payload.content
    assert '<a href="https://www.instagram.com/p/CxOWiQNP2MO/">' in html


def test_highlight_and_code_toggle_keep_the_code_byte_for_byte() -> None:
    code = 'func main() {\n\tprintln("<&>")\n\t\t// ``` backticks\n}'
    text, _ = hugo(
        f'{{{{< highlight go "linenos=table" >}}}}{code}\n{{{{< /highlight >}}}} inline\n'
    )
    assert f"````go\n{code}\n````" in text
    html = mapped(
        "{{< code-toggle file=hugo >}}\nbaseURL = 'x'\n\ttitle = \"T\"\n{{< /code-toggle >}}\n"
    ).payload.content
    assert (
        html
        == "<pre><code class=\"language-toml\">baseURL = 'x'\n\ttitle = &quot;T&quot;</code></pre>"
    )


def test_ref_and_relref_become_links_to_the_markdown_files() -> None:
    body = (
        '[a]({{< ref "/docs/install" >}}) [b]({{< relref "install.md#step-2" >}})'
        ' [c]({{< ref "/posts/hello.md" >}}) [d]({{% ref path="docs/guide" %}}) [e]({{< ref "#top" >}})\n'
    )
    text, warnings = hugo(body, rel="docs/install.md")
    assert (
        text
        == "[a](install.md) [b](install.md#step-2) [c](../posts/hello.md) [d](guide/index.md) [e](#top)\n"
    )
    assert warnings == []
    payload = mapped(body, rel="docs/install.md").payload
    assert payload.links == ("docs/install.md", "posts/hello.md", "docs/guide/index.md")


def test_a_ref_to_no_file_still_points_at_a_markdown_path_and_warns() -> None:
    text, warnings = hugo('[x]({{< ref "missing" >}})\n', rel="posts/hello.md")
    assert text == "[x](missing.md)\n"
    assert warnings == [
        "line 1: ref 'missing' names no file of the folder; the link is left to that path"
    ]


def test_details_is_a_details_element_with_markdown_inside() -> None:
    html = mapped(
        '{{< details summary="See *more*" open=true >}}\nA **bold** word.\n{{< /details >}}\n'
    ).payload.content
    assert (
        html
        == "<details open>\n<summary>See <em>more</em></summary>\n<p>A <strong>bold</strong> word.</p>\n</details>"
    )


def test_markdown_shortcodes_render_their_inner_markdown_and_notices_become_callouts() -> None:
    html = mapped("{{% notice warning %}}\nMind the *tide*.\n{{% /notice %}}\n").payload.content
    assert "wpsync-callout-warning" in html and "<em>tide</em>" in html


def test_an_unknown_shortcode_keeps_its_inner_content_and_warns_once_per_name() -> None:
    body = (
        '{{< gallery dir="x" >}}\nKept **text**.\n{{< /gallery >}}\n\n{{< gallery >}}\n\n'
        "{{% columns %}}Column text{{% /columns %}}\n"
    )
    text, warnings = hugo(body)
    assert "Kept **text**." in text and "Column text" in text and "{{" not in text
    assert warnings == [
        "line 1: unknown Hugo shortcode 'gallery' removed, its inner content kept",
        "line 7: unknown Hugo shortcode 'columns' removed, its inner content kept",
    ]


def test_comments_are_shown_literally_and_code_is_never_translated() -> None:
    body = (
        "Write `{{< youtube id >}}` like this:\n\n"
        '```\n{{</* figure src="x.png" */>}}\n{{< youtube abc >}}\n\tTab\n```\n'
    )
    text, warnings = hugo(body)
    assert text == body.replace('{{</* figure src="x.png" */>}}', '{{< figure src="x.png" >}}')
    assert warnings == []


def test_the_comment_shortcode_is_removed_with_what_it_holds() -> None:
    html = mapped(
        "Public.\n\n{{% comment %}}\nsecret staging URL\n{{% /comment %}}\n"
    ).payload.content
    assert html == "<p>Public.</p>"


def test_param_reads_the_front_matter() -> None:
    text, warnings = hugo(
        '{{< param "subtitle" >}} / {{< param "missing" >}}', params={"subtitle": "Sub"}
    )
    assert text == "Sub / "
    assert warnings == ["line 1: param 'missing' is not in the front matter; removed"]


def test_no_curly_quotes_or_leftover_braces_reach_the_html() -> None:
    html = mapped('Say "{{< unknown a="b" >}}" -- {{< youtube 0RKpf3rK57I >}}\n').payload.content
    assert "{{" not in html and "}}" not in html and "\u201c" not in html


# ---------------------------------------------------------------------------- site-root links


def test_site_root_links_resolve_to_the_file_hugo_built_the_url_from() -> None:
    body = (
        "[a](/docs/install/) [b](/docs/install#x) [c](/docs/) [d](/docs/guide/)"
        " [e](/posts/trip/) [f](/nowhere/) [g](/)\n"
    )
    text, warnings = hugo(body, rel="posts/hello.md")
    assert text == (
        "[a](../docs/install.md) [b](../docs/install.md#x) [c](../docs/_index.md)"
        " [d](../docs/guide/index.md) [e](trip/index.md) [f](/nowhere/) [g](/)\n"
    )
    assert warnings == [
        "line 1: the site-root link '/nowhere/' names no file of the folder; left as written"
    ]


# ---------------------------------------------------------------------------- front matter


def test_hugo_front_matter_is_known_not_noise() -> None:
    front = {
        "title": "T",
        "type": "section",
        "layout": "single",
        "weight": 3,
        "aliases": ["/old/"],
        "url": "/x/",
        "linkTitle": "Short",
        "description": "Meta description",
        "summary": "The summary",
        "lastmod": "2024-01-02",
        "publishDate": "2024-01-01",
        "expiryDate": "2030-01-01",
        "keywords": ["k"],
        "outputs": ["html"],
        "params": {"a": 1},
        "menu": {"main": {"weight": 1}},
        "series": ["s"],
        "images": ["a.png"],
        "toc": True,
        "cascade": {"toc": True},
        "headless": False,
        "categories": "one two",
    }
    result = mapped("Body.\n", rel="posts/hello.md", **front)
    assert result.warnings == (
        "front-matter key 'type' ('section') is Hugo's content type (which layout renders "
        "the page), not a WordPress post type; ignored",
    )
    payload = result.payload
    assert payload.rest_base == "posts"
    assert payload.excerpt == "The summary"
    assert payload.date == "2024-01-01T00:00:00"  # publishDate
    assert payload.tags == ()  # keywords are meta keywords in Hugo, not tags
    assert payload.categories == (("one two",),)  # not Jekyll's space-separated string


def test_weight_is_the_menu_order_of_a_page_and_type_page_is_a_page() -> None:
    payload = mapped("Body.\n", rel="docs/install.md", type="page", weight=2).payload
    assert (payload.rest_base, payload.menu_order) == ("pages", 2)


def test_draft_and_a_hugo_published_date() -> None:
    payload = mapped("Body.\n", rel="posts/hello.md", draft=True, published="2023-05-06").payload
    assert (payload.status, payload.date) == ("draft", "2023-05-06T00:00:00")


def test_an_unparsable_date_warns_instead_of_failing_the_file() -> None:
    result = mapped("Body.\n", rel="posts/hello.md", date="last Tuesday")
    assert result.payload.date is None
    assert result.warnings[0].startswith("front-matter key 'date' 'last Tuesday' is not a date")
    assert result.warnings[0].endswith("ignored: WordPress dates the post")


# ---------------------------------------------------------------------------- the sample


def test_the_sample_site_maps_without_raw_shortcodes() -> None:
    site = Site(SAMPLE)
    for path in sorted(SAMPLE.rglob("*.md")):
        rel = path.relative_to(SAMPLE).as_posix()
        html = map_document(read_document(SAMPLE, rel), HUGO, site).payload.content
        outside_code = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.S)
        assert "{{" not in outside_code and "{%" not in outside_code, rel


def test_an_unclosed_shortcode_is_left_as_written_with_a_warning() -> None:
    text, warnings = hugo('Intro.\n\n{{< figure src="a.png"\n\nMore.\n')
    assert '{{< figure src="a.png"' in text
    assert warnings == [
        "line 3: '{{<' opens no shortcode wpsync can read (not closed with '>}}' or '%}}'?); "
        "left as written"
    ]


def test_the_dialect_is_part_of_the_recorded_renderer() -> None:
    from wpsync.engine.references import dialect_identity

    assert dialect_identity("plain") == ""  # posts synced before dialects: not re-read
    assert dialect_identity("hugo") != dialect_identity("jekyll")
    assert "hugo" in dialect_identity("hugo")


def test_a_ref_by_name_alone_finds_the_one_page_of_that_name_in_the_site() -> None:
    site = Site(files=FILES | {"blog/hello.md"})
    found = translate(
        '[t]({{< ref "trip" >}}) [h]({{< ref "hello" >}}) [g]({{< ref "guide" >}})',
        rel="docs/install.md",
        exists=site.exists,
        pages=site.markdown_files,
    )
    # trip: posts/trip/index.md; hello: two pages of that name (ambiguous, as in Hugo)
    assert found.text.startswith("[t](../posts/trip/index.md) [h](hello.md) [g](guide/index.md)")
    assert found.warnings == (
        "line 1: ref 'hello' names no file of the folder; the link is left to that path",
    )


def test_block_shortcodes_stay_inside_list_items_and_quotes() -> None:
    body = (
        '- One\n  {{< figure src="images/a.png" caption="Cap" >}}\n- Two\n\n'
        "> Quote\n> {{< youtube 0RKpf3rK57I >}}\n> more\n"
    )
    html = mapped(body).payload.content
    assert html.count("<li>") == 2 and html.count("<blockquote>") == 1
    assert '<li>\n<p>One</p>\n<figure><img src="posts/trip/images/a.png"' in html
    assert "watch?v=0RKpf3rK57I</a></p>\n<p>more</p>\n</blockquote>" in html


def test_published_false_is_still_a_draft_in_hugo() -> None:
    assert mapped("Body.\n", rel="posts/hello.md", published=False).payload.status == "draft"


def test_a_figure_inside_an_html_block_stays_in_it() -> None:
    # In a <div> the blank lines around the figure ended the HTML block: the figure and
    # the indented '</div>' below it were published as a code block, tags and all.
    body = (
        '<div class="row">\n    <div class="col">\n'
        '        {{< figure src="images/a.png" caption="Cap" >}}\n'
        "    </div>\n</div>\n"
    )
    text, warnings = hugo(body)
    assert text == body.replace(
        '{{< figure src="images/a.png" caption="Cap" >}}',
        '<figure><img src="images/a.png" alt=""><figcaption>Cap</figcaption></figure>',
    )
    assert warnings == []
    content = mapped(body).payload.content
    assert "<pre>" not in content and "&lt;figure" not in content


def test_an_admonitions_title_is_its_second_argument() -> None:
    # LoveIt/DoIt/FixIt: {{< admonition type title open >}}; the title was dropped.
    html = mapped(
        '{{< admonition warning "Error" >}}\nNo matching key exchange.\n{{< /admonition >}}\n\n'
        '{{< admonition tip "Problem I solved:" true >}}\nSee *this*.\n{{< /admonition >}}\n'
    ).payload.content
    assert "wpsync-callout-warning" in html and "<strong>Error</strong>" in html
    assert "<strong>Problem I solved:</strong>" in html and "<em>this</em>" in html
    assert "true" not in html


def test_an_author_given_as_a_mapping_is_its_name() -> None:
    # FixIt's archetype writes 'author: {name: …, link: …, avatar: …}'; the file failed.
    author = {"name": "uyaki", "link": "https://github.com/uyaki", "avatar": "/a.png"}
    assert mapped("x\n", author=author).payload.author == "uyaki"
    assert mapped("x\n", author={"link": "https://x.org"}).payload.author is None
    # PaperMod's 'author: ["Me", "You"]' (multiple authors) failed the file too: the first
    assert mapped("x\n", author=["Spring", "You"]).payload.author == "Spring"
    assert mapped("x\n", author=[]).payload.author is None


def test_loveits_featured_image_resource_and_param_are_the_featured_image() -> None:
    # LoveIt/DoIt/FixIt: 'resources: [{name: featured-image, src: …}]' or 'featuredImage:'.
    resources = [
        {"name": "gallery", "src": "x.jpg"},
        {"name": "featured-image", "src": "images/a.png"},
    ]
    featured = mapped("x\n", rel="posts/trip/index.md", resources=resources).payload.featured_image
    assert featured is not None and featured.rel == "posts/trip/images/a.png"
    featured = mapped("x\n", featuredImage="/img/logo.png").payload.featured_image
    assert featured is not None and featured.rel == "static/img/logo.png"


def test_mermaid_is_its_diagrams_source_and_tabs_keep_their_titles() -> None:
    # The diagram was published as one paragraph ('graph LR a(local machine) b--&gt;c'),
    # and each tab's title was lost with its tags.
    body = (
        "{{< mermaid >}}\ngraph LR\na(local machine)\nb-->c\n{{< /mermaid >}}\n\n"
        '{{< tabs >}}\n{{% tab name="Java" %}}\n```java\nclass A {}\n```\n{{% /tab %}}\n'
        '{{< tab header="Go" >}}\nGo *code*.\n{{< /tab >}}\n{{< /tabs >}}\n'
    )
    assert hugo(body)[1] == []
    html = mapped(body).payload.content
    assert '<pre><code class="language-mermaid">graph LR\na(local machine)\nb--&gt;c</code>' in html
    assert '<p><strong>Java</strong></p>\n<pre><code class="language-java">' in html
    assert "<p><strong>Go</strong></p>\n<p>Go <em>code</em>.</p>" in html


def test_loveits_icons_go_and_a_person_is_their_linked_name() -> None:
    # Real LoveIt/FixIt posts: ':(fas fa-lightbulb): Kalau…' was published as written, and
    # 'Box author | {{< person url=… name="ch4p" … >}}' lost the name.
    text, warnings = hugo(
        ":(fas fa-lightbulb): Tip. Here :(far fa-hand-point-down fa-fw)::\n"
        "`:(fas fa-x):` stays in code.\n\n"
        'Box author | {{< person url="https://x.org/u/1" name="ch4p" picture="a.png" >}}\n'
    )
    assert text == (
        " Tip. Here :\n`:(fas fa-x):` stays in code.\n\nBox author | [ch4p](<https://x.org/u/1>)\n"
    )
    assert warnings == []


def test_privacy_variants_theme_embeds_quotes_and_inline_shortcodes() -> None:
    # Stack's example post: the _simple embeds, bilibili and gitlab were removed whole,
    # a quote lost its author and source, and an inline shortcode's Go template
    # ('{{ if or .Page.Params.math … }}') was published.
    text, warnings = hugo(
        '{{< twitter_simple user="DesignReviewed" id="1085870671291310081" >}}\n\n'
        "{{< vimeo_simple 48912912 >}}\n\n{{< bilibili av498363026 >}}\n\n"
        '{{< quote author="A famous person" source="The book" url="https://x.org/b">}}\n'
        "Lorem ipsum.\n{{< /quote >}}\n\n"
        "{{< math.inline >}}\n{{ if .Page.Params.math }}<script></script>{{ end }}\n"
        "{{</ math.inline >}}\nEnd.\n"
    )
    assert "https://twitter.com/DesignReviewed/status/1085870671291310081" in text
    assert "https://vimeo.com/48912912" in text
    assert "<https://www.bilibili.com/video/av498363026/>" in text
    assert "> Lorem ipsum.\n>\n> — A famous person, *[The book](<https://x.org/b>)*" in text
    assert "{{" not in text and "script" not in text and "End." in text
    assert warnings == [
        "line 11: the inline shortcode 'math.inline' is a template wpsync cannot run; "
        "removed with what it holds"
    ]


def test_blowfish_buttons_and_repository_cards_are_links_and_cover_image_is_featured() -> None:
    # Blowfish posts: '{{< button href=… >}}Chrome Web Store{{< /button >}}' kept the
    # text and lost the link; '{{< github repo=… >}}' was removed whole; 'coverImage:'
    # (wordpress-export-to-markdown's key) was an unknown key, the picture lost.
    text, warnings = hugo(
        '{{< button href="https://x.org/store" target="_blank" >}}Web Store{{< /button >}}\n\n'
        '{{< github repo="adlerzei/old-wiki" showThumbnail=false >}}\n'
    )
    assert "[Web Store](<https://x.org/store>)" in text
    # another theme's link: '{{< link title="report" url=… >}}' lost its word mid-sentence
    assert hugo('A 2018 {{< link title="report" url="https://x.org/r.pdf" >}} by…\n')[0] == (
        "A 2018 [report](<https://x.org/r.pdf>) by…\n"
    )
    assert "<https://github.com/adlerzei/old-wiki>" in text
    assert warnings == []
    mapping = mapped("x\n", coverImage="images/a.png")
    featured = mapping.payload.featured_image
    assert featured is not None and featured.rel == "posts/trip/images/a.png"
    assert mapping.warnings == ()


def test_a_figure_in_a_table_cell_stays_in_its_cell() -> None:
    # A real post: '|{{< figure src="/images/2026/yes.jpg" >}}|{{< figure … >}}|' under a
    # header row; the figures were moved out under the table, the cells left empty.
    body = (
        "|Blending In|Standing Out|\n|---|---|\n"
        '|{{< figure src="images/a.png" align=center >}}|{{< figure src="/img/logo.png" >}}|\n'
    )
    html = mapped(body).payload.content
    assert '<td><figure><img src="posts/trip/images/a.png" alt=""></figure></td>' in html
    assert html.count("<figure>") == 2 and "|" not in html


@pytest.mark.parametrize("cover", [{"image": "", "alt": "x"}, {"image": "<image path/url>"}, ""])
def test_papermods_empty_or_placeholder_cover_is_no_featured_image(cover: object) -> None:
    # PaperMod's archetype: 'cover: {image: "<image path/url>", alt: "<alt text>"…}', or
    # the image emptied: the file failed ("must be the path of a local image, not ''") or
    # named the image 'posts/trip/<image path/url>', which fails the sync.
    mapping = mapped("x\n", cover=cover)
    assert mapping.payload.featured_image is None
    assert mapping.warnings == ()


def test_hugo_books_expand_is_a_details_element_with_its_title() -> None:
    # '{{< expand "Output">}}Hello, world!{{< /expand >}}': the title 'Output' was lost.
    html = mapped('{{< expand "Output">}}\nHello, *world*!\n{{< /expand >}}\n').payload.content
    assert "<summary>Output</summary>" in html and "<em>world</em>" in html
