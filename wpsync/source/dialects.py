"""What other static-site generators leave in Markdown that WordPress cannot use.

Writers moving an archive from Jekyll or Hugo bring their code-highlighting tags along:
``{% highlight ruby linenos %}…{% endhighlight %}`` (Jekyll/Liquid) and
``{{< highlight go "linenos=table" >}}…{{< /highlight >}}`` (Hugo).  Both become
ordinary fenced code, so the code is shown as code, not as text with template tags.
Jekyll's ``{% raw %}``/``{% endraw %}`` markers are dropped (their content is kept), in
a highlight block too; the code of a highlight block loses its first and last blank lines,
as Jekyll's and Hugo's highlight trim them.  Fenced code and code spans are left as
written (a README that shows these tags as code keeps them; the Jekyll dialect, where
Liquid reads code too, removes ``{% raw %}`` itself: ``jekyll.py``).
"""

from __future__ import annotations

import functools
import re

from wpsync.source.fences import FenceTracker, outside_code_spans


@functools.cache
def _patterns() -> tuple[re.Pattern[str], ...]:
    """Compiled on the first text with a template tag (most runs never see one)."""
    return (
        re.compile(r"^[ \t]*\{%-?\s*highlight\s+([\w+#.-]+)[^%]*-?%\}[ \t]*$"),
        re.compile(r"^[ \t]*\{%-?\s*endhighlight\s*-?%\}[ \t]*$"),
        re.compile(r"^[ \t]*\{\{[<%]\s*highlight\s+([\w+#.-]+)[^>%]*[>%]\}\}[ \t]*$"),
        re.compile(r"^[ \t]*\{\{[<%]\s*/highlight\s*[>%]\}\}[ \t]*$"),
        re.compile(r"\{%-?\s*(?:end)?raw\s*-?%\}"),
    )


def convert_template_tags(text: str) -> str:
    if "{%" not in text and "{{" not in text:
        return text
    jekyll_open, jekyll_close, hugo_open, hugo_close, raw = _patterns()
    out: list[str] = []
    close: re.Pattern[str] | None = None
    indent = ""
    code: list[str] = []
    fenced = FenceTracker()
    for line in text.split("\n"):
        if close is not None:
            if close.match(line):
                out.extend(_highlighted(code, raw))
                out.append(f"{indent}```")
                close = None
            else:
                code.append(line)
            continue
        if fenced.in_code(line):
            out.append(line)
            continue
        opened = jekyll_open.match(line) or hugo_open.match(line)
        if opened:
            close = jekyll_close if opened.re is jekyll_open else hugo_close
            indent = line[: len(line) - len(line.lstrip(" \t"))]  # in a list item: stays in it
            out.append(f"{indent}```{opened.group(1)}")
            code = []
            continue
        out.append(
            outside_code_spans(line, functools.partial(raw.sub, "")) if "raw" in line else line
        )
    if close is not None:  # never closed: leave the text as the writer had it
        return text
    return "\n".join(out)


def _highlighted(lines: list[str], raw: re.Pattern[str]) -> list[str]:
    """The code of a highlight block as the generator shows it: ``{% raw %}`` markers gone
    (a line that held only one with them: Liquid reads them inside the block too), and
    no blank line first or last (Jekyll's and Hugo's highlight trim them)."""
    code = []
    for line in lines:
        if "raw" in line and raw.search(line):
            line = raw.sub("", line)
            if not line.strip():
                continue  # the marker's own line
        code.append(line)
    while code and not code[0].strip("\r"):
        code.pop(0)
    while code and not code[-1].strip("\r"):
        code.pop()
    return code
