"""What the fake Telegram knows: users, chats, their messages, pending updates, the webhook.

One re-entrant lock guards all of it, because tests call the control methods from their
own thread while the server thread answers the bot. `changed` is notified on every new or
edited message so `wait_for_message` can block without polling in a busy loop.
"""
from __future__ import annotations

import copy
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from sandbox.botapi.errors import forbidden, refused_bad_request

# Telegram does not send these unless they are asked for in allowed_updates.
NOT_SENT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
# Keys the fake keeps on stored messages that are not part of Telegram's Message object.
SANDBOX_KEYS = ("edit_history", "deleted")


@dataclass
class SimUser:
    """A simulated Telegram user; its private chat with the bot has the same id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "id"
    is_bot: bool = False

    def as_user(self) -> dict:
        user = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        return _with_optional(user, last_name=self.last_name, username=self.username,
                              language_code=self.language_code)

    def as_chat(self) -> dict:
        chat = _with_optional({"id": self.id, "first_name": self.first_name},
                              last_name=self.last_name, username=self.username)
        chat["type"] = "private"
        return chat


def _with_optional(base: dict, **optional) -> dict:
    base.update({key: value for key, value in optional.items() if value is not None})
    return base


@dataclass
class Chat:
    id: int
    type: str
    title: str | None = None
    username: str | None = None
    user: SimUser | None = None
    blocked: bool = False
    last_message_id: int = 0
    messages: dict[int, dict] = field(default_factory=dict)
    reply_keyboard: dict | None = None

    def as_chat(self) -> dict:
        if self.user is not None:
            return self.user.as_chat()
        return _with_optional({"id": self.id, "title": self.title}, username=self.username) | {"type": self.type}

    def refuse_if_blocked(self) -> None:
        if not self.blocked:
            return
        if self.type == "private":
            raise forbidden("bot was blocked by the user")
        raise forbidden(f"bot was kicked from the {'supergroup ' if self.type == 'supergroup' else 'group '}chat")


@dataclass
class Webhook:
    url: str
    secret_token: str | None = None
    max_connections: int = 40
    ip_address: str | None = None
    allowed_updates: list[str] | None = None
    has_custom_certificate: bool = False
    last_error_date: int | None = None
    last_error_message: str | None = None


def public_view(message: dict) -> dict:
    """The Message object as Telegram returns it: no sandbox keys, only inline keyboards."""
    view = {key: copy.deepcopy(value) for key, value in message.items() if key not in SANDBOX_KEYS}
    markup = view.get("reply_markup")
    if markup is not None and "inline_keyboard" not in markup:
        del view["reply_markup"]
    return view


class BotState:
    """The fake Telegram's memory; every method takes the lock itself."""

    def __init__(self, bot_user: dict) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.bot_user = bot_user
        self.chats: dict[int, Chat] = {}
        self.updates: list[dict] = []
        self.webhook: Webhook | None = None
        self.allowed_updates: frozenset[str] | None = None
        self.callbacks: dict[str, dict] = {}
        self.commands: dict[tuple[str, str], list[dict]] = {}
        # Set by the server: wakes long polls and the webhook sender from any thread.
        self.on_update: Callable[[], None] = lambda: None
        # Called under the lock with (chat_id, message) for every bot message sent or edited;
        # lets a load driver wait per chat instead of waking every waiter (FakeBotAPI.on_bot_message).
        self.listeners: list[Callable[[int, dict], None]] = []
        self._next_update_id = 100_000_001
        self._user_ids = itertools.count(700_000_001)
        self._group_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)

    # --- chats ---------------------------------------------------------------------------
    def add_user(self, user: SimUser) -> SimUser:
        with self.lock:
            self.chats[user.id] = self.chats.get(user.id) or Chat(user.id, "private", user=user)
            self.chats[user.id].user = user
        return user

    def new_user_id(self) -> int:
        with self.lock:
            while True:
                candidate = next(self._user_ids)
                if candidate not in self.chats:
                    return candidate

    def add_group(self, chat_id: int | None, title: str, chat_type: str, username: str | None) -> Chat:
        with self.lock:
            if chat_id is None:
                base = -1_001_000_000_000 if chat_type == "supergroup" else -4_000_000_000
                chat_id = base - next(self._group_ids)
            chat = self.chats[chat_id] = Chat(chat_id, chat_type, title=title, username=username)
            return chat

    def find_chat(self, chat_id: int | str) -> Chat:
        """The chat a call addresses, by id or @username; "chat not found" otherwise."""
        with self.lock:
            if isinstance(chat_id, int) and chat_id in self.chats:
                return self.chats[chat_id]
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                for chat in self.chats.values():
                    if chat.type != "private" and chat.username and chat.username.lower() == chat_id[1:].lower():
                        return chat
        raise refused_bad_request("chat not found")

    def chat_or_none(self, chat_id: int) -> Chat | None:
        with self.lock:
            return self.chats.get(chat_id)

    # --- messages ------------------------------------------------------------------------
    def new_message(self, chat: Chat, sender: dict, content: dict[str, Any]) -> dict:
        """Store a message with Telegram's field order and the chat's next message_id."""
        with self.lock:
            chat.last_message_id += 1
            message = {"message_id": chat.last_message_id, "from": sender, "chat": chat.as_chat(),
                       "date": int(time.time()), **content}
            chat.messages[message["message_id"]] = message
            self.changed.notify_all()
            if self.listeners and self.is_outgoing(message):
                self._tell(chat.id, message)
            return message

    def is_outgoing(self, message: dict) -> bool:
        return message.get("from", {}).get("id") == self.bot_user["id"]

    def find_message(self, chat: Chat, message_id: int) -> dict | None:
        with self.lock:
            message = chat.messages.get(message_id)
            return None if message is None or message.get("deleted") else message

    def touch(self, chat_id: int | None = None, message: dict | None = None) -> None:
        """Wake anyone waiting in wait_for_message after an edit or deletion (listeners hear edits)."""
        with self.lock:
            self.changed.notify_all()
            if message is not None and chat_id is not None:
                self._tell(chat_id, message)

    def _tell(self, chat_id: int, message: dict) -> None:
        for listener in self.listeners:
            listener(chat_id, message)

    def outgoing(self, chat_id: int) -> list[dict]:
        with self.lock:
            chat = self.chats.get(chat_id)
            if chat is None:
                return []
            return [copy.deepcopy(m) for m in chat.messages.values() if self.is_outgoing(m)]

    # --- updates -------------------------------------------------------------------------
    def push_update(self, update: dict) -> int:
        """Queue an update unless allowed_updates filters it out; return its update_id."""
        with self.lock:
            if "update_id" in update:
                self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            else:
                update = {"update_id": self._next_update_id, **update}
                self._next_update_id += 1
            kind = next((key for key in update if key != "update_id"), "")
            if self._wanted(kind):
                self.updates.append(update)
        self.on_update()
        return update["update_id"]

    def _wanted(self, kind: str) -> bool:
        allowed = self.allowed_updates
        if self.webhook is not None and self.webhook.allowed_updates:
            allowed = frozenset(self.webhook.allowed_updates)
        if allowed is None:
            return kind not in NOT_SENT_BY_DEFAULT
        return kind in allowed

    def set_allowed_updates(self, allowed: list[str] | None) -> None:
        """An empty list resets to the default, a missing one keeps the previous setting."""
        if allowed is None:
            return
        with self.lock:
            self.allowed_updates = frozenset(allowed) if allowed else None

    def confirm(self, offset: int | None) -> None:
        """getUpdates' offset forgets every update before it; a negative one keeps the last -offset."""
        if offset is None:
            return
        with self.lock:
            if offset < 0:
                self.updates = self.updates[offset:]
            else:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def pending(self, limit: int) -> list[dict]:
        with self.lock:
            return copy.deepcopy(self.updates[:limit])

    def webhook_batch(self, count: int, inflight, busy) -> list[tuple[dict, object]]:
        """Up to `count` pending updates (copies) for the webhook, oldest first, with their chat:
        none already being delivered, none of a chat in `busy`, one per chat."""
        chosen: list[tuple[dict, object]] = []
        taken = set(busy)
        with self.lock:
            for update in self.updates:
                if len(chosen) >= count:
                    break
                chat = _chat_key(update)
                if update["update_id"] in inflight or chat in taken:
                    if chat is not None:
                        taken.add(chat)  # a later update of that chat waits for the earlier one
                    continue
                taken.add(chat)
                chosen.append((copy.deepcopy(update), chat))
        return chosen

    def drop_delivered(self, update_id: int) -> None:
        with self.lock:
            self.updates = [u for u in self.updates if u["update_id"] != update_id]

    # --- callback queries ----------------------------------------------------------------
    def new_callback_id(self, user_id: int) -> str:
        with self.lock:
            return str((user_id % 1_000_000) * 10**13 + 4_300_000_000_000 + next(self._callback_ids))


def _chat_key(update: dict) -> object:
    """The chat (else the user) an update belongs to: webhook deliveries keep its order."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        chat = value.get("chat") or (value.get("message") or {}).get("chat")
        if isinstance(chat, dict) and "id" in chat:
            return ("chat", chat["id"])
        user = value.get("from") or value.get("user")
        if isinstance(user, dict) and "id" in user:
            return ("user", user["id"])
    return ("update", update.get("update_id"))
