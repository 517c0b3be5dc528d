"""GitBook's blocks in a docs folder: hints, tabs, embeds, content-refs (gitbook.py).

The inputs are taken from The Hacker Recipes (a GitBook: ad/movement/kerberos/
forged-tickets.md) and GitBook's block reference."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from wpsync.config import MarkdownEngine
from wpsync.model import Document
from wpsync.source.blocks import to_blocks
from wpsync.source.gitbook import convert_gitbook, unknown_blocks
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import render_markdown
from wpsync.source.site import Site

ENGINES: tuple[MarkdownEngine, ...] = ("commonmark", "python-markdown")


def html(markdown: str, engine: MarkdownEngine = "commonmark") -> str:
    text = convert_gitbook(textwrap.dedent(markdown), engine)
    return render_markdown(text, engine=engine).html


@pytest.mark.parametrize("engine", ENGINES)
def test_a_hint_is_a_callout_of_its_style(engine: MarkdownEngine) -> None:
    out = html(
        """\
        {% hint style="warning" %}
        In order to craft a golden ticket, testers need the `krbtgt`'s **NT hash**.

        ```bash
        net user "hacker" "132Pentest!!!" /domain /add
        ```
        {% endhint %}

        After.
        """,
        engine,
    )
    assert "{%" not in out
    assert '<div class="wpsync-callout wpsync-callout-warning"' in out
    assert "wpsync-callout-title" not in out  # GitBook shows no title
    assert "<strong>NT hash</strong>" in out
    assert "/domain /add</code></pre>\n</div>" in out
    assert out.endswith("<p>After.</p>")


def test_tabs_are_their_titles_in_bold_then_their_content() -> None:
    out = html(
        """\
        {% tabs %}
        {% tab title="UNIX-like" %}
        There are [Impacket](https://github.com/SecureAuthCorp/impacket) scripts.

        ```bash
        lookupsid.py 'DOMAIN/DomainUser@DomainController' 0
        ```
        {% endtab %}

        {% tab title="Windows" %}
        On Windows, mimikatz \\(C\\) can be used.
        {% endtab %}
        {% endtabs %}
        """
    )
    assert "{%" not in out
    assert out.startswith("<p><strong>UNIX-like</strong></p>\n<p>There are <a")
    assert "<p><strong>Windows</strong></p>\n<p>On Windows, mimikatz (C) can be used.</p>" in out


def test_embeds_content_refs_files_and_code_titles() -> None:
    out = html(
        """\
        {% embed url="https://adsecurity.org/?p=2011" caption="Golden tickets" %}

        {% embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" %}

        {% content-ref url="pass-the-ticket.md" %}
        [pass-the-ticket.md](pass-the-ticket.md)
        {% endcontent-ref %}

        {% file src="../.gitbook/assets/report.pdf" caption="The report" %}

        {% code title="index.js" lineNumbers="true" %}
        ```javascript
        const x = 1;
        ```
        {% endcode %}
        """
    )
    assert "{%" not in out
    assert (
        '<p><a href="https://adsecurity.org/?p=2011">https://adsecurity.org/?p=2011</a></p>\n'
        "<p>Golden tickets</p>"
    ) in out
    video = html('{% embed url="https://www.youtube.com/watch?v=dQw4w9WgXcQ" %}\n')
    assert "<!-- wp:embed" in to_blocks(video)  # WordPress shows the video
    assert '<p><a href="pass-the-ticket.md">pass-the-ticket.md</a></p>' in out
    assert '<a href="../.gitbook/assets/report.pdf">The report</a>' in out
    assert '<pre data-title="index.js"><code class="language-javascript">' in out


def test_unclosed_tags_code_and_other_tags_stay_as_written() -> None:
    text = (
        '{% hint style="info" %}\nNever closed.\n\n'
        '```liquid\n{% hint style="info" %}\n{% endhint %}\n```\n\n'
        "{% include 'footer.html' %}\n"
    )
    assert convert_gitbook(text) == text


def test_a_mapped_gitbook_page(tmp_path: Path) -> None:
    body = '{% hint style="info" %}\nRead this.\n{% endhint %}\n'
    doc = Document(rel="a.md", front_matter={}, body=body, source_hash="x")
    docs = map_document(doc, MappingDefaults(dialect="docs"), Site(tmp_path)).payload.content
    plain = map_document(doc, MappingDefaults(dialect="plain"), Site(tmp_path)).payload.content
    assert "wpsync-callout-info" in docs and "{%" not in docs
    assert "{% hint" in plain  # only a docs folder is read as GitBook's


def test_an_unknown_block_stays_and_warns_once() -> None:
    text = (
        "Intro.\n\n"
        '{% swagger method="get" path="/users" summary="List users" %}\n'
        "{% swagger-description %}\nAll users.\n{% endswagger-description %}\n"
        "{% endswagger %}\n\n"
        '{% swagger method="post" path="/users" %}\n{% endswagger %}\n\n'
        '{% hint style="info" %}\nKnown.\n{% endhint %}\n\n'
        "```liquid\n{% openapi %}\n```\n"
    )
    assert unknown_blocks(text, first_line=3) == (
        "line 5: the {% swagger %} block has no WordPress equivalent: published as written",
        "line 6: the {% swagger-description %} block has no WordPress equivalent: "
        "published as written",
    )
    assert "{% swagger" in convert_gitbook(text)
