"""Jekyll's dialect: Liquid tags, site paths, drafts, excerpts and dates."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from wpsync.model import Document
from wpsync.source.blocks import to_blocks
from wpsync.source.content import read_document
from wpsync.source.jekyll import translate
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.site import Site

SAMPLE = Path(__file__).resolve().parents[1] / "fixtures" / "archives" / "jekyll"
JEKYLL = MappingDefaults(dialect="jekyll")
FILES = {
    "_posts/2010-07-21-name.md",
    "_posts/travel/2011-01-02-trip.markdown",
    "_posts/2016-07-26-other.md",
    "about.md",
    "docs/index.md",
    "assets/x.png",
}
CONFIG = {"title": "Tidewater", "baseurl": "/log", "author": {"name": "Crew"}}


def jekyll(
    body: str, rel: str = "_posts/2020-01-01-a.md", site: dict[str, Any] | None = None, **front: Any
) -> tuple[str, list[str]]:
    done = translate(
        body,
        rel=rel,
        front_matter=front,
        site=CONFIG if site is None else site,
        exists=FILES.__contains__,
    )
    return done.text, list(done.warnings)


def mapped(body: str, rel: str = "_posts/2020-01-01-a.md", **front: Any) -> Any:
    doc = Document(rel=rel, front_matter=front, body=body, source_hash="x")
    return map_document(doc, JEKYLL, Site(files=FILES, config=CONFIG))


def test_link_and_post_url_become_links_to_the_markdown_files() -> None:
    text, warnings = jekyll(
        "[a]({% post_url 2010-07-21-name %}) [b]({% post_url /travel/2011-01-02-trip %})"
        " [c]({% link about.md %}) [d]({%- link _posts/2016-07-26-other.md -%})\n"
    )
    assert text == (
        "[a](2010-07-21-name.md) [b](travel/2011-01-02-trip.markdown) [c](../about.md)"
        " [d](2016-07-26-other.md)\n"
    )
    assert warnings == []
    payload = mapped("[a]({% post_url 2010-07-21-name %})\n").payload
    assert payload.links == ("_posts/2010-07-21-name.md",)


def test_baseurl_and_url_filters_are_dropped_so_local_images_are_found() -> None:
    body = (
        "![a]({{ site.baseurl }}/assets/x.png)\n"
        '<img src="{{ "/assets/x.png" | relative_url }}" alt="b">\n'
        "![c]({{ site.url }}{{ site.baseurl }}/assets/x.png)\n"
        "[home]({{ '/' | absolute_url }}) [about]({{ site.baseurl }}/about/)"
        " [post](/2016/07/26/other.html)\n"
    )
    text, warnings = jekyll(body)
    assert text == (
        "![a](../assets/x.png)\n"
        '<img src="../assets/x.png" alt="b">\n'
        "![c](../assets/x.png)\n"
        "[home](/) [about](../about.md) [post](2016-07-26-other.md)\n"
    )
    assert warnings == []
    payload = mapped(body).payload
    assert [ref.rel for ref in payload.images] == ["assets/x.png"]
    assert payload.links == ("about.md", "_posts/2016-07-26-other.md")


def test_page_and_site_variables_are_filled_in_others_removed_with_a_warning() -> None:
    text, warnings = jekyll(
        "{{ page.title }} on {{ site.title }} by {{ site.author.name }}.\n"
        '{{ page.date | date: "%Y" }}{{ paginator.page }}\n',
        title="Hello",
    )
    assert text == "Hello on Tidewater by Crew.\n\n"
    assert warnings == [
        "line 2: the Liquid output '{{ page.date | date: \"%Y\" }}' cannot be evaluated outside Jekyll; removed",
        "line 2: the Liquid output '{{ paginator.page }}' cannot be evaluated outside Jekyll; removed",
    ]


def test_include_warns_once_with_its_line_and_is_removed() -> None:
    text, warnings = jekyll(
        "One.\n\n{% include note.html text='x' %}\n{% include_relative b.md %}\n"
    )
    assert text == "One.\n\n\n\n"
    assert warnings == [
        "line 3: \"{% include note.html text='x' %}\" includes a template wpsync cannot render; "
        "removed (put what it shows in the file)"
    ]


def test_other_tags_are_removed_their_content_kept_comments_removed_whole() -> None:
    text, warnings = jekyll(
        "{% if page.x %}Shown{% else %}Other{% endif %}\n"
        "{% comment %}\nprivate note\n{% endcomment %}\nEnd.\n"
    )
    assert text == "ShownOther\n\n\n\nEnd.\n"
    assert warnings == [
        "line 1: the Liquid tag 'if' cannot be run outside Jekyll; its tags removed (what they enclose is kept)",
        "line 1: the Liquid tag 'else' cannot be run outside Jekyll; its tags removed (what they enclose is kept)",
    ]


def test_raw_and_code_stay_as_written_and_highlight_becomes_a_fence() -> None:
    body = (
        "{% raw %}{{ not liquid }}{% endraw %} and `{{ site.baseurl }}`\n\n"
        "```make\nall:\n\t{% if x %}{{ y }}\n```\n\n"
        "{% highlight ruby %}\ndef x\n\tputs '{{ y }}'\nend\n{% endhighlight %}\n"
    )
    text, warnings = jekyll(body)
    assert text == (
        "{{ not liquid }} and `{{ site.baseurl }}`\n\n"
        "```make\nall:\n\t{% if x %}{{ y }}\n```\n\n"
        "```ruby\ndef x\n\tputs '{{ y }}'\nend\n```\n"
    )
    assert warnings == []


def test_the_excerpt_separator_becomes_the_more_tag() -> None:
    html = mapped("Teaser.\n<!--cut-->\nRest.\n", excerpt_separator="<!--cut-->").payload.content
    assert html == "<p>Teaser.</p>\n<!--more-->\n<p>Rest.</p>"
    assert "<!-- wp:more -->\n<!--more-->\n<!-- /wp:more -->" in to_blocks(html)
    site_wide = translate(
        "Teaser.\n\n<!-- excerpt -->\n\nRest.\n",
        rel="_posts/2020-01-01-a.md",
        site={"excerpt_separator": "<!-- excerpt -->"},
    )
    assert "<!--more-->" in site_wide.text and "excerpt" not in site_wide.text
    default = mapped("One.\n\nTwo.\n").payload.content  # Jekyll's default: nothing to do
    assert default == "<p>One.</p>\n<p>Two.</p>"


def test_drafts_are_drafts_and_pages_outside_posts_are_pages() -> None:
    draft = mapped("Soon.\n", rel="_drafts/soon.md", title="Soon").payload
    assert (draft.rest_base, draft.status) == ("posts", "draft")
    about = mapped("Hi.\n", rel="about.md", layout="page", permalink="/about/").payload
    assert about.rest_base == "pages"
    post = mapped("Hi.\n", rel="_posts/2020-01-01-a.md", layout="post").payload
    assert post.rest_base == "posts"


def test_an_unparsable_date_falls_back_to_the_file_name_with_a_warning() -> None:
    result = mapped("Body.\n", rel="_posts/2021-02-03-x.md", date="sometime in February")
    assert result.payload.date == "2021-02-03T00:00:00"
    assert len(result.warnings) == 1
    assert result.warnings[0].endswith("ignored: the date in the file name (2021-02-03) is used")


def test_jekyll_front_matter_keys_are_known() -> None:
    result = mapped(
        "Body.\n",
        layout="post",
        permalink="/x/",
        categories="jekyll update",
        tags="ruby web",
        published=True,
        redirect_from=["/old/"],
        comments=True,
        image="/assets/x.png",
        excerpt_separator="<!--more-->",
        last_modified_at="2020-02-02",
        author="parkr",
    )
    assert result.warnings == ()
    payload = result.payload
    assert payload.categories == (("jekyll",), ("update",))
    assert payload.tags == ("ruby", "web")
    assert payload.author == "parkr"  # mapped to a WordPress user when the site is synced
    assert payload.featured_image is not None and payload.featured_image.rel == "assets/x.png"


def test_the_sample_blog_maps_without_raw_liquid() -> None:
    site = Site(SAMPLE)
    for path in sorted(SAMPLE.rglob("*.md")) + sorted(SAMPLE.rglob("*.markdown")):
        rel = path.relative_to(SAMPLE).as_posix()
        html = map_document(read_document(SAMPLE, rel), JEKYLL, site).payload.content
        outside_code = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", html, flags=re.S)
        assert "{{" not in outside_code and "{%" not in outside_code, rel
    assert site.config()["excerpt_separator"] == "<!--more-->"


def test_an_unclosed_liquid_tag_is_left_as_written_with_a_warning() -> None:
    text, warnings = jekyll("One.\n\nTwo {{ page.title\n")
    assert text == "One.\n\nTwo {{ page.title\n"
    assert warnings == [
        "line 3: '{{' opens no Liquid tag wpsync can read (not closed?); left as written"
    ]


def test_capture_is_removed_whole_and_gist_is_a_link() -> None:
    text, warnings = jekyll("{% capture note %}Hidden{% endcapture %}A {% gist parkr/c08ee0f2 %}\n")
    assert text == "A <https://gist.github.com/parkr/c08ee0f2>\n"
    assert warnings == []


def test_a_figure_include_is_the_image_with_its_caption() -> None:
    # Minimal Mistakes' figure (a real post: '{% include figure image_path=… caption=… %}'
    # between two paragraphs); al-folio's figure.liquid takes a path from the site's root
    # without its leading slash.
    body = (
        "Steps.\n"
        '{% include figure image_path="/assets/x.png" alt="A plan" caption="Figure 1: *the*'
        " [plan](https://x.org){: rel='nofollow' }\" %}\n"
        "## Next\n\n"
        '{% include figure.liquid loading="eager" path="assets/x.png" title="Plan"'
        ' class="img-fluid" zoomable=true %}\n'
    )
    text, warnings = jekyll(body)
    assert text == (
        "Steps.\n\n\n"
        '<figure><img src="../assets/x.png" alt="A plan"><figcaption>Figure 1: <em>the</em>'
        ' <a href="https://x.org">plan</a></figcaption></figure>\n\n'
        "## Next\n\n\n\n"
        '<figure><img src="../assets/x.png" alt="" title="Plan"></figure>\n\n'
    )
    assert warnings == []
    payload = mapped(body).payload
    assert [ref.rel for ref in payload.images] == ["assets/x.png"]
    assert "<h2" in payload.content  # the heading after the figure is still a heading


def test_a_figure_include_inside_an_html_block_stays_in_it() -> None:
    # al-folio's posts put their figures in Bootstrap rows: a blank line there would end
    # the HTML block and make the indented '</div>' below a code block.
    body = (
        '<div class="row mt-3">\n    <div class="col-sm">\n'
        '        {% include figure.html path="assets/x.png" class="img-fluid" %}\n'
        "    </div>\n</div>\n"
    )
    text, warnings = jekyll(body)
    assert text == body.replace(
        '{% include figure.html path="assets/x.png" class="img-fluid" %}',
        '<figure><img src="../assets/x.png" alt=""></figure>',
    )
    assert warnings == []
    content = mapped(body).payload.content
    assert "<pre>" not in content and "&lt;/div&gt;" not in content


def test_a_video_include_is_the_videos_url_an_embed() -> None:
    text, warnings = jekyll(
        '{% include video id="XsxDH4HcOWA" provider="youtube" %}\n'
        '{% include youtube.html id="dQw4w9WgXcQ" %}\n'
        '{% include video.liquid path="https://player.vimeo.com/video/524933864" %}\n'
        '{% include video id="212731897" provider="vimeo" %}\n'
    )
    assert [line for line in text.split("\n") if line] == [
        "https://www.youtube.com/watch?v=XsxDH4HcOWA",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/524933864",
        "https://vimeo.com/212731897",
    ]
    assert warnings == []


def test_an_include_with_a_variable_for_its_image_is_still_removed_with_a_warning() -> None:
    text, warnings = jekyll('{% include figure image_path=fig_path alt="x" %}\n')
    assert text == "\n"
    assert warnings == [
        "line 1: '{% include figure image_path=fig_path alt=\"x\" %}' includes a template "
        "wpsync cannot render; removed (put what it shows in the file)"
    ]


def test_a_captured_block_is_shown_where_its_variable_is() -> None:
    # Minimal Mistakes' notices and captioned figures capture Markdown and show it with
    # markdownify; the capture was removed and the output too: the text was lost.
    body = (
        "{% capture notice-2 %}\n#### New Site Features\n\n* Cover images\n{% endcapture %}\n"
        '<div class="notice">\n  {{ notice-2 | markdownify }}\n</div>\n\n'
        '{% capture fig_img %}\n![Foo]({{ "/assets/x.png" | absolute_url }})\n{% endcapture %}\n'
        '<figure>\n  {{ fig_img | markdownify | remove: "<p>" | remove: "</p>" }}\n'
        "  <figcaption>Photo.</figcaption>\n</figure>\n\n{{ notice-2 }}\n"
    )
    text, warnings = jekyll(body)
    assert text == (
        "\n\n\n\n\n"
        '<div class="notice">\n  <h4>New Site Features</h4>\n<ul>\n<li>Cover images</li>\n</ul>\n'
        "</div>\n\n\n\n\n"
        '<figure>\n  <img src="../assets/x.png" alt="Foo" />\n'
        "  <figcaption>Photo.</figcaption>\n</figure>\n\n"
        "#### New Site Features\n\n* Cover images\n"
    )
    assert warnings == []
    assert [ref.rel for ref in mapped(body).payload.images] == ["assets/x.png"]


def test_the_singular_category_and_tag_are_one_name_each() -> None:
    # Jekyll splits 'categories: a b' at spaces, never 'category:' (an al-folio project:
    # 'category: applied ai' was published in the categories 'applied' and 'ai').
    payload = mapped("x\n", category="applied ai", tag="machine learning").payload
    assert payload.categories == (("applied ai",),)
    assert payload.tags == ("machine learning",)
    assert mapped("x\n", categories="a b", tags="c d").payload.tags == ("c", "d")


def test_the_header_image_of_a_minimal_mistakes_post_is_its_featured_image() -> None:
    header = {"overlay_image": "/assets/x.png", "overlay_filter": 0.5, "caption": "Photo"}
    mapping = mapped("x\n", header=header)
    featured = mapping.payload.featured_image
    assert featured is not None and featured.rel == "assets/x.png"
    assert mapping.warnings == ()
    teaser = mapped("x\n", header={"image": "https://x.org/a.png", "teaser": "/assets/x.png"})
    featured = teaser.payload.featured_image
    assert featured is not None and featured.rel == "assets/x.png"
    own = mapped("x\n", image="/assets/x.png", header={"teaser": "/assets/other.png"})
    featured = own.payload.featured_image
    assert featured is not None and featured.rel == "assets/x.png"
    remote = mapped("x\n", header={"image": "https://x.org/a.png"})
    assert remote.payload.featured_image is None
    assert any("'https://x.org/a.png' is not a path" in w for w in remote.warnings)


def test_chirpys_media_subpath_is_put_before_relative_image_paths() -> None:
    # A Chirpy post names its images by file name ('media_subpath: /assets/img/posts/x/'):
    # every image, the featured one too, pointed at _posts/shot.png, which is not there.
    files = FILES | {"assets/img/p/shot 1.png", "assets/img/p/cover.png"}
    body = (
        '![Shot](shot%201.png){: w="400" h="150"}\n_Shot_\n\n<img src="shot%201.png" alt="s">\n\n'
        "![Elsewhere](https://x.org/a.png) ![Root](/assets/x.png)\n\n```md\n![a](b.png)\n```\n"
    )
    front = {"media_subpath": "/assets/img/p/", "image": {"path": "cover.png", "alt": "Cover"}}
    done = translate(
        body, rel="_posts/2020-01-01-a.md", front_matter=front, exists=files.__contains__
    )
    assert done.text == body.replace("](shot%201.png)", "](../assets/img/p/shot%201.png)").replace(
        'src="shot%201.png"', 'src="../assets/img/p/shot%201.png"'
    ).replace("](/assets/x.png)", "](../assets/x.png)")
    doc = Document(rel="_posts/2020-01-01-a.md", front_matter=front, body=body, source_hash="x")
    mapping = map_document(doc, JEKYLL, Site(files=files, config=CONFIG))
    featured = mapping.payload.featured_image
    assert featured is not None and (featured.rel, featured.alt) == (
        "assets/img/p/cover.png",
        "Cover",
    )
    assert [ref.rel for ref in mapping.payload.images] == [
        "assets/img/p/shot 1.png",
        "assets/x.png",
    ]
    assert mapping.warnings == ()


def test_chirpys_image_mapping_with_a_site_root_path_is_the_featured_image() -> None:
    # Chirpy's own example: 'image: {path: /assets/…, alt: …}' was "not a path relative to
    # the document" and ignored.
    featured = mapped("x\n", image={"path": "/assets/x.png", "alt": "A"}).payload.featured_image
    assert featured is not None and (featured.rel, featured.alt) == ("assets/x.png", "A")


def test_a_site_root_link_to_a_pages_own_permalink_is_a_link_to_that_page(tmp_path: Path) -> None:
    # Jekyll's own blog links '/docs/themes/' (_docs/themes.md, 'permalink: /docs/themes/');
    # Minimal Mistakes keeps its pages in _pages/ with 'permalink: /about/'.
    (tmp_path / "_docs").mkdir()
    (tmp_path / "_pages").mkdir()
    (tmp_path / "_posts").mkdir()
    (tmp_path / "_docs" / "themes.md").write_text(
        "---\ntitle: Themes\npermalink: /docs/themes/\n---\nThemes.\n", encoding="utf-8"
    )
    (tmp_path / "_pages" / "about.md").write_text(
        '---\npermalink: "/about.html"\n---\nUs.\n', encoding="utf-8"
    )
    (tmp_path / "_pages" / "tags.md").write_text(
        "---\npermalink: /:categories/:title/\n---\nx\n", encoding="utf-8"
    )
    body = "[t](/docs/themes/#assets) [a](/about/) [b]({{ '/about' | relative_url }}) [c](/nope/)\n"
    post = tmp_path / "_posts" / "2016-10-06-a.md"
    post.write_text(f"---\ntitle: A\n---\n{body}", encoding="utf-8")
    mapping = map_document(
        read_document(tmp_path, "_posts/2016-10-06-a.md"), JEKYLL, Site(tmp_path)
    )
    assert mapping.payload.links == ("_docs/themes.md", "_pages/about.md")
    assert [w for w in mapping.warnings if "site-root" in w] == [
        "line 4: the site-root link '/nope/' names no file of the folder; left as written"
    ]


def test_an_include_under_an_html_comment_is_a_block_of_its_own() -> None:
    # A real post: '<!-- math untagged foxit -->' above '{% include youtube.html id=… %}'.
    # A comment's HTML block ends with its line: what follows is Markdown again.
    body = '<!-- figure one -->\n{% include figure image_path="/assets/x.png" %}\nText after.\n'
    content = mapped(body).payload.content
    assert "<!-- figure one -->" in content and "<p>Text after.</p>" in content


def test_a_kramdown_table_is_published_as_a_table() -> None:
    content = mapped("|---\n| Parameter | Required |\n|-|-\n| `id` | yes\n|---\n").payload.content
    assert "<th>Parameter</th>" in content and "<td><code>id</code></td>" in content
    assert "|" not in content


def test_a_figure_include_in_a_table_cell_stays_in_its_cell() -> None:
    body = (
        '| Before | After |\n|---|---|\n| {% include figure image_path="/assets/x.png" %} | b |\n'
    )
    content = mapped(body).payload.content
    assert '<td><figure><img src="assets/x.png" alt=""></figure></td>' in content


def test_the_twitter_tag_is_the_posts_url_an_embed() -> None:
    # al-folio's sample post (jekyll-twitter-plugin): the tweet was removed with a warning.
    text, warnings = jekyll(
        "Tweet:\n{% twitter https://twitter.com/rubygems/status/518821243320287232 %}\n"
        "{% twitter https://twitter.com/jekyllrb maxwidth=500 limit=3 %}\n"
    )
    assert [line for line in text.split("\n") if line] == [
        "Tweet:",
        "https://twitter.com/rubygems/status/518821243320287232",
        "<https://twitter.com/jekyllrb>",
    ]
    assert warnings == []


def test_al_folios_thumbnail_is_the_featured_image() -> None:
    mapping = mapped("x\n", thumbnail="assets/x.png", related_posts=False)
    featured = mapping.payload.featured_image
    assert featured is not None and featured.rel == "assets/x.png"
    assert not any("thumbnail" in w for w in mapping.warnings)


@pytest.mark.parametrize(
    ("written", "date_gmt"),
    [
        ("2022-02-26 8:00:00 -0500", "2022-02-26T13:00:00"),  # Techno Tim's Chirpy blog
        ("2024-7-16 15:00:00 +0800", "2024-07-16T07:00:00"),
    ],
)
def test_a_date_with_unpadded_digits_is_read_as_jekyll_reads_it(
    written: str, date_gmt: str
) -> None:
    # 'date: 2022-02-26 8:00:00 -0500' was "not a date": the time and its zone were lost
    # and the post dated from its file name at midnight.
    mapping = mapped("x\n", date=written)
    assert mapping.payload.date_gmt == date_gmt
    assert mapping.warnings == ()


def test_a_minimal_mistakes_gallery_shows_the_front_matters_images() -> None:
    # '{% include gallery caption=… %}' was removed with a warning: every image lost.
    gallery = [
        {"url": "/assets/x.png", "image_path": "/assets/x-th.png", "alt": "A", "title": "One"},
        {"image_path": "/assets/x.png", "alt": "B"},
    ]
    remote = [{"url": "https://flic.kr/p/1", "image_path": "https://x.org/t.jpg", "alt": "C"}]
    body = (
        '{% include gallery caption="Sample **gallery**." %}\n\n'
        '{% include gallery id="gallery2" %}\n\n{% include gallery id="none" %}\n'
    )
    text, warnings = jekyll(body, gallery=gallery, gallery2=remote)
    assert text.count("<figure>") == 3
    assert '<img src="../assets/x.png" alt="A"><figcaption>One</figcaption>' in text
    assert '<a href="https://flic.kr/p/1"><img src="https://x.org/t.jpg" alt="C"></a>' in text
    assert "Sample **gallery**." in text
    assert len(warnings) == 1 and "include gallery id=" in warnings[0]
    mapping = mapped(body, gallery=gallery, gallery2=remote)
    assert [ref.rel for ref in mapping.payload.images] == ["assets/x.png"]


def test_raw_in_a_highlight_block_leaves_no_blank_first_or_last_line() -> None:
    """jekyll/jekyll's docs/_posts/2016-10-06-jekyll-3-3-is-here.md: {% raw %} on its own
    lines in a highlight block left a blank line at the top and bottom of the code."""
    body = (
        "{% highlight liquid %}\n{% raw %}\n"
        '{{ "/docs/assets/" | relative_url }} => /docs/assets\n'
        "{% endraw %}\n{% endhighlight %}\n\nPara\n{% raw %}\n{{ x }}\n{% endraw %}\nMore\n"
    )
    text, warnings = jekyll(body)
    assert text == (
        '```liquid\n{{ "/docs/assets/" | relative_url }} => /docs/assets\n```\n\n'
        "Para\n\n{{ x }}\n\nMore\n"
    )
    assert warnings == []
