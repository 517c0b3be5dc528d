"""``python -m wpsync.cli`` (what installed git hooks run)."""

from wpsync.cli.main import main

main(prog_name="wpsync")
