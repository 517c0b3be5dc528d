"""The commonmark engine: CommonMark + GFM as writers expect it, the cases Python-Markdown got
wrong, wpsync's markup (alerts, fences, footnotes, heading ids), hostile input, and the
conformance figures of ``bench/conformance.py``."""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from markdown_it import MarkdownIt
from markdown_it.parser_inline import _DEFAULT_TERMINATORS

from wpsync.errors import DocumentError
from wpsync.model import Document
from wpsync.source import commonmark, render
from wpsync.source.fences import FenceInfo, parse_info
from wpsync.source.headings import slugify
from wpsync.source.mapping import MappingDefaults, map_document
from wpsync.source.render import ENGINES, render_markdown

ROOT = Path(__file__).resolve().parents[2]


def html(text: str) -> str:
    return render_markdown(text, engine="commonmark").html


# ---------------------------------------------------------------------------- known failures


def test_a_list_right_after_a_paragraph_line_is_a_list() -> None:
    assert html("Shopping list:\n- eggs\n- milk\n") == (
        "<p>Shopping list:</p>\n<ul>\n<li>eggs</li>\n<li>milk</li>\n</ul>"
    )


@pytest.mark.parametrize(
    ("info", "pre", "language"),
    [
        ("rust,editable", '<pre data-flags="editable">', "rust"),
        ('js title="a.js"', '<pre data-title="a.js">', "js"),
        ("js {2}", '<pre data-line="2">', "js"),
        ('python hl_lines="2 3"', '<pre data-line="2,3">', "python"),
    ],
)
def test_fences_with_attributes_stay_code_and_keep_what_follows(
    info: str, pre: str, language: str
) -> None:
    out = html(f"```{info}\nlet x = 1;\n```\n\n## Next\n\nProse.\n")
    assert out.startswith(f'{pre}<code class="language-{language}">let x = 1;</code></pre>')
    assert '<h2 id="next">Next</h2>\n<p>Prose.</p>' in out
    assert info.split()[0].split(",")[0] == language


def test_reference_links_with_code_in_the_label_resolve() -> None:
    out = html("See [`foo`][ref] and [`bar`].\n\n[ref]: https://x.org/foo\n[`bar`]: /bar\n")
    assert out == (
        '<p>See <a href="https://x.org/foo"><code>foo</code></a> and '
        '<a href="/bar"><code>bar</code></a>.</p>'
    )


def test_a_backslash_at_the_end_of_a_line_is_a_hard_break() -> None:
    assert html("first\\\nsecond\n") == "<p>first<br />\nsecond</p>"
    assert html("first  \nsecond\n") == "<p>first<br />\nsecond</p>"


@pytest.mark.parametrize("kind", ["NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION", "note"])
def test_github_alerts_become_callouts_with_their_title(kind: str) -> None:
    out = html(f"> [!{kind}]\n> Mind **this**.\n> Really.\n")
    lower = kind.lower()
    assert out == (
        f'<div class="wpsync-callout wpsync-callout-{lower}">\n'
        f'<p class="wpsync-callout-title">{lower.capitalize()}</p>\n'
        "<p>Mind <strong>this</strong>. Really.</p>\n</div>"
    )
    assert "[!" not in out


def test_a_quote_with_another_marker_stays_a_quote() -> None:
    assert html("> [!FOO]\n> text\n").startswith("<blockquote>\n<p>[!FOO] text</p>")


def test_tab_indented_code_keeps_its_tabs() -> None:
    source = "func main() {\n\tif x {\n\t\treturn\n\t}\n}"
    assert f'<code class="language-go">{source}</code>' in html(f"```go\n{source}\n```\n")
    assert "<pre><code>a\tb\n\tc</code></pre>" in html("\ta\tb\n\t\tc\n")
    item = html("- step:\n\n  ```make\n  all:\n  \tcc -o x x.c\n  ```\n")
    assert "all:\n\tcc -o x x.c</code>" in item


# ---------------------------------------------------------------------------- GFM


def test_gfm_tables_strikethrough_autolinks_and_task_lists() -> None:
    out = html(
        "| a | b |\n|:-:|--:|\n| 1 | 2 |\n\n~~old~~ ~one~ www.example.com "
        "https://x.org/a_b, first_last@example.com\n\n- [x] done\n- [ ] todo\n"
    )
    assert '<th style="text-align:center">a</th>' in out
    assert "<del>old</del> <del>one</del>" in out
    assert '<a href="http://www.example.com">www.example.com</a>' in out
    assert '<a href="https://x.org/a_b">https://x.org/a_b</a>,' in out
    assert '<a href="mailto:first_last@example.com">first_last@example.com</a>' in out
    assert (
        '<ul class="task-list">\n<li class="task-list-item"><input disabled="" '
        'type="checkbox" checked=""> done</li>'
    ) in out


def test_intraword_underscores_are_text_and_emphasis_still_works() -> None:
    assert html("snake_case_name and _emph_") == "<p>snake_case_name and <em>emph</em></p>"


def test_footnotes_use_python_markdowns_markup_and_do_not_leak() -> None:
    out = html("Text[^why] again[^why].\n\n[^why]: Because.\n")
    assert out.startswith(
        '<p>Text<sup id="fnref:why"><a class="footnote-ref" href="#fn:why">1</a></sup> '
        'again<sup id="fnref2:why"><a class="footnote-ref" href="#fn:why">1</a></sup>.</p>'
    )
    assert '<div class="footnote">\n<hr>\n<ol>\n<li id="fn:why">\n<p>Because.&#160;' in out
    assert html("No notes.") == "<p>No notes.</p>"


def test_definition_lists() -> None:
    assert "<dl>\n<dt>Term</dt>\n<dd>Definition.</dd>\n</dl>" in html("Term\n:   Definition.\n")


def test_quotes_stay_as_written_in_text() -> None:
    assert html('He said "don\'t" -- twice...') == '<p>He said "don\'t" -- twice...</p>'


def test_html_blocks_pass_through_without_markdown_inside() -> None:
    out = render_markdown('<div class="x">\n![in](inside.png)\n</div>\n', engine="commonmark")
    assert out.html == '<div class="x">\n![in](inside.png)\n</div>'
    assert out.images == ()


# ---------------------------------------------------------------------------- heading ids

HEADINGS = [
    "Install",
    "Étape 2: l'installation!",
    "Use `pip install` & <kbd>Ctrl</kbd>",
    "C++ / C# -- notes",
    "Install",
    "Install_1",
    "日本語",
    "100%",
]


def test_heading_ids_are_the_ones_python_markdown_made() -> None:
    body = "\n\n".join(f"## {h}" for h in HEADINGS) + "\n"
    ids = {e: _ids(render_markdown(body, engine=e).html) for e in ENGINES}
    assert ids["commonmark"] == ids["python-markdown"]
    assert ids["commonmark"][:2] == ["install", "etape-2-linstallation"]


def _ids(out: str) -> list[str]:
    import re

    return re.findall(r'<h2[^>]*\bid="([^"]*)"', out)


def test_heading_attributes_set_id_and_class() -> None:
    assert html("## Setup {#custom-id .wide}\n\nText").startswith(
        '<h2 id="custom-id" class="wide">Setup</h2>'
    )
    assert slugify("  Hello,  World — 2! ") == "hello-world-2"


def test_the_title_heading_text_keeps_raw_html_and_resolves_escapes() -> None:
    rendered = render_markdown("# Use <kbd>Ctrl</kbd> \\*now\\* &amp; 🎉\n\nx", strip_title=True)
    assert rendered.title == "Use <kbd>Ctrl</kbd> *now* & 🎉"
    assert rendered.html == "<p>x</p>"


# ---------------------------------------------------------------------------- fences


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ("", FenceInfo()),
        ("python", FenceInfo("python")),
        ("rust,ignore,editable", FenceInfo("rust", (("data-flags", "ignore editable"),))),
        ('js title="a b.js" {1,3-4}', FenceInfo("js", (("data-title", "a b.js"), ("data-line", "1,3-4")))),
        ('py linenums="10"', FenceInfo("py", (("data-start", "10"),))),
        ("{.python .numberLines}", FenceInfo("python", (("data-flags", ".numberLines"),))),
        ("c++", FenceInfo("c++")),
    ],
)  # fmt: skip
def test_fence_info_strings(info: str, expected: FenceInfo) -> None:
    assert parse_info(info) == expected


def test_fence_attributes_are_escaped() -> None:
    out = html('```js title="<b>&"\nx\n```\n')
    assert out == '<pre data-title="&lt;b&gt;&amp;"><code class="language-js">x</code></pre>'


# ---------------------------------------------------------------------------- hostile input

HOSTILE = {
    "** x1000": "**" * 1000,
    "300-level nested list": "".join("  " * i + "- item\n" for i in range(300)),
    "[ x10000": "[" * 10000,
    "[ x5000 then ]": "[" * 5000 + "a" + "]" * 5000,
    "> x10000 on one line": ">" * 10000 + " deep\n",
    "10000 lines of deeper >": "".join(">" * i + " x\n" for i in range(1, 10001)),
    "![ x5000": "![" * 5000,
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_markdown_renders_or_fails_that_file_with_a_clear_message(
    engine: str, name: str
) -> None:
    start = time.perf_counter()
    try:
        rendered = render_markdown(HOSTILE[name], engine=engine)  # type: ignore[arg-type]
        outcome = f"rendered ({len(rendered.html)} characters)"
    except DocumentError as error:
        outcome = f"failed: {error}"
        assert "cannot be rendered" in str(error)
        assert "deep" in str(error)
    print(f"{engine} / {name}: {outcome} in {time.perf_counter() - start:.3f} s")


def test_a_hostile_file_fails_alone_naming_the_file() -> None:
    doc = Document(
        rel="deep.md", front_matter={}, body=">" * 10000 + " x\n", source_hash="h", body_line=3
    )
    with pytest.raises(DocumentError) as caught:
        map_document(doc, MappingDefaults())
    assert caught.value.path == "deep.md" and caught.value.line == 3
    assert "quotes are nested more than 64 levels deep" in str(caught.value)


def test_too_deep_a_list_for_markdown_it_fails_instead_of_losing_the_rest() -> None:
    body = "".join("  " * i + "- item\n" for i in range(100)) + "\nThe end.\n"
    with pytest.raises(DocumentError, match="nested more than 64 levels"):
        render_markdown(body)
    assert "The end." in html("".join("  " * i + "- item\n" for i in range(40)) + "\nThe end.\n")


# ---------------------------------------------------------------------------- engines


def test_mapping_uses_the_configured_engine() -> None:
    doc = Document(rel="a.md", front_matter={}, body="Shopping list:\n- eggs\n", source_hash="h")
    cm = map_document(doc, MappingDefaults()).payload.content
    pm = map_document(doc, MappingDefaults(markdown="python-markdown")).payload.content
    assert "<li>eggs</li>" in cm and "<li>" not in pm
    with pytest.raises(ValueError, match="Markdown engine"):
        MappingDefaults(markdown="markdown2")  # type: ignore[arg-type]


def test_the_renderer_version_names_each_engine_and_its_library() -> None:
    versions = render.RENDERER_VERSION
    assert set(versions) == set(ENGINES)
    assert versions["commonmark"].startswith("markdown-it-py ")
    assert versions["python-markdown"].startswith("Python-Markdown ")
    assert render.RENDERER_VERSION is versions


def test_an_unknown_engine_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown Markdown engine"):
        render_markdown("x", engine="markdown2")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- conformance


def _conformance() -> ModuleType:
    spec = importlib.util.spec_from_file_location("conformance", ROOT / "bench" / "conformance.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["conformance"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def conformance() -> ModuleType:
    module = _conformance()
    if not module.SPECS["commonmark"].is_file():
        pytest.fail(f"the specs are missing: {module.SPECS['commonmark']}")
    return module


def test_the_normaliser_compares_as_cmark_does(conformance: ModuleType) -> None:
    norm = conformance.normalise
    assert norm("<p>a  \t\nb</p>\n") == norm("<p>a b</p>")
    assert norm('<a title="t" HREF="u">x</a>') == '<a href="u" title="t">x</a>'
    assert norm("<br />") == "<br>"
    assert norm("&forall;&amp;&quot;") == "∀&amp;&quot;"
    assert norm("<pre><code>a  b\n</code></pre>") != norm("<pre><code>a b\n</code></pre>")


@pytest.mark.parametrize("spec", ["commonmark", "gfm"])
def test_a_sample_of_spec_examples_agrees(conformance: ModuleType, spec: str) -> None:
    render_ = conformance.parser("commonmark")
    sample = conformance.examples(conformance.SPECS[spec])[::25]
    disagree = [
        e.number
        for e in sample
        if conformance.normalise(render_(e.markdown)) != conformance.normalise(e.html)
    ]
    assert disagree == []


@pytest.mark.parametrize("spec", ["commonmark", "gfm"])
def test_the_commonmark_engine_meets_the_conformance_target(
    conformance: ModuleType, spec: str
) -> None:
    outcomes = conformance.run("commonmark", spec)
    figure = conformance.agreement(outcomes)
    print(f"commonmark engine, {spec} spec: {figure:.2f} %")
    assert figure >= conformance.TARGETS[spec]


# ---------------------------------------------------------------------------- text stops


def _with_library_stops(*, wpsync: bool) -> MarkdownIt:
    """The parser with markdown-it's own text stops (its defaults and the autolinks' ``w``)."""
    md = commonmark.build(wpsync=wpsync)
    chars = "".join(sorted(_DEFAULT_TERMINATORS | {"w"}))
    md.inline.terminator_re = re.compile(f"[{re.escape(chars)}]")
    return md


_STOP_CASES = [
    "we were www.example.org/a_b walking [w](www.x.org) ![w]( w ) `www.` **w**",
    "awww. (www.x.org) *www.x.org* ~~www.y.org~~ _www.z.org_ [www.in.label]",
    "a-b $x$ 50% #tag 1+1=2 a^b {#id} > x ~one~ <span>w</span> &amp; &#119;",
    "[a [b] c](u) [a]b] [^1] [^1]: note\n\n[x]: /u\n\n[x] [x][] [ww[w]](v)",
    "see https://e.com/a_b, mailto:a@b.org, first_last@example.com: done\\\nnext  \nline",
    "| a | w |\n|---|---|\n| www.q.org | [r](s) |\n\n- [ ] w\n- [x] ww\n\nTerm\n: www.t.org",
]


@pytest.mark.parametrize("wpsync", [True, False])
def test_the_text_rule_stops_only_where_a_rule_may_match_and_changes_nothing(
    conformance: ModuleType, wpsync: bool
) -> None:
    ours = commonmark.build(wpsync=wpsync)
    library = _with_library_stops(wpsync=wpsync)
    assert ours.inline.terminator_re.pattern != library.inline.terminator_re.pattern
    texts = list(_STOP_CASES)
    for spec in ("commonmark", "gfm"):
        texts += [e.markdown for e in conformance.examples(conformance.SPECS[spec])]
    differ = [
        t
        for t in texts
        if commonmark.render(ours, t, strip_title=False)
        != commonmark.render(library, t, strip_title=False)
    ]
    assert differ == []


def test_a_rule_wpsync_does_not_know_keeps_the_library_stops() -> None:
    md = commonmark.build()
    assert commonmark._text_stops(md) is not None
    md.inline.ruler.push("unknown_rule", lambda state, silent: False)
    assert commonmark._text_stops(md) is None
