"""Logging that never carries the bot token or what people wrote.

The token is redacted from every record (httpx and python-telegram-bot both put request URLs,
which hold the token, into their messages). Library loggers that would print request bodies or
update contents at DEBUG are held at WARNING whatever the configured level.
"""

from __future__ import annotations

import logging
import re
import sys

TOKEN_SHAPE = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")
REDACTED = "[redacted-token]"
# These log request URLs (the token), parameters or updates (what people wrote) when chatty.
QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler", "hpack", "aiosqlite", "asyncio")


class RedactTokens(logging.Filter):
    """Replace anything shaped like a bot token, and the configured token itself."""

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self.token = token

    def _clean(self, text: str) -> str:
        if self.token:
            text = text.replace(self.token, REDACTED)
        return TOKEN_SHAPE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = self._clean(message)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._clean(record.exc_text)
        if cleaned != message or record.args:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: str, token: str | None = None) -> logging.Handler:
    """Log to stderr at `level`; called once by the command line, never at import time."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactTokens(token))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    numeric = logging.getLevelName(level)
    quiet = max(logging.WARNING, numeric)
    # httpx logs every request URL at INFO, and the URL holds the token.
    logging.getLogger("httpx").setLevel(quiet)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)
    return handler
