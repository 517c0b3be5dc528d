"""Files → payloads: the content tree, front-matter mapping, Markdown rendering, dialects,
block markup, pages and links.  Pure except for reading the content folder; knows nothing
of WordPress or of the state."""
