"""The photo step: photos and albums, images sent as files, and what is not a photo.

Each photo is downloaded at once (getFile) into the draft's folder, so the draft holds
only what is really on disk. An album arrives as one message per photo, all with the same
media_group_id. The first photo of the step gets an answer (a counter); the next ones, album
or not, update that answer.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from telegram import Message
from telegram.error import BadRequest, TelegramError

from bot import drafts, keyboards
from bot.filing import prompts
from bot.common import Turn
from services import media

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IncomingPhoto:
    file_id: str
    file_unique_id: str
    file_size: int | None


def incoming_photo(message: Message) -> IncomingPhoto | None:
    """The picture in a message: the largest size of a photo, or an image sent as a file."""
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        return IncomingPhoto(largest.file_id, largest.file_unique_id, largest.file_size)
    document = message.document
    if document is not None and is_image_document(document):
        return IncomingPhoto(document.file_id, document.file_unique_id, document.file_size)
    return None


def is_image_document(document) -> bool:
    name = (document.file_name or "").lower()
    return (document.mime_type or "").lower() in media.IMAGE_MIME_TYPES or name.endswith((".jpg", ".jpeg", ".png"))


async def on_photo(turn: Turn) -> None:
    """A photo (or image file) at the photo step: checked, downloaded, cleaned, kept."""
    incoming = incoming_photo(turn.message)
    photos = list(turn.draft.data.get("photos", []))
    limit = turn.config.MAX_PHOTOS
    if incoming is None:
        await turn.say(turn.t("bot.content.document"))
        return
    if len(photos) >= limit:
        await turn.say(turn.t("bot.file.photo_full", max=limit), reply_markup=keyboards.photos(turn.lang, len(photos)))
        return
    if any(p.get("file_unique_id") == incoming.file_unique_id for p in photos):
        await turn.say(turn.t("bot.file.photo_duplicate"))
        return
    saved = await _download(turn, incoming, len(photos))
    if saved is None:
        return
    if any(p.get("sha256") == saved.sha256 for p in photos):
        # The same picture sent again (forwarded, re-picked): same bytes, same file on disk.
        await turn.say(turn.t("bot.file.photo_duplicate"))
        return
    photos.append(saved.as_dict())
    turn.save(photos=photos)
    await _acknowledge(turn, len(photos))


async def _download(turn: Turn, incoming: IncomingPhoto, count: int) -> media.SavedPhoto | None:
    """The stored photo, or None after telling the person why it could not be kept (quoting
    the photo, so they see which one of an album it was).

    MEDIA_DIR failing (full, read-only) is ours, not theirs: asking them to send it again
    cannot help, so they are told the photo is not in the complaint and how many are; the
    draft is not touched, and one error line names the path and errno for the operator."""
    try:
        return await media.download_photo(turn.bot, file_id=incoming.file_id, file_unique_id=incoming.file_unique_id,
                                          file_size=incoming.file_size, media_dir=turn.config.MEDIA_DIR,
                                          folder=turn.draft.token)
    except media.StorageError as exc:
        log.error("%s (user %s)", exc, turn.user_id)
        await turn.reply(turn.t("bot.file.photo_store_failed", count=count),
                         reply_markup=keyboards.photos(turn.lang, count))
    except media.MediaError as exc:
        key = {"too_big": "bot.file.photo_too_big", "too_many_pixels": "bot.file.photo_too_many_pixels"}
        await turn.reply(turn.t(key.get(exc.code, "bot.file.photo_not_image"),
                                max=media.MAX_DECODED_PIXELS // 1_000_000))
    except (BadRequest, TelegramError, OSError) as exc:
        log.warning("photo download failed for user %s: %s", turn.user_id, exc)
        await turn.reply(turn.t("bot.file.photo_failed"))
    return None


async def _acknowledge(turn: Turn, count: int) -> None:
    """One counter per photo step ("Photo received (2/5)"), edited as photos arrive, albums
    or not; the first photo also takes the "skip" button off the step's question."""
    text = turn.t("bot.file.photo_saved", count=count, max=turn.config.MAX_PHOTOS)
    markup = keyboards.photos(turn.lang, count)
    data = turn.draft.data
    previous = data.get("photo_ack") or data.get("album_ack") or {}
    if previous.get("message_id") and await turn.edit_message(previous["message_id"], text, reply_markup=markup):
        return
    prompt_id = data.get("photos_prompt")
    if prompt_id:
        await turn.edit_markup_of(prompt_id, None)  # its "skip" is stale now
    sent = await turn.say(text, reply_markup=markup)
    turn.save(photo_ack={"message_id": sent.message_id}, album_ack=None, photos_prompt=None)


async def on_photo_button(turn: Turn, value: str) -> None:
    """Done / skip go on to the location; clear removes the photos given so far."""
    if turn.draft.step != drafts.PHOTOS:
        await turn.answer(turn.t("bot.button.expired"))
        return
    await turn.answer()
    if value == "clear":
        media.remove_files(turn.config.MEDIA_DIR, drafts.photo_paths(turn.draft))
        turn.save(photos=[], album_ack=None, photo_ack=None)
        # The counter becomes "all removed" and the question again, in place.
        await prompts.show_step(turn, drafts.PHOTOS, lead=turn.t("bot.file.photos_cleared"))
        return
    await turn.edit_markup(None)
    await prompts.advance(turn, drafts.PHOTOS, album_ack=None, photo_ack=None, photos_prompt=None)


async def photos_text(turn: Turn) -> None:
    """Text at the photo step: say what is expected, with the buttons."""
    count = len(turn.draft.data.get("photos", []))
    await turn.say(turn.t("bot.file.photos_expected"), reply_markup=keyboards.photos(turn.lang, count))
