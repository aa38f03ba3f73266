"""One connection serves handlers, the periodic job and background broadcasts at once: their
transactions and writes must not interleave."""

from __future__ import annotations

import asyncio
from pathlib import Path

from storage import Member, Nudge, Repository, Role, connect

NOW = 1_790_000_000


async def test_concurrent_transactions_do_not_collide(tmp_path: Path) -> None:
    repo = Repository(await connect(tmp_path / "db.sqlite3"))
    try:
        await repo.add_coordinator(Member(1, 1, "t", Role.MEMBER, "en", "Europe/London", 0, 0))
        results = []
        for i in range(30):
            results += await asyncio.gather(
                repo.purge_past_sessions(NOW),
                repo.complete_checkin(1, "t", NOW + i, 5, {"load": 5}, []),
                repo.touch_member(1, NOW + i),
                return_exceptions=True,
            )
        assert [r for r in results if isinstance(r, BaseException)] == []
        assert len(await repo.checkins_since(1, 0)) == 30
    finally:
        await repo.close()


async def test_a_write_is_not_rolled_back_with_another_tasks_transaction(tmp_path: Path) -> None:
    repo = Repository(await connect(tmp_path / "db.sqlite3"))
    try:
        await repo.add_coordinator(Member(1, 1, "t", Role.MEMBER, "en", "Europe/London", 0, 0))
        await repo.set_nudge(Nudge(1, 1, 600, NOW))
        broken = Member(2, 2, "t", "nobody", "en", "UTC", 0, 0)  # type: ignore[arg-type]
        invite = await repo.create_invite("h", "t", NOW + 99, 5, NOW)
        failing = asyncio.create_task(repo.join_with_invite(invite.id, broken, NOW))
        moved = asyncio.create_task(repo.advance_nudge(1, NOW, NOW + 604_800))
        results = await asyncio.gather(failing, moved, return_exceptions=True)
        assert isinstance(results[0], AttributeError)
        assert results[1] is True
        nudge = await repo.get_nudge(1)
        assert nudge is not None
        assert nudge.next_due_at == NOW + 604_800, "the nudge moved on, never to be sent twice"
    finally:
        await repo.close()
