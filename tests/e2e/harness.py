"""The moving parts of the end-to-end tests: the emulator process, the bot process, and people
who talk to the bot through the emulator's client endpoints.

Nothing here sleeps to synchronise: every wait is `wait_until`, which polls with a deadline.
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import re
import selectors
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from .shim import ApiCall, BotApiShim, SentFile

E2E_DIR = Path(__file__).resolve().parent
REPO_ROOT = E2E_DIR.parents[1]
EMULATOR_PACKAGE = "telegram-test-api"
EMULATOR_VERSION = "4.2.1"
INSTALL_HINT = "run `npm ci --prefix tests/e2e` before the e2e tests"

TOKEN = "123456789:AAE2eTestTokenForPeerReflectOnlyxyz123"
COORDINATOR_ID = 5550001
TEAM_ID = "north-east"
TEAM_NAME = "North East e2e peer support team"

WAIT = 15.0  # the longest any single expected reply may take
INTERVAL = 0.05  # how often a wait looks again
START_WAIT = 30.0  # starting a process: generous, a cold CI machine imports slowly
STOP_WAIT = 10.0  # a clean SIGTERM shutdown must finish within this

INVITE_LINK = re.compile(r"https://t\.me/(?P<bot>\w+)\?start=(?P<code>[A-Za-z0-9_-]+)")
_TAG = re.compile(r"<[^>]+>")

T = TypeVar("T")


class SetupError(Exception):
    """The test environment is broken (not the bot): the message says how to fix it."""


def wait_until(
    probe: Callable[[], T | None],
    describe: Callable[[], str],
    timeout: float = WAIT,
    interval: float = INTERVAL,
) -> T:
    """Call `probe` until it returns something truthy, and return that; fail with
    `describe()` (worded as what was awaited, and what was seen) after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {timeout:g} s waiting for {describe()}")
        time.sleep(interval)


def plain(text: str) -> str:
    """What a person sees of an HTML message: tags gone, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def post_json(host: str, port: int, path: str, payload: dict[str, Any]) -> Any:
    """One JSON POST to a loopback server; the decoded answer."""
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(
            "POST",
            path,
            body=json.dumps(payload).encode("utf-8"),
            headers={"Content-Type": "application/json", "Connection": "close"},
        )
        response = conn.getresponse()
        raw = response.read()
        if response.status != 200:
            raise AssertionError(f"POST {path} answered {response.status}: {raw[:500]!r}")
    finally:
        conn.close()
    return json.loads(raw)


# --- the emulator ------------------------------------------------------------------------------


def check_node_setup() -> str:
    """The path of `node`, or SetupError saying what is missing."""
    node = os.environ.get("NODE") or shutil.which("node")
    if node is None:
        raise SetupError(f"`node` is not on PATH: install Node.js, then {INSTALL_HINT}")
    package = E2E_DIR / "node_modules" / EMULATOR_PACKAGE / "package.json"
    if not package.is_file():
        raise SetupError(f"{package.parent} is missing: {INSTALL_HINT}")
    version = json.loads(package.read_text(encoding="utf-8")).get("version")
    if version != EMULATOR_VERSION:
        raise SetupError(
            f"{EMULATOR_PACKAGE} {version} is installed, the tests need {EMULATOR_VERSION}: "
            f"{INSTALL_HINT}"
        )
    return node


class Emulator:
    """telegram-test-api in a Node process on 127.0.0.1, on a port the system picks."""

    host = "127.0.0.1"

    def __init__(self, node: str, log_path: Path) -> None:
        self.node = node
        self.log_path = log_path
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> Emulator:
        self._log = self.log_path.open("wb")
        self._proc = subprocess.Popen(
            [self.node, str(E2E_DIR / "emulator.js"), "0"],
            cwd=E2E_DIR,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        assert self._proc.stdout is not None
        line = b""
        deadline = time.monotonic() + START_WAIT
        with selectors.DefaultSelector() as selector:
            selector.register(self._proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or self._proc.poll() is not None:
                    break
                if selector.select(timeout=min(left, INTERVAL)):
                    chunk = self._proc.stdout.readline()
                    if not chunk:
                        break
                    line += chunk
        match = re.fullmatch(rb"READY (\d+)\s*", line)
        if match is None:
            self.stop()
            raise SetupError(
                f"the emulator did not start (said {line!r}); its stderr:\n{self.log()}"
            )
        self.port = int(match.group(1))
        return self

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> int | None:
        """SIGTERM, then the exit code (None when it had to be killed)."""
        code: int | None = None
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
            try:
                code = self._proc.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            if self._proc.stdout is not None:
                self._proc.stdout.close()
            self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        return code

    def client(self, path: str, payload: dict[str, Any]) -> Any:
        """A client-side (acting as a person) request to the emulator."""
        answer = post_json(self.host, self.port, path, payload)
        if not isinstance(answer, dict) or not answer.get("ok"):
            raise AssertionError(f"emulator {path} failed: {answer}")
        return answer.get("result")


# --- the bot -----------------------------------------------------------------------------------


def config_text(api_base_url: str, database: Path, log_level: str, extra: str = "") -> str:
    """A config shaped like config.example.toml, pointed at the shim and a private database.
    `extra` is more TOML (whole tables, such as `[supervision]`) put before the teams."""
    return f"""\
[bot]
database = {json.dumps(str(database))}
log_level = "{log_level}"
default_language = "en"

[telegram]
api_base_url = "{api_base_url}"

[privacy]
retention_days = 90

[invites]
default_days = 14
default_uses = 20
max_days = 90
max_uses = 500

[thresholds]
load = 7
hard_shifts = 3
hard_shift_days = 14

{extra}
[[teams]]
id = "{TEAM_ID}"
name = "{TEAM_NAME}"
coordinators = [{COORDINATOR_ID}]
timezone = "Europe/London"
language = "en"
country = "GB"

[[teams.resources]]
kind = "crisis"
name = "Samaritans"
how = "Call 116 123, free, any time, day or night"
url = "https://www.samaritans.org"

[[teams.resources]]
kind = "emergency"
name = "Emergency services"
how = "Call 999 if you or someone else is in danger now"
url = "tel:999"

[[teams.resources]]
kind = "support"
name = "Your coordinator"
how = "Ask for a supervision conversation"
"""


class BotProcess:
    """`python -m bot run` as its own process, polling the shim, logging to a file."""

    def __init__(
        self,
        shim: BotApiShim,
        workdir: Path,
        log_level: str = "INFO",
        extra_config: str = "",
        database: Path | None = None,
    ) -> None:
        self.shim = shim
        self.workdir = workdir
        self.log_level = log_level
        self.extra_config = extra_config
        self.config_path = workdir / "config.toml"
        self.database = database or workdir / "peer-reflect.sqlite3"
        self.stderr_path = workdir / "bot-stderr.log"
        self.returncode: int | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def start(self) -> BotProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.config_path.write_text(
            config_text(self.shim.base_url, self.database, self.log_level, self.extra_config),
            encoding="utf-8",
        )
        # Whatever an earlier bot left unread must not reach this one.
        self.shim.forget_updates(TOKEN)
        polls_before = self.shim.polls(TOKEN)
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env.update(
            PEER_REFLECT_TOKEN=TOKEN,
            NO_PROXY="127.0.0.1,localhost",
            PYTHONUNBUFFERED="1",
            PYTHONDONTWRITEBYTECODE="1",
        )
        self._stderr = self.stderr_path.open("wb")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--config", str(self.config_path)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=self._stderr,
        )

        def polling() -> bool:
            if self._proc is not None and self._proc.poll() is not None:
                raise AssertionError(
                    f"the bot exited with code {self._proc.returncode} while starting:\n"
                    f"{self.log()}"
                )
            return self.shim.polls(TOKEN) > polls_before

        wait_until(
            polling,
            lambda: f"the bot to start polling; its log so far:\n{self.log()}",
            timeout=START_WAIT,
        )
        return self

    def successor(self, workdir: Path) -> BotProcess:
        """A new bot process (not started) with this one's config and database, as after a
        restart; its own log goes to `workdir`."""
        return BotProcess(self.shim, workdir, self.log_level, self.extra_config, self.database)

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def stop(self) -> int | None:
        """SIGTERM and wait; the exit code, or None when it had to be killed."""
        if self._proc is not None:
            if self._proc.poll() is None:
                self._proc.send_signal(signal.SIGTERM)
            try:
                self.returncode = self._proc.wait(timeout=STOP_WAIT)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
                self.returncode = None
            self._proc = None
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        return self.returncode

    def log(self) -> str:
        """Everything the bot wrote to stderr (and stdout) so far."""
        if self._stderr is not None:
            self._stderr.flush()
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_problems(self) -> list[str]:
        """Lines of the log that say something went wrong."""
        return [
            line
            for line in self.log().splitlines()
            if " ERROR " in line or " CRITICAL " in line or line.startswith("Traceback")
        ]

    def db_rows(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Read the bot's database file directly, read-only, as another program would."""
        uri = f"{self.database.as_uri()}?mode=ro"
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
            return conn.execute(sql, params).fetchall()

    def member_rows(self, user_id: int) -> list[tuple[Any, ...]]:
        return self.db_rows(
            "SELECT user_id, team_id, role FROM members WHERE user_id = ?", (user_id,)
        )


# --- people ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BotMessage:
    """A message the bot sent to a chat, as the emulator's client side delivers it."""

    message_id: int
    chat_id: int
    text: str
    buttons: tuple[tuple[str, str], ...]
    date: int
    reply_markup: dict[str, Any] | None

    @property
    def plain(self) -> str:
        return plain(self.text)

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.buttons]

    def button(self, label: str) -> str:
        """The callback data of the button with this label."""
        for text, data in self.buttons:
            if text == label:
                return data
        raise AssertionError(f"no button {label!r} under {self.plain!r}; buttons: {self.buttons}")

    def after(self, edit: ApiCall) -> BotMessage:
        """This message as a person sees it after the bot's edit (text and buttons replaced)."""
        assert edit.message_id == self.message_id, (edit, self)
        markup = edit.params.get("reply_markup")
        markup = markup if isinstance(markup, dict) else None
        return BotMessage(
            message_id=self.message_id,
            chat_id=self.chat_id,
            text=str(edit.params.get("text", self.text)),
            buttons=inline_buttons(markup),
            date=self.date,
            reply_markup=markup,
        )


def inline_buttons(markup: dict[str, Any] | None) -> tuple[tuple[str, str], ...]:
    """(label, callback data) of every inline button, row by row."""
    rows = markup.get("inline_keyboard", []) if isinstance(markup, dict) else []
    return tuple((b["text"], b.get("callback_data", "")) for row in rows for b in row)


@dataclass(frozen=True)
class Group:
    """A group chat with the bot in it. Everyone in it shares one inbox: the emulator hands
    each of the bot's messages to the first client that asks for the chat."""

    chat_id: int
    title: str
    type: str = "supergroup"
    inbox: list[BotMessage] = field(default_factory=list, compare=False, repr=False)

    def __post_init__(self) -> None:
        assert self.chat_id < 0, "group chat ids are negative"
        assert self.type in ("group", "supergroup"), self.type

    @property
    def chat(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": self.type, "title": self.title}


class Person:
    """Someone in a chat with the bot, acting through the emulator's client endpoints: their
    private chat, or a group (see `in_group`)."""

    def __init__(
        self,
        emulator: Emulator,
        shim: BotApiShim,
        user_id: int,
        first_name: str,
        language_code: str = "en",
        group: Group | None = None,
    ) -> None:
        self.emulator = emulator
        self.shim = shim
        self.user_id = user_id
        self.first_name = first_name
        self.user = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name,
            "language_code": language_code,
        }
        self.language_code = language_code
        self.group = group
        if group is None:
            self.chat: dict[str, Any] = {"id": user_id, "type": "private", "first_name": first_name}
            self.inbox: list[BotMessage] = []
        else:
            self.chat = group.chat
            self.inbox = group.inbox  # shared with everyone else in the group
        self._mark = 0  # inbox index where the replies to the latest action start
        self._calls_mark = 0
        self._answers_mark = 0
        self._files_mark = 0

    def __repr__(self) -> str:
        where = f" in {self.group.title!r}" if self.group else ""
        return f"Person({self.user_id}, {self.first_name!r}{where})"

    @property
    def chat_id(self) -> int:
        return int(self.chat["id"])

    def in_group(self, group: Group) -> Person:
        """The same person, acting in a group chat."""
        return Person(
            self.emulator, self.shim, self.user_id, self.first_name, self.language_code, group
        )

    # acting

    def _before_acting(self) -> None:
        self.receive()
        self._mark = len(self.inbox)
        self._calls_mark = len(self.shim.calls())
        self._answers_mark = len(self.shim.calls("answerCallbackQuery"))
        self._files_mark = len(self.shim.files())

    def say(self, text: str, reply_to: BotMessage | None = None) -> None:
        """Type a plain message; with `reply_to`, as a reply to one of the bot's messages."""
        self._before_acting()
        message: dict[str, Any] = {
            "botToken": TOKEN,
            "from": self.user,
            "chat": self.chat,
            "text": text,
            "date": int(time.time()),
        }
        if reply_to is not None:
            message["reply_to_message"] = {
                "message_id": reply_to.message_id,
                "date": reply_to.date,
                "chat": self.chat,
                "from": self.shim.bot_user,
                "text": plain(reply_to.text),
            }
        self.emulator.client("/sendMessage", message)

    def command(self, text: str) -> None:
        """Send a command such as "/start abc", marked as a bot_command like Telegram does."""
        assert text.startswith("/"), text
        self._before_acting()
        name = text.split(maxsplit=1)[0]
        self.emulator.client(
            "/sendCommand",
            {
                "botToken": TOKEN,
                "from": self.user,
                "chat": self.chat,
                "text": text,
                "date": int(time.time()),
                "entities": [{"offset": 0, "length": len(name), "type": "bot_command"}],
            },
        )

    def press(self, message: BotMessage, label: str) -> None:
        """Tap the inline button with this label under one of the bot's messages."""
        data = message.button(label)
        self._before_acting()
        shown: dict[str, Any] = {
            "message_id": message.message_id,
            "date": message.date,
            "chat": self.chat,
            "from": self.shim.bot_user,
            "text": plain(message.text),
        }
        if message.reply_markup:
            shown["reply_markup"] = message.reply_markup
        self.emulator.client(
            "/sendCallback",
            {"botToken": TOKEN, "from": self.user, "message": shown, "data": data},
        )

    # seeing

    def receive(self) -> list[BotMessage]:
        """Fetch the bot's messages to this chat that arrived since the last look."""
        items = self.emulator.client("/getUpdates", {"token": TOKEN, "chatId": self.chat_id})
        new = []
        for item in items or []:
            message = item.get("message", {})
            markup = message.get("reply_markup")
            new.append(
                BotMessage(
                    message_id=int(item["messageId"]),
                    chat_id=int(message["chat_id"]),
                    text=str(message.get("text", "")),
                    buttons=inline_buttons(markup if isinstance(markup, dict) else None),
                    date=int(item["time"]) // 1000,
                    reply_markup=markup if isinstance(markup, dict) else None,
                )
            )
        self.inbox.extend(new)
        return new

    @property
    def replies(self) -> list[BotMessage]:
        """What the bot sent since this person's latest action."""
        return self.inbox[self._mark :]

    def wait_for(self, text: str, timeout: float = WAIT) -> BotMessage:
        """The first message since the latest action whose visible text contains `text`."""

        def probe() -> BotMessage | None:
            self.receive()
            return next((m for m in self.replies if text in m.plain), None)

        return wait_until(
            probe,
            lambda: (
                f"{self} to get a message containing {text!r}; "
                f"got since the last action: {[m.plain for m in self.replies]}"
            ),
            timeout,
        )

    def wait_for_edit(self, message: BotMessage, text: str, timeout: float = WAIT) -> ApiCall:
        """The bot changing `message` (after the latest action) to show `text`. Edits do not
        reach the emulator's client, so this reads the calls the shim recorded."""

        def edits() -> list[ApiCall]:
            return [
                c
                for c in self.shim.calls()[self._calls_mark :]
                if c.method == "editMessageText"
                and c.chat_id == self.chat_id
                and c.message_id == message.message_id
            ]

        return wait_until(
            lambda: next((c for c in edits() if text in plain(str(c.params["text"]))), None),
            lambda: (
                f"{self}'s message {message.message_id} to be edited to show {text!r}; "
                f"edits since the last action: {[plain(str(c.params['text'])) for c in edits()]}"
            ),
            timeout,
        )

    def wait_for_answer(self, text: str, timeout: float = WAIT) -> ApiCall:
        """The bot's answer to a button press (the small pop-up) showing `text`, after this
        person's latest action."""

        def answers() -> list[ApiCall]:
            return self.shim.calls("answerCallbackQuery")[self._answers_mark :]

        return wait_until(
            lambda: next((c for c in answers() if text in str(c.params.get("text", ""))), None),
            lambda: (
                f"{self}'s button press to be answered with {text!r}; answers since the last "
                f"action: {[c.params.get('text') for c in answers()]}"
            ),
            timeout,
        )

    def wait_for_file(self, timeout: float = WAIT) -> SentFile:
        """The first file the bot sent to this chat since the latest action."""
        return wait_until(
            lambda: next(
                (f for f in self.shim.files()[self._files_mark :] if f.chat_id == self.chat_id),
                None,
            ),
            lambda: (
                f"{self} to be sent a file; files since the last action: "
                f"{self.shim.files()[self._files_mark :]}"
            ),
            timeout,
        )


def new_invite(coordinator: Person) -> str:
    """The coordinator makes an invite link; its code."""
    coordinator.command("/invite")
    message = coordinator.wait_for("https://t.me/")
    match = INVITE_LINK.search(message.plain)
    assert match, message.plain
    return match["code"]


def join(coordinator: Person, person: Person) -> None:
    """Walk a person through an invite link and the privacy notice to *I agree*."""
    code = new_invite(coordinator)
    person.command(f"/start {code}")
    notice = person.wait_for("Before we start")
    person.press(notice, "I agree")
    person.wait_for_edit(notice, "You're now part of")
