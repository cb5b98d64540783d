"""Checks on keyboards that Telegram makes beyond the types in the specification."""
from __future__ import annotations

from sandbox.botapi.entities import checked_link
from sandbox.botapi.errors import bad_request

MAX_BUTTONS = 100
CALLBACK_DATA_MAX_BYTES = 64
# Exactly one of these gives an inline button its action; text alone is not allowed.
_INLINE_ACTIONS = ("url", "callback_data", "web_app", "login_url", "switch_inline_query",
                   "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
                   "callback_game", "pay")


def check_reply_markup(markup: dict | None) -> None:
    """Raise the 400 Telegram gives for a keyboard it cannot show."""
    if not markup:
        return
    if "inline_keyboard" in markup:
        _check_rows(markup["inline_keyboard"], "inline_keyboard", "InlineKeyboardMarkup")
        for row in markup["inline_keyboard"]:
            for button in row:
                check_inline_button(button)
    elif "keyboard" in markup:
        _check_rows(markup["keyboard"], "keyboard", "ReplyKeyboardMarkup")
        for row in markup["keyboard"]:
            for button in row:
                if not button.get("text", "").strip():
                    raise bad_request("BUTTON_TEXT_INVALID")


def _check_rows(rows: list, field: str, owner: str) -> None:
    if not all(isinstance(row, list) for row in rows):
        raise bad_request(f'field "{field}" of the {owner} should be an Array of Arrays')
    if sum(len(row) for row in rows) > MAX_BUTTONS:
        raise bad_request("reply markup is too long")


def check_inline_button(button: dict) -> None:
    if not button.get("text", "").strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    data = button.get("callback_data")
    if data is not None and len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
        raise bad_request("BUTTON_DATA_INVALID")
    # An empty callback_data counts as no action at all, as on Telegram.
    actions = [name for name in _INLINE_ACTIONS if name in button and button[name] not in ("", None)]
    if not actions and "switch_inline_query" not in button and "switch_inline_query_current_chat" not in button:
        raise bad_request("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard")
    if "url" in button and checked_link(button["url"]) is None:
        raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid: Wrong HTTP URL")


def inline_buttons(markup: dict | None) -> list[dict]:
    """Every button of an inline keyboard, row by row."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [button for row in markup["inline_keyboard"] for button in row]
