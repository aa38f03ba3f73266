"""Whatever a person throws at a check-in, in whatever order (texts, stickers, taps on any
button, forged buttons, commands, long pauses, restarts), the bot never raises and the
database stays consistent and free of anything typed."""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.app import build_application, running, services_of
from bot.config import parse_config
from bot.offline import LocalBotAPI, UpdateFactory
from prompts import Prompts, available_languages
from tests.conftest import MEMBER, TOKEN, Clock, ErrorLog, config_data

MARK = "zqx"  # every typed text carries it, so the database can be searched for it
PROMPTS = Prompts()
SCRIPT = PROMPTS.load_scripts()["default"]
CHOICES = {s.id: set(s.choices) for s in SCRIPT.steps if s.kind == "choice"}

tap = st.tuples(st.just("tap"), st.integers(min_value=0, max_value=12))
typed = st.tuples(st.just("text"), st.text(max_size=200).map(lambda t: MARK + t))
# Taps and typed answers are the common case, so they are drawn most often: random input
# should get deep into check-ins, not only poke at their edges.
actions = st.lists(
    st.one_of(
        tap,
        tap,
        tap,
        typed,
        typed,
        st.tuples(
            st.just("command"),
            st.sampled_from(
                ["/checkin", "/checkin", "/cancel", "/skip", "/mydata", "/nudge", "/trend"]
            ),
        ),
        st.tuples(st.just("risk"), st.sampled_from(["I want to die", "ich will nicht mehr leben"])),
        st.tuples(st.just("sticker"), st.none()),
        st.tuples(st.just("old_tap"), st.integers(min_value=0, max_value=40)),
        st.tuples(st.just("forged"), st.text(max_size=70)),
        st.tuples(st.just("wait"), st.integers(min_value=0, max_value=45)),
        st.tuples(st.just("restart"), st.none()),
    ),
    max_size=40,
).map(lambda steps: [("command", "/checkin"), *steps])


async def scenario(steps: list[tuple[str, Any]], folder: Path) -> int:
    """Play the steps; return how many updates the bot answered with something."""
    clock = Clock()
    config = parse_config(
        config_data(folder / "bot.sqlite3"), folder / "c.toml", available_languages()
    )
    errors = ErrorLog()
    logging.getLogger("bot.errors").addHandler(errors)
    seen_buttons: list[tuple[int, str]] = []
    answered = 0
    try:
        pending = list(steps)
        first = True
        while first or pending:
            api = LocalBotAPI()
            app = build_application(
                config, TOKEN, request=api, clock=clock, prompts=PROMPTS, rate_limit=False
            )
            async with running(app):
                assert app.job_queue is not None
                app.job_queue.scheduler.pause()
                updates = UpdateFactory(app.bot)
                repo = services_of(app).repo
                assert repo is not None
                if first:
                    first = False
                    code_calls = len(api.calls)
                    await app.process_update(updates.message(5550001, "/invite"))
                    link = api.calls[code_calls].text.split("?start=")[1].split()[0]
                    await app.process_update(updates.message(MEMBER, f"/start {link}"))
                    agree = api.calls[-1].buttons[0][1]
                    await app.process_update(updates.callback(MEMBER, agree))
                while pending:
                    kind, value = pending.pop(0)
                    if kind == "restart":
                        break
                    if kind in ("command", "text", "risk"):
                        update = updates.message(MEMBER, value)
                    elif kind == "sticker":
                        update = updates.sticker(MEMBER)
                    elif kind == "tap":
                        last = next((c for c in reversed(api.calls) if c.buttons), None)
                        if last is None:
                            continue
                        _, data = last.buttons[value % len(last.buttons)]
                        update = updates.callback(MEMBER, data, message_id=last.message_id or 1)
                    elif kind == "old_tap":
                        if not seen_buttons:
                            continue
                        message_id, data = seen_buttons[value % len(seen_buttons)]
                        update = updates.callback(MEMBER, data, message_id=message_id)
                    elif kind == "forged":
                        update = updates.callback(MEMBER, value)
                    else:
                        clock.advance(minutes=value)
                        continue
                    before = len(api.calls)
                    await app.process_update(update)
                    answered += len(api.calls) > before
                    seen_buttons.extend(
                        (c.message_id or 1, data) for c in api.calls for _, data in c.buttons
                    )
                await check_consistency(repo)
            assert not api.unsupported
        assert not errors.records, [r.getMessage() for r in errors.records]
    finally:
        logging.getLogger("bot.errors").removeHandler(errors)
    assert not any(MARK.encode() in content for content in database_files(folder)), (
        "typed words reached the database"
    )
    return answered


def database_files(folder: Path) -> list[bytes]:
    return [path.read_bytes() for path in folder.glob("bot.sqlite3*")]


async def check_consistency(repo: Any) -> None:
    for row in await (
        await repo.connection.execute("SELECT load, answers, flags FROM checkins")
    ).fetchall():
        load, answers, flags = row[0], json.loads(row[1]), row[2]
        assert load is None or 0 <= load <= 10
        for key, answer in answers.items():
            if key == "load":
                assert answer == load
            else:
                assert answer in CHOICES[key], (key, answer)
        assert set(filter(None, flags.split(","))) <= {
            "high_load",
            "talk",
            "own_story",
            "boundaries",
            "practical",
            "risk",
            "run",
        }
    for row in await (
        await repo.connection.execute("SELECT step, answers FROM checkin_progress")
    ).fetchall():
        assert 0 <= row[0] < len(SCRIPT.steps)
        assert set(json.loads(row[1])) <= {s.id for s in SCRIPT.steps[: row[0]]}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(steps=actions)
def test_any_sequence_of_input_is_survived(steps: list[tuple[str, Any]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        answered = asyncio.run(scenario(steps, Path(folder)))
    # Every input gets an answer or (for edits and the like) silence; at least /checkin does.
    assert answered >= 1
