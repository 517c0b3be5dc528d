"""How much of the CommonMark and GFM specifications wpsync's Markdown engines agree with.

    python3 bench/conformance.py [--engine commonmark|python-markdown] [--spec commonmark|gfm]
                                 [--failures] [--speed N]

Every example of ``../shared/spec/commonmark-0.31.2-spec.txt`` (655) or
``gfm-0.29-spec.txt`` (673) — see that folder's README — goes through the engine and its
HTML is compared with the spec's after both are normalised the way the reference test
suites do it (cmark's ``test/normalize.py``): whitespace collapsed outside ``<pre>`` and
dropped around block-level tags, attributes sorted, ``<br />`` = ``<br>``, character
references resolved (``&``, ``<``, ``>`` and ``"`` written as entities).  ``→`` in an
example is a tab.  The agreement is printed per section of the spec and overall.

What is measured is the *parser as wpsync configures it* (its extensions and options),
with wpsync's deliberate post-processing turned off — the examples test the parser, and
that post-processing changes the HTML on purpose: soft line breaks joined into spaces
(for WordPress's ``wpautop``), heading ids (``id="install"``), fence info strings split
into a language and ``data-`` attributes, quotes left unescaped in text, the last newline
of code dropped, footnotes in Python-Markdown's markup, and, for the document, title
stripping.  ``commonmark.build(wpsync=False)`` and ``pymarkdown.Renderer(wpsync=False)``
are exactly the engines ``render_markdown`` uses minus those steps.

``--speed N`` renders N generated documents (``bench/corpus.py``: prose, lists, code, a
table) with both engines through ``render_markdown`` (the whole pipeline) and prints the
CPU time per document of each.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html.entities import name2codepoint
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def spec_dir() -> Path:
    """Where the specifications are read in place (they are not copied into the project):
    ``$WPSYNC_SPEC_DIR``, else ``shared/spec`` beside this checkout, else beside the
    checkout this one was cloned from (a CI clone elsewhere on the machine)."""
    candidates = []
    if os.environ.get("WPSYNC_SPEC_DIR"):
        candidates.append(Path(os.environ["WPSYNC_SPEC_DIR"]))
    candidates.append(ROOT.parent / "shared" / "spec")
    done = subprocess.run(
        ["git", "-C", str(ROOT), "config", "--get", "remote.origin.url"],
        capture_output=True,
        text=True,
        check=False,
    )
    origin = done.stdout.strip()
    if origin and "://" not in origin and not origin.startswith("git@"):
        candidates.append(Path(origin).resolve().parent / "shared" / "spec")
    for candidate in candidates:
        if (candidate / "commonmark-0.31.2-spec.txt").is_file():
            return candidate
    return candidates[0]


SPEC_DIR = spec_dir()
SPECS = {
    "commonmark": SPEC_DIR / "commonmark-0.31.2-spec.txt",
    "gfm": SPEC_DIR / "gfm-0.29-spec.txt",
}
TARGETS = {"commonmark": 99.5, "gfm": 98.5}  # % for the commonmark engine (issue 12)
_FENCE = "`" * 32


@dataclass(frozen=True)
class Example:
    number: int
    section: str
    markdown: str
    html: str
    extension: str = ""  # "table", "strikethrough", … for GFM's extension examples


def examples(path: Path) -> list[Example]:
    """The examples of a spec file, numbered from 1, with the section each is in."""
    out: list[Example] = []
    section = ""
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(_FENCE + " example"):
            extension = line[len(_FENCE + " example") :].strip()
            body: list[str] = []
            i += 1
            while lines[i] != _FENCE:
                body.append(lines[i])
                i += 1
            dot = body.index(".")
            markdown = "\n".join(body[:dot]) + "\n" if dot else ""
            html = "\n".join(body[dot + 1 :]) + "\n" if dot + 1 < len(body) else ""
            out.append(
                Example(
                    len(out) + 1,
                    section,
                    markdown.replace("→", "\t"),
                    html.replace("→", "\t"),
                    extension,
                )
            )
        elif re.match(r"#{1,6} ", line):
            section = line.lstrip("#").strip()
        i += 1
    return out


# ---------------------------------------------------------------------------- normalise

_BLOCK_TAGS = frozenset(
    [
        "article",
        "header",
        "aside",
        "hgroup",
        "blockquote",
        "hr",
        "iframe",
        "body",
        "li",
        "map",
        "button",
        "object",
        "canvas",
        "ol",
        "caption",
        "output",
        "col",
        "p",
        "colgroup",
        "pre",
        "dd",
        "progress",
        "div",
        "section",
        "dl",
        "table",
        "td",
        "dt",
        "tbody",
        "embed",
        "textarea",
        "fieldset",
        "tfoot",
        "figcaption",
        "th",
        "figure",
        "thead",
        "footer",
        "tr",
        "form",
        "ul",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "video",
        "script",
        "style",
    ]
)
_SPACES = re.compile(r"\s+")
_CHUNK = re.compile(r"<!\[CDATA\[.*?\]\]>|<[^>]*>|[^<]+", re.DOTALL)


class _Normaliser(HTMLParser):
    """The comparison of cmark's test suite, written out again."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.last = "starttag"
        self.last_tag = ""
        self.in_pre = False

    def _rstrip(self) -> None:
        text = "".join(self.out).rstrip()
        self.out = [text]

    def handle_data(self, data: str) -> None:
        after_tag = self.last in ("starttag", "endtag")
        after_block = after_tag and self.last_tag in _BLOCK_TAGS
        if after_tag and self.last_tag == "br":
            data = data.lstrip("\n")
        if not self.in_pre:
            data = _SPACES.sub(" ", data)
            if after_block:
                data = data.lstrip() if self.last == "starttag" else data.strip()
        self.out.append(data)
        self.last = "data"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self.in_pre = True
        if tag in _BLOCK_TAGS:
            self._rstrip()
        text = "<" + tag
        for key, value in sorted(attrs, key=lambda kv: (kv[0], kv[1] or "")):
            text += " " + key
            if value is not None:
                text += '="' + _escape(value) + '"'
        self.out.append(text + ">")
        self.last_tag = tag
        self.last = "starttag"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.last = "endtag"

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self.in_pre = False
        elif tag in _BLOCK_TAGS:
            self._rstrip()
        self.out.append(f"</{tag}>")
        self.last_tag = tag
        self.last = "endtag"

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")
        self.last = "comment"

    def handle_decl(self, decl: str) -> None:
        self.out.append(f"<!{decl}>")
        self.last = "decl"

    def unknown_decl(self, data: str) -> None:
        self.out.append(f"<!{data}>")
        self.last = "decl"

    def handle_pi(self, data: str) -> None:
        self.out.append(f"<?{data}>")
        self.last = "pi"

    def handle_entityref(self, name: str) -> None:
        code = name2codepoint.get(name)
        self._char(chr(code) if code is not None else None, f"&{name};")

    def handle_charref(self, name: str) -> None:
        try:
            char: str | None = chr(int(name[1:], 16) if name[:1] in "xX" else int(name))
        except (ValueError, OverflowError):
            char = None
        self._char(char, f"&#{name};")

    def _char(self, char: str | None, fallback: str) -> None:
        self.out.append(fallback if char is None else _escape(char))
        self.last = "ref"


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def normalise(html: str) -> str:
    """``html`` as cmark's test suite compares it."""
    parser = _Normaliser()
    for chunk in _CHUNK.finditer(html):
        if chunk.group(0).startswith("<![CDATA["):
            parser.out.append(chunk.group(0))
        else:
            parser.feed(chunk.group(0))
    parser.close()
    return "".join(parser.out)


# ---------------------------------------------------------------------------- engines


def parser(engine: str) -> Callable[[str], str]:
    """The engine's HTML for a Markdown text, without wpsync's post-processing."""
    if engine == "commonmark":
        from wpsync.source import commonmark

        md = commonmark.build(wpsync=False)
        return lambda text: commonmark.render(md, text, strip_title=False)[0]
    from wpsync.source import pymarkdown

    renderer = pymarkdown.Renderer(wpsync=False)
    return lambda text: renderer.render(text, strip_title=False)[0]


@dataclass(frozen=True)
class Outcome:
    example: Example
    passed: bool
    got: str


def run(engine: str, spec: str) -> list[Outcome]:
    render = parser(engine)
    out: list[Outcome] = []
    for example in examples(SPECS[spec]):
        try:
            got = render(example.markdown)
        except Exception as error:  # a crash is a disagreement, reported as such
            got = f"<!-- {type(error).__name__}: {error} -->"
        out.append(Outcome(example, normalise(got) == normalise(example.html), got))
    return out


def sections(outcomes: list[Outcome]) -> Iterator[tuple[str, int, int]]:
    """``(section, passed, total)`` in the spec's order."""
    seen: dict[str, list[int]] = {}
    for o in outcomes:
        counts = seen.setdefault(o.example.section, [0, 0])
        counts[0] += o.passed
        counts[1] += 1
    for name, (passed, total) in seen.items():
        yield name, passed, total


def agreement(outcomes: list[Outcome]) -> float:
    return 100.0 * sum(o.passed for o in outcomes) / len(outcomes)


def table(engine: str, spec: str, outcomes: list[Outcome]) -> str:
    lines = [
        f"{engine} engine, {SPECS[spec].name}",
        "",
        "| section | agree | examples | % |",
        "|---|--:|--:|--:|",
    ]
    for name, passed, total in sections(outcomes):
        lines.append(f"| {name} | {passed} | {total} | {100.0 * passed / total:.1f} |")
    passed = sum(o.passed for o in outcomes)
    lines.append(
        f"| **all** | **{passed}** | **{len(outcomes)}** | **{agreement(outcomes):.1f}** |"
    )
    return "\n".join(lines)


# ---------------------------------------------------------------------------- speed


def speed(count: int) -> str:
    """CPU per document of ``render_markdown`` with each engine, on the same documents."""
    sys.path.insert(0, str(ROOT / "bench"))
    from corpus import post_text  # type: ignore[import-not-found]

    from wpsync.source.render import ENGINES, render_markdown

    bodies = []
    for n in range(count):
        text = post_text(n, image="images/p.png" if n % 10 == 0 else None)
        bodies.append(text.split("\n---\n", 1)[-1] if text.startswith("---\n") else text)
    lines = [f"render_markdown on {count} generated documents (bench/corpus.py), CPU time"]
    for engine in ENGINES:
        render_markdown(bodies[0], engine=engine)  # build the parser outside the timing
    results: dict[str, float] = {}
    for _round in range(3):  # interleaved rounds: the engines share the machine's state
        for engine in ENGINES:
            start = time.process_time()
            for body in bodies:
                render_markdown(body, strip_title=True, engine=engine)
            spent = time.process_time() - start
            results[engine] = min(results.get(engine, spent), spent)
    for engine in ENGINES:
        per_doc = results[engine] / count * 1000
        lines.append(f"  {engine:16} {per_doc:6.2f} ms/document (best of 3 rounds)")
    size = sum(len(b) for b in bodies) / count
    lines.append(f"  (documents average {size:.0f} characters)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser_ = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser_.add_argument("--engine", choices=("commonmark", "python-markdown"), action="append")
    parser_.add_argument("--spec", choices=tuple(SPECS), action="append")
    parser_.add_argument("--failures", action="store_true", help="print every disagreement")
    parser_.add_argument("--speed", type=int, default=0, metavar="N", help="render N documents")
    args = parser_.parse_args(argv)
    engines = args.engine or ["commonmark", "python-markdown"]
    specs = args.spec or list(SPECS)
    summary = []
    for engine in engines:
        for spec in specs:
            outcomes = run(engine, spec)
            print(table(engine, spec, outcomes), end="\n\n")
            if args.failures:
                for o in outcomes:
                    if not o.passed:
                        e = o.example
                        print(f"--- example {e.number} ({e.section}) {e.extension}")
                        print(
                            f"markdown: {e.markdown!r}\nexpected: {e.html!r}\ngot:      {o.got!r}"
                        )
                print()
            summary.append(f"{engine:16} {spec:11} {agreement(outcomes):5.1f} %")
    print("\n".join(summary))
    if args.speed:
        print()
        print(speed(args.speed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
