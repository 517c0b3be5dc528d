"""``python -m wpsync``."""

from wpsync.cli.main import main

main(prog_name="wpsync")
