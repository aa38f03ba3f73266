"""A Bot API that lives in this process: answers python-telegram-bot's calls without a network.

`peer-reflect try` uses it to run the real handlers in a terminal, and the tests use it to see
exactly what the bot sent. It keeps the messages it was asked to send so edits can be applied,
and can be told to answer a call with a Telegram error (403, 429, a timeout) to test faults.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_ID = 7_000_000_001
BOT_USERNAME = "peer_reflect_bot"


@dataclass
class ApiCall:
    """One call the bot made: the method, its parameters, and any files it uploaded."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    result: Any = None

    @property
    def message_id(self) -> int | None:
        """The id of the message sent or edited, once the call has been answered."""
        if isinstance(self.result, dict) and "message_id" in self.result:
            return int(self.result["message_id"])
        value = self.params.get("message_id")
        return int(value) if value is not None else None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return int(value) if value is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback data) of every inline button, row by row."""
        markup = self.params.get("reply_markup") or {}
        if isinstance(markup, str):
            markup = json.loads(markup)
        return [
            (b["text"], b.get("callback_data", b.get("url", "")))
            for row in markup.get("inline_keyboard", [])
            for b in row
        ]


@dataclass
class Failure:
    """How to answer a matching call instead of succeeding."""

    status: int
    description: str
    retry_after: int | None = None
    times: int = 1
    migrate_to_chat_id: int | None = None


class LocalBotAPI(BaseRequest):
    """A BaseRequest that never opens a socket. Unknown methods fail loudly."""

    def __init__(self, on_call: Callable[[ApiCall], None] | None = None) -> None:
        self.calls: list[ApiCall] = []
        self.on_call = on_call
        self.failures: dict[tuple[str, int | None], Failure] = {}
        self.unsupported: list[str] = []
        self.chat_members: dict[tuple[int, int], str] = {}
        self._ids = itertools.count(1)
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}

    # --- BaseRequest -----------------------------------------------------------------------

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        api_method = url.rsplit("/", 1)[-1]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data is not None and request_data.contains_files:
            for part, value in request_data.multipart_data.items():
                name, content = value[0], value[1]
                data = content if isinstance(content, bytes) else content.read()
                files[part] = (str(name), data)
        call = ApiCall(api_method, params, files)
        failure = self._failure_for(call)
        if failure is not None:
            return self._error(failure)
        self.calls.append(call)
        answer = self._answer(call)
        if answer is None:
            self.unsupported.append(api_method)
            return 404, json.dumps(
                {"ok": False, "error_code": 404, "description": f"Not Found: {api_method}"}
            ).encode()
        call.result = answer
        if self.on_call is not None:
            self.on_call(call)
        return 200, json.dumps({"ok": True, "result": answer}).encode()

    # --- test controls -----------------------------------------------------------------------

    def fail(
        self,
        method: str,
        chat_id: int | None,
        status: int,
        description: str,
        retry_after: int | None = None,
        times: int = 1,
        migrate_to_chat_id: int | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, or any) with an error."""
        self.failures[(method, chat_id)] = Failure(
            status, description, retry_after, times, migrate_to_chat_id
        )

    def sent(self, chat_id: int | None = None, method: str | None = None) -> list[ApiCall]:
        """Calls that put something in a chat: sends and edits, in order."""
        kinds = {"sendMessage", "sendDocument", "sendPhoto", "editMessageText"}
        return [
            c
            for c in self.calls
            if (c.method == method if method else c.method in kinds)
            and (chat_id is None or c.chat_id == chat_id)
        ]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        """The message as it stands now, after any edits."""
        return self._messages.get((chat_id, message_id))

    def clear(self) -> None:
        self.calls.clear()

    # --- internals ---------------------------------------------------------------------------

    def _failure_for(self, call: ApiCall) -> Failure | None:
        for key in ((call.method, call.chat_id), (call.method, None)):
            failure = self.failures.get(key)
            if failure is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self.failures[key]
                return failure
        return None

    @staticmethod
    def _error(failure: Failure) -> tuple[int, bytes]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": failure.status,
            "description": failure.description,
        }
        if failure.retry_after is not None:
            body["parameters"] = {"retry_after": failure.retry_after}
        if failure.migrate_to_chat_id is not None:
            body["parameters"] = {"migrate_to_chat_id": failure.migrate_to_chat_id}
        return failure.status, json.dumps(body).encode()

    def _message(self, call: ApiCall, **extra: Any) -> dict[str, Any]:
        chat_id = int(call.params["chat_id"])
        message = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {
                "id": chat_id,
                "type": "private" if chat_id > 0 else "supergroup",
                **({} if chat_id > 0 else {"title": "Team group"}),
            },
            "from": self._me(),
            **extra,
        }
        if call.params.get("reply_markup"):
            markup = call.params["reply_markup"]
            message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
        self._messages[(chat_id, message["message_id"])] = message
        return message

    @staticmethod
    def _me() -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "peer-reflect",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _answer(self, call: ApiCall) -> Any:
        p = call.params
        if call.method == "getMe":
            return self._me()
        if call.method == "sendMessage":
            return self._message(call, text=p.get("text", ""))
        if call.method == "sendDocument":
            name = next(iter(call.files.values()))[0] if call.files else "file"
            return self._message(
                call,
                caption=p.get("caption", ""),
                document={
                    "file_id": f"doc{len(self.calls)}",
                    "file_unique_id": f"u{len(self.calls)}",
                    "file_name": name,
                },
            )
        if call.method == "sendPhoto":
            return self._message(
                call,
                caption=p.get("caption", ""),
                photo=[
                    {
                        "file_id": f"photo{len(self.calls)}",
                        "file_unique_id": f"p{len(self.calls)}",
                        "width": 800,
                        "height": 500,
                    }
                ],
            )
        if call.method in ("editMessageText", "editMessageReplyMarkup"):
            key = (int(p["chat_id"]), int(p["message_id"]))
            message = self._messages.get(key)
            if message is None:
                return True
            if "text" in p:
                message["text"] = p["text"]
            if p.get("reply_markup"):
                markup = p["reply_markup"]
                message["reply_markup"] = json.loads(markup) if isinstance(markup, str) else markup
            else:
                message.pop("reply_markup", None)
            return message
        if call.method == "getChatMember":
            status = self.chat_members.get((int(p["chat_id"]), int(p["user_id"])), "member")
            return {
                "status": status,
                "user": {"id": int(p["user_id"]), "is_bot": False, "first_name": "Someone"},
                **(
                    {
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
                    }
                    if status == "administrator"
                    else {}
                ),
                **({"is_anonymous": False} if status == "creator" else {}),
            }
        if call.method in (
            "answerCallbackQuery",
            "setMyCommands",
            "deleteMyCommands",
            "deleteMessage",
            "setChatMenuButton",
            "deleteWebhook",
            "setWebhook",
            "leaveChat",
        ):
            return True
        if call.method == "getUpdates":
            return []
        return None


class UpdateFactory:
    """Builds the updates a Telegram client would send, as real `telegram.Update` objects."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(100_000)
        # People who have a Telegram username, as some do (never stored by the bot).
        self.usernames: dict[int, str] = {}

    def _user(self, user_id: int, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": "Alex"}
        if user_id in self.usernames:
            user["username"] = self.usernames[user_id]
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def _chat(chat_id: int) -> dict[str, Any]:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Alex"}
        return {"id": chat_id, "type": "supergroup", "title": "Team group"}

    def message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        language_code: str | None = "en",
        edited: bool = False,
        **extra: Any,
    ) -> Any:
        """A message; text starting with '/' carries a bot_command entity, as clients send."""
        from telegram import Update

        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self._chat(chat_id if chat_id is not None else user_id),
            "from": self._user(user_id, language_code),
            **extra,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if edited:
            message["edit_date"] = message["date"]
        key = "edited_message" if edited else "message"
        return Update.de_json({"update_id": next(self._update_ids), key: message}, self.bot)

    def my_chat_member(self, chat_id: int, by_user: int, old: str, new: str) -> Any:
        """The bot's own membership of a group changed (added, removed)."""
        from telegram import Update

        bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "peer-reflect"}

        def member(status: str) -> dict[str, Any]:
            extra = {"until_date": 0} if status == "kicked" else {}
            return {"status": status, "user": bot_user, **extra}

        return Update.de_json(
            {
                "update_id": next(self._update_ids),
                "my_chat_member": {
                    "chat": self._chat(chat_id),
                    "from": self._user(by_user, "en"),
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                },
            },
            self.bot,
        )

    def sticker(self, user_id: int, **kwargs: Any) -> Any:
        return self.message(
            user_id,
            sticker={
                "file_id": "sticker1",
                "file_unique_id": "s1",
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
            **kwargs,
        )

    def photo(self, user_id: int, **kwargs: Any) -> Any:
        return self.message(
            user_id,
            photo=[{"file_id": "ph1", "file_unique_id": "ph1", "width": 90, "height": 90}],
            **kwargs,
        )

    def callback(
        self,
        user_id: int,
        data: str,
        *,
        chat_id: int | None = None,
        message_id: int = 1,
        language_code: str | None = "en",
    ) -> Any:
        """A button press on a message the bot sent."""
        from telegram import Update

        chat = self._chat(chat_id if chat_id is not None else user_id)
        return Update.de_json(
            {
                "update_id": next(self._update_ids),
                "callback_query": {
                    "id": str(next(self._update_ids)),
                    "from": self._user(user_id, language_code),
                    "chat_instance": f"ci{chat['id']}",
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": chat,
                        "from": LocalBotAPI._me(),
                        "text": "…",
                    },
                },
            },
            self.bot,
        )
