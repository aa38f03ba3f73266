"""Fixtures for the end-to-end tests: the emulator and the shim once per session, a bot process
per test, and people who talk to it. See tests/e2e/README.md.

A missing Node.js or `npm ci` is a failure, not a skip: CI installs both, and a skipped e2e
suite would hide a broken setup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from .harness import (
    COORDINATOR_ID,
    STOP_WAIT,
    BotProcess,
    Emulator,
    Group,
    Person,
    SetupError,
    check_node_setup,
)
from .shim import BotApiShim


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    problem = None
    try:
        node = check_node_setup()
        emu = Emulator(node, tmp_path_factory.mktemp("emulator") / "emulator.log").start()
    except SetupError as exc:
        problem = str(exc)
    if problem is not None:
        pytest.fail(f"e2e setup: {problem}", pytrace=False)
    yield emu
    code = emu.stop()
    assert code == 0, f"the emulator did not stop cleanly (exit {code}):\n{emu.log()}"


@pytest.fixture(scope="session")
def shim(emulator: Emulator) -> Iterator[BotApiShim]:
    with BotApiShim(emulator.host, emulator.port) as bridge:
        yield bridge
    assert not bridge.errors(), f"faults inside the shim: {bridge.errors()}"


@pytest.fixture
def start_bot(shim: BotApiShim, tmp_path: Path) -> Iterator[Callable[..., BotProcess]]:
    """Start `peer-reflect run` (optionally at another log level, with more config such as a
    `[supervision]` table). `start_bot(after=bot)` restarts: a new process on the stopped
    bot's config and database. At the end of the test each bot still running gets SIGTERM and
    must exit with 0 within STOP_WAIT seconds, and no bot's log may hold errors."""
    bots: list[BotProcess] = []

    def start(
        log_level: str = "INFO", extra_config: str = "", after: BotProcess | None = None
    ) -> BotProcess:
        workdir = tmp_path / f"bot{len(bots)}"
        if after is None:
            bot = BotProcess(shim, workdir, log_level, extra_config)
        else:
            assert not after.running, "stop the bot before starting its successor"
            bot = after.successor(workdir)
        bots.append(bot)
        return bot.start()

    yield start
    failures = []
    for bot in bots:
        was_running = bot.running
        code = bot.stop()
        if was_running and code != 0:
            failures.append(
                f"the bot did not exit cleanly on SIGTERM within {STOP_WAIT:g} s "
                f"(exit {code}); its log:\n{bot.log()}"
            )
        if bot.log_problems():
            failures.append(f"the bot logged errors; its log:\n{bot.log()}")
    assert not failures, "\n\n".join(failures)


@pytest.fixture
def running_bot(start_bot: Callable[..., BotProcess]) -> BotProcess:
    return start_bot()


@pytest.fixture
def person(emulator: Emulator, shim: BotApiShim) -> Callable[..., Person]:
    """Make someone who can write to the bot: person(user_id, first_name)."""

    def make(user_id: int, first_name: str, language_code: str = "en") -> Person:
        return Person(emulator, shim, user_id, first_name, language_code)

    return make


@pytest.fixture
def group(shim: BotApiShim) -> Iterator[Callable[..., Group]]:
    """Make a group chat the bot is in: group(chat_id, title). Statuses set for its members
    with `shim.set_member_status` are forgotten when the test ends."""
    groups: list[Group] = []

    def make(chat_id: int, title: str, chat_type: str = "supergroup") -> Group:
        made = Group(chat_id, title, chat_type)
        groups.append(made)
        return made

    yield make
    for made in groups:
        shim.forget_member_statuses(made.chat_id)


@pytest.fixture
def coordinator(person: Callable[..., Person]) -> Person:
    """The team's coordinator, listed in the config; needs no invite."""
    return person(COORDINATOR_ID, "Cora")
