"""Every block wpsync writes is valid in WordPress's real block editor.

Each file of ``content/`` and each rendering fixture (``tests/fixtures/rendering/*.md``,
one per construct writers use) goes through wpsync's own pipeline — ``render_file`` (the
configured Markdown renderer), its images swapped for media-library URLs as a sync does,
then ``to_blocks``, with the fingerprint every post carries — and the block editor of
the test WordPress parses the result (``tests/editorkit.py``): no block may be invalid, a
Classic fallback (``core/freeform``) or an unknown type (``core/missing``).  A few HTML shapes the block conversion is written
for (a callout, markdown-it's footnotes and task lists) are checked the same way, whatever
the renderer of the day makes.

One browser and one login for the module; all inputs in one call to the editor.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import wpsync
from tests.editorkit import BlockEditor, Verdict, block_editor
from wpsync.config import Config
from wpsync.engine.fingerprint import fingerprinted
from wpsync.source.blocks import to_blocks
from wpsync.source.render import rewrite_urls

pytestmark = pytest.mark.integration

__all__ = ["block_editor"]

REPO = Path(__file__).resolve().parents[2]
CONTENT = REPO / "content"
FIXTURES = REPO / "tests" / "fixtures" / "rendering"
UPLOADS = "https://wp.test/wp-content/uploads/2026/11/"

# HTML as the renderers shape it, for constructs one renderer makes and the other may not.
SHAPES = {
    # an SVG the site refuses, shown as a data: image (engine/media.py's stand-in)
    "svg-as-data-image": (
        '<p><img src="data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9z'
        'dmciLz4=" alt="The flow"></p>'
    ),
    "callout": (
        '<div class="wpsync-callout wpsync-callout-note">\n'
        '<p class="wpsync-callout-title">Note</p>\n'
        "<p>Useful information, with <strong>markup</strong>.</p>\n"
        "</div>"
    ),
    "callout-with-list": (
        '<div class="wpsync-callout wpsync-callout-warning">'
        '<p class="wpsync-callout-title">Warning</p><ul><li>one</li><li>two</li></ul></div>'
    ),
    "markdown-it-footnotes": (
        '<p>A claim<sup class="footnote-ref"><a href="#fn1" id="fnref1">[1]</a></sup>.</p>\n'
        '<hr class="footnotes-sep">\n<section class="footnotes">\n<ol class="footnotes-list">\n'
        '<li id="fn1" class="footnote-item"><p>The source. '
        '<a href="#fnref1" class="footnote-backref">↩︎</a></p>\n</li>\n</ol>\n</section>'
    ),
    "markdown-it-task-list": (
        '<ul class="contains-task-list">\n<li class="task-list-item">'
        '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" '
        'type="checkbox"> done</li>\n<li class="task-list-item">'
        '<input class="task-list-item-checkbox" disabled="disabled" type="checkbox"> open</li>\n'
        "</ul>"
    ),
    "markdown-it-table": (
        '<table>\n<thead>\n<tr>\n<th style="text-align:left">a</th>\n'
        '<th style="text-align:center">b</th>\n<th style="text-align:right">c</th>\n</tr>\n'
        '</thead>\n<tbody>\n<tr>\n<td style="text-align:left">1</td>\n'
        '<td style="text-align:center">2</td>\n<td style="text-align:right">3</td>\n</tr>\n'
        "</tbody>\n</table>"
    ),
    "code-with-data": (
        '<pre><code class="language-js" data-title="a.js" data-hl-lines="2">'
        "const a = 1;\nconst b = [2];\n</code></pre>"
    ),
    "heading-anchors": '<h2 id="intro">Intro</h2>\n<h3 id="a-b">A &amp; B</h3>',
    "image-linked-captioned": (
        '<figure><a href="https://example.com/"><img src="https://example.com/a.png" alt="A">'
        "</a><figcaption>The caption</figcaption></figure>"
    ),
}


@dataclass(frozen=True)
class Input:
    name: str
    html: str  # what the renderer gave (images already media-library URLs)
    blocks: str  # what wpsync sends


def config_for(root: Path, tmp: Path) -> Config:
    toml = tmp / f"{root.name}.toml"
    toml.write_text(f'[site]\nurl = "https://wp.test"\nusername = "u"\n[content]\ndir = "{root}"\n')
    return wpsync.load_config(toml, env={"WPSYNC_PASSWORD": "unused"})


def render(config: Config, path: Path) -> tuple[str, str]:
    """(HTML, blocks) of one file, its images uploaded as a sync would see them."""
    payload = wpsync.render_file(config, path).payload
    urls = {ref.rel: UPLOADS + ref.rel.replace("/", "-") for ref in payload.images}
    ids = {url: 1000 + n for n, url in enumerate(sorted(set(urls.values())))}
    html = rewrite_urls(payload.content, urls) if urls else payload.content
    return html, sent(to_blocks(html, ids), path.name)


def sent(blocks: str, rel: str) -> str:
    """The blocks with the fingerprint every post carries (engine/fingerprint.py)."""
    inputs = {  # as a sync records them: the fingerprint lists their names (revision 2)
        "opt:fingerprint": "1",
        "opt:renderer": "markdown-it-py",
        "opt:block-editor": "1",
        "img:images/a-chart.png": "0" * 64,
        "link:notes/other-note.md": "https://example.com/other-note/",
    }
    return fingerprinted(
        blocks,
        rel,
        "0" * 64,
        "A title",
        "publish",
        "a-title",
        source_hash="1" * 64,
        inputs=inputs,
    )


def all_inputs(tmp: Path) -> list[Input]:
    found: list[Input] = []
    for root, prefix in ((CONTENT, "content/"), (FIXTURES, "fixtures/")):
        config = config_for(root, tmp)
        for path in sorted(root.rglob("*.md")):
            html, blocks = render(config, path)
            found.append(Input(prefix + path.relative_to(root).as_posix(), html, blocks))
    for name, html in SHAPES.items():
        found.append(Input("shape/" + name, html, sent(to_blocks(html), name)))
    return found


@pytest.fixture(scope="module")
def verdicts(
    block_editor: BlockEditor, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, tuple[Input, Verdict]]:
    inputs = all_inputs(tmp_path_factory.mktemp("configs"))
    started = time.monotonic()
    found = block_editor.check([i.blocks for i in inputs])
    print(f"\nblock editor: {len(inputs)} inputs checked in {time.monotonic() - started:.2f} s")
    for given, verdict in zip(inputs, found, strict=True):
        print(f"  {given.name}: {verdict.summary()}")
    return {i.name: (i, v) for i, v in zip(inputs, found, strict=True)}


def input_names() -> list[str]:
    names = ["content/" + p.relative_to(CONTENT).as_posix() for p in sorted(CONTENT.rglob("*.md"))]
    names += [
        "fixtures/" + p.relative_to(FIXTURES).as_posix() for p in sorted(FIXTURES.rglob("*.md"))
    ]
    return names + ["shape/" + name for name in SHAPES]


def test_every_fixture_construct_is_there() -> None:
    expected = {
        "paragraphs", "headings", "lists-nested", "lists-ordered", "task-lists", "quotes",
        "code", "tables", "images", "separator", "footnotes", "definition-lists", "raw-html",
        "callouts", "embeds", "block-html-in-paragraph", "block-markup",
    }  # fmt: skip
    assert expected <= {p.stem for p in FIXTURES.glob("*.md")}


@pytest.mark.parametrize("name", input_names())
def test_the_block_editor_accepts_every_block(
    name: str, verdicts: dict[str, tuple[Input, Verdict]]
) -> None:
    given, verdict = verdicts[name]
    assert verdict.blocks > 0, f"{name}: no block at all"
    details = "\n".join(str(p) for p in verdict.problems)
    assert not verdict.problems, (
        f"{name}: {verdict.summary()}\n{details}\n--- blocks sent:\n{given.blocks}"
    )


def test_the_editor_check_catches_invalid_classic_unknown_and_outdated_blocks(
    block_editor: BlockEditor,
) -> None:
    """The harness itself: markup the editor rejects is reported, kind by kind."""
    invalid, classic, unknown, outdated, fine = block_editor.check(
        [
            '<!-- wp:code -->\n<pre class="wp-block-code"><code>x</code></pre><p>extra</p>\n'
            "<!-- /wp:code -->",
            "<p>no block comment around me</p>",
            "<!-- wp:wpsync/nonexistent -->\n<p>x</p>\n<!-- /wp:wpsync/nonexistent -->",
            # valid only through a deprecated paragraph (content without a <p>)
            "<!-- wp:paragraph -->\n<div>not a paragraph</div>\n<!-- /wp:paragraph -->",
            "<!-- wp:list -->\n<ul><!-- wp:list-item -->\n<li>x</li>\n"
            "<!-- /wp:list-item --></ul>\n<!-- /wp:list -->",
        ]
    )
    assert [p.kind for p in invalid.problems] == ["invalid"]
    assert invalid.problems[0].name == "core/code"
    assert any("<p>" in issue or "StartTag" in issue for issue in invalid.problems[0].issues)
    assert [p.kind for p in classic.problems] == ["freeform"]
    assert [p.kind for p in unknown.problems] == ["missing"]
    assert "wpsync/nonexistent" in unknown.problems[0].name
    assert [(p.kind, p.name) for p in outdated.problems] == [("outdated", "core/paragraph")]
    assert fine.problems == () and fine.blocks == 2
