"""How much the once-a-minute due check costs with many schedules.

Fills a fresh database with N after-shift nudges and N supervision series (default 10,000 of
each), about 1% of each due now, then times the periodic job's parts: the due queries alone,
and the work for the due ones (moving each on, sending through the in-process Bot API), and a
tick with nothing due. Prints the figures.

    .venv/bin/python benchmarks/due_check.py [--schedules 10000] [--runs 20]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Every team must name somewhere to turn in a crisis; the config refuses one that does not.
CRISIS = [{"kind": "emergency", "name": "Emergency services", "how": "Call 999"}]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, running, services_of
from bot.config import parse_config
from bot.context import BotContext
from bot.offline import LocalBotAPI
from handlers import tick
from handlers.nudges import send_due_nudges
from handlers.supervision import send_due_reminders
from prompts import available_languages

NOW = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)


async def fill(conn: object, count: int, due_share: float) -> int:
    rng = random.Random(7)
    now = int(NOW.timestamp())
    members, nudges, due = [], [], 0
    for i in range(count):
        user_id = 10_000_000 + i
        members.append((user_id, user_id, "north", "member", "en", "Europe/London", now, now, 1))
        if rng.random() < due_share:
            next_due = now - rng.randint(0, 600)
            due += 1
        else:
            next_due = now + rng.randint(60, 7 * 86_400)
        nudges.append((user_id, rng.randint(1, 127), rng.randint(0, 1439), next_due))
    await conn.execute("BEGIN")  # type: ignore[attr-defined]
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO members (user_id, chat_id, team_id, role, language, timezone, "
        "consented_at, last_seen_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        members,
    )
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO nudges (user_id, weekdays, minute, next_due_at) VALUES (?, ?, ?, ?)", nudges
    )
    await conn.execute("COMMIT")  # type: ignore[attr-defined]
    return due


async def fill_series(conn: object, count: int, due_share: float) -> int:
    """Supervision series over many teams; each points at its next reminder."""
    rng = random.Random(11)
    now = int(NOW.timestamp())
    rows, due = [], 0
    for i in range(count):
        weekday = rng.randint(0, 6)
        if rng.random() < due_share:
            reminder = now - rng.randint(0, 600)
            due += 1
        else:
            reminder = now + rng.randint(60, 14 * 86_400)
        session = reminder + 3600
        rows.append(
            (
                f"team{i % 50}",
                "weekly",
                weekday,
                1,
                rng.randint(480, 1080),
                "Europe/London",
                "2026-11-23",
                "",
                now,
                session,
                reminder,
            )
        )
    await conn.execute("BEGIN")  # type: ignore[attr-defined]
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO supervision_series (team_id, frequency, weekday, week_of_month, minute, "
        "timezone, first_date, place, created_at, next_session_at, next_reminder_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO groups (chat_id, team_id, linked_at, active) VALUES (?, ?, ?, 1)",
        [(-1000 - t, f"team{t}", now) for t in range(50)],
    )
    await conn.execute("COMMIT")  # type: ignore[attr-defined]
    return due


async def main(schedules: int, runs: int) -> None:
    tracemalloc.start()
    with tempfile.TemporaryDirectory() as folder:
        data = {
            "bot": {"database": f"{folder}/bench.sqlite3"},
            "teams": [{"id": "north", "name": "North", "coordinators": [1], "resources": CRISIS}]
            + [
                {
                    "id": f"team{t}",
                    "name": f"Team {t}",
                    "coordinators": [2 + t],
                    "resources": CRISIS,
                }
                for t in range(50)
            ],
        }
        config = parse_config(data, Path(folder) / "c.toml", available_languages())
        clock = {"now": NOW}
        api = LocalBotAPI()
        app = build_application(
            config, "1:bench", request=api, clock=lambda: clock["now"], rate_limit=False
        )
        async with running(app):
            assert app.job_queue is not None
            app.job_queue.scheduler.pause()  # measure the job by hand, not when it fires
            repo = services_of(app).repo
            assert repo is not None
            due = await fill(repo.connection, schedules, due_share=0.01)
            series_due = await fill_series(repo.connection, schedules, due_share=0.01)
            now_ts = int(NOW.timestamp())
            query_times = []
            for _ in range(runs):
                start = time.perf_counter()
                found = await repo.due_nudges(now_ts)
                query_times.append(time.perf_counter() - start)
            assert len(found) == due
            api.clear()
            start = time.perf_counter()
            sent = await send_due_nudges(BotContext(app))
            tick_first = time.perf_counter() - start
            series_query_times = []
            for _ in range(runs):
                start = time.perf_counter()
                found_series = await repo.due_series(now_ts)
                series_query_times.append(time.perf_counter() - start)
            assert len(found_series) == series_due
            start = time.perf_counter()
            reminders = await send_due_reminders(BotContext(app))
            series_first = time.perf_counter() - start
            idle_times = []
            for _ in range(runs):
                clock["now"] += timedelta(seconds=1)
                start = time.perf_counter()
                await tick(BotContext(app))
                idle_times.append(time.perf_counter() - start)
    _, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"nudges in the database: {schedules:,} ({due} due now)")
    print(
        f"  due query:          median {statistics.median(query_times) * 1000:.2f} ms "
        f"over {runs} runs (max {max(query_times) * 1000:.2f} ms)"
    )
    print(
        f"  sending the due:    {tick_first * 1000:.1f} ms "
        f"({sent} sent, {tick_first / max(sent, 1) * 1000:.2f} ms each)"
    )
    print(f"supervision series in the database: {schedules:,} ({series_due} due now)")
    print(
        f"  due query:          median {statistics.median(series_query_times) * 1000:.2f} ms "
        f"over {runs} runs (max {max(series_query_times) * 1000:.2f} ms)"
    )
    print(
        f"  sending the due:    {series_first * 1000:.1f} ms "
        f"({reminders} sent, {series_first / max(reminders, 1) * 1000:.2f} ms each)"
    )
    print(
        f"whole tick, none due: median {statistics.median(idle_times) * 1000:.2f} ms "
        "(idle check-ins, nudges, reminders, weekly prompts, agenda clean-up)"
    )
    print(f"memory: peak Python allocations {peak / 1e6:.1f} MB, process max RSS {rss:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.schedules, args.runs))
