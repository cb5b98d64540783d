"""Building the bot: the python-telegram-bot Application with Wadul's handlers.

Updates of different people are handled concurrently, one person's strictly in order and in
at most one of the shared slots (`PerUserUpdateProcessor`), after a per-person budget
(bot.transport.flood: BOT_PERSON_PER_MINUTE, BOT_PERSON_BURST). A gate in front of every handler drops
an update already handled for that user; the update counts as handled once its effect is
stored (bot.drafts), and Telegram is told it was received only after that (bot.transport.delivery). A
handler that fails gets one answer to the person (`on_error`), and the update stays
unrecorded. New messages are paced by bot.transport.limits.BotRateLimiter, from the budget in Redis
that the send workers share (BOT_GLOBAL_PER_SECOND, BOT_CHAT_BURST when Redis is away),
which also waits out a 429's retry_after. HTTP goes
through aiohttp (bot.transport.http.AiohttpRequest): httpx's connection pool cost the bot about half its
time under load. Nothing here runs at import time.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
from collections import deque
from typing import Awaitable, Callable

from telegram import BotCommand, BotCommandScopeAllPrivateChats, Update
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (Application, ApplicationBuilder, ApplicationHandlerStop,
                          BaseUpdateProcessor, CallbackQueryHandler, CommandHandler, Defaults, MessageHandler,
                          TypeHandler, filters)

import i18n
from peewee import DatabaseError, InterfaceError

from bot import drafts, router
from bot.transport import flood
from bot.common import Turn, database_work, language_of, turn_of
from bot.transport.delivery import ConfirmingBot, ConfirmingQueue, Deliveries, ReportsHandled
from bot.transport.http import AiohttpRequest
from bot.transport.limits import BotRateLimiter, shared_limits
from config import Config
from services import wiring

log = logging.getLogger(__name__)
MAX_CONCURRENT_UPDATES = 64
# Set while an update runs whose uniqueness Redis already settled (several webhook processes):
# the gate then records it even when a later update of the same person was handled first.
SEEN_ONCE = contextvars.ContextVar("wadul_update_seen_once", default=False)
UPDATE_MEMORY_SECONDS = 24 * 3600  # Telegram keeps an undelivered update at most 24 hours
PERSON_LEASE = 10                  # seconds a person's Redis lock outlives a killed process
BUSY, DONE = b"busy", b"done"     # an update id's state in Redis (several webhook processes)
ALLOWED_UPDATES = ["message", "callback_query"]
MENU_COMMANDS = (("start", "bot.cmd.start"), ("lapor", "bot.cmd.file"), ("aduanku", "bot.cmd.mine"),
                 ("kontak", "bot.cmd.contacts"), ("batal", "bot.cmd.cancel"), ("bantuan", "bot.cmd.help"),
                 ("bahasa", "bot.cmd.language"))
MENU_COMMANDS_EN = (("start", "bot.cmd.start"), ("report", "bot.cmd.file"), ("mine", "bot.cmd.mine"),
                    ("contacts", "bot.cmd.contacts"), ("cancel", "bot.cmd.cancel"), ("help", "bot.cmd.help"),
                    ("language", "bot.cmd.language"))


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Concurrent across people, in order for each person, and no person holding others up.

    PTB starts one task per update and takes one of its `max_concurrent_updates` slots before
    handing the update here. A person's first update runs in its slot; their next ones,
    arriving while it runs, are queued in that person's line and the tasks that brought them
    return at once, giving their slots back. The first update's task then works through the
    line in order. So one person occupies at most one slot however much they send: 150
    messages from one person used to take every slot, waiting on that person's lock, and
    another person's /bantuan waited 77 s.

    Before queueing, bot.transport.flood.PersonLimiter decides whether the update is handled at all
    (a token bucket per person; album items are kept; the flooder is told once to slow down).
    """

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES,
                 limiter: flood.PersonLimiter | None = None):
        super().__init__(max_concurrent_updates)
        self._lines: dict[int, deque] = {}  # person -> their updates waiting behind the running one
        self._redis = None
        self._prefix = ""
        self.limiter = limiter or flood.PersonLimiter(0, 0)
        self.bot = self.config = None  # set by build_application: to tell a flooder to slow down
        self._side_tasks: set[asyncio.Task] = set()

    def share_across_processes(self, redis_url: str, prefix: str) -> None:
        """Several bot processes behind one webhook: keep each person's updates one at a time
        across all of them (a Redis lock per person) and remember every update id in Redis.

        Telegram hands the next update to whichever process the proxy picks as soon as the
        previous one was acknowledged, so one person's album lands on several processes at
        once: without this, two processes would save the same draft over each other, and an
        update overtaken by its successor would look like a redelivery and be dropped.

        An update id is "busy" in Redis while handled and "done" afterwards: one still "busy"
        when its person's lock is free again was begun by a process that was killed, and the
        redelivery Telegram makes (bot.transport.delivery answers only after handling) is handled."""
        from redis import asyncio as aioredis

        self._redis = aioredis.from_url(redis_url, socket_timeout=5, socket_connect_timeout=2)
        self._prefix = prefix

    @staticmethod
    def key_of(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        if update.effective_user is not None:
            return update.effective_user.id
        return update.effective_chat.id if update.effective_chat is not None else None

    async def do_process_update(self, update: object, coroutine: Awaitable) -> None:
        """Run the update now if its person has nothing running, else queue it in their line."""
        key = self.key_of(update)
        if key is None:
            try:
                await coroutine
            finally:
                self.finished(update)
            return
        line = self._lines.get(key)
        verdict = self.limiter.check(key, update, queued=len(line) if line is not None else 0)
        if not verdict.admit:
            coroutine.close()
            self._dropped(update, verdict.tell)
            self.finished(update)
            return
        if line is not None:
            line.append((update, coroutine))  # the running task of this person will take it
            return
        line = self._lines[key] = deque()
        try:
            while True:
                try:
                    await self._run(update, key, coroutine)
                except Exception:  # PTB handles handler errors itself; this is ours: the line goes on
                    log.exception("update %s of user %s failed outside its handlers", update.update_id, key)
                finally:
                    self.finished(update)  # only now may Telegram be told (bot.transport.delivery)
                if not line:
                    break
                update, coroutine = line.popleft()
        finally:
            del self._lines[key]  # no await since the last check: nothing was added meanwhile
            for _, left in line:  # cancelled (shutdown): what was never started is let go
                left.close()

    def finished(self, update: object) -> None:
        """An update's handlers are done, or it was let go on purpose (bot.transport.delivery overrides)."""

    async def _run(self, update: Update, key: int, coroutine: Awaitable) -> None:
        if self._redis is None:
            await coroutine
        else:
            await self._across_processes(update, key, coroutine)

    def _dropped(self, update: Update, tell: bool) -> None:
        if self.bot is None:
            return
        jobs = [flood.answer_dropped(self.bot, update)] if update.callback_query is not None else []
        if tell:
            jobs.append(flood.slow_down(self.bot, update, self.config))
        for job in jobs:
            task = asyncio.create_task(job)
            self._side_tasks.add(task)
            task.add_done_callback(self._side_tasks.discard)

    async def _across_processes(self, update: Update, key: int, coroutine: Awaitable) -> None:
        from redis.exceptions import RedisError

        # A short lease kept alive while the update runs: a killed process's lock frees itself
        # in PERSON_LEASE seconds, not minutes (its person's next updates wait that long).
        lock = self._redis.lock(f"{self._prefix}:bot:person:{key}", timeout=PERSON_LEASE, blocking_timeout=60)
        seen = f"{self._prefix}:bot:update:{update.update_id}"
        try:
            locked = await lock.acquire()
            first = await self._redis.set(seen, BUSY, nx=True, ex=UPDATE_MEMORY_SECONDS)
            if not first and locked and await self._redis.get(seen) == BUSY:
                # Begun but never finished, and this person's lock is ours: the process that
                # began it died (kill -9), and Telegram delivers it again. Handle it.
                log.warning("update %s was begun by a bot process that stopped; handled again", update.update_id)
                first = True
        except RedisError as exc:  # Redis away: this process's order and the database's memory still hold
            log.warning("Redis unavailable for update %s (%s); handled with this process's order only",
                        update.update_id, exc)
            await coroutine
            return
        if not first:
            log.info("update %s was already handled by a bot process; dropped", update.update_id)
            coroutine.close()
            await self._release(lock, locked)
            return
        token = SEEN_ONCE.set(True)
        lease = asyncio.create_task(self._keep_lease(lock)) if locked else None
        try:
            await coroutine
            try:
                await self._redis.set(seen, DONE, ex=UPDATE_MEMORY_SECONDS)
            except RedisError as exc:
                log.warning("update %s not marked done in Redis: %s", update.update_id, exc)
        finally:
            SEEN_ONCE.reset(token)
            if lease is not None:
                lease.cancel()
            await self._release(lock, locked)

    @staticmethod
    async def _keep_lease(lock) -> None:
        """Renew the person's lock while their update runs (cancelled when it is done)."""
        from redis.exceptions import LockError, RedisError

        while True:
            await asyncio.sleep(PERSON_LEASE / 3)
            try:
                await lock.extend(PERSON_LEASE, replace_ttl=True)
            except (LockError, RedisError) as exc:
                log.warning("could not renew a person's lock: %s", exc)
                return

    @staticmethod
    async def _release(lock, locked: bool) -> None:
        from redis.exceptions import LockError, RedisError

        if locked:
            try:
                await lock.release()
            except (LockError, RedisError) as exc:  # expired (renewal failed) or Redis away
                log.warning("could not release a person's lock: %s", exc)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Let the slow-down messages go out; close the Redis connection when shared across processes."""
        if self._side_tasks:
            await asyncio.gather(*self._side_tasks, return_exceptions=True)
        if self._redis is not None:
            await self._redis.aclose()


class ConfirmingUpdateProcessor(ReportsHandled, PerUserUpdateProcessor):
    """PerUserUpdateProcessor that reports each finished update to bot.transport.delivery."""


def build_application(config: Config) -> Application:
    """The bot, pointed at config.TELEGRAM_API_URL, with every handler registered.

    Its bot and update queue confirm an update to Telegram only once it is handled, in
    polling and webhook mode alike (bot.transport.delivery)."""
    wiring.wire()
    api = config.TELEGRAM_API_URL.rstrip("/")
    deliveries = Deliveries()
    bot = ConfirmingBot(
        config.TELEGRAM_BOT_TOKEN, base_url=f"{api}/bot", base_file_url=f"{api}/file/bot",
        request=AiohttpRequest(connection_pool_size=MAX_CONCURRENT_UPDATES),
        get_updates_request=AiohttpRequest(connection_pool_size=1),
        defaults=Defaults(parse_mode=ParseMode.HTML),
        rate_limiter=BotRateLimiter(config.BOT_GLOBAL_PER_SECOND, config.BOT_CHAT_BURST, max_retries=3,
                                    shared=shared_limits(config)),
        deliveries=deliveries, config=config,
    )
    processor = ConfirmingUpdateProcessor(limiter=flood.PersonLimiter(config.BOT_PERSON_PER_MINUTE,
                                                                      config.BOT_PERSON_BURST))
    processor.deliveries = deliveries
    application = (
        ApplicationBuilder()
        .bot(bot)
        .update_queue(ConfirmingQueue(deliveries))
        .concurrent_updates(processor)
        .post_init(on_startup)
        .build()
    )
    processor.bot, processor.config = application.bot, config
    application.bot_data["config"] = config  # handlers read settings from here (Turn.config)
    register_handlers(application)
    return application


def turn_handler(action: Callable[[Turn], Awaitable[None]]):
    """Adapt `action(turn)` to PTB's `callback(update, context)`."""
    async def callback(update: Update, context) -> None:
        """Build the turn, then act."""
        await action(turn_of(update, context))

    callback.__doc__ = action.__doc__
    callback.__name__ = getattr(action, "__name__", "handler")
    return callback


def register_handlers(application: Application) -> None:
    """The gate first (group -1), then commands, buttons and messages (group 0), the record
    of a handled update (group 1), one error handler."""
    application.add_handler(TypeHandler(Update, gate), group=-1)
    private = filters.ChatType.PRIVATE
    for name, action in router.COMMANDS.items():
        application.add_handler(CommandHandler(name, turn_handler(action), filters=private))
    application.add_handler(CallbackQueryHandler(turn_handler(router.on_callback)))
    application.add_handler(MessageHandler(private & filters.UpdateType.MESSAGE, turn_handler(router.on_message)))
    application.add_handler(TypeHandler(Update, handled), group=1)
    application.add_error_handler(on_error)


async def gate(update: Update, context) -> None:
    """Drop what the bot must not handle: updates without a person, group chatter, redeliveries."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or (update.message is not None and chat is not None and chat.type != ChatType.PRIVATE):
        raise ApplicationHandlerStop
    private_chat = chat.id if chat is not None and chat.type == ChatType.PRIVATE else user.id
    # One or two round trips: on PostgreSQL in a worker thread while the loop serves other people.
    # Nothing is recorded yet: the update id is stored with the update's effect (bot.drafts).
    draft = await database_work(context.bot_data.get("config"), drafts.open_update, user.id, private_chat,
                                update.update_id, SEEN_ONCE.get())
    if draft is None:
        log.info("update %s of user %s was already handled; dropped", update.update_id, user.id)
        raise ApplicationHandlerStop
    context.wadul_draft = draft  # the handlers' turn_of reads it instead of loading it again


async def handled(update: Update, context) -> None:
    """After the handlers (not after a failure): record the update as handled if no step
    write did already."""
    draft = getattr(context, "wadul_draft", None)
    if draft is not None and getattr(draft, "pending_update_id", None) is not None:
        await database_work(context.bot_data.get("config"), drafts.mark_handled, draft)


async def on_error(update: object, context) -> None:
    """Log with context; tell the person once, and stop this update's other handlers.

    The update is not recorded as handled. When the database failed (down, restarting), the
    person is told that their last message was not stored and to send it again: a database
    connection that broke is replaced by the next statement (models.ReconnectingPostgresqlDatabase)."""
    user_id = update.effective_user.id if isinstance(update, Update) and update.effective_user else None
    error = context.error
    if isinstance(error, (DatabaseError, InterfaceError)):
        log.error("database error handling update %s (user %s): %s: %s; the person is asked to send it again",
                  getattr(update, "update_id", None), user_id, type(error).__name__, str(error).strip()[:300])
    else:
        log.error("error handling update %s (user %s)", getattr(update, "update_id", None), user_id,
                  exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None or update.effective_user is None:
        raise ApplicationHandlerStop
    draft = getattr(context, "wadul_draft", None)
    if draft is not None and getattr(draft, "chosen_language", None):
        lang = i18n.normalize_lang(draft.chosen_language)
    else:
        try:
            lang = language_of(update.effective_user)
        except Exception:  # the database may be what failed
            lang = i18n.normalize_lang(update.effective_user.language_code)
    key = "bot.error_unsaved" if isinstance(error, (DatabaseError, InterfaceError)) else "bot.error"
    try:
        await context.bot.send_message(update.effective_chat.id, i18n.t(key, lang))
    except TelegramError as exc:
        log.warning("could not tell user %s about the error: %s", user_id, exc)
    raise ApplicationHandlerStop  # one answer per update: no later group runs after a failure


async def on_startup(application: Application) -> None:
    """Queue the updates a previous run held and never handled (bot.transport.delivery), then publish
    the command menu in Indonesian (default) and English."""
    if isinstance(application.bot, ConfirmingBot):
        await application.bot.replay_held(application.update_queue)
    try:
        scope = BotCommandScopeAllPrivateChats()
        await application.bot.set_my_commands(_commands(MENU_COMMANDS, "id"), scope=scope)
        await application.bot.set_my_commands(_commands(MENU_COMMANDS_EN, "en"), scope=scope, language_code="en")
    except TelegramError as exc:
        log.warning("command menu not published: %s", exc)


def _commands(items, lang: str) -> list[BotCommand]:
    return [BotCommand(name, i18n.t(key, lang)) for name, key in items]
