"""markdown-it's block rules' debug logging is skipped while it is off (a parse's cost),
kept when it is on (-vvv), and the HTML is the same either way."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from wpsync.source import commonmark

TEXT = "# T\n\n- a\n- b\n\n> q\n\n```py\nx\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nPara *em*.\n"


def _rule_loggers() -> dict[str, object]:
    return {
        name: module.LOGGER
        for name, module in sys.modules.items()
        if name.startswith("markdown_it.rules_block.") and hasattr(module, "LOGGER")
    }


@pytest.fixture
def loggers_kept() -> Iterator[None]:
    """The rule modules' loggers and markdown-it's level as they were before the test."""
    before = _rule_loggers()
    level = logging.getLogger("markdown_it").level
    yield
    logging.getLogger("markdown_it").setLevel(level)
    for name, logger in before.items():
        setattr(sys.modules[name], "LOGGER", logger)  # noqa: B010


def _real(logger: object) -> logging.Logger:
    found = logger.logger if isinstance(logger, commonmark._QuietLogger) else logger
    assert isinstance(found, logging.Logger)
    return found


def test_the_rules_log_nothing_while_debug_is_off_and_render_the_same(
    loggers_kept: None,
) -> None:
    logging.getLogger("markdown_it").setLevel(logging.WARNING)
    md = commonmark.build()
    quiet = commonmark.render(md, TEXT, strip_title=False)
    loggers = _rule_loggers()
    assert len(loggers) >= 8
    assert all(isinstance(lg, commonmark._QuietLogger) for lg in loggers.values())
    for name, logger in loggers.items():  # markdown-it's own loggers again
        setattr(sys.modules[name], "LOGGER", _real(logger))  # noqa: B010
    assert commonmark.render(md, TEXT, strip_title=False) == quiet


def test_the_rules_still_log_when_debug_is_on(
    loggers_kept: None, caplog: pytest.LogCaptureFixture
) -> None:
    for name, logger in _rule_loggers().items():
        setattr(sys.modules[name], "LOGGER", _real(logger))  # noqa: B010
    logging.getLogger("markdown_it").setLevel(logging.DEBUG)  # as -vvv sets it
    with caplog.at_level(logging.DEBUG, logger="markdown_it"):
        commonmark.render(commonmark.build(), TEXT, strip_title=False)
    assert any(r.name.startswith("markdown_it.rules_block.") for r in caplog.records)
