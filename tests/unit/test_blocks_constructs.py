"""HTML → block markup, construct by construct: the exact markup WordPress 6.1's blocks
save (checked in the real editor by tests/integration/test_block_editor.py)."""

from __future__ import annotations

from wpsync.source.blocks import MAX_DEPTH, to_blocks
from wpsync.source.embeds import find_embed


def test_a_paragraph_keeps_its_inline_markup_and_an_id() -> None:
    assert to_blocks('<p id="x">A <em>b</em> <a href="/c">c</a>.</p>') == (
        '<!-- wp:paragraph -->\n<p id="x">A <em>b</em> <a href="/c">c</a>.</p>\n'
        "<!-- /wp:paragraph -->"
    )


def test_a_paragraph_holding_block_html_is_split_where_the_browser_splits_it() -> None:
    assert to_blocks("<p>Before <div>a div</div> after.</p>") == (
        "<!-- wp:paragraph -->\n<p>Before</p>\n<!-- /wp:paragraph -->\n\n"
        "<!-- wp:html -->\n<div>a div</div>\n<!-- /wp:html -->\n\n"
        "<!-- wp:paragraph -->\n<p>after.</p>\n<!-- /wp:paragraph -->"
    )
    table = to_blocks("<p>A <table><tr><td>t</td></tr></table></p>")
    assert "<!-- wp:table -->" in table and "<p>A</p>" in table


def test_block_html_hidden_in_inline_markup_makes_the_paragraph_an_html_div() -> None:
    assert to_blocks("<p>x <em>y <div>z</div></em></p>") == (
        "<!-- wp:html -->\n<div>x <em>y <div>z</div></em></div>\n<!-- /wp:html -->"
    )


def test_headings_of_every_level_with_their_anchor() -> None:
    assert to_blocks('<h2 id="intro">Intro</h2>') == (
        '<!-- wp:heading -->\n<h2 id="intro">Intro</h2>\n<!-- /wp:heading -->'
    )
    for level in (1, 3, 4, 5, 6):
        assert to_blocks(f"<h{level}>T</h{level}>") == (
            f'<!-- wp:heading {{"level":{level}}} -->\n<h{level}>T</h{level}>\n<!-- /wp:heading -->'
        )
    assert to_blocks('<h2 class="x">T</h2>').startswith("<!-- wp:html -->")


def test_nested_lists_are_list_blocks_inside_list_items() -> None:
    assert to_blocks('<ul>\n<li>a\n<ol start="3">\n<li>b</li>\n</ol>\n</li>\n</ul>') == (
        "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>a"
        '<!-- wp:list {"ordered":true,"start":3} -->\n<ol start="3"><!-- wp:list-item -->\n'
        "<li>b</li>\n<!-- /wp:list-item --></ol>\n<!-- /wp:list --></li>\n"
        "<!-- /wp:list-item --></ul>\n<!-- /wp:list -->"
    )


def test_an_ordered_list_keeps_start_and_reversed() -> None:
    markup = to_blocks('<ol start="4" reversed><li>x</li></ol>')
    assert markup.startswith('<!-- wp:list {"ordered":true,"start":4,"reversed":true} -->\n')
    assert '<ol start="4" reversed><!-- wp:list-item -->' in markup


def test_a_loose_list_item_is_its_one_paragraph_and_two_paragraphs_are_html() -> None:
    assert "<li>one</li>" in to_blocks("<ul><li><p>one</p></li></ul>")
    assert to_blocks("<ul><li><p>a</p><p>b</p></li></ul>").startswith("<!-- wp:html -->")


def test_task_lists_stay_html() -> None:
    markup = '<ul class="contains-task-list"><li class="task-list-item"><input type="checkbox"> a</li></ul>'
    assert to_blocks(markup) == f"<!-- wp:html -->\n{markup}\n<!-- /wp:html -->"


def test_a_quote_and_a_quote_inside_it() -> None:
    assert to_blocks("<blockquote><p>a</p><blockquote><p>b</p></blockquote></blockquote>") == (
        '<!-- wp:quote -->\n<blockquote class="wp-block-quote"><!-- wp:paragraph -->\n<p>a</p>\n'
        '<!-- /wp:paragraph -->\n\n<!-- wp:quote -->\n<blockquote class="wp-block-quote">'
        "<!-- wp:paragraph -->\n<p>b</p>\n<!-- /wp:paragraph --></blockquote>\n<!-- /wp:quote -->"
        "</blockquote>\n<!-- /wp:quote -->"
    )


def test_code_with_a_language_without_one_and_with_tabs() -> None:
    assert to_blocks('<pre><code class="language-go">\tif x {\n\t\ty()\n\t}\n</code></pre>') == (
        '<!-- wp:code {"className":"language-go"} -->\n'
        '<pre class="wp-block-code language-go"><code>\tif x {\n\t\ty()\n\t}\n</code></pre>\n'
        "<!-- /wp:code -->"
    )
    assert to_blocks("<pre><code>a &lt; [b]\nhttps://x.org/y\n</code></pre>") == (
        '<!-- wp:code -->\n<pre class="wp-block-code"><code>a &lt; &#91;b]\n'
        "https:&#47;&#47;x.org/y\n</code></pre>\n<!-- /wp:code -->"
    )


def test_code_data_attributes_are_dropped_never_put_into_the_code() -> None:
    markup = to_blocks('<pre data-x="1"><code class="language-js" data-title="a.js">a</code></pre>')
    assert markup == (
        '<!-- wp:code {"className":"language-js"} -->\n'
        '<pre class="wp-block-code language-js"><code>a</code></pre>\n<!-- /wp:code -->'
    )
    assert to_blocks('<pre><code><span class="k">a</span></code></pre>').startswith("<!-- wp:html")


def test_a_table_in_the_block_shape_aligned_cells_caption_bare_rows_in_tbody() -> None:
    markup = to_blocks(
        "<table>\n<caption>Cap <em>x</em></caption>\n"
        '<thead>\n<tr>\n<th style="text-align: left;">a</th>\n<th align="right">b</th>\n</tr>\n</thead>\n'
        '<tr><td style="text-align:center">1</td><td>2</td></tr>\n'
        "<tfoot><tr><td>f</td><td>g</td></tr></tfoot>\n</table>"
    )
    assert markup == (
        '<!-- wp:table -->\n<figure class="wp-block-table"><table><thead><tr>'
        '<th class="has-text-align-left" data-align="left">a</th>'
        '<th class="has-text-align-right" data-align="right">b</th></tr></thead>'
        '<tbody><tr><td class="has-text-align-center" data-align="center">1</td><td>2</td></tr>'
        "</tbody><tfoot><tr><td>f</td><td>g</td></tr></tfoot></table>"
        '<figcaption class="wp-element-caption">Cap <em>x</em></figcaption></figure>\n'
        "<!-- /wp:table -->"
    )


def test_a_figure_around_a_table_gives_its_caption_and_spans_stay_html() -> None:
    markup = to_blocks(
        "<figure><table><tr><td>1</td></tr></table><figcaption>C</figcaption></figure>"
    )
    assert '<figcaption class="wp-element-caption">C</figcaption></figure>' in markup
    assert to_blocks('<table><tr><td colspan="2">x</td></tr></table>').startswith("<!-- wp:html")


URL = "https://site/wp-content/uploads/a.png"


def test_an_image_with_its_id_title_and_size() -> None:
    assert to_blocks(
        f'<p><img src="{URL}" alt="A" title="T" width="300" height="200"></p>', {URL: 7}
    ) == (
        '<!-- wp:image {"id":7,"width":300,"height":200,"sizeSlug":"full","linkDestination":"none"} -->\n'
        '<figure class="wp-block-image size-full is-resized"><img src="https://site/wp-content/uploads/a.png" '
        'alt="A" class="wp-image-7" width="300" height="200" title="T"/></figure>\n<!-- /wp:image -->'
    )
    assert to_blocks(f'<p><img src="{URL}" alt="" width="50%"></p>').startswith("<!-- wp:paragraph")


def test_an_image_inside_a_link_and_a_figure_with_a_caption() -> None:
    assert to_blocks(f'<p><a href="https://e.org/"><img src="{URL}" alt="A"></a></p>') == (
        '<!-- wp:image {"linkDestination":"custom"} -->\n<figure class="wp-block-image">'
        f'<a href="https://e.org/"><img src="{URL}" alt="A"/></a></figure>\n<!-- /wp:image -->'
    )
    assert to_blocks(
        f'<figure><img src="{URL}" alt="A">\n<figcaption>C <em>d</em></figcaption></figure>'
    ) == (
        '<!-- wp:image -->\n<figure class="wp-block-image">'
        f'<img src="{URL}" alt="A"/><figcaption class="wp-element-caption">C <em>d</em></figcaption>'
        "</figure>\n<!-- /wp:image -->"
    )


def test_a_separator_as_wordpress_6_1_saves_it() -> None:
    assert to_blocks("<hr>") == (
        '<!-- wp:separator -->\n<hr class="wp-block-separator has-alpha-channel-opacity"/>\n'
        "<!-- /wp:separator -->"
    )
    assert to_blocks('<hr class="footnotes-sep">').startswith("<!-- wp:html -->")


def test_footnotes_and_definition_lists_are_html_blocks() -> None:
    notes = '<section class="footnotes"><ol><li id="fn1"><p>N</p></li></ol></section>'
    assert to_blocks(notes) == f"<!-- wp:html -->\n{notes}\n<!-- /wp:html -->"
    assert to_blocks("<dl><dt>a</dt><dd>b</dd></dl>").startswith("<!-- wp:html -->")


def test_a_callout_is_a_group_keeping_its_classes() -> None:
    markup = to_blocks(
        '<div class="wpsync-callout wpsync-callout-note">\n<p class="wpsync-callout-title">Note</p>\n'
        "<p>Body.</p>\n</div>"
    )
    assert markup == (
        '<!-- wp:group {"className":"wpsync-callout wpsync-callout-note"} -->\n'
        '<div class="wp-block-group wpsync-callout wpsync-callout-note">'
        '<!-- wp:paragraph {"className":"wpsync-callout-title"} -->\n'
        '<p class="wpsync-callout-title">Note</p>\n<!-- /wp:paragraph -->\n\n'
        "<!-- wp:paragraph -->\n<p>Body.</p>\n<!-- /wp:paragraph --></div>\n<!-- /wp:group -->"
    )
    assert to_blocks('<div class="box"><p>x</p></div>').startswith("<!-- wp:html -->")


def test_a_bare_youtube_url_is_an_embed_block_as_wordpress_saves_it() -> None:
    url = "https://www.youtube.com/watch?v=abc&amp;t=1"
    assert to_blocks(f'<p><a href="https://www.youtube.com/watch?v=abc&t=1">{url}</a></p>') == (
        '<!-- wp:embed {"url":"https://www.youtube.com/watch?v=abc\\u0026t=1","type":"video",'
        '"providerNameSlug":"youtube","responsive":true,'
        '"className":"wp-embed-aspect-16-9 wp-has-aspect-ratio"} -->\n'
        '<figure class="wp-block-embed is-type-video is-provider-youtube wp-block-embed-youtube '
        'wp-embed-aspect-16-9 wp-has-aspect-ratio"><div class="wp-block-embed__wrapper">\n'
        "https://www.youtube.com/watch?v=abc&amp;t=1\n</div></figure>\n<!-- /wp:embed -->"
    )


def test_vimeo_and_x_urls_embed_an_x_post_by_its_twitter_address() -> None:
    assert "is-provider-vimeo" in to_blocks("<p>https://vimeo.com/76979871</p>")
    markup = to_blocks("<p>https://x.com/WordPress/status/15</p>")
    assert markup.startswith(
        '<!-- wp:embed {"url":"https://twitter.com/WordPress/status/15","type":"rich",'
        '"providerNameSlug":"twitter","responsive":true} -->'
    )
    assert find_embed("https://www.youtube.com/channel/x") is None  # not an oEmbed address
    assert find_embed("https://example.com/watch?v=1") is None


def test_a_url_in_running_text_or_a_link_with_other_text_is_no_embed() -> None:
    assert to_blocks("<p>See https://youtu.be/abc now</p>").startswith("<!-- wp:paragraph")
    linked = '<p><a href="https://youtu.be/abc">the video</a></p>'
    assert to_blocks(linked).startswith("<!-- wp:paragraph")


def test_raw_html_left_open_is_closed_in_its_html_block() -> None:
    assert (
        to_blocks("<div><span>a")
        == "<!-- wp:html -->\n<div><span>a</span></div>\n<!-- /wp:html -->"
    )
    assert to_blocks("<!-- c -->") == "<!-- wp:html -->\n<!-- c -->\n<!-- /wp:html -->"


def test_deep_nesting_becomes_html_without_recursion_errors() -> None:
    depth = MAX_DEPTH + 300
    markup = to_blocks("<ul><li>x" * depth + "</li></ul>" * depth)
    assert markup.startswith("<!-- wp:html -->")
    quotes = to_blocks("<blockquote>" * depth + "<p>q</p>" + "</blockquote>" * depth)
    assert quotes.count("<!-- wp:quote -->") == MAX_DEPTH
