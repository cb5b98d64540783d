"""What every handler needs: who is talking, in which language, their draft, and how to answer.

Database calls here and in the handlers are short and synchronous, and no transaction is
ever held across an `await`: coroutines of different users share the event loop's thread
(and so its connection) but never interleave inside one transaction. The longer pieces
(claiming an update, filing the complaint, the summary) go through `database_work`: on
PostgreSQL they run in a worker thread, on that thread's own connection, whole (a
transaction never spans two threads), so the loop serves others while the database answers.
"""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Callable, TypeVar

from telegram import Message, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

import i18n
from bot import drafts, rules
from models import Draft, Reporter
from services import runtime
from services.messaging.outbox import escape

log = logging.getLogger(__name__)
Context = ContextTypes.DEFAULT_TYPE
T = TypeVar("T")


async def database_work(config, work: Callable[..., T], *args, **kwargs) -> T:
    """`work(*args)`: in a worker thread on PostgreSQL (waiting there, not on the event loop);
    inline on SQLite, whose answers take microseconds and whose one writer gains nothing."""
    if config is None or config.is_sqlite:
        return work(*args, **kwargs)
    return await asyncio.to_thread(work, *args, **kwargs)


def language_of(user) -> str:
    """The language chosen in the bot, else Telegram's (English or Indonesian)."""
    reporter = Reporter.get_or_none(Reporter.telegram_id == user.id)
    if reporter is not None and reporter.language_chosen:
        return i18n.normalize_lang(reporter.language)
    return i18n.normalize_lang(user.language_code)


@dataclass
class Turn:
    """One update as a handler sees it."""

    update: Update
    context: Context
    user_id: int
    chat_id: int
    lang: str
    draft: Draft
    answered: bool = False

    @property
    def bot(self):
        return self.context.bot

    @property
    def config(self):
        return self.context.bot_data.get("config") or runtime.config()

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def name(self) -> str:
        return escape(self.update.effective_user.first_name or "")

    async def say(self, text: str, reply_markup=None) -> Message:
        """Send a message to this chat (HTML; callers escape people's text)."""
        return await self.bot.send_message(self.chat_id, text[: rules.MAX_TEXT], reply_markup=reply_markup)

    async def reply(self, text: str, reply_markup=None) -> Message:
        """Answer quoting the person's message: which photo of an album a text is about."""
        from telegram import ReplyParameters

        if self.message is None:
            return await self.say(text, reply_markup)
        return await self.bot.send_message(
            self.chat_id, text[: rules.MAX_TEXT], reply_markup=reply_markup,
            reply_parameters=ReplyParameters(self.message.message_id, allow_sending_without_reply=True))

    async def answer(self, text: str | None = None) -> None:
        """Answer the button press once (Telegram shows a spinner until then; twice is an error)."""
        query = self.update.callback_query
        if query is not None and not self.answered:
            self.answered = True
            await query.answer(text[: rules.MAX_CALLBACK_ANSWER] if text else None)

    async def edit(self, text: str, reply_markup=None) -> None:
        """Replace the text of the message whose button was pressed."""
        query = self.update.callback_query
        try:
            await query.edit_message_text(text[: rules.MAX_TEXT], reply_markup=reply_markup)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise

    async def edit_markup(self, reply_markup=None) -> None:
        """Replace (or with None remove) the buttons of the pressed message, if they differ."""
        query = self.update.callback_query
        current = query.message.reply_markup if query.message else None
        if _same_markup(current, reply_markup):
            return  # Telegram refuses an edit that changes nothing
        try:
            await query.edit_message_reply_markup(reply_markup=reply_markup)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise

    async def show(self, text: str, reply_markup=None) -> int:
        """The pressed message edited into `text` when a button was pressed, else a new message;
        returns the message id (Telegram users expect a step's buttons to turn into its answer)."""
        query = self.update.callback_query
        if query is not None and query.message is not None:
            await self.edit(text, reply_markup)
            return query.message.message_id
        return (await self.say(text, reply_markup)).message_id

    async def say_clearing_keyboard(self, text: str, reply_markup=None) -> Message:
        """One message that removes the reply keyboard (location button) and carries inline buttons.

        A message takes one kind of keyboard when sent, so it goes with ReplyKeyboardRemove and its
        inline buttons are added by editMessageReplyMarkup; should Telegram refuse that edit, the
        buttons come under a second copy of the text, so that nothing is lost."""
        from telegram import ReplyKeyboardRemove

        sent = await self.say(text, reply_markup=ReplyKeyboardRemove())
        if reply_markup is None:
            return sent
        if await self.edit_markup_of(sent.message_id, reply_markup):
            return sent
        return await self.say(text, reply_markup)

    async def edit_message(self, message_id: int, text: str, reply_markup=None) -> bool:
        """Edit one of the bot's messages in this chat; False when Telegram cannot (gone, too old)."""
        try:
            await self.bot.edit_message_text(text[: rules.MAX_TEXT], chat_id=self.chat_id, message_id=message_id,
                                             reply_markup=reply_markup)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True
            log.info("message %s not edited: %s", message_id, exc.message)
            return False
        return True

    async def edit_markup_of(self, message_id: int, reply_markup=None) -> bool:
        """Replace (None: remove) the buttons of one of the bot's messages; False when Telegram cannot."""
        try:
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message_id,
                                                     reply_markup=reply_markup)
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return True
            log.info("buttons of message %s not edited: %s", message_id, exc.message)
            return False
        return True

    def save(self, step: str | None = None, **changes) -> Draft:
        return drafts.save(self.draft, step, **changes)


def _same_markup(current, new) -> bool:
    if not new:
        return not (current and current.inline_keyboard)
    return current is not None and current.to_dict() == new.to_dict()


def turn_of(update: Update, context: Context) -> Turn:
    """Who, where, which language and which draft (the gate claimed the update and read the row)."""
    user = update.effective_user
    chat_id = update.effective_chat.id if update.effective_chat else user.id
    draft = getattr(context, "wadul_draft", None)
    if draft is None or draft.telegram_user_id != user.id:  # the gate was bypassed
        draft = drafts.load(user.id)
        if draft is None:
            drafts.claim_update(user.id, chat_id, update.update_id)
            draft = drafts.load(user.id)
    if hasattr(draft, "chosen_language"):  # read with the draft, in the same query
        lang = i18n.normalize_lang(draft.chosen_language or user.language_code)
    else:
        lang = language_of(user)
    return Turn(update, context, user.id, chat_id, lang, draft)
