"""Taking over what is already on the site: ``pull`` (posts → Markdown files) and
``state rebuild`` (the state recovered from WordPress)."""
