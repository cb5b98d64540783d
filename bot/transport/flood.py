"""How many updates one person may make the bot handle: a token bucket per person.

One person sending 150 messages in a burst once stalled everybody: every update waited on
its person's lock while holding one of the framework's shared concurrency slots (see
bot.app.PerUserUpdateProcessor, which now queues a person's updates without a slot). This
module decides which of a person's updates are handled at all:

- each person has a bucket of BOT_PERSON_BURST updates, refilled at BOT_PERSON_PER_MINUTE;
  filing a whole complaint (about a dozen updates over a few minutes) never comes near it;
- an update beyond it is dropped, and the person gets ONE polite "slow down" message per
  NOTICE_EVERY seconds (not one per dropped update, which would be a flood of our own);
- what carries data the resident gave is not dropped for being fast: the items of an album
  (photos or files sharing a media_group_id; Telegram sends up to 10 at once) are admitted
  up to ALBUM_ITEMS per album even when the bucket is empty. Beyond that, and beyond
  MAX_QUEUED updates waiting for one person, everything is dropped: no one person may make
  the process hold an unbounded queue;
- a dropped button press is answered (an empty callback answer) so its spinner stops.

Limits are per bot process: with several webhook processes behind one URL a person's budget
is that many times larger, which still bounds the work per process.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from telegram.error import TelegramError

import i18n
from bot.common import database_work, language_of

log = logging.getLogger(__name__)

NOTICE_EVERY = 60.0   # seconds between two slow-down messages to one person
ALBUM_ITEMS = 10      # Telegram's largest album
MAX_QUEUED = 50       # updates waiting for one person beyond which nothing more is queued
PRUNE_AT = 20_000     # idle people are forgotten beyond this many


@dataclass
class _Person:
    tokens: float
    stamp: float
    notified_at: float = float("-inf")
    albums: dict | None = None   # media_group_id -> items admitted


@dataclass(frozen=True)
class Verdict:
    """Handle the update or drop it; and whether to tell the person to slow down now."""

    admit: bool
    tell: bool = False


def album_item(update) -> str | None:
    """The album an update's photo or file belongs to (None for anything else)."""
    message = getattr(update, "message", None)
    if message is None or not message.media_group_id:
        return None
    return message.media_group_id if (message.photo or message.document) else None


class PersonLimiter:
    """A token bucket per person (`per_minute` refill, `burst` capacity); 0 turns it off."""

    def __init__(self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = per_minute / 60.0
        self.burst = burst
        self.enabled = per_minute > 0 and burst > 0
        self._clock = clock
        self._people: dict[int, _Person] = {}
        self.dropped = 0  # a counter for logs and tests

    def check(self, key: int, update, queued: int = 0) -> Verdict:
        """Whether this person's update is handled (`queued`: their updates already waiting)."""
        if not self.enabled:
            return Verdict(True)
        now = self._clock()
        person = self._people.get(key)
        if person is None:
            if len(self._people) >= PRUNE_AT:
                self._prune(now)
            person = self._people[key] = _Person(float(self.burst), now)
        person.tokens = min(float(self.burst), person.tokens + (now - person.stamp) * self.rate)
        person.stamp = now
        if queued < MAX_QUEUED:
            if person.tokens >= 1:
                person.tokens -= 1
                return Verdict(True)
            album = album_item(update)
            if album is not None:
                albums = person.albums = person.albums or {}
                if albums.get(album, 0) < ALBUM_ITEMS:
                    albums[album] = albums.get(album, 0) + 1
                    if len(albums) > 20:
                        albums.pop(next(iter(albums)))
                    return Verdict(True)
        self.dropped += 1
        tell = now - person.notified_at >= NOTICE_EVERY
        if tell:
            person.notified_at = now
            log.warning("user %s sends faster than %d updates a minute; dropping the excess", key,
                        round(self.rate * 60))
        return Verdict(False, tell)

    def _prune(self, now: float) -> None:
        for key in [k for k, p in self._people.items()
                    if p.tokens + (now - p.stamp) * self.rate >= self.burst and now - p.notified_at >= NOTICE_EVERY]:
            del self._people[key]


async def slow_down(bot, update, config=None) -> None:
    """Tell the person, politely and once, that the bot is skipping their messages for a moment
    (in the language they chose in the bot, else their Telegram's)."""
    user, chat = update.effective_user, update.effective_chat
    lang = i18n.normalize_lang(user.language_code if user is not None else None)
    try:
        if user is not None:
            lang = await database_work(config, language_of, user)
    except Exception as exc:  # the database may be what is overwhelmed: Telegram's language will do
        log.info("language of %s not read: %s", user.id if user else None, exc)
    try:
        if chat is not None and chat.type == "private":
            await bot.send_message(chat.id, i18n.t("bot.flood.slow_down", lang, seconds=int(NOTICE_EVERY)))
    except TelegramError as exc:
        log.info("slow-down message to %s not sent: %s", chat.id if chat else None, exc)


async def answer_dropped(bot, update) -> None:
    """A dropped button press still gets its (empty) answer, so the button stops spinning."""
    from telegram.error import TelegramError

    query = getattr(update, "callback_query", None)
    if query is None:
        return
    try:
        await bot.answer_callback_query(query.id)
    except TelegramError as exc:
        log.info("dropped button press not answered: %s", exc)
