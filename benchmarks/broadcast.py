"""How close a broadcast gets to Telegram's flood limit, and whether it stays under it.

Fills a fresh database with N members of one team (default 2,000), starts a stub Bot API on
127.0.0.1 in this process (it answers at once, and like Telegram allows at most --limit
sendMessage calls in any rolling second, answering 429 "retry after 1" beyond that), points the
real application at it (AIORateLimiter, real httpx), and times deliver() to the whole team.
Prints the wall time against the floor of N / limit seconds, the 429s the stub had to send,
and checks that every member got exactly one message. 2,000 members take about 67 s by design.

    .venv/bin/python benchmarks/broadcast.py [--members 2000] [--limit 30]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, deque
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[1]
# Every team must name somewhere to turn in a crisis; the config refuses one that does not.
CRISIS = [{"kind": "emergency", "name": "Emergency services", "how": "Call 999"}]
sys.path.insert(0, str(ROOT))

from bot.app import build_application, running, services_of
from bot.config import parse_config
from bot.context import BotContext
from handlers.broadcast import deliver
from prompts import available_languages

TOKEN = "1:bench"  # noqa: S105 (a made-up token for the stub)
BOT = {"id": 1, "is_bot": True, "first_name": "Peer Reflect", "username": "peer_reflect_bot"}
REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}
MAX_HEAD = 64 * 1024


class StubBotAPI:
    """A minimal Bot API over HTTP/1.1 (keep-alive, Content-Length bodies) on 127.0.0.1."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.window: deque[float] = deque()  # when each sendMessage in the last second was accepted
        self.sent: Counter[int] = Counter()  # accepted sendMessage per chat_id
        self.too_many = 0
        self.too_many_at: list[float] = []
        self.calls: Counter[str] = Counter()
        self.unknown: Counter[str] = Counter()
        self.busiest_second = 0
        self.connections = 0
        self._ids = itertools.count(1)
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._writers):
            writer.close()
        # Python 3.11's wait_closed does not wait for open connections: wait for them here.
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    # --- HTTP ----------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self._writers.add(writer)
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                except asyncio.LimitOverrunError:
                    await self._reply(writer, 400, {"ok": False, "description": "head too big"})
                    return
                if len(head) > MAX_HEAD:
                    return
                request_line, *header_lines = head.decode("latin-1").split("\r\n")
                parts = request_line.split(" ")
                if len(parts) != 3:
                    await self._reply(writer, 400, {"ok": False, "description": "bad request"})
                    return
                verb, target, version = parts
                headers = {}
                for line in header_lines:
                    if ":" in line:
                        name, value = line.split(":", 1)
                        headers[name.strip().lower()] = value.strip()
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    await self._reply(writer, 400, {"ok": False, "description": "no chunked"})
                    return
                body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
                status, answer = self._answer(verb, target, headers, body)
                await self._reply(writer, status, answer)
                if headers.get("connection", "").lower() == "close" or version == "HTTP/1.0":
                    return
        finally:
            self._writers.discard(writer)
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            self._tasks.discard(task)  # type: ignore[arg-type]

    @staticmethod
    async def _reply(writer: asyncio.StreamWriter, status: int, answer: dict[str, Any]) -> None:
        body = json.dumps(answer).encode()
        head = (
            f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\n"
            "Content-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Connection: keep-alive\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()

    # --- Bot API -------------------------------------------------------------------------------

    def _answer(
        self, verb: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, Any]]:
        prefix = f"/bot{TOKEN}/"
        if verb not in ("GET", "POST") or not target.startswith(prefix):
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        method = target[len(prefix) :].split("?", 1)[0]
        self.calls[method] += 1
        params = self._params(headers.get("content-type", ""), body)
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method in ("setMyCommands", "deleteMyCommands"):
            return 200, {"ok": True, "result": True}
        if method == "sendMessage":
            return self._send_message(params)
        self.unknown[method] += 1
        return 404, {"ok": False, "error_code": 404, "description": f"Not Found: {method}"}

    @staticmethod
    def _params(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        if content_type.startswith("application/json"):
            loaded = json.loads(body)
            return loaded if isinstance(loaded, dict) else {}
        # python-telegram-bot posts forms whose values are JSON-encoded where not plain strings.
        return dict(parse_qsl(body.decode(), keep_blank_values=True))

    def _send_message(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.too_many += 1
            self.too_many_at.append(now)
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        try:
            chat_id = int(params["chat_id"])
            text = str(params["text"])
        except (KeyError, ValueError):
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: chat_id"}
        self.window.append(now)
        self.busiest_second = max(self.busiest_second, len(self.window))
        self.sent[chat_id] += 1
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            "text": text,
        }
        return 200, {"ok": True, "result": message}


async def fill(conn: object, count: int) -> list[int]:
    now = int(time.time())
    ids = [10_000_000 + i for i in range(count)]
    await conn.execute("BEGIN")  # type: ignore[attr-defined]
    await conn.executemany(  # type: ignore[attr-defined]
        "INSERT INTO members (user_id, chat_id, team_id, role, language, timezone, "
        "consented_at, last_seen_at, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(i, i, "north", "member", "en", "Europe/London", now, now, 1) for i in ids],
    )
    await conn.execute("COMMIT")  # type: ignore[attr-defined]
    return ids


async def main(members: int, limit: int) -> None:
    tracemalloc.start()
    stub = StubBotAPI(limit)
    await stub.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            data = {
                "bot": {"database": f"{folder}/bench.sqlite3"},
                "telegram": {"api_base_url": f"http://127.0.0.1:{stub.port}/bot"},
                "teams": [
                    {"id": "north", "name": "North", "coordinators": [1], "resources": CRISIS}
                ],
            }
            config = parse_config(data, Path(folder) / "c.toml", available_languages())
            app = build_application(config, TOKEN, rate_limit=True)
            async with running(app):
                repo = services_of(app).repo
                assert repo is not None
                ids = await fill(repo.connection, members)
                team = config.team("north")
                assert team is not None
                recipients = await repo.active_members(team.id)
                assert len(recipients) == members
                start = time.perf_counter()
                started = time.monotonic()
                report = await deliver(
                    BotContext(app), team, recipients, "Supervision moved to 3pm."
                )
                wall = time.perf_counter() - start
    finally:
        await stub.stop()
    _, peak = tracemalloc.get_traced_memory()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    floor = members / limit
    accepted = sum(stub.sent.values())
    print(f"members: {members:,}; stub limit: {limit} sendMessage per rolling second")
    print(
        f"report: {report.sent:,} sent, {report.blocked} blocked, {report.failed} failed; "
        f"stub accepted {accepted:,} sendMessage"
    )
    print(
        f"wall time: {wall:.2f} s; floor {floor:.2f} s (N / {limit}); "
        f"ratio {wall / floor:.3f}; {report.sent / wall:.2f} messages per second"
    )
    print(
        f"429s sent by the stub: {stub.too_many}; busiest rolling second accepted "
        f"{stub.busiest_second} messages"
    )
    if stub.too_many_at:
        first = ", ".join(f"{t - started:.2f}" for t in stub.too_many_at[:5])
        print(f"  first 429s at (s after the start): {first}")
    print(
        f"HTTP connections opened: {stub.connections}; calls: "
        + ", ".join(f"{m} {n:,}" for m, n in sorted(stub.calls.items()))
    )
    if stub.unknown:
        print("unsupported methods called: " + ", ".join(sorted(stub.unknown)))
    print(f"memory: peak Python allocations {peak / 1e6:.1f} MB, process max RSS {rss:.0f} MB")

    problems = []
    if report.sent != members or accepted != members or accepted != report.sent:
        problems.append(f"sent {report.sent}, stub accepted {accepted}, expected {members}")
    if set(stub.sent) != set(ids) or any(n != 1 for n in stub.sent.values()):
        problems.append("not every member got exactly one message")
    if stub.too_many:
        problems.append(f"{stub.too_many} 429s despite the rate limiter (expected none)")
    print("check: " + ("OK" if not problems else "; ".join(problems)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_000)
    parser.add_argument("--limit", type=int, default=30, help="sendMessage per second")
    args = parser.parse_args()
    asyncio.run(main(args.members, args.limit))
