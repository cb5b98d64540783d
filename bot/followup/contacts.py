"""OPD contacts (/kontak): every active office's public hotline, WhatsApp and email."""
from __future__ import annotations

from bot import rules
from bot.common import Turn
from models import Opd
from services.messaging.outbox import escape


def contact_blocks(turn: Turn) -> list[str]:
    """One block per office that published a contact, in the directory's order."""
    blocks = []
    for opd in Opd.select().where(Opd.active == True).order_by(Opd.is_main_admin.desc(), Opd.name):  # noqa: E712
        if not opd.has_contact():
            continue
        lines = [f"<b>{escape(opd.name)}</b>"]
        for field in ("hotline", "whatsapp", "email"):
            value = getattr(opd, field)
            if value:
                lines.append(turn.t(f"bot.contacts.{field}", value=escape(value)))
        blocks.append("\n".join(lines))
    return blocks


async def show_contacts(turn: Turn) -> None:
    """The directory in as few messages as Telegram's length limit allows."""
    blocks = contact_blocks(turn)
    if not blocks:
        await turn.say(turn.t("bot.contacts.none"))
        return
    for text in rules.split_blocks([turn.t("bot.contacts.head")] + blocks):
        await turn.say(text)
