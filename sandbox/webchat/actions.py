"""What a simulated user does on the chat page: type, send photos and locations, tap buttons.

Each handler checks the page's input and makes the user act through SandboxAPI, which queues
the update for the bot exactly as Telegram would.
"""
from __future__ import annotations

import asyncio

from aiohttp import web

from sandbox.webchat import chatview
from sandbox.botapi import SimUser
from sandbox.webchat.common import API_KEY, Refused, clean, json_body, user_of

MAX_TEXT = 4096
MAX_CAPTION = 1024


async def send_text(request: web.Request) -> web.Response:
    """A typed message (commands included)."""
    user, body = user_of(request), await json_body(request)
    text = str(body.get("text") or "").strip()
    if not text:
        raise Refused("sandbox.err.empty")
    if len(text) > MAX_TEXT:
        raise Refused("sandbox.err.too_long")
    update_id = request.app[API_KEY].send_text(user, text)
    return web.json_response({"update_ids": [update_id]})


async def send_photos(request: web.Request) -> web.Response:
    """One photo, or several as an album; the caption goes with the first."""
    user = user_of(request)
    images, caption = await _photo_form(request)
    if not images:
        raise Refused("sandbox.err.no_photo")
    if len(caption) > MAX_CAPTION:
        raise Refused("sandbox.err.caption_too_long")
    try:
        update_ids = await asyncio.to_thread(request.app[API_KEY].send_album, user, images, caption or None)
    except ValueError:
        raise Refused("sandbox.err.not_image") from None
    return web.json_response({"update_ids": update_ids})


async def _photo_form(request: web.Request) -> tuple[list[bytes], str]:
    if not request.content_type.startswith("multipart/"):
        raise Refused("sandbox.err.bad_request")
    images, caption = [], ""
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if part.name == "photo":
            images.append(bytes(await part.read()))
        elif part.name == "caption":
            caption = (await part.text()).strip()
    return [image for image in images if image], caption


def _coordinates(body: dict) -> tuple[float, float, float | None]:
    try:
        lat, lon = float(body["latitude"]), float(body["longitude"])
        accuracy = float(body["horizontal_accuracy"]) if body.get("horizontal_accuracy") not in (None, "") else None
    except (KeyError, TypeError, ValueError):
        raise Refused("sandbox.err.bad_location") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (accuracy is not None and not 0 <= accuracy <= 1500):
        raise Refused("sandbox.err.bad_location")
    return round(lat, 6), round(lon, 6), accuracy


async def send_location(request: web.Request) -> web.Response:
    """A shared location; with a title and an address it is a venue (a chosen place)."""
    api, user, body = request.app[API_KEY], user_of(request), await json_body(request)
    lat, lon, accuracy = _coordinates(body)
    title, address = clean(body.get("title"), 128), clean(body.get("address"), 256)
    if title and address:
        update_id = api.send_venue(user, lat, lon, title, address)
    else:
        update_id = api.send_location(user, lat, lon, horizontal_accuracy=accuracy)
    return web.json_response({"update_ids": [update_id]})


async def press(request: web.Request) -> web.Response:
    """A tap on an inline button of one of the bot's messages."""
    api, user, body = request.app[API_KEY], user_of(request), await json_body(request)
    try:
        update_id = api.press_button(user, int(body.get("message_id")), str(body.get("callback_data") or ""))
    except (TypeError, ValueError):
        raise Refused("sandbox.err.no_button") from None
    return web.json_response({"update_ids": [update_id]})


async def keyboard_button(request: web.Request) -> web.Response:
    """A tap on a reply-keyboard button: its text, or the location/contact it asks for."""
    api, user, body = request.app[API_KEY], user_of(request), await json_body(request)
    markup = chatview.present_keyboard(api.reply_keyboard(user.id))
    button = next((b for row in (markup or {}).get("rows", []) for b in row if b["text"] == body.get("text")), None)
    if button is None:
        raise Refused("sandbox.err.no_button")
    if button["location"]:
        lat, lon, accuracy = _coordinates(body)
        update_id = api.send_location(user, lat, lon, horizontal_accuracy=accuracy)
    elif button["contact"]:
        update_id = api.send_contact(user, _phone_of(user), user.first_name, user.last_name, user_id=user.id)
    else:
        update_id = api.send_text(user, button["text"])
    return web.json_response({"update_ids": [update_id]})


def _phone_of(user: SimUser) -> str:
    """A made-up Indonesian mobile number, the same for a user every time."""
    return f"+62812{user.id % 10**7:07d}"


ACTIONS = {"text": send_text, "photos": send_photos, "location": send_location, "press": press,
           "keyboard": keyboard_button}
