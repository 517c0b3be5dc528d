"""Bare URLs and e-mail addresses are linked where GitHub (cmark-gfm) links them.

Each expectation was checked against cmark-gfm 0.29.0.gfm.13 (the ``autolink`` extension);
the real files they come from are named in the comments.
"""

from __future__ import annotations

import time

import pytest

from wpsync.source.render import render_markdown


def html(text: str) -> str:
    return render_markdown(text, engine="commonmark").html


def link(url: str, text: str | None = None) -> str:
    return f'<a href="{url}">{text if text is not None else url}</a>'


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # npm's docs: 'Default: "https://registry.npmjs.org/"'
        (
            'Default: "https://registry.npmjs.org/"',
            f'Default: "{link("https://registry.npmjs.org/")}"',
        ),
        ("'https://x.org/'", f"'{link('https://x.org/')}'"),
        ("url=https://x.org", f"url={link('https://x.org')}"),
        ("docs:https://x.org", f"docs:{link('https://x.org')}"),
        ("a|https://x.org", f"a|{link('https://x.org')}"),
        ("x-https://x.org", f"x-{link('https://x.org')}"),
        ("1https://x.org", f"1{link('https://x.org')}"),
        ("éhttps://x.org", f"é{link('https://x.org')}"),
        ("*X*https://x.org", f"<em>X</em>{link('https://x.org')}"),
        ("HTTPS://x.org", link("HTTPS://x.org")),
        # the GFM spec's example 628
        (
            "Anonymous FTP is available at ftp://foo.bar.baz.",
            f"Anonymous FTP is available at {link('ftp://foo.bar.baz')}.",
        ),
        ('x "mailto:a@b.org"', f'x "{link("mailto:a@b.org")}"'),
        ('"xmpp:a@b.org/r"', f'"{link("xmpp:a@b.org/r")}"'),
        ("email:a@b.org", f"email:{link('mailto:a@b.org', 'a@b.org')}"),
        ("xmailto:a@b.org", f"xmailto:{link('mailto:a@b.org', 'a@b.org')}"),
        ("/a@b.org", f"/{link('mailto:a@b.org', 'a@b.org')}"),
        ("[a@b.org]", f"[{link('mailto:a@b.org', 'a@b.org')}]"),
        ("[a] https://x.org", f"[a] {link('https://x.org')}"),
        ("[x](y) https://x.org", f'<a href="y">x</a> {link("https://x.org")}'),
        ("\\[ https://x.org", f"[ {link('https://x.org')}"),
    ],
)
def test_links_github_makes(markdown: str, expected: str) -> None:
    assert html(markdown) == f"<p>{expected}</p>"


@pytest.mark.parametrize(
    "markdown",
    [
        # node-gyp's CHANGELOG: "update dependency - nopt@6.0.0": a package, not an address
        "update dependency - nopt@6.0.0 (#2707)",
        "make-fetch-happen@15.0.0",
        "a@b.c2",
        # npm's docs: 'must start with "http://" or "https://"'
        'the argument must start with "http://" or "https://"',
        "use http:// or https:// here",
        "http://-x",
        "http://.x",
        "http://(x)",
        "http://*x*",
        "foohttps://x.org",
        "Xhttps://x.org",
        # a bracket not closed yet could be a link's text: GitHub links no URL in it
        "[https://x.org]",
        "[see https://x.org] more",
        "[see www.x.org]",
        "![see https://x.org]",
        "[x [y] https://x.org",
    ],
)
def test_text_github_leaves_alone(markdown: str) -> None:
    assert "<a " not in html(markdown)


def test_a_url_after_a_less_than_sign_stays_text() -> None:
    """CommonMark's example 604, kept as the spec has it (GitHub links the URL in it)."""
    assert html("<https://foo.bar/baz bim>") == "<p>&lt;https://foo.bar/baz bim&gt;</p>"
    assert html("<https://foo.bar/baz>") == f"<p>{link('https://foo.bar/baz')}</p>"


@pytest.mark.parametrize(
    "url",
    [
        "https://en.wikipedia.org/wiki/Caf%C3%A9",  # was shown as …/Café
        "https://x.org/a%20b",  # was shown as …/a b
        "https://xn--80a.org",  # was shown as https://а.org (Cyrillic)
    ],
)
def test_an_autolinks_text_is_the_url_as_written(url: str) -> None:
    assert html(f"see {url} ok") == f"<p>see {link(url)} ok</p>"
    assert html(f"<{url}>") == f"<p>{link(url)}</p>"
    assert (
        html("www.x.org/%E4%B8%AD")
        == f"<p>{link('http://www.x.org/%E4%B8%AD', 'www.x.org/%E4%B8%AD')}</p>"
    )


@pytest.mark.parametrize("opening", ["[ ", "[x] ", "x "])
def test_a_paragraph_of_thousands_of_urls_is_read_in_linear_time(opening: str) -> None:
    """Each URL asks whether a ``[`` is open: the paragraph is read once for it, not once a
    URL (read each time, 6000 URLs after 6000 ``[`` took ~20 s)."""
    text = opening * 6000 + " ".join(f"https://x.org/{i}" for i in range(6000))
    start = time.perf_counter()
    out = html(text)
    assert time.perf_counter() - start < 6
    assert ("<a " in out) == (opening != "[ ")
