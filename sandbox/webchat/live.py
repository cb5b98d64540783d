"""The fake Bot API as a long-running local service, with what the chat page needs to show it.

`SandboxAPI` is the same server the tests use (`FakeBotAPI`), plus read access for a live
viewer: every chat's whole history (the user's messages too), stored files, the call log
from a cursor, callback answers per user and the bot's command menu. It may take a socket
bound earlier, so clients connecting while it starts wait in the backlog instead of failing.
"""
from __future__ import annotations

import copy
import json
import socket
import time

from sandbox.botapi import FakeBotAPI, SimUser
from sandbox.botapi.media import StoredFile

# Telegram's command scopes for a private chat, most specific first (language, then none).
_PRIVATE_SCOPES = ({"type": "all_private_chats"}, {"type": "default"})
ALBUM_MAX = 10


def first_update_id(now: float | None = None) -> int:
    """Update ids that keep growing across restarts of the sandbox, as Telegram's do.

    The bot drops an update whose id is not above the last one it handled for that user
    (a redelivery); starting again at a fixed number would make it ignore everybody.
    """
    return int((time.time() if now is None else now) * 100)


class SandboxAPI(FakeBotAPI):
    """FakeBotAPI plus the read side of the sandbox chat page."""

    def __init__(self, token: str, *, port: int = 0, sock: socket.socket | None = None,
                 start_update_id: int | None = None, **options) -> None:
        super().__init__(token, port=port, **options)
        self._sock = sock
        with self._state.lock:
            self._state._next_update_id = start_update_id or first_update_id()

    def start(self) -> "SandboxAPI":
        self._server.start(self._port, sock=self._sock)
        self.url = f"http://127.0.0.1:{self._server.port}"
        return self

    # --- people ------------------------------------------------------------------------------
    def users(self) -> list[SimUser]:
        """The simulated users, in the order they were created."""
        with self._state.lock:
            return [chat.user for chat in self._state.chats.values() if chat.type == "private" and chat.user]

    def find_user(self, user_id: int) -> SimUser | None:
        chat = self._state.chat_or_none(user_id)
        return chat.user if chat is not None and chat.type == "private" else None

    # --- what happened in a chat ---------------------------------------------------------------
    def history(self, chat_id: int) -> list[dict]:
        """Every message of the chat in order, the user's and the bot's, with edits and deletions."""
        with self._state.lock:
            chat = self._state.chat_or_none(chat_id)
            return [] if chat is None else [copy.deepcopy(m) for m in chat.messages.values()]

    def snapshot(self, chat_id: int) -> tuple[list[dict], dict | None, list[dict]]:
        """History, current reply keyboard and callback answers, read together under the lock."""
        with self._state.lock:
            return self.history(chat_id), self.reply_keyboard(chat_id), self.callback_answers_for(chat_id)

    def callback_answers_for(self, user_id: int) -> list[dict]:
        """answerCallbackQuery calls for this user's button presses, in order."""
        with self._state.lock:
            owners = {query_id: query["user_id"] for query_id, query in self._state.callbacks.items()}
            return [dict(answer) for answer in self._methods.callback_answers
                    if owners.get(answer.get("callback_query_id")) == user_id]

    def stored_file(self, file_id: str) -> StoredFile | None:
        """A file a user or the bot sent (photos: each size of the ladder has its own id)."""
        return self._files.get(file_id)

    def calls_since(self, index: int) -> tuple[int, list[dict]]:
        """The call log from position `index` on (a cursor for a viewer that polls).

        Returns the position actually used: 0 when `index` lies beyond the log, i.e. the
        viewer's cursor comes from before a restart of the sandbox.
        """
        with self._log.lock:
            start = index if 0 <= index <= len(self._log.calls) else 0
            return start, copy.deepcopy(self._log.calls[start:])

    def commands_for(self, language_code: str | None) -> list[dict]:
        """The command menu a private chat shows, picked as Telegram picks it (scope, then language)."""
        with self._state.lock:
            for scope in _PRIVATE_SCOPES:
                for language in (language_code or "", ""):
                    key = (json.dumps(scope, sort_keys=True), language)
                    if self._state.commands.get(key):
                        return copy.deepcopy(self._state.commands[key])
        return []

    # --- what a user does ---------------------------------------------------------------------
    def send_album(self, user: SimUser, images: list[bytes], caption: str | None = None) -> list[int]:
        """Several photos sent together: one media group, the caption on the first, as Telegram does."""
        if not images:
            raise ValueError("an album needs at least one photo")
        if len(images) == 1:
            return [self.send_photo(user, images[0], caption=caption)]
        sent = []
        for start in range(0, len(images), ALBUM_MAX):  # Telegram apps split bigger selections
            group = str(time.time_ns() // 1000)
            for index, image in enumerate(images[start:start + ALBUM_MAX], start=start):
                sent.append(self.send_photo(user, image, caption=caption if index == 0 else None,
                                            media_group_id=group))
        return sent
