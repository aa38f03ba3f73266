"""Logs never carry the bot token, whatever shape it arrives in."""

from __future__ import annotations

import io
import logging

from bot.logs import REDACTED, RedactTokens

TOKEN = "123456789:AAE_secretPartOfTheTokenThatMustNotLeak"


def capture(token: str | None = TOKEN) -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactTokens(token))
    logger = logging.getLogger(f"test.redact.{id(stream)}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_token_in_arguments_is_redacted() -> None:
    logger, stream = capture()
    logger.info("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
    assert "secretPart" not in stream.getvalue()
    assert REDACTED in stream.getvalue()


def test_any_token_shaped_text_is_redacted_even_unconfigured() -> None:
    logger, stream = capture(token=None)
    logger.warning("url /bot987654321:ZZZanotherTokenThatLooksRealEnough00/x")
    assert "ZZZanother" not in stream.getvalue()


def test_token_in_a_traceback_is_redacted() -> None:
    logger, stream = capture()
    try:
        raise RuntimeError(f"failed calling /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("boom")
    assert "secretPart" not in stream.getvalue()
    assert "boom" in stream.getvalue()


def test_ordinary_numbers_are_left_alone() -> None:
    logger, stream = capture()
    logger.info("retention purge removed %d invite(s) at 12:30", 3)
    assert stream.getvalue().strip() == "retention purge removed 3 invite(s) at 12:30"
