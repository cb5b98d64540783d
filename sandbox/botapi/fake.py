"""A fake Telegram Bot API server for tests and the local sandbox chat.

    api = FakeBotAPI(token="123456:TEST")    # or: with FakeBotAPI(...) as api:
    api.start()                              # http://127.0.0.1:<free port> (port= for a fixed one)
    siti = api.user(first_name="Siti")
    api.send_text(siti, "/start")            # the bot gets it from getUpdates or its webhook
    reply = api.wait_for_message(siti.id)    # what the bot answered, as a Telegram Message dict
    assert api.rejected_calls() == []        # no malformed call during the whole run
    api.stop()

Point the bot at it with base_url f"{api.url}/bot" and base_file_url f"{api.url}/file/bot".

It answers as Telegram does. Every call is checked against the Bot API specification
(sandbox/botapi/bot-api-spec.json, Bot API 10.1): required parameters, scalar types, nested objects
(keyboards, reply parameters, media); unknown parameters are ignored like Telegram ignores
them and listed in the call's "ignored_params". Texts and captions are parsed with
Telegram's HTML, MarkdownV2 and Markdown rules (entities in UTF-16 offsets, Telegram's error
texts), then trimmed and length-checked (4096 / 1024). Keyboards follow Telegram's limits
(callback_data 1-64 bytes, non-empty button texts, no "localhost" URLs).

What the bot did: `messages(chat_id)` (edits applied, "edit_history", deleted ones marked
"deleted"; reply keyboards kept although Telegram only echoes inline ones), `calls`
(method, params, ok, error_code, description, ts, kind, result), `rejected_calls()`
(kind "malformed": the bot's fault), `callback_answers`, `downloaded_files`.

Refusals that are Telegram's, not the bot's fault (kind "refused"): blocked users (403),
unknown chats, flood control (429, with `rate_limits=True` or `api.limits`), failures armed
with `fail_next`, 409 conflicts, getFile on files over 20 MB.

Deliberate differences from Telegram: webhooks may be plain http:// (for 127.0.0.1), photos
sent by URL are not fetched (a placeholder image stands in), the largest PhotoSize holds the
original bytes, and inline mode, payments, forums and business accounts are not modelled:
such methods are validated and answer True.
"""
from __future__ import annotations

import copy
from typing import Any, Callable

from sandbox.botapi.errors import MALFORMED, ApiError
from sandbox.botapi.formatting import format_text
from sandbox.botapi.http import SERVER_ERROR, BotApiServer, CallLog, FailurePlan
from sandbox.botapi.limits import RateLimiter, RateLimits
from sandbox.botapi.markup import inline_buttons
from sandbox.botapi.media import FileStore, media_object, sample_jpeg, sample_payload
from sandbox.botapi.methods import Methods
from sandbox.botapi.state import BotState, Chat, SimUser, public_view
from sandbox.botapi.waiting import wait_for_message
from sandbox.botapi.spec import load_spec

__all__ = ["FakeBotAPI", "RateLimits", "SimUser", "sample_jpeg"]


class FakeBotAPI:
    """Telegram's Bot API for one bot token, served on 127.0.0.1 from a background thread."""

    def __init__(self, token: str = "123456:TEST", rate_limits: bool = False, spec_path: str | None = None, *,  # nosec B107  # a fake server's token
                 port: int = 0, bot_first_name: str = "Wadul", bot_username: str = "wadul_sandbox_bot") -> None:
        self.token = token
        self.spec = load_spec(str(spec_path) if spec_path else None)
        self.limits = RateLimits(enabled=bool(rate_limits))
        prefix = token.split(":", 1)[0]
        self.bot_user = {"id": int(prefix) if prefix.isdigit() else 7_000_000_001, "is_bot": True,
                         "first_name": bot_first_name, "username": bot_username}
        self._state = BotState(self.bot_user)
        self._files = FileStore()
        self._methods = Methods(self._state, self._files, RateLimiter(self.limits))
        self._log, self._failures = CallLog(), FailurePlan()
        self._server = BotApiServer(token, self.spec, self._state, self._files, self._methods, self._log,
                                    self._failures)
        self._port = port
        self.url: str | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self) -> "FakeBotAPI":
        self._server.start(self._port)
        self.url = f"http://127.0.0.1:{self._server.port}"
        return self

    def stop(self) -> None:
        self._server.stop()

    def __enter__(self) -> "FakeBotAPI":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    @property
    def webhook_retry_delays(self) -> tuple[float, ...]:
        """Pauses between webhook delivery attempts; the update is dropped after the last one."""
        return self._server.webhook_retry_delays

    @webhook_retry_delays.setter
    def webhook_retry_delays(self, delays: tuple[float, ...]) -> None:
        self._server.webhook_retry_delays = tuple(delays)

    # --- simulated people and chats --------------------------------------------------------
    def user(self, user_id: int | None = None, first_name: str = "Siti", last_name: str | None = None,
             username: str | None = None, language_code: str | None = "id") -> SimUser:
        """A Telegram user who has started the bot; their private chat id equals their user id."""
        user_id = user_id if user_id is not None else self._state.new_user_id()
        return self._state.add_user(SimUser(user_id, first_name, last_name, username, language_code))

    def group(self, chat_id: int | None = None, title: str = "Grup OPD", *, chat_type: str = "supergroup",
              username: str | None = None) -> int:
        """A group or supergroup the bot is a member of (OPD notice chats); returns its id."""
        return self._state.add_group(chat_id, title, chat_type, username).id

    def delete_for_both(self, chat_id: int, message_id: int) -> None:
        """The person deletes a message of the private chat for both sides (the bot's edits of it
        then fail with "message to edit not found", as on Telegram)."""
        with self._state.lock:
            message = self._chat(chat_id).messages.get(message_id)
            if message is None:
                raise ValueError(f"no message {message_id} in chat {chat_id}")
            message["deleted"] = True
        self._state.touch()

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (403 "bot was blocked by the user"); for groups: the bot is kicked."""
        self._chat(chat_id).blocked = True

    def unblock(self, chat_id: int) -> None:
        self._chat(chat_id).blocked = False

    def _chat(self, chat_id: int) -> Chat:
        chat = self._state.chat_or_none(chat_id)
        if chat is None:
            raise ValueError(f"chat {chat_id} is unknown to the fake Bot API; create it with user() or group()")
        return chat

    # --- what simulated users do -------------------------------------------------------------
    def send_text(self, user: SimUser, text: str, *, chat_id: int | None = None) -> int:
        """A text message; commands ("/start") get their bot_command entity like on Telegram."""
        shown, entities = format_text(text)
        if not shown:
            raise ValueError("Telegram clients cannot send an empty message")
        return self._from_user(user, {"text": shown, **({"entities": entities} if entities else {})}, chat_id)

    def send_photo(self, user: SimUser, image_bytes: bytes, caption: str | None = None,
                   media_group_id: str | None = None, *, chat_id: int | None = None) -> int:
        """A photo (real image bytes: see sample_jpeg()); Telegram's ladder of sizes is built from it."""
        try:
            sizes = self._files.add_photo(image_bytes)
        except Exception as error:  # noqa: BLE001 - Pillow raises many kinds for non-images
            raise ValueError("send_photo needs real image bytes (JPEG/PNG), e.g. sandbox.botapi.sample_jpeg()") \
                from error
        content: dict[str, Any] = {"media_group_id": media_group_id} if media_group_id else {}
        content["photo"] = [size.photo_size() for size in sizes]
        return self._from_user(user, {**content, **_caption(caption)}, chat_id)

    def send_document(self, user: SimUser, data: bytes, file_name: str, mime_type: str,
                      caption: str | None = None, *, declared_size: int | None = None,
                      chat_id: int | None = None) -> int:
        """A file; declared_size pretends it is bigger than `data` (to test the 20 MB getFile limit)."""
        stored = self._files.add("document", data, declared_size=declared_size, file_name=file_name,
                                 mime_type=mime_type)
        return self._from_user(user, {"document": media_object(stored), **_caption(caption)}, chat_id)

    def send_location(self, user: SimUser, latitude: float, longitude: float,
                      horizontal_accuracy: float | None = None, *, chat_id: int | None = None) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        if horizontal_accuracy is not None:
            location["horizontal_accuracy"] = horizontal_accuracy
        return self._from_user(user, {"location": location}, chat_id)

    def send_venue(self, user: SimUser, latitude: float, longitude: float, title: str, address: str, *,
                   chat_id: int | None = None) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        venue = {"location": dict(location), "title": title, "address": address}
        return self._from_user(user, {"venue": venue, "location": location}, chat_id)

    def send_contact(self, user: SimUser, phone_number: str, first_name: str, last_name: str | None = None,
                     user_id: int | None = None, *, chat_id: int | None = None) -> int:
        """A shared contact; pass user_id=user.id when the user shares their own number."""
        contact = {"phone_number": phone_number, "first_name": first_name}
        contact.update({k: v for k, v in (("last_name", last_name), ("user_id", user_id)) if v is not None})
        return self._from_user(user, {"contact": contact}, chat_id)

    def send_sticker(self, user: SimUser, *, chat_id: int | None = None) -> int:
        stored = self._files.add("sticker", sample_payload("sticker"), width=512, height=512)
        return self._from_user(user, {"sticker": media_object(stored)}, chat_id)

    def send_voice(self, user: SimUser, duration: int = 3, *, chat_id: int | None = None) -> int:
        stored = self._files.add("voice", sample_payload("voice"), mime_type="audio/ogg", duration=duration)
        return self._from_user(user, {"voice": media_object(stored)}, chat_id)

    def send_video(self, user: SimUser, size: int | None = None, caption: str | None = None,
                   duration: int = 5, *, chat_id: int | None = None) -> int:
        """A video; `size` is the file size Telegram reports (the payload itself stays tiny)."""
        stored = self._files.add("video", sample_payload("video"), declared_size=size, mime_type="video/mp4",
                                 width=640, height=360, duration=duration)
        return self._from_user(user, {"video": media_object(stored), **_caption(caption)}, chat_id)

    def press_button(self, user: SimUser, message_id: int, callback_data: str, *, chat_id: int | None = None) -> int:
        """The user taps an inline button of one of the bot's messages (a callback_query update)."""
        chat = self._chat(user.id if chat_id is None else chat_id)
        message = self._state.find_message(chat, message_id)
        if message is None or not self._state.is_outgoing(message):
            raise ValueError(f"no bot message {message_id} in chat {chat.id}")
        buttons = inline_buttons(message.get("reply_markup"))
        if not any(button.get("callback_data") == callback_data for button in buttons):
            offered = [button.get("callback_data") for button in buttons]
            raise ValueError(f"message {message_id} has no button with callback_data {callback_data!r}; "
                             f"it offers {offered} (use push_update() to forge one)")
        query_id = self._state.new_callback_id(user.id)
        with self._state.lock:
            self._state.callbacks[query_id] = {"answered": False, "user_id": user.id}
            query = {"id": query_id, "from": user.as_user(), "message": public_view(message),
                     "chat_instance": self._chat_instance(chat.id), "data": callback_data}
        return self._state.push_update({"callback_query": query})

    def push_update(self, update: dict) -> int:
        """Queue a raw Update (update_id is assigned when missing); it must be a valid Update."""
        update = copy.deepcopy(update)
        try:
            self.spec.check_value({"update_id": 0, **update}, ["Update"], "update")
        except ApiError as error:
            raise ValueError(f"not a Telegram Update: {error.description}") from None
        return self._state.push_update(update)

    def _from_user(self, user: SimUser, content: dict, chat_id: int | None) -> int:
        if self._state.chat_or_none(user.id) is None:
            self._state.add_user(user)
        chat = self._chat(user.id if chat_id is None else chat_id)
        with self._state.lock:
            if chat.type == "private":
                chat.blocked = False  # writing to the bot again unblocks it
            if chat.reply_keyboard and chat.reply_keyboard.get("one_time_keyboard"):
                chat.reply_keyboard = None
            message = self._state.new_message(chat, user.as_user(), content)
        return self._state.push_update({"message": public_view(message)})

    def _chat_instance(self, chat_id: int) -> str:
        # Stable per chat and bot, shaped like Telegram's 19-digit negative numbers.
        value = (abs(chat_id) * 2_654_435_761 + self.bot_user["id"]) % (9 * 10**18) + 10**18
        return str(-value)

    # --- what the bot did ------------------------------------------------------------------
    def messages(self, chat_id: int) -> list[dict]:
        """The bot's messages to chat_id in order, edits applied ("edit_history"), deletions marked."""
        return self._state.outgoing(chat_id)

    def last_message(self, chat_id: int) -> dict | None:
        sent = self.messages(chat_id)
        return sent[-1] if sent else None

    def reply_keyboard(self, chat_id: int) -> dict | None:
        """The custom reply keyboard the user currently sees in chat_id, if any."""
        with self._state.lock:
            return copy.deepcopy(self._chat(chat_id).reply_keyboard)

    def wait_for_message(self, chat_id: int, predicate: Callable[[dict], bool] | None = None,
                         timeout: float = 10.0, after: int | None = None) -> dict:
        """The first bot message to chat_id (newer than message_id `after`) matching predicate.

        Messages already there count too; raises TimeoutError listing what did arrive.
        """
        return wait_for_message(self._state, self.calls_for, chat_id, predicate, timeout, after)

    def on_bot_message(self, listener: Callable[[int, dict], None]) -> None:
        """Call listener(chat_id, message) whenever the bot sends or edits a message.

        It runs on the server's thread while the state is locked: it must be quick and must not
        change the message (copy what it needs). For load drivers, where one shared
        wait_for_message condition would wake every waiting person on every message."""
        self._state.listeners.append(listener)

    def calls_for(self, chat_id: int) -> list[dict]:
        """The calls addressed to chat_id (by their chat_id parameter)."""
        return [call for call in self.calls if call["params"].get("chat_id") == chat_id]

    @property
    def calls(self) -> list[dict]:
        with self._log.lock:
            return copy.deepcopy(self._log.calls)

    def rejected_calls(self) -> list[dict]:
        """Calls refused as malformed (bugs in the bot), not Telegram's deliberate refusals."""
        return [call for call in self.calls if call["kind"] in (MALFORMED, SERVER_ERROR)]

    @property
    def callback_answers(self) -> list[dict]:
        with self._state.lock:
            return copy.deepcopy(self._methods.callback_answers)

    @property
    def downloaded_files(self) -> list[str]:
        with self._log.lock:
            return list(self._log.downloaded)

    # --- failure controls ------------------------------------------------------------------
    def fail_next(self, method: str, error_code: int = 429, retry_after: int = 3, description: str | None = None,
                  count: int = 1) -> None:
        """Make the next `count` well-formed calls of `method` fail as Telegram would (429, 500, 502...)."""
        self._failures.arm(method, error_code, retry_after, description, count)

    def drop_next(self, method: str, when: str = "after_call", count: int = 1) -> None:
        """Hang up on the next `count` calls of `method` without answering: "before_read"
        resets the connection before the request's body is read (the call never happens),
        "after_call" performs the call and then closes the connection (its answer is lost).
        Logged with kind "dropped" (before_read) or as the call it was (after_call)."""
        self._failures.arm_drop(method, when, count)

    def clear_failures(self) -> None:
        """Disarm every failure and drop still armed (an outage ends)."""
        self._failures.clear()


def _caption(caption: str | None) -> dict:
    if not caption:
        return {}
    text, entities = format_text(caption)
    return {"caption": text, **({"caption_entities": entities} if entities else {})}
