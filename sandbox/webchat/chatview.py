"""What the chat page shows of a chat: stored Telegram messages turned into plain view data.

The page renders text from Telegram's own representation (text + entities), never from the
bot's HTML, so only what Telegram would show can appear and nothing in a message is ever
interpreted as markup. Deleted messages disappear, as they do in Telegram apps.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

# Telegram apps show photos at most about this wide; bigger sizes open on click.
DISPLAY_SIDE = 800
PARAM_PREVIEW = 300
_MEDIA_LABELS = ("document", "video", "voice", "audio", "animation", "sticker", "video_note")


def file_url(file_id: str) -> str:
    return f"/files/{file_id}"


def present_chat(messages: list[dict], bot_id: int) -> list[dict]:
    """The view of every message still visible, in order."""
    return [present(message, bot_id) for message in messages if not message.get("deleted")]


def present(message: dict, bot_id: int) -> dict[str, Any]:
    """One message: who sent it, its text or caption with entities, media, buttons, edits."""
    view: dict[str, Any] = {
        "id": message["message_id"], "from_bot": message.get("from", {}).get("id") == bot_id,
        "date": message["date"], "edited": "edit_date" in message,
        "edits": len(message.get("edit_history", [])),
    }
    for key in ("text", "entities", "caption", "caption_entities", "media_group_id", "location", "contact",
                "show_caption_above_media"):
        if key in message:
            view[key] = message[key]
    if "photo" in message:
        view["photo"] = _photo(message["photo"])
    if "venue" in message:
        view["venue"] = {key: message["venue"].get(key) for key in ("title", "address", "location")}
    media = next((key for key in _MEDIA_LABELS if key in message), None)
    if media:
        view["media"] = _media(media, message[media])
    if "reply_to_message" in message:
        quoted = message["reply_to_message"]
        view["reply_to"] = {"id": quoted["message_id"], "text": quoted.get("text") or quoted.get("caption") or ""}
    keyboard = (message.get("reply_markup") or {}).get("inline_keyboard")
    if keyboard:
        view["buttons"] = [[_inline_button(button) for button in row] for row in keyboard]
    return view


def _photo(sizes: list[dict]) -> dict:
    """The size to show in the bubble and the original to open."""
    largest = max(sizes, key=lambda size: size["width"] * size["height"])
    fitting = [size for size in sizes if max(size["width"], size["height"]) <= DISPLAY_SIDE]
    shown = max(fitting, key=lambda size: size["width"], default=largest)
    return {"url": file_url(shown["file_id"]), "full": file_url(largest["file_id"]),
            "width": shown["width"], "height": shown["height"]}


def _media(kind: str, media: dict) -> dict:
    return {"kind": kind, "url": file_url(media["file_id"]), "name": media.get("file_name") or "",
            "size": media.get("file_size"), "emoji": media.get("emoji")}


def _inline_button(button: dict) -> dict:
    """Text and what pressing it does; actions the sandbox cannot model come as kind "other"."""
    if button.get("callback_data"):
        return {"text": button["text"], "kind": "callback", "data": button["callback_data"]}
    if button.get("url"):
        return {"text": button["text"], "kind": "url", "url": button["url"]}
    return {"text": button["text"], "kind": "other"}


def present_keyboard(markup: dict | None) -> dict | None:
    """The reply keyboard under the input field: rows of buttons and the input placeholder."""
    if not markup:
        return None
    rows = [[_keyboard_button(button) for button in row] for row in markup["keyboard"]]
    return {"rows": rows, "placeholder": markup.get("input_field_placeholder", ""),
            "one_time": bool(markup.get("one_time_keyboard"))}


def _keyboard_button(button: dict | str) -> dict:
    if isinstance(button, str):  # the old Bot API form: a bare label
        return {"text": button, "location": False, "contact": False}
    return {"text": button["text"], "location": bool(button.get("request_location")),
            "contact": bool(button.get("request_contact"))}


def present_answers(answers: list[dict]) -> list[dict]:
    """Callback answers that show something: a toast, or an alert the user must close."""
    return [{"n": index, "text": answer["text"], "alert": bool(answer.get("show_alert"))}
            for index, answer in enumerate(answers, start=1) if answer.get("text")]


def version_of(*parts: Any) -> str:
    """A short fingerprint: the page's long poll returns as soon as it changes."""
    encoded = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha1(encoded, usedforsecurity=False).hexdigest()[:16]  # a change marker, not a secret


def present_call(index: int, call: dict) -> dict:
    """A refused or malformed call for the page's conformance panel (long values shortened)."""
    return {"index": index, "method": call["method"], "kind": call["kind"], "error_code": call["error_code"],
            "description": call["description"], "ts": call["ts"],
            "params": {key: _short(value) for key, value in call["params"].items()}}


def _short(value: Any) -> Any:
    """The value as sent, or its first characters (as text) when it is long."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    if len(text) <= PARAM_PREVIEW:
        return value
    return text[:PARAM_PREVIEW] + "…"
