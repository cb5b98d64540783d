"""Everything the bot sends to a chat: texts, captions, files, albums, locations.

The order of checks follows Telegram's: the chat must exist, the content must be valid,
then a blocked user refuses it (403) and flood control may refuse it (429); only then is
the message stored.
"""
from __future__ import annotations

import itertools
import mimetypes
import posixpath
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sandbox.botapi.errors import ApiError, bad_request, too_many_requests
from sandbox.botapi.formatting import format_text
from sandbox.botapi.limits import RateLimiter
from sandbox.botapi.markup import check_reply_markup
from sandbox.botapi.media import FileStore, StoredFile, check_photo_upload, media_object, sample_jpeg
from sandbox.botapi.state import BotState, Chat, public_view
from sandbox.botapi.spec import Upload

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_UPLOAD = 50 * 1024 * 1024
MAX_ALBUM = 10
CHAT_ACTIONS = frozenset({"typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
                          "upload_document", "choose_sticker", "find_location", "record_video_note",
                          "upload_video_note"})
# sendVideo, sendVoice... : the parameter holding the file is named after its kind.
MEDIA_METHODS = {"sendvideo": "video", "sendvoice": "voice", "sendaudio": "audio", "sendanimation": "animation",
                 "sendsticker": "sticker", "sendvideonote": "video_note", "senddocument": "document"}
_TYPE_NAMES = {"photo": "Photo", "document": "Document", "video": "Video", "voice": "Voice", "audio": "Audio",
               "sticker": "Sticker", "animation": "Animation", "video_note": "VideoNote"}


@dataclass
class Call:
    """One decoded API call."""

    method: str
    params: dict
    uploads: dict[str, Upload] = field(default_factory=dict)


class Sender:
    """The send* methods of the Bot API."""

    def __init__(self, state: BotState, files: FileStore, limiter: RateLimiter) -> None:
        self.state, self.files, self.limiter = state, files, limiter
        self._album_ids = itertools.count(13_981_234_567_890_001)

    # --- building blocks -------------------------------------------------------------------
    def text_content(self, text: str, parse_mode: str | None, entities: list | None) -> dict:
        text, entities = format_text(text, parse_mode, entities)
        if not text:
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT:
            raise bad_request("message is too long")
        return {"text": text, **self._entities("entities", entities)}

    def caption_content(self, params: dict) -> dict:
        if not params.get("caption"):
            return {}
        text, entities = format_text(params["caption"], params.get("parse_mode"), params.get("caption_entities"))
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
        if not text:
            return {}
        extra = {"show_caption_above_media": True} if params.get("show_caption_above_media") else {}
        return {"caption": text, **self._entities("caption_entities", entities), **extra}

    def _entities(self, key: str, entities: list[dict]) -> dict:
        resolved = []
        for item in entities:
            if item["type"] == "text_mention":
                chat = self.state.chat_or_none(item["user"]["id"])
                if chat is None or chat.user is None:
                    continue  # Telegram can only mention users the bot knows
                item = {**item, "user": chat.user.as_user()}
            resolved.append(item)
        return {key: resolved} if resolved else {}

    def reply_content(self, chat: Chat, params: dict) -> dict:
        reply = params.get("reply_parameters")
        if not reply:
            return {}
        target = self.state.find_chat(reply["chat_id"]) if "chat_id" in reply else chat
        message = self.state.find_message(target, reply["message_id"])
        if message is None:
            if reply.get("allow_sending_without_reply"):
                return {}
            raise bad_request("message to be replied not found")
        quoted = {key: value for key, value in public_view(message).items() if key != "reply_to_message"}
        return {"reply_to_message": quoted}

    def throttle(self, chat: Chat, cost: int = 1) -> None:
        retry_after = self.limiter.acquire(chat.id, chat.type, cost)
        if retry_after is not None:
            raise too_many_requests(retry_after)

    def deliver(self, chat: Chat, params: dict, contents: list[dict]) -> list[dict]:
        """Store the messages and return them as Telegram does, after the refusal checks."""
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        reply = self.reply_content(chat, params)
        chat.refuse_if_blocked()
        self.throttle(chat, len(contents))
        stored = []
        for content in contents:
            body = {**reply, **content}
            if markup:
                body["reply_markup"] = markup
            if params.get("protect_content"):
                body["has_protected_content"] = True
            stored.append(self.state.new_message(chat, self.state.bot_user, body))
        self._remember_keyboard(chat, markup)
        return [public_view(message) for message in stored]

    def _remember_keyboard(self, chat: Chat, markup: dict | None) -> None:
        with self.state.lock:
            if markup and "keyboard" in markup:
                chat.reply_keyboard = markup
            elif markup and "remove_keyboard" in markup:
                chat.reply_keyboard = None

    # --- files ---------------------------------------------------------------------------
    def photo(self, value) -> list[dict]:
        if isinstance(value, Upload):
            _check_upload(value)
            check_photo_upload(value.data)
            sizes = self.files.add_photo(value.data)
        elif _is_url(value):
            sizes = self.files.add_photo(sample_jpeg(800, 600))  # the fake does not fetch URLs
        else:
            stored = self.known_file(value, "photo")
            sizes = self.files.photo_sizes_for(stored.file_id) or [stored]
        return [size.photo_size() for size in sizes]

    def file_of_kind(self, value, kind: str, params: dict) -> StoredFile:
        details = {"duration": params.get("duration"), "width": params.get("width") or params.get("length"),
                   "height": params.get("height")}
        if isinstance(value, Upload):
            _check_upload(value)
            return self.files.add(kind, value.data, file_name=value.filename or None,
                                  mime_type=_mime_type(value), **details)
        if _is_url(value):
            name = posixpath.basename(urlsplit(value).path) or "file"
            return self.files.add(kind, b"", file_name=name, mime_type=mimetypes.guess_type(name)[0], **details)
        return self.known_file(value, kind)

    def known_file(self, file_id: str, kind: str) -> StoredFile:
        stored = self.files.get(file_id)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != kind:
            raise bad_request(f"can't use file of type {_TYPE_NAMES.get(stored.kind, stored.kind)} "
                              f"as {_TYPE_NAMES.get(kind, kind)}")
        return stored

    # --- the methods -----------------------------------------------------------------------
    def send_message(self, call: Call) -> dict:
        chat = self.state.find_chat(call.params["chat_id"])
        content = self.text_content(call.params["text"], call.params.get("parse_mode"), call.params.get("entities"))
        return self.deliver(chat, call.params, [content])[0]

    def send_photo(self, call: Call) -> dict:
        chat = self.state.find_chat(call.params["chat_id"])
        caption = self.caption_content(call.params)
        content = {"photo": self.photo(call.params["photo"]), **caption}
        if call.params.get("has_spoiler"):
            content["has_media_spoiler"] = True
        return self.deliver(chat, call.params, [content])[0]

    def send_file(self, call: Call) -> dict:
        """sendDocument, sendVideo, sendVoice, sendAudio, sendAnimation, sendSticker, sendVideoNote."""
        kind = MEDIA_METHODS[call.method.lower()]
        chat = self.state.find_chat(call.params["chat_id"])
        caption = self.caption_content(call.params) if kind not in ("sticker", "video_note") else {}
        stored = self.file_of_kind(call.params[kind], kind, call.params)
        return self.deliver(chat, call.params, [{kind: media_object(stored), **caption}])[0]

    def send_location(self, call: Call) -> dict:
        chat = self.state.find_chat(call.params["chat_id"])
        return self.deliver(chat, call.params, [{"location": location_object(call.params)}])[0]

    def send_venue(self, call: Call) -> dict:
        p = call.params
        chat = self.state.find_chat(p["chat_id"])
        venue = {"location": location_object(p), "title": p["title"], "address": p["address"]}
        venue.update({key: p[key] for key in ("foursquare_id", "foursquare_type", "google_place_id",
                                               "google_place_type") if key in p})
        return self.deliver(chat, p, [{"venue": venue, "location": location_object(p)}])[0]

    def send_contact(self, call: Call) -> dict:
        p = call.params
        chat = self.state.find_chat(p["chat_id"])
        contact = {"phone_number": p["phone_number"], "first_name": p["first_name"]}
        contact.update({key: p[key] for key in ("last_name", "vcard") if key in p})
        return self.deliver(chat, p, [{"contact": contact}])[0]

    def send_chat_action(self, call: Call) -> bool:
        chat = self.state.find_chat(call.params["chat_id"])
        if call.params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.refuse_if_blocked()
        return True

    def send_media_group(self, call: Call) -> list[dict]:
        chat = self.state.find_chat(call.params["chat_id"])
        items = call.params["media"]
        if not items:
            raise bad_request("media to send are not specified")
        if len(items) > MAX_ALBUM:
            raise bad_request("too much messages to send as an album")
        kinds = {item["type"] for item in items}
        if len(kinds) > 1 and kinds & {"document", "audio"}:
            raise bad_request("can't use the media of the specified type in the album")
        album_id = str(next(self._album_ids))
        contents = [{"media_group_id": album_id, **self._album_item(item, call)} for item in items]
        return self.deliver(chat, call.params, contents)

    def _album_item(self, item: dict, call: Call) -> dict:
        media = item["media"]
        if media.startswith("attach://"):
            media = call.uploads.get(media[len("attach://"):])
            if media is None:
                raise bad_request("can't parse InputMedia: media not found")
        caption = self.caption_content(item)
        if item["type"] == "photo":
            return {"photo": self.photo(media), **caption}
        kind = item["type"]
        return {kind: media_object(self.file_of_kind(media, kind, item)), **caption}


def location_object(params: dict) -> dict:
    location = {"latitude": params["latitude"], "longitude": params["longitude"]}
    location.update({key: params[key] for key in ("horizontal_accuracy", "live_period", "heading",
                                                   "proximity_alert_radius") if key in params})
    return location


def _is_url(value) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _check_upload(upload: Upload) -> None:
    if not upload.data:
        raise bad_request("file must be non-empty")
    if len(upload.data) > MAX_UPLOAD:
        raise ApiError(413, "Request Entity Too Large")


def _mime_type(upload: Upload) -> str | None:
    if upload.content_type and upload.content_type != "application/octet-stream":
        return upload.content_type
    return mimetypes.guess_type(upload.filename or "")[0] or upload.content_type or None
