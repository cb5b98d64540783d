"""Keyboards of closing the loop in the chat (Telegram allows 64 bytes of callback data):

    fb:<complaint>:<resolution>:y|n   is it fixed? (also drawn for the outbox by services.feedback.messages)
    ro:<complaint>:<resolution>       reopen a closed complaint within the window
    rt:<complaint>:<1-5>              the rating          ai:<complaint>   add information
    fx:skip|nophoto|cancel            the comment, photo and text steps
"""
from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.keyboards import button, inline
from core import status as st
from i18n import t
from models import Complaint
from services.feedback import closing as feedback
from services.feedback.messages import resolution_id


def rating(lang: str, complaint_id: int) -> InlineKeyboardMarkup:
    return inline([[button(t("feedback.kb.stars", lang, n=n), f"rt:{complaint_id}:{n}") for n in range(1, 6)]])


def skip(lang: str) -> InlineKeyboardMarkup:
    return inline([[button(t("feedback.kb.skip", lang), "fx:skip")]])


def no_photo(lang: str) -> InlineKeyboardMarkup:
    return inline([[button(t("feedback.kb.no_photo", lang), "fx:nophoto")],
                   [button(t("feedback.kb.cancel", lang), "fx:cancel")]])


def cancel(lang: str) -> InlineKeyboardMarkup:
    return inline([[button(t("feedback.kb.cancel", lang), "fx:cancel")]])


def status_rows(complaint: Complaint, telegram_id: int, lang: str,
                now: datetime | None = None) -> list[list[InlineKeyboardButton]]:
    """What the reporter may do from the complaint's status view now (nothing for anybody else)."""
    reporter = feedback.reporter_of(telegram_id)
    if feedback.refusal(complaint, reporter, feedback.INFO) is None:
        return [[button(t("feedback.kb.add_info", lang), f"ai:{complaint.id}")]]
    if feedback.refusal(complaint, reporter, feedback.ANSWER) is None:
        resolution = resolution_id(complaint.id)
        return [[button(t("feedback.kb.yes", lang), f"fb:{complaint.id}:{resolution}:y"),
                 button(t("feedback.kb.no", lang), f"fb:{complaint.id}:{resolution}:n")]]
    reopenable = feedback.refusal(complaint, reporter, feedback.REOPEN, now=now) is None
    if complaint.status == st.CLOSED and complaint.rating is None and reopenable:
        # Closed without the reporter's word (automatically): the reopen window is still open.
        return [[button(t("feedback.kb.reopen", lang), f"ro:{complaint.id}:{resolution_id(complaint.id)}")]]
    return []
