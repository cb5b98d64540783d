"""The command menu of a linked village official's chat: everyone's commands plus /desa.

Telegram shows a chat the commands of its narrowest scope (BotCommandScopeChat before the
all-private-chats list published at start), so the village's menu is set for that chat
alone, in Indonesian (no language code) and English, right after the account is linked.
"""
from __future__ import annotations

import logging

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

import i18n
from bot.common import Turn

log = logging.getLogger(__name__)

VILLAGE_COMMANDS = (("start", "bot.cmd.start"), ("desa", "bot.cmd.village"), ("lapor", "bot.cmd.file"),
                    ("aduanku", "bot.cmd.mine"), ("kontak", "bot.cmd.contacts"), ("batal", "bot.cmd.cancel"),
                    ("bantuan", "bot.cmd.help"), ("bahasa", "bot.cmd.language"))
VILLAGE_COMMANDS_EN = (("start", "bot.cmd.start"), ("village", "bot.cmd.village"), ("report", "bot.cmd.file"),
                       ("mine", "bot.cmd.mine"), ("contacts", "bot.cmd.contacts"), ("cancel", "bot.cmd.cancel"),
                       ("help", "bot.cmd.help"), ("language", "bot.cmd.language"))


def commands(items, lang: str) -> list[BotCommand]:
    return [BotCommand(name, i18n.t(key, lang)) for name, key in items]


async def publish(turn: Turn) -> bool:
    """Set the village menu for this chat; False (logged) when Telegram refused it."""
    scope = BotCommandScopeChat(turn.chat_id)
    try:
        await turn.bot.set_my_commands(commands(VILLAGE_COMMANDS, "id"), scope=scope)
        await turn.bot.set_my_commands(commands(VILLAGE_COMMANDS_EN, "en"), scope=scope, language_code="en")
    except TelegramError as exc:
        log.warning("village command menu not set for chat %s: %s", turn.chat_id, exc)
        return False
    return True
