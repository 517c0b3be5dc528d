"""wpsync — keep a WordPress site in step with a folder of Markdown files."""

__version__ = "0.1.0"
