"""The `peer-reflect` command: run, check-config, try."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.config import TOKEN_ENV, Config, ConfigError, load_config, read_token
from bot.logs import setup_logging
from prompts import Prompts
from prompts.scripts import available_scripts

EXIT_USAGE = 2
log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="peer-reflect",
        description="A reflective-supervision companion for peer supporters, on Telegram.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling)")
    check = sub.add_parser("check-config", help="validate the config, templates and scripts")
    tryout = sub.add_parser("try", help="chat with the bot in this terminal, no Telegram needed")
    for p in (run, check, tryout):
        p.add_argument("--config", default="config.toml", help="path to the TOML config")
    tryout.add_argument(
        "--as",
        dest="role",
        choices=("member", "coordinator"),
        default="member",
        help="who you are in the chat (default: member)",
    )
    tryout.add_argument(
        "--database", default=None, help="database file for the try-out (default: a temporary one)"
    )
    return parser


def _load(path: str, prompts: Prompts) -> Config | None:
    try:
        return load_config(path, prompts.languages, available_scripts(prompts.root / "scripts"))
    except ConfigError as exc:
        for line in exc.problems:
            print(f"config error: {line}", file=sys.stderr)
        return None


def _wording_problems(prompts: Prompts) -> tuple[list[str], list[str]]:
    """(errors, warnings) in templates and scripts: errors stop the bot, warnings do not."""
    problems = prompts.check()
    return [str(p) for p in problems if p.fatal], [str(p) for p in problems if not p.fatal]


def check_config(path: str) -> int:
    """Report every problem in the config, the templates and the scripts, or OK."""
    prompts = Prompts()
    errors: list[str] = []
    try:
        load_config(path, prompts.languages, available_scripts(prompts.root / "scripts"))
    except ConfigError as exc:
        errors.extend(exc.problems)
    wording_errors, warnings = _wording_problems(prompts)
    errors.extend(wording_errors)
    for line in warnings:
        print(f"warning: {line}")
    if errors:
        for line in errors:
            print(f"problem: {line}")
        print(f"{len(errors)} problem(s) found.")
        return EXIT_USAGE
    note = f" ({len(warnings)} warning(s))" if warnings else ""
    print(f"OK: {path}, {len(prompts.languages)} language(s) of templates{note}.")
    return 0


def run(path: str) -> int:
    """Long-poll Telegram until SIGINT or SIGTERM."""
    token = read_token()
    if token is None:
        print(
            f"peer-reflect: set the bot token in the environment variable {TOKEN_ENV} "
            "(from @BotFather); it is never read from a file.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    prompts = Prompts()
    config = _load(path, prompts)
    if config is None:
        return EXIT_USAGE
    errors, warnings = _wording_problems(prompts)
    if errors:
        for problem in errors:
            print(f"template error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(config.log_level, token)
    for warning in warnings:
        log.warning("wording: %s", warning)
    from bot.app import build_application  # imports handlers; kept out of check-config

    app = build_application(config, token, prompts=prompts)
    try:
        # Never drop pending updates: a check-in sent while the bot was down still counts.
        app.run_polling(
            allowed_updates=Update.ALL_TYPES, drop_pending_updates=False, close_loop=False
        )
    except InvalidToken:
        log.error("Telegram rejected the token in %s", TOKEN_ENV)
        return 1
    except NetworkError as exc:
        log.error("could not reach the Bot API at start-up (%s)", type(exc).__name__)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    # Durations from Telegram (RetryAfter) as timedelta, as python-telegram-bot 23 will have it.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    args = _parser().parse_args(argv)
    if args.command == "check-config":
        return check_config(args.config)
    if args.command == "run":
        return run(args.config)
    from bot.tryout import try_out

    prompts = Prompts()
    config = _load(args.config, prompts)
    if config is None:
        return EXIT_USAGE
    return asyncio.run(try_out(config, prompts, args.role, args.database))


if __name__ == "__main__":
    sys.exit(main())
