"""GitHub alerts for the ``commonmark`` engine: ``> [!NOTE]`` → a callout with its title.  Pure.

A quote whose first line is ``[!NOTE]``, ``[!TIP]``, ``[!IMPORTANT]``, ``[!WARNING]`` or
``[!CAUTION]`` (any case, alone on its line) is GitHub's "alert".  markdown-it-py finds them
(its ``alerts`` option); this plugin gives them wpsync's markup, the marker never shown:

    <div class="wpsync-callout wpsync-callout-note">
    <p class="wpsync-callout-title">Note</p>
    <p>The quote's content, as blocks.</p>
    </div>

The kinds are :data:`KINDS`; the title is the kind capitalised (``Note``, ``Tip``,
``Important``, ``Warning``, ``Caution``).  A quote with any other ``[!WORD]`` stays a quote.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

__all__ = ["CALLOUT_CLASS", "KINDS", "alerts_plugin"]

KINDS = ("note", "tip", "important", "warning", "caution")
CALLOUT_CLASS = "wpsync-callout"


def _callout_classes(state: StateCore) -> None:
    for token in state.tokens:
        if token.type == "alert_open":
            kind = str(token.info).lower()
            token.attrSet("class", f"{CALLOUT_CLASS} {CALLOUT_CLASS}-{kind}")
        elif token.type == "alert_title_open":
            token.attrSet("class", f"{CALLOUT_CLASS}-title")


def alerts_plugin(md: MarkdownIt) -> None:
    """Turn GitHub alerts into wpsync callouts."""
    md.options["alerts"] = True
    md.core.ruler.push("wpsync_callouts", _callout_classes)
