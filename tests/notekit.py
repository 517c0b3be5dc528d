"""An Obsidian note mapped as a vault maps it, for the unit tests of its Markdown."""

from __future__ import annotations

from wpsync.model import Document
from wpsync.source.mapping import Mapped, MappingDefaults, map_document
from wpsync.source.render import MarkdownEngine
from wpsync.source.vault import VaultIndex

#: a vault with a note beside the one tested and an image in the attachment folder
VAULT = VaultIndex(("Home.md", "Notes/Here.md", "Attachments/chart.png"), "Attachments")
#: the same vault with Obsidian's *Strict line breaks* on
STRICT = VaultIndex(VAULT.files, VAULT.attachment_folder, strict_line_breaks=True)


def note(
    body: str,
    vault: VaultIndex | None = VAULT,
    engine: MarkdownEngine = "commonmark",
    dialect: str = "obsidian",
) -> Mapped:
    """``body`` as the note ``Notes/Here.md`` of ``vault``, mapped."""
    doc = Document("Notes/Here.md", {}, body, "0" * 64, body_line=1)
    defaults = MappingDefaults(dialect=dialect, vault=vault, markdown=engine)  # type: ignore[arg-type]
    return map_document(doc, defaults)


def html(body: str, vault: VaultIndex | None = VAULT, engine: MarkdownEngine = "commonmark") -> str:
    """The HTML ``note`` gives ``body``."""
    return note(body, vault, engine).payload.content
