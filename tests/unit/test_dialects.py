"""Archives moved from Jekyll and Hugo keep their code blocks and their terms."""

from __future__ import annotations

from wpsync.model import Document
from wpsync.source.dialects import convert_template_tags
from wpsync.source.mapping import MappingDefaults, map_document

JEKYLL_POST = """You'll find this post in your `_posts` directory.

{% highlight ruby %}
def print_hi(name)
  puts "Hi, #{name}"
end
{% endhighlight %}

{% raw %}{{ not liquid }}{% endraw %}
"""


def doc(rel: str, front: dict[str, object], body: str) -> Document:
    return Document(rel=rel, front_matter=front, body=body, source_hash="x")


def test_jekyll_highlight_tags_become_a_code_block() -> None:
    html = map_document(
        doc("_posts/2019-03-26-welcome.markdown", {}, JEKYLL_POST), MappingDefaults()
    ).payload.content
    assert '<code class="language-ruby">def print_hi(name)' in html
    assert "{% highlight" not in html and "endhighlight" not in html
    assert "{{ not liquid }}" in html and "{% raw %}" not in html


def test_hugo_highlight_shortcodes_become_a_code_block() -> None:
    text = '{{< highlight go "linenos=table" >}}\nfunc main() {}\n{{< /highlight >}}\n'
    assert convert_template_tags(text) == "```go\nfunc main() {}\n```\n"


def test_an_unclosed_tag_leaves_the_text_alone() -> None:
    text = "{% highlight ruby %}\nputs 1\n"
    assert convert_template_tags(text) == text


def test_jekyll_space_separated_categories_and_tags_are_several_terms() -> None:
    front = {"layout": "post", "categories": "jekyll update", "tags": "ruby web"}
    payload = map_document(
        doc("_posts/2019-03-26-welcome.md", front, "Hi.\n"), MappingDefaults()
    ).payload
    assert payload.categories == (("jekyll",), ("update",))
    assert payload.tags == ("ruby", "web")


def test_elsewhere_a_name_with_a_space_stays_one_term() -> None:
    front = {"categories": "Front Matter", "tags": "open source, python"}
    payload = map_document(doc("notes/a.md", front, "Hi.\n"), MappingDefaults()).payload
    assert payload.categories == (("Front Matter",),)
    assert payload.tags == ("open source", "python")


def test_a_highlight_tag_in_a_list_item_stays_in_the_item() -> None:
    text = "1. Step:\n\n   {% highlight sh %}\n   make\n   {% endhighlight %}\n2. Next\n"
    assert convert_template_tags(text) == "1. Step:\n\n   ```sh\n   make\n   ```\n2. Next\n"


def test_raw_markers_inside_a_highlight_block_are_read_as_jekyll_reads_them() -> None:
    """jekyll/jekyll's docs/_posts/2016-10-06-jekyll-3-3-is-here.md: the code showed the
    ``{% raw %}`` and ``{% endraw %}`` lines Liquid takes out."""
    text = (
        "{% highlight liquid %}\n{% raw %}\n"
        '{{ "/docs/assets/" | relative_url }} => /docs/assets\n'
        "{% endraw %}\n{% endhighlight %}\n\n"
        "{% highlight liquid %}\n{% raw %}{{ x }}{% endraw %} and {{ y }}\n{% endhighlight %}\n"
    )
    assert convert_template_tags(text) == (
        '```liquid\n{{ "/docs/assets/" | relative_url }} => /docs/assets\n```\n\n'
        "```liquid\n{{ x }} and {{ y }}\n```\n"
    )


def test_a_highlight_block_loses_its_first_and_last_blank_lines_only() -> None:
    text = "{% highlight sh %}\n\nmake\n\nmake install\n\n{% endhighlight %}\n"
    assert convert_template_tags(text) == "```sh\nmake\n\nmake install\n```\n"


def test_code_shows_the_template_tags_as_written() -> None:
    # a README documenting Jekyll: its code spans and fenced code keep the tags, byte for byte
    text = (
        "Use `{% raw %}…{% endraw %}` to keep it.\n"
        "\n"
        "```markdown\n"
        "{% highlight ruby %}\n"
        "{% raw %}{{ y }}{% endraw %}\n"
        "{% endhighlight %}\n"
        "```\n"
        "\n"
        "{% raw %}{{ x }}{% endraw %}\n"
    )
    assert convert_template_tags(text) == text.replace(
        "\n{% raw %}{{ x }}{% endraw %}\n", "\n{{ x }}\n"
    )
