"""The Bot API methods other than sending: edits, deletions, callback answers, files,
commands, chats and the webhook settings. Methods the fake does not model answer True.
"""
from __future__ import annotations

import copy
import json
import re
import time
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlsplit

from sandbox.botapi.errors import bad_request, conflict, refused_bad_request
from sandbox.botapi.markup import check_reply_markup
from sandbox.botapi.media import MAX_DOWNLOAD_SIZE
from sandbox.botapi.sending import MEDIA_METHODS, Call, Sender
from sandbox.botapi.state import Chat, Webhook, public_view

NOT_MODIFIED = ("message is not modified: specified new message content and reply markup are exactly the same "
                "as a current content and reply markup of the message")
CALLBACK_TEXT_MAX = 200
_COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_MEDIA_KEYS = ("photo", "document", "video", "animation", "audio", "voice")


@dataclass
class Answer:
    """A successful result that also carries Telegram's "description" (setWebhook does)."""

    result: Any
    description: str | None = None


class Methods(Sender):
    """Dispatches a decoded call to its handler."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.callback_answers: list[dict] = []
        self._handlers: dict[str, Callable[[Call], Any]] = {
            "getme": self.get_me, "sendmessage": self.send_message, "sendphoto": self.send_photo,
            "sendlocation": self.send_location, "sendvenue": self.send_venue, "sendcontact": self.send_contact,
            "sendmediagroup": self.send_media_group, "sendchataction": self.send_chat_action,
            "editmessagetext": self.edit_message_text, "editmessagecaption": self.edit_message_caption,
            "editmessagereplymarkup": self.edit_message_reply_markup, "deletemessage": self.delete_message,
            "answercallbackquery": self.answer_callback_query, "getfile": self.get_file,
            "setmycommands": self.set_my_commands, "getmycommands": self.get_my_commands,
            "deletemycommands": self.delete_my_commands, "getchat": self.get_chat,
            "setwebhook": self.set_webhook, "deletewebhook": self.delete_webhook,
            "getwebhookinfo": self.get_webhook_info,
        }
        self._handlers.update({name: self.send_file for name in MEDIA_METHODS})

    def dispatch(self, call: Call) -> Any:
        handler = self._handlers.get(call.method.lower())
        return handler(call) if handler else True

    # --- identity --------------------------------------------------------------------------
    def get_me(self, call: Call) -> dict:
        return {**self.state.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False, "has_main_web_app": False}

    def get_chat(self, call: Call) -> dict:
        chat = self.state.find_chat(call.params["chat_id"])
        gifts = dict.fromkeys(("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
                               "gifts_from_channels"), True)
        return {**chat.as_chat(), "accent_color_id": abs(chat.id) % 7, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    # --- edits -----------------------------------------------------------------------------
    def editable(self, params: dict) -> tuple[Chat, dict]:
        if "inline_message_id" in params and "chat_id" not in params:
            raise bad_request("MESSAGE_ID_INVALID")
        if "chat_id" not in params or "message_id" not in params:
            raise bad_request("message identifier is not specified")
        chat = self.state.find_chat(params["chat_id"])
        message = self.state.find_message(chat, params["message_id"])
        if message is None:
            if chat.messages.get(params["message_id"], {}).get("deleted"):
                # Deleted meanwhile (by the person, or by the bot's other process): Telegram's
                # answer, not a malformed call.
                raise refused_bad_request("message to edit not found")
            raise bad_request("message to edit not found")
        if not self.state.is_outgoing(message):
            raise bad_request("message can't be edited")
        return chat, message

    def edit_message_text(self, call: Call) -> dict:
        chat, message = self.editable(call.params)
        if "text" not in message:
            raise bad_request("there is no text in the message to edit")
        if "text" not in call.params:
            raise bad_request("message text is empty")
        content = self.text_content(call.params["text"], call.params.get("parse_mode"), call.params.get("entities"))
        return self.apply_edit(chat, message, content, ("text", "entities"), call.params.get("reply_markup"))

    def edit_message_caption(self, call: Call) -> dict:
        chat, message = self.editable(call.params)
        if not any(key in message for key in _MEDIA_KEYS):
            raise bad_request("there is no caption in the message to edit")
        content = self.caption_content(call.params)
        keys = ("caption", "caption_entities", "show_caption_above_media")
        return self.apply_edit(chat, message, content, keys, call.params.get("reply_markup"))

    def edit_message_reply_markup(self, call: Call) -> dict:
        chat, message = self.editable(call.params)
        return self.apply_edit(chat, message, {}, (), call.params.get("reply_markup"))

    def apply_edit(self, chat: Chat, message: dict, content: dict, keys: tuple[str, ...],
                   markup: dict | None) -> dict:
        """Edit in place, keeping the previous version; an edit without reply_markup drops the keyboard."""
        check_reply_markup(markup)
        with self.state.lock:
            before = {key: message[key] for key in (*keys, "reply_markup") if key in message}
            after = {**content, **({"reply_markup": markup} if markup else {})}
            if before == after:
                raise bad_request(NOT_MODIFIED)
            chat.refuse_if_blocked()
            shown_since = message.get("edit_date", message["date"])
            message.setdefault("edit_history", []).append({"date": shown_since, **copy.deepcopy(before)})
            for key in (*keys, "reply_markup"):
                message.pop(key, None)
            message.update(after)
            _place_edit_date(message, int(time.time()))
        self.state.touch(chat.id, message)
        return public_view(message)

    def delete_message(self, call: Call) -> bool:
        chat = self.state.find_chat(call.params["chat_id"])
        with self.state.lock:
            message = self.state.find_message(chat, call.params["message_id"])
            if message is None:
                raise bad_request("message to delete not found")
            message["deleted"] = True
        self.state.touch()
        return True

    # --- callback queries and files ------------------------------------------------------------
    def answer_callback_query(self, call: Call) -> bool:
        with self.state.lock:
            query = self.state.callbacks.get(call.params["callback_query_id"])
            if query is None or query["answered"]:
                raise bad_request("query is too old and response timeout expired or query ID is invalid")
            if len(call.params.get("text", "")) > CALLBACK_TEXT_MAX:
                raise bad_request("MESSAGE_TOO_LONG")
            query["answered"] = True
            self.callback_answers.append(dict(call.params))
        return True

    def get_file(self, call: Call) -> dict:
        stored = self.files.get(call.params["file_id"])
        if stored is None:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        if stored.size > MAX_DOWNLOAD_SIZE:
            raise refused_bad_request("file is too big")  # the user's file, not the bot's mistake
        return stored.as_file()

    # --- commands --------------------------------------------------------------------------
    def _commands_key(self, params: dict) -> tuple[str, str]:
        """The menu a call addresses; a chat scope must name a chat the bot knows ("chat not found")."""
        scope = params.get("scope") or {"type": "default"}
        if scope.get("type") in ("chat", "chat_administrators", "chat_member"):
            chat = self.state.find_chat(scope["chat_id"])
            scope = {**scope, "chat_id": chat.id}  # "@name" and the id are one menu
        return json.dumps(scope, sort_keys=True), params.get("language_code", "")

    def set_my_commands(self, call: Call) -> bool:
        commands = call.params["commands"]
        if len(commands) > 100:
            raise bad_request("too much commands specified")
        for command in commands:
            if not _COMMAND.match(command["command"].lstrip("/")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command["description"].strip()) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = self._commands_key(call.params)
        with self.state.lock:
            self.state.commands[key] = [
                {"command": c["command"].lstrip("/"), "description": c["description"]} for c in commands]
        return True

    def get_my_commands(self, call: Call) -> list[dict]:
        key = self._commands_key(call.params)
        with self.state.lock:
            return copy.deepcopy(self.state.commands.get(key, []))

    def delete_my_commands(self, call: Call) -> bool:
        key = self._commands_key(call.params)
        with self.state.lock:
            self.state.commands.pop(key, None)
        return True

    # --- webhook ---------------------------------------------------------------------------
    def set_webhook(self, call: Call) -> Answer:
        p = call.params
        if not p["url"]:
            return self.delete_webhook(call)
        _check_webhook(p)
        hook = Webhook(p["url"], p.get("secret_token"), p.get("max_connections", 40), p.get("ip_address"),
                       p.get("allowed_updates"), "certificate" in p)
        with self.state.lock:
            if p.get("drop_pending_updates"):
                self.state.updates.clear()
            same = self.state.webhook is not None and self.state.webhook.url == hook.url
            self.state.webhook = hook
        self.state.on_update()
        return Answer(True, "Webhook is already set" if same else "Webhook was set")

    def delete_webhook(self, call: Call) -> Answer:
        with self.state.lock:
            if call.params.get("drop_pending_updates"):
                self.state.updates.clear()
            existed, self.state.webhook = self.state.webhook is not None, None
        return Answer(True, "Webhook was deleted" if existed else "Webhook is already deleted")

    def get_webhook_info(self, call: Call) -> dict:
        with self.state.lock:
            hook = self.state.webhook
            info = {"url": hook.url if hook else "", "has_custom_certificate": bool(hook and hook.has_custom_certificate),
                    "pending_update_count": len(self.state.updates)}
            if hook is None:
                return info
            info.update({"ip_address": hook.ip_address or "127.0.0.1", "max_connections": hook.max_connections})
            if hook.allowed_updates:
                info["allowed_updates"] = list(hook.allowed_updates)
            if hook.last_error_date:
                info.update(last_error_date=hook.last_error_date, last_error_message=hook.last_error_message)
            return info

    def refuse_polling_with_webhook(self) -> None:
        if self.state.webhook is not None:
            raise conflict("can't use getUpdates method while webhook is active; use deleteWebhook to delete "
                           "the webhook first")


def _check_webhook(params: dict) -> None:
    """Telegram demands HTTPS; the fake also takes http:// so tests can listen on 127.0.0.1."""
    parts = urlsplit(params["url"])
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    if "secret_token" in params and not _SECRET.match(params["secret_token"]):
        raise bad_request("secret token contains unallowed characters")
    if not 1 <= params.get("max_connections", 40) <= 100:
        raise bad_request("bad webhook: max_connections must be between 1 and 100")


def _place_edit_date(message: dict, stamp: int) -> None:
    """Put edit_date right after date, where Telegram's serializer writes it."""
    items = [(key, value) for key, value in message.items() if key != "edit_date"]
    message.clear()
    for key, value in items:
        message[key] = value
        if key == "date":
            message["edit_date"] = stamp
