"""What other static-site generators leave in Markdown that WordPress cannot use.

Writers moving an archive from Jekyll or Hugo bring their code-highlighting tags along:
``{% highlight ruby linenos %}…{% endhighlight %}`` (Jekyll/Liquid) and
``{{< highlight go "linenos=table" >}}…{{< /highlight >}}`` (Hugo).  Both become
ordinary fenced code, so the code is shown as code, not as text with template tags.
Jekyll's ``{% raw %}``/``{% endraw %}`` markers are dropped (their content is kept).
"""

from __future__ import annotations

import functools
import re


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
    for line in text.split("\n"):
        if close is not None:
            if close.match(line):
                out.append(f"{indent}```")
                close = None
            else:
                out.append(line)
            continue
        opened = jekyll_open.match(line) or hugo_open.match(line)
        if opened:
            close = jekyll_close if opened.re is jekyll_open else hugo_close
            indent = line[: len(line) - len(line.lstrip(" \t"))]  # in a list item: stays in it
            out.append(f"{indent}```{opened.group(1)}")
            continue
        out.append(raw.sub("", line) if "raw" in line else line)
    if close is not None:  # never closed: leave the text as the writer had it
        return text
    return "\n".join(out)
