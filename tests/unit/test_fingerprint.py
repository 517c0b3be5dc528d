"""The fingerprint wpsync leaves in a post's content: put in, read back, taken out exactly,
in block markup and in Classic HTML, whatever the path."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wpsync.engine.adoption import recognition
from wpsync.engine.fingerprint import (
    Fingerprint,
    fingerprinted,
    inputs_digest,
    read_fingerprint,
    sent_digest,
    stamp,
    strip_fingerprint,
)

FP = Fingerprint("guides/café--notes.md", "a" * 64, sent_digest("T", "<p>x</p>", "publish", "t"))

BLOCKS = [
    "<!-- wp:paragraph -->\n<p>Hello</p>\n<!-- /wp:paragraph -->",
    '<!-- wp:heading {"level":3} -->\n<h3>Hi</h3>\n<!-- /wp:heading -->',
    '<!-- wp:image {"id":4,"sizeSlug":"large"} -->\n<figure><img src="a.png"/></figure>\n'
    "<!-- /wp:image -->",
    "<!-- wp:separator /-->\n<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->",
    "\n<!-- wp:core/paragraph -->\n<p>x</p>\n<!-- /wp:core/paragraph -->\n",
]
CLASSIC = [
    "<p>Hello</p>\n",
    "",
    "<p>a</p>\n<!-- a comment of the writer -->\n",
    "<ul>\n<li>a</li>\n</ul>",
    "<p>a</p><script>var x = 1;</script>",
]

# the block parser's delimiter (wp-includes/class-wp-block-parser.php, next_token)
DELIMITER = re.compile(
    r"<!--\s+(?P<closer>/)?wp:(?P<namespace>[a-z][a-z0-9_-]*/)?(?P<name>[a-z][a-z0-9_-]*)"
    r"\s+(?P<attrs>{(?:(?:[^}]+|}+(?=})|(?!}\s+/?-->).)*+)?}\s+)?(?P<void>/)?-->",
    re.S,
)


@pytest.mark.parametrize("content", BLOCKS + CLASSIC)
def test_the_fingerprint_is_read_back_and_taken_out_exactly(content: str) -> None:
    stamped = stamp(content, FP)
    assert stamped != content
    assert read_fingerprint(stamped) == (FP, content)
    assert strip_fingerprint(stamped) == content
    assert read_fingerprint(content) == (None, content)


@pytest.mark.parametrize("content", BLOCKS)
def test_in_block_markup_it_is_an_attribute_the_block_parser_reads_as_json(content: str) -> None:
    stamped = stamp(content, FP)
    first = DELIMITER.search(stamped)
    assert first is not None and first.group("attrs")
    attrs = json.loads(first.group("attrs"))
    assert Fingerprint.parse(attrs["wpsync"]) == FP
    before = DELIMITER.search(content)
    assert before is not None
    old = json.loads(before.group("attrs")) if before.group("attrs") else {}
    assert {k: v for k, v in attrs.items() if k != "wpsync"} == old
    # every other delimiter is untouched; nothing that could end a comment early
    assert DELIMITER.findall(stamped)[1:] == DELIMITER.findall(content)[1:]
    assert "--" not in first.group("attrs")


def test_what_is_sent_reads_back_as_ours_even_with_empty_attributes() -> None:
    for content in [*BLOCKS, *CLASSIC, "<!-- wp:heading {} -->\n<h2>Hi</h2>\n<!-- /wp:heading -->"]:
        sent = fingerprinted(content, "a.md", "e" * 64, "T", "publish", "t")
        raw = _raw("T", sent)
        seen = recognition("a.md", raw)
        assert seen.verdict == "ours", content
        assert seen.fingerprint is not None
        assert (seen.fingerprint.rel, seen.fingerprint.payload_hash) == ("a.md", "e" * 64)


def test_in_classic_html_it_is_a_comment_inside_the_last_element() -> None:
    stamped = stamp("<p>Hello</p>\n<p>Bye</p>\n", FP)
    assert stamped.startswith("<p>Hello</p>\n<p>Bye<!-- wpsync:1;")
    assert stamped.endswith(" --></p>\n") and stamped.count("--") == 2
    # never inside an element whose text is not HTML; at the end when no element closes it
    for content in ("<p>x</p><textarea>t</textarea>", "text", "", "<pre>x</pre> tail"):
        stamped = stamp(content, FP)
        assert stamped.startswith(content + "\n<!-- wpsync:1;") and stamped.endswith(" -->")


@given(st.text(min_size=1, max_size=60).filter(lambda s: "\x00" not in s))
def test_any_path_survives(rel: str) -> None:
    fp = Fingerprint(rel, "b" * 64, "c" * 32)
    for content in (BLOCKS[1], CLASSIC[0]):
        stamped = stamp(content, fp)
        assert read_fingerprint(stamped) == (fp, content)
        head = stamped[: stamped.index("-->") + 3] if content is BLOCKS[1] else stamped
        assert not re.search(r'["\\<>&]', fp.value()) and "--" not in fp.value()
        assert head.count("-->") >= 1


def test_a_damaged_or_foreign_value_is_no_fingerprint() -> None:
    for content in (
        '<!-- wp:paragraph {"wpsync":"2;x"} -->\n<p>x</p>\n<!-- /wp:paragraph -->',
        "<p>x</p>\n<!-- wpsync:nothing -->",
        '<p>{"wpsync":"1;' + "a" * 64 + ";" + "b" * 32 + ';x.md"}</p>',  # not in a delimiter
    ):
        assert read_fingerprint(content) == (None, content)


def test_the_digest_is_what_wordpress_gives_back() -> None:
    sent = sent_digest(" Title ", "<p>x</p>\n", "publish", "t")
    # WordPress keeps a scheduled post as "future"
    assert sent_digest("Title", "<p>x</p>", "future", "t") == sent
    assert sent_digest("Title!", "<p>x</p>", "publish", "t") != sent
    assert sent_digest("Title", "<p>y</p>", "publish", "t") != sent
    assert sent_digest("Title", "<p>x</p>", "draft", "t") != sent
    assert sent_digest("Title", "<p>x</p>", "publish", "renamed") != sent
    # the slug as WordPress stores it: percent-encoded
    assert sent_digest("T", "", "publish", "café") == sent_digest("T", "", "publish", "caf%c3%a9")


def _raw(title: str, content: str, status: str = "publish", slug: str = "t") -> dict[str, object]:
    return {
        "id": 7,
        "slug": slug,
        "status": status,
        "modified_gmt": "2026-11-30T10:00:00",
        "title": {"raw": title},
        "content": {"raw": content},
    }


def test_recognition_tells_ours_edited_and_foreign() -> None:
    body = BLOCKS[0]
    fp = Fingerprint("a.md", "d" * 64, sent_digest("A", body, "publish", "t"))
    stamped = stamp(body, fp)
    assert recognition("a.md", _raw("A", stamped)).verdict == "ours"
    assert recognition("a.md", _raw("A", stamped, "future")).verdict == "ours"
    edited = stamped.replace("Hello", "Hello, edited")
    assert recognition("a.md", _raw("A", edited)).verdict == "edited"
    assert recognition("a.md", _raw("A (new title)", stamped)).verdict == "edited"
    assert recognition("a.md", _raw("A", stamped, "draft")).verdict == "edited"
    assert recognition("a.md", _raw("A", stamped, slug="renamed")).verdict == "edited"
    other = recognition("b.md", _raw("A", stamped))
    assert other.verdict == "foreign" and "from 'a.md'" in other.reason
    bare = recognition("a.md", _raw("A", body))
    assert bare.verdict == "foreign" and "no wpsync fingerprint" in bare.reason


@pytest.mark.parametrize("content", [BLOCKS[1], CLASSIC[0]])
def test_pull_never_writes_the_fingerprint_into_a_file(content: str) -> None:
    from wpsync.adopt.pull import html_to_markdown

    markdown = html_to_markdown(stamp(content, FP), "https://wp.test")
    assert markdown == html_to_markdown(content, "https://wp.test")
    assert "wpsync" not in markdown


def test_revision_2_holds_the_source_and_the_inputs_and_reads_back() -> None:
    inputs = {
        "opt:fingerprint": "1",
        "opt:renderer": "commonmark 4.3",
        "img:pics/a;b--c.png": "f" * 64,
        "link:notes/x y.md": "https://example.com/x-y/",
        "opt:block-editor": "3",
    }
    for content in ("<!-- wp:paragraph -->\n<p>x</p>\n<!-- /wp:paragraph -->", "<p>x</p>"):
        sent = fingerprinted(
            content, "a--b.md", "a" * 64, "T", "publish", "t", source_hash="9" * 64, inputs=inputs
        )
        value = re.search(r'wpsync(?:":"|:)(2;[^"\s]*)', sent)
        assert value is not None and "--" not in value.group(1)
        assert value.group(1).count(";") == 5 + 3  # the three recorded keys, ";" encoded
        found, bare = read_fingerprint(sent)
        assert found is not None and bare == content
        assert found.rel == "a--b.md" and found.source == "9" * 32
        assert found.inputs == inputs_digest(inputs)
        assert found.input_keys() == frozenset(inputs)
        assert found.sent == sent_digest("T", content, "publish", "t")


def test_without_a_source_the_fingerprint_is_revision_1() -> None:
    sent = fingerprinted("<p>x</p>", "a.md", "a" * 64, "T", "publish", "t")
    assert "<!-- wpsync:1;" in sent
    found, _ = read_fingerprint(sent)
    assert found is not None and found.source == "" and found.keys == ()
