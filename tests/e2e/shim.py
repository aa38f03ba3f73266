"""A loopback bridge between the bot and telegram-test-api, standard library only.

The bot talks to this shim exactly as it would to api.telegram.org (`/bot<token>/<method>`),
and the shim forwards to the emulator, fixing what the emulator gets wrong or lacks:

* getMe without `is_bot`: added (with the capability flags Telegram sends);
* `date` in milliseconds in returned messages and updates: turned into seconds, recursively;
* sendMessage answering with the request's own fields (`chat_id`, `link_preview_options` as a
  JSON string, ...): answered with a clean Message instead;
* editMessageText / editMessageReplyMarkup / answerCallbackQuery / deleteMessage answering
  `result: null`: answered with the edited Message, or `true`;
* callback queries without `chat_instance`: added; `botToken` fields the emulator copies from
  the client's request into updates: removed (Telegram never sends them);
* methods the emulator lacks (setMyCommands, sendDocument, getChatMember, ...): answered here.
  Files sent with sendDocument / sendPhoto are recorded (see `BotApiShim.files`). getChatMember
  says "member" unless a test set another status (`BotApiShim.set_member_status`), and then
  answers with every field Telegram sends for that status;
* the emulator calls every chat a private chat with a first name "Bot": messages the bot sends
  to a chat a person wrote in (a group, say) carry that chat as the person's update had it;
* getUpdates: the emulator answers at once and forgets what it returned. The shim long-polls
  (re-asks every 50 ms until there is an update or `timeout` has passed) and keeps updates until
  the bot confirms them with `offset`, as Telegram does, so an update is never lost to a poll
  that was cancelled when a bot stopped.

Every call the bot makes (other than getUpdates) is recorded as an `ApiCall`, with its
parameters decoded, so a test can see edits and menus that never reach the emulator's client.
"""

from __future__ import annotations

import email.parser
import email.policy
import http.client
import json
import re
import select
import socket
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

POLL_INTERVAL = 0.05  # seconds between two questions to the emulator during a long poll
MAX_LONG_POLL = 50.0  # Telegram's own ceiling for getUpdates' timeout
MILLISECONDS = 10**11  # a `date` above this is in milliseconds (10**11 s is the year 5138)
DATE_KEYS = frozenset({"date", "edit_date", "forward_date"})
LOCAL_MESSAGE_IDS = 1_000_000  # message ids the shim makes up start here, far from the emulator's

# Methods the emulator lacks that need no more than `true`.
ANSWER_TRUE = frozenset(
    {
        "setMyCommands",
        "deleteMyCommands",
        "setChatMenuButton",
        "setMyDescription",
        "setMyShortDescription",
        "setMyName",
        "setMyDefaultAdministratorRights",
        "sendChatAction",
        "pinChatMessage",
        "unpinChatMessage",
        "leaveChat",
        "logOut",
        "close",
    }
)
# Emulator methods that answer `result: null` where Telegram answers `true`.
NULL_MEANS_TRUE = frozenset({"answerCallbackQuery", "deleteMessage", "setWebhook"})
EDIT_METHODS = frozenset({"editMessageText", "editMessageReplyMarkup", "editMessageCaption"})
FILE_METHODS = {"sendDocument": "document", "sendPhoto": "photo"}
TEXT_KEYS = frozenset({"text", "caption", "description", "short_description", "name"})
PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?$")
# An administrator's rights, as getChatMember reports them for a group admin.
ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_pin_messages": True,
    "can_manage_topics": False,
}
MEMBER_STATUSES = frozenset({"creator", "administrator", "member", "left", "kicked"})


@dataclass(frozen=True)
class ApiCall:
    """One Bot API request the bot made. Form values that hold JSON are decoded; the rest
    (numbers included) stay strings, as they were sent."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None

    @property
    def message_id(self) -> int | None:
        value = self.params.get("message_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class SentFile:
    """A file the bot sent with sendDocument or sendPhoto."""

    method: str
    chat_id: int
    filename: str
    content: bytes
    mime_type: str
    caption: str
    message_id: int


@dataclass(frozen=True)
class _Part:
    filename: str
    content: bytes
    mime_type: str


def seconds_dates(value: Any) -> Any:
    """Copy of `value` with every millisecond `date` (at any depth) in seconds."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in DATE_KEYS and isinstance(item, int | float) and item > MILLISECONDS:
                out[key] = int(item) // 1000
            else:
                out[key] = seconds_dates(item)
        return out
    if isinstance(value, list):
        return [seconds_dates(item) for item in value]
    return value


def without_key(value: Any, unwanted: str) -> Any:
    """Copy of `value` with `unwanted` removed from every dict, at any depth."""
    if isinstance(value, dict):
        return {k: without_key(v, unwanted) for k, v in value.items() if k != unwanted}
    if isinstance(value, list):
        return [without_key(item, unwanted) for item in value]
    return value


def _maybe_json(value: str, key: str = "") -> Any:
    """python-telegram-bot sends objects and lists as JSON text inside form fields; text the
    bot wrote stays text even when it looks like JSON."""
    if key not in TEXT_KEYS and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, _Part]]:
    """Parameters and uploaded files of a Bot API request: JSON, form-encoded or multipart."""
    kind = content_type.split(";")[0].strip().lower()
    if not body:
        return {}, {}
    if kind == "application/json":
        data = json.loads(body)
        return (data if isinstance(data, dict) else {}), {}
    if kind == "multipart/form-data":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
        params: dict[str, Any] = {}
        files: dict[str, _Part] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            raw = part.get_payload(decode=True)
            payload = raw if isinstance(raw, bytes) else b""
            filename = part.get_filename()
            if filename is not None:
                files[str(name)] = _Part(str(filename), payload, part.get_content_type())
            else:
                charset = part.get_content_charset() or "utf-8"
                params[str(name)] = _maybe_json(payload.decode(charset), str(name))
        return params, files
    # application/x-www-form-urlencoded, or anything else that looks like it.
    pairs = urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    return {key: _maybe_json(value, key) for key, value in pairs}, {}


class _TokenState:
    """Updates fetched from the emulator for one token and not yet confirmed by the bot."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.pending: list[dict[str, Any]] = []
        self.polls = 0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    shim: BotApiShim

    def handle_error(self, request: Any, client_address: Any) -> None:
        """An exception outside the handler's own try. A connection the bot dropped while its
        request line was read is normal at shutdown; anything else is a shim fault."""
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            self.shim.record_error(f"{type(error).__name__}: {error}")


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the shim must not write request lines (with the token) to stderr."""

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def client_gone(self) -> bool:
        """True once the bot has closed the connection (a cancelled long poll)."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return bool(self.connection.recv(1, socket.MSG_PEEK) == b"")
        except OSError:
            return True

    def _handle(self) -> None:
        shim = self.server.shim
        try:
            url = urllib.parse.urlsplit(self.path)
            match = PATH.match(url.path)
            body = self._read_body()
            if match is None:
                self._answer(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            params, files = parse_body(self.headers.get("Content-Type", ""), body)
            for key, value in urllib.parse.parse_qsl(url.query, keep_blank_values=True):
                params.setdefault(key, _maybe_json(value, key))
            status, answer = shim.dispatch(
                match["token"],
                match["method"],
                url.path,
                params,
                files,
                body,
                self.headers.get("Content-Type", ""),
                self.client_gone,
            )
        except Exception as exc:
            shim.record_error(f"{type(exc).__name__}: {exc}")
            status = 500
            answer = {"ok": False, "error_code": 500, "description": f"shim: {exc}"}
        self._answer(status, answer)

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:
            pass  # the bot gave up on this request (a cancelled long poll): nobody to tell


class BotApiShim:
    """The bridge. `start()` it, point the bot at `base_url`, `close()` it at the end."""

    def __init__(self, emulator_host: str, emulator_port: int) -> None:
        self.emulator_host = emulator_host
        self.emulator_port = emulator_port
        self._lock = threading.Lock()
        self._tokens: dict[str, _TokenState] = {}
        self._calls: list[ApiCall] = []
        self._files: list[SentFile] = []
        self._errors: list[str] = []
        self._chats: dict[int, dict[str, Any]] = {}  # chats seen in updates, by id
        self._users: dict[int, dict[str, Any]] = {}  # people seen in updates, by id
        self._member_status: dict[tuple[int, int], str] = {}
        self._next_message_id = LOCAL_MESSAGE_IDS
        self._closing = threading.Event()
        self.bot_user: dict[str, Any] = {
            "id": 666,
            "is_bot": True,
            "first_name": "Test First name",
            "username": "TestNameBot",
        }
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # --- life cycle ----------------------------------------------------------------------------

    def start(self) -> BotApiShim:
        server = _Server(("127.0.0.1", 0), _Handler)
        server.shim = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="bot-api-shim",
            daemon=True,
        )
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> BotApiShim:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def port(self) -> int:
        assert self._server is not None, "the shim is not started"
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """What goes into the bot's `[telegram] api_base_url`; the token is appended to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- what tests read -----------------------------------------------------------------------

    def calls(self, method: str | None = None, chat_id: int | None = None) -> list[ApiCall]:
        """Recorded Bot API calls (getUpdates excluded), oldest first."""
        with self._lock:
            calls = list(self._calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method) and (chat_id is None or c.chat_id == chat_id)
        ]

    def files(self, chat_id: int | None = None) -> list[SentFile]:
        """Files the bot sent (sendDocument, sendPhoto), oldest first."""
        with self._lock:
            return [f for f in self._files if chat_id is None or f.chat_id == chat_id]

    def errors(self) -> list[str]:
        """Faults inside the shim itself; a test run should end with none."""
        with self._lock:
            return list(self._errors)

    def polls(self, token: str) -> int:
        """How many getUpdates requests this token has made: > 0 once a bot is polling."""
        return self._token(token).polls

    def forget_updates(self, token: str) -> int:
        """Drop every update waiting for this token, here and in the emulator, so a new bot
        process starts with a clean slate. Returns how many were dropped."""
        state = self._token(token)
        with state.lock:
            dropped = len(state.pending) + len(self._fetch_updates(token))
            state.pending.clear()
        return dropped

    def set_member_status(self, chat_id: int, user_id: int, status: str | None) -> None:
        """What getChatMember answers for this person in this chat from now on ("creator",
        "administrator", "member", ...); None goes back to the default, "member"."""
        if status is not None and status not in MEMBER_STATUSES:
            raise ValueError(f"not a chat member status: {status!r}")
        with self._lock:
            if status is None:
                self._member_status.pop((chat_id, user_id), None)
            else:
                self._member_status[(chat_id, user_id)] = status

    def forget_member_statuses(self, chat_id: int) -> None:
        """Every status set for this chat goes back to the default."""
        with self._lock:
            for key in [k for k in self._member_status if k[0] == chat_id]:
                del self._member_status[key]

    def record_error(self, text: str) -> None:
        with self._lock:
            self._errors.append(text)

    # --- the bridge ----------------------------------------------------------------------------

    def _token(self, token: str) -> _TokenState:
        with self._lock:
            return self._tokens.setdefault(token, _TokenState())

    def _message_id(self) -> int:
        with self._lock:
            self._next_message_id += 1
            return self._next_message_id

    def _emulator(self, path: str, body: bytes, content_type: str) -> tuple[int, Any]:
        conn = http.client.HTTPConnection(self.emulator_host, self.emulator_port, timeout=10)
        try:
            conn.request(
                "POST",
                path,
                body=body,
                headers={"Content-Type": content_type or "application/json", "Connection": "close"},
            )
            response = conn.getresponse()
            raw = response.read()
            status = response.status
        finally:
            conn.close()
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, {"message": raw.decode("utf-8", "replace")}

    def _fetch_updates(self, token: str) -> list[dict[str, Any]]:
        status, payload = self._emulator(f"/bot{token}/getUpdates", b"{}", "application/json")
        if status != 200 or not isinstance(payload, dict) or not payload.get("ok"):
            raise RuntimeError(f"emulator getUpdates failed: {status} {payload}")
        return [self._fix_update(u) for u in payload.get("result") or []]

    def _fix_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = seconds_dates(without_key(update, "botToken"))
        self._note_people(update)
        query = update.get("callback_query")
        if isinstance(query, dict):
            message = query.get("message")
            chat_id = message.get("chat", {}).get("id") if isinstance(message, dict) else None
            query.setdefault("chat_instance", f"e2e-{chat_id if chat_id is not None else 0}")
        return update

    def _note_people(self, update: dict[str, Any]) -> None:
        """Remember the chats and people an update shows, to describe them as it did."""
        query = update.get("callback_query")
        query = query if isinstance(query, dict) else {}
        messages = [m for m in (update.get("message"), query.get("message")) if isinstance(m, dict)]
        senders = [m.get("from") for m in messages] + [query.get("from")]
        with self._lock:
            for message in messages:
                chat = message.get("chat")
                if isinstance(chat, dict) and isinstance(chat.get("id"), int) and "type" in chat:
                    self._chats[chat["id"]] = dict(chat)
            for user in senders:
                if not isinstance(user, dict) or not isinstance(user.get("id"), int):
                    continue
                if user["id"] != self.bot_user["id"]:
                    self._users[user["id"]] = dict(user)

    def dispatch(
        self,
        token: str,
        method: str,
        path: str,
        params: dict[str, Any],
        files: dict[str, _Part],
        body: bytes,
        content_type: str,
        client_gone: Callable[[], bool],
    ) -> tuple[int, dict[str, Any]]:
        """Answer one Bot API request: (HTTP status, JSON answer)."""
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(token, params, client_gone)}
        with self._lock:
            self._calls.append(ApiCall(method, params))
        if method in FILE_METHODS:
            return 200, {"ok": True, "result": self._send_file(method, params, files)}
        if method in ANSWER_TRUE:
            return 200, {"ok": True, "result": True}
        local = self._local_answer(method, params)
        if local is not None:
            return 200, {"ok": True, "result": local}

        status, payload = self._emulator(path, body, content_type)
        if status != 200 or not isinstance(payload, dict) or "ok" not in payload:
            description = payload.get("message") if isinstance(payload, dict) else payload
            code = 404 if "not supported" in str(description) else 400
            return code, {"ok": False, "error_code": code, "description": str(description)}
        payload = seconds_dates(payload)
        result = payload.get("result")
        if method == "getMe" and isinstance(result, dict):
            self.bot_user = {**self.bot_user, **result, "is_bot": True}
            payload["result"] = {
                **self.bot_user,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
            }
        elif method == "sendMessage" and isinstance(result, dict):
            payload["result"] = self._clean_message(result)
        elif method in EDIT_METHODS and result is None:
            payload["result"] = self._edited_message(params)
        elif method in NULL_MEANS_TRUE and result is None:
            payload["result"] = True
        return 200, payload

    def _get_updates(
        self, token: str, params: dict[str, Any], client_gone: Callable[[], bool]
    ) -> list[dict[str, Any]]:
        state = self._token(token)
        with self._lock:
            state.polls += 1
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), MAX_LONG_POLL)
        deadline = time.monotonic() + timeout
        while True:
            with state.lock:
                if offset > 0:
                    # Telegram's rule: asking from `offset` confirms every update before it.
                    state.pending = [u for u in state.pending if u["update_id"] >= offset]
                if not state.pending:
                    known = {u["update_id"] for u in state.pending}
                    state.pending.extend(
                        u for u in self._fetch_updates(token) if u["update_id"] not in known
                    )
                    state.pending.sort(key=lambda u: u["update_id"])
                if state.pending:
                    return [u for u in state.pending if u["update_id"] >= offset][:limit]
            if time.monotonic() >= deadline or self._closing.is_set() or client_gone():
                return []
            self._closing.wait(POLL_INTERVAL)

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        number = int(chat_id)
        with self._lock:
            known = self._chats.get(number)
        if known is not None:
            return dict(known)
        if number < 0:
            return {"id": number, "type": "group", "title": "Group"}
        return {"id": number, "type": "private", "first_name": "User"}

    def _clean_message(self, result: dict[str, Any]) -> dict[str, Any]:
        """The emulator answers sendMessage with the request's own fields mixed in."""
        chat_id = result.get("chat_id")
        with self._lock:
            known = chat_id is not None and int(chat_id) in self._chats
        message: dict[str, Any] = {
            "message_id": result["message_id"],
            "date": result.get("date") or int(time.time()),
            "chat": self._chat(chat_id) if known else result.get("chat") or self._chat(chat_id),
            "from": self.bot_user,
            "text": result.get("text", ""),
        }
        markup = result.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        if isinstance(result.get("entities"), list):
            message["entities"] = result["entities"]
        return message

    def _edited_message(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "chat_id" not in params or "message_id" not in params:
            return True  # an inline message: Telegram answers true
        message: dict[str, Any] = {
            "message_id": int(params["message_id"]),
            "date": int(time.time()),
            "edit_date": int(time.time()),
            "chat": self._chat(params["chat_id"]),
            "from": self.bot_user,
        }
        if "text" in params:
            message["text"] = str(params["text"])
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return message

    def _send_file(
        self, method: str, params: dict[str, Any], files: dict[str, _Part]
    ) -> dict[str, Any]:
        field_name = FILE_METHODS[method]
        value = params.get(field_name)
        if isinstance(value, str) and value.startswith("attach://"):
            part = files.get(value.removeprefix("attach://"))
        else:
            part = files.get(field_name)
        if part is None:
            # A file_id or URL instead of an upload: record what was named.
            part = _Part(str(value or ""), b"", "")
        message_id = self._message_id()
        caption = str(params.get("caption", ""))
        with self._lock:
            self._files.append(
                SentFile(
                    method=method,
                    chat_id=int(params["chat_id"]),
                    filename=part.filename,
                    content=part.content,
                    mime_type=part.mime_type,
                    caption=caption,
                    message_id=message_id,
                )
            )
        file_ids = {"file_id": f"e2e-file-{message_id}", "file_unique_id": f"e2e-{message_id}"}
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self._chat(params["chat_id"]),
            "from": self.bot_user,
        }
        if caption:
            message["caption"] = caption
        if method == "sendPhoto":
            message["photo"] = [
                {**file_ids, "width": 640, "height": 480, "file_size": len(part.content)}
            ]
        else:
            message["document"] = {
                **file_ids,
                "file_name": part.filename,
                "mime_type": part.mime_type or "application/octet-stream",
                "file_size": len(part.content),
            }
        return message

    def _local_answer(self, method: str, params: dict[str, Any]) -> Any:
        """Answers for read-only methods the emulator lacks; None to forward the request."""
        if method == "getMyCommands":
            return []
        if method == "getChatMenuButton":
            return {"type": "commands"}
        if method == "getChat":
            return self._chat(params.get("chat_id", 0))
        if method == "getChatMember":
            return self._chat_member(int(params.get("chat_id", 0)), int(params.get("user_id", 0)))
        return None

    def _chat_member(self, chat_id: int, user_id: int) -> dict[str, Any]:
        """A ChatMember with the fields Telegram sends for its status."""
        with self._lock:
            status = self._member_status.get((chat_id, user_id), "member")
            seen = self._users.get(user_id)
        if user_id == self.bot_user["id"]:
            user = dict(self.bot_user)
        else:
            user = dict(seen or {"id": user_id, "is_bot": False, "first_name": "User"})
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member.update(is_anonymous=False)
        elif status == "administrator":
            member.update(ADMIN_RIGHTS)
        elif status == "kicked":
            member.update(until_date=0)
        return member
