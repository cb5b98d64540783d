"""OPD contacts (/kontak): every active office's public hotline, WhatsApp and email, a page
at a time; "previous"/"next" edit the same message ("kt:<page>")."""
from __future__ import annotations

from bot import keyboards, rules
from bot.common import Turn
from models import Opd
from services.messaging.outbox import escape

PAGE_SIZE = 8  # offices a page: a phone screen, well under Telegram's 4096 characters


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


def page_of(turn: Turn, blocks: list[str], page: int) -> tuple[str, object]:
    """(text, buttons) of one page of the directory."""
    pages = max(1, (len(blocks) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(1, page), pages)
    head = turn.t("bot.contacts.head")
    if pages > 1:
        head += " · " + turn.t("bot.contacts.page", page=page, pages=pages)
    text = rules.split_blocks([head] + blocks[(page - 1) * PAGE_SIZE:page * PAGE_SIZE])[0]
    markup = keyboards.paged_list(turn.lang, [], page, pages, "kt") if pages > 1 else None
    return text, markup


async def show_contacts(turn: Turn) -> None:
    """The first page of the directory (a command or the menu: a new message)."""
    blocks = contact_blocks(turn)
    if not blocks:
        await turn.say(turn.t("bot.contacts.none"))
        return
    await turn.say(*page_of(turn, blocks, 1))


async def on_page_button(turn: Turn, value: str) -> None:
    """"kt:<page>": that page, in the same message."""
    await turn.answer()
    blocks = contact_blocks(turn)
    if not blocks:
        await turn.edit(turn.t("bot.contacts.none"))
        return
    await turn.edit(*page_of(turn, blocks, rules.parse_id(value) or 1))
