"""An outbox row as the Bot API calls that deliver it, within Telegram's size limits.

Texts over 4096 characters are split between paragraphs (else between words), and HTML tags
open at a split are closed and reopened, so every part parses on its own. A caption over
1024 characters does not fit under a photo: the photo goes first with a short caption, then
the text. A location follows the text. Lengths are counted in UTF-16 code units, as
Telegram counts them, on the HTML source (tags included), which is never less than what
Telegram counts after parsing.
"""
from __future__ import annotations

import html
import logging
import re
from pathlib import Path

from workers.telegram_api import Part

log = logging.getLogger(__name__)

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
SHORT_CAPTION = 200
_TOKEN = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


def units(text: str) -> int:
    """Length in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Parts of at most `limit` units, each with balanced tags."""
    if units(text) <= limit:
        return [text]
    chunks: list[str] = []
    current, stack = "", []  # stack: (name, opening tag) of tags open at this point
    for piece in _pieces(text):
        if piece.startswith("<"):
            current = _add_tag(piece, current, stack)
            continue
        while piece:
            room = limit - units(current) - units(_closing(stack))
            if units(piece) <= room:
                current, piece = current + piece, ""
                continue
            head = ""
            reopened = "".join(tag for _, tag in stack)
            fresh_room = limit - units(reopened) - units(_closing(stack))
            if not _visible(current) or (units(piece) > fresh_room and room > 0):
                head, piece = _cut(piece, room)  # a line longer than a whole part: cut inside it
            chunks.append(current + head + _closing(stack))
            current = "".join(tag for _, tag in stack)
    chunks.append(current + _closing(stack))
    return [c for c in chunks if _visible(c)]


def _pieces(text: str) -> list[str]:
    """Tags, and text cut after each newline so that splits fall between lines."""
    out: list[str] = []
    for token in _TOKEN.split(text):
        if token.startswith("<"):
            out.append(token)
        elif token:
            out.extend(p for p in re.split(r"(?<=\n)", token) if p)
    return out


def _add_tag(tag: str, current: str, stack: list) -> str:
    match = _TAG_NAME.match(tag)
    name = match.group(1).lower() if match else ""
    if tag.startswith("</"):
        for i in range(len(stack) - 1, -1, -1):
            if stack[i][0] == name:
                del stack[i]
                break
    elif not tag.endswith("/>"):
        stack.append((name, tag))
    return current + tag


def _closing(stack: list) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _visible(chunk: str) -> str:
    return _TOKEN.sub("", chunk).strip()


def _cut(piece: str, room: int) -> tuple[str, str]:
    """The longest head of `piece` within `room` units, ending at a space when there is one
    and never inside an HTML entity ("&amp;" stays whole)."""
    end, used = 0, 0
    for ch in piece:
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > room:
            break
        end += 1
    space = piece.rfind(" ", 0, end)
    if space > 0:
        end = space + 1
    amp = piece.rfind("&", 0, end)
    if amp > 0 and ";" not in piece[amp:end]:
        end = amp
    end = max(end, 1)
    return piece[:end], piece[end:]


def short_caption(text: str) -> str:
    """The first line of an HTML text as a short plain caption (escaped again for HTML)."""
    first = html.unescape(_TOKEN.sub("", text)).strip().split("\n", 1)[0]
    if len(first) > SHORT_CAPTION:
        first = first[: SHORT_CAPTION - 1].rstrip() + "…"
    return html.escape(first, quote=False)


def photo_upload(media_dir: str, relative: str) -> tuple[str, bytes, str] | None:
    """The photo's bytes from MEDIA_DIR, or None when missing (the text goes without it)."""
    base = Path(media_dir).resolve()
    path = (base / relative).resolve()
    if base not in path.parents or not path.is_file():
        log.warning("photo %s not found under MEDIA_DIR; sending the text without it", relative)
        return None
    return "photo", path.read_bytes(), path.name


def build_parts(row, media_dir: str, cached_file_id: str = "") -> list[Part]:
    """The calls for one outbox row, in order; the part carrying reply_markup is `main`."""
    chat = {"chat_id": row.chat_id}
    mode = {"parse_mode": row.parse_mode} if row.parse_mode else {}
    markup = {"reply_markup": row.reply_markup} if row.reply_markup else {}
    parts: list[Part] = []
    photo = _photo_part(row, media_dir, cached_file_id)
    texts = split_html(row.text) if row.text.strip() else []
    if photo is not None:
        if len(texts) == 1 and units(texts[0]) <= CAPTION_LIMIT:
            photo.params.update(caption=texts[0], **mode)
            texts = []
        elif texts:
            photo.params.update(caption=short_caption(texts[0]), parse_mode="HTML")
        parts.append(photo)
    for text in texts:
        parts.append(Part("sendMessage", {**chat, "text": text, **mode}))
    if parts:
        parts[-1].params.update(markup)
        parts[-1].main = True
    if row.location_lat is not None and row.location_lon is not None:
        parts.append(Part("sendLocation", {**chat, "latitude": row.location_lat, "longitude": row.location_lon}))
        if len(parts) == 1:
            parts[0].main = True
    return parts


def _photo_part(row, media_dir: str, cached_file_id: str) -> Part | None:
    chat = {"chat_id": row.chat_id}
    file_id = row.photo_file_id or cached_file_id
    if file_id:
        return Part("sendPhoto", {**chat, "photo": file_id}, upload_key=row.photo_path or "",
                    meta={"file_id": file_id})
    if row.photo_path:
        upload = photo_upload(media_dir, row.photo_path)
        if upload is not None:
            return Part("sendPhoto", dict(chat), upload=upload, upload_key=row.photo_path)
    return None
