"""What village officials see in the chat: a complaint's card, the village's list, and
their keyboards. Callback data (64 bytes at most):

    va:<complaint>:<ip|rs|rj|fw>:<last change id>   act on a complaint
    vo:<complaint>   open its card        vl:<page>   the village's list
    vx               cancel a pending note or photo    vp:skip   resolve without a photo
    vr:<opd id>|vr:admin   the OPD a village head's village-level complaint should go to
    vq:<complaint>  ask the reporter    vf:<opd> vg:<page> vc:ok  beyond the village (bot.village.asking)
"""
from __future__ import annotations

from datetime import datetime
from html import escape as escape_attr

import i18n
from bot import keyboards
from bot.common import Turn
from core import deadlines, status as st
from core.timefmt import local_datetime
from models import Complaint, Official, Opd, utcnow
from services.complaints import asking, desk
from services.messaging.outbox import escape
from services.messaging import notices

MAP_URL = "https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=17/{lat:.6f}/{lon:.6f}"


def deadline_line(complaint: Complaint, lang: str, tz: str, now: datetime) -> tuple[str, bool]:
    """The deadline the complaint works against, said for people, and whether it has passed."""
    kind, due = desk.current_due(complaint)
    if due is None:
        return i18n.t("village.deadline.none", lang), False
    text = i18n.t(f"village.deadline.{kind}", lang, due=local_datetime(due, lang, tz),
                  remaining=deadlines.humanize_remaining(due, now, lang))
    overdue = due <= now
    return (f"{text} {i18n.t('village.overdue', lang)}" if overdue else text), overdue


def card_text(complaint: Complaint, lang: str, tz: str, now: datetime) -> str:
    """One complaint as the village sees it: status, category, place, reporter, deadline, story, map."""
    lines = [i18n.t("village.card.head", lang, code=complaint.tracking_code, status=st.label(complaint.status, lang))]
    lines += notices.office_summary(complaint, lang)
    lines.append(notices.reporter_line(complaint, lang))
    if complaint.status in st.OPEN:
        lines.append(deadline_line(complaint, lang, tz, now)[0])
    if complaint.waiting_reporter_since is not None:
        lines.append(i18n.t("ask.card.waiting", lang, since=local_datetime(complaint.waiting_reporter_since, lang, tz)))
        if complaint.deadline_paused_since is not None:
            lines.append(i18n.t("ask.card.paused", lang))
    if complaint.reporter_news_at is not None:
        lines.append(i18n.t("ask.card.news", lang))
    answered = asking.last_answer(complaint.id)
    if answered is not None:  # the reporter's latest answer, threaded into the card
        lines.append(i18n.t("ask.card.answer", lang, question=escape(answered[0][:200]),
                            answer=escape(answered[1][:400])))
    lines += ["", f"<i>{notices.short_description(complaint)}</i>"]
    if complaint.latitude is not None and complaint.longitude is not None:
        url = MAP_URL.format(lat=complaint.latitude, lon=complaint.longitude)
        lines += ["", i18n.t("village.card.map", lang, url=escape_attr(url))]
    return "\n".join(lines)


def card_markup(official: Official, complaint: Complaint, lang: str):
    """The actions this official may take now, stamped with the complaint's last change."""
    rows = desk.action_rows(complaint, desk.last_change_id(complaint.id), desk.labels(lang), official)
    buttons = [[keyboards.button(text, data) for text, data in row] for row in rows]
    if complaint.status in st.OPEN and rows:  # asking the reporter (bot.village.asking)
        buttons.append([keyboards.button(i18n.t("ask.kb.ask", lang), f"vq:{complaint.id}")])
    return keyboards.inline(buttons) if buttons else None


async def send_card(turn: Turn, official: Official, complaint: Complaint) -> None:
    """Send the card with the buttons open to this official now (or say there are none)."""
    text = card_text(complaint, turn.lang, turn.config.TIMEZONE, utcnow())
    markup = card_markup(official, complaint, turn.lang)
    if markup is None:
        text += "\n\n" + turn.t("village.card.no_actions")
    await turn.say(text, reply_markup=markup)


def list_text(page: desk.Page, desa: str, lang: str, tz: str, now: datetime) -> str:
    lines = [i18n.t("village.list.head", lang, desa=desa, total=page.total, page=page.page, pages=page.pages)]
    first = (page.page - 1) * desk.PAGE_SIZE
    for n, complaint in enumerate(page.items, start=first + 1):
        category = notices.category_text(complaint, lang)
        lines.append(i18n.t("village.list.item", lang, n=n, code=complaint.tracking_code, category=category,
                            status=st.label(complaint.status, lang),
                            deadline=deadline_line(complaint, lang, tz, now)[0]))
    lines.append(i18n.t("village.list.hint", lang))
    return "\n\n".join(lines)


def list_markup(page: desk.Page, lang: str):
    codes = [keyboards.button(c.tracking_code, f"vo:{c.id}") for c in page.items]
    return keyboards.paged_list(lang, codes, page.page, page.pages, "vl")


def cancel_markup(lang: str):
    return keyboards.inline([[keyboards.button(i18n.t("village.kb.cancel", lang), "vx")]])


def photo_markup(lang: str):
    return keyboards.inline([[keyboards.button(i18n.t("village.kb.skip_photo", lang), "vp:skip"),
                              keyboards.button(i18n.t("village.kb.cancel", lang), "vx")]])


def opd_choices() -> list[Opd]:
    """Offices a village head may send a village-level complaint to (the main admin's has its own button)."""
    return list(Opd.select().where(Opd.active, ~Opd.is_main_admin).order_by(Opd.short_name, Opd.id))


def opd_markup(lang: str):
    buttons = [keyboards.button(opd.short_name or opd.name, f"vr:{opd.id}") for opd in opd_choices()]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return keyboards.inline(rows + [[keyboards.button(i18n.t("village.file.opd_admin", lang), "vr:admin")]])
