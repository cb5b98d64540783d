"""How the panel shows statuses, times and deadlines (Jinja filters and list formatters)."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from markupsafe import Markup, escape

import i18n
from core import status as st
from core.deadlines import humanize_remaining
from core.timefmt import local_datetime
from models import Complaint, utcnow
from panel.language import current_lang, tr

STATUS_STYLE = {
    st.NEW: "secondary", st.ASSIGNED: "primary", st.IN_PROGRESS: "info", st.RESOLVED: "success",
    st.CLOSED: "dark", st.REJECTED: "danger", st.FORWARDED: "warning", st.REOPENED: "warning",
}
DELIVERY_STYLE = {"pending": "secondary", "sending": "info", "sent": "success", "maybe_sent": "warning",
                  "failed": "danger"}
SOON = timedelta(hours=12)  # a deadline this close is shown in amber


def local_time(moment: datetime | None) -> str:
    """A stored UTC time in the regency's zone, e.g. "24 Nov 2026 14.00 WIB"; "—" when empty."""
    if moment is None:
        return "—"
    return local_datetime(moment, current_lang(), current_app.config["WADUL"].TIMEZONE)


def status_label(status: str) -> str:
    return st.label(status, current_lang())


def status_badge(status: str) -> Markup:
    style = STATUS_STYLE.get(status, "secondary")
    return Markup('<span class="badge badge-{} status-badge" data-status="{}">{}</span>').format(
        style, status, status_label(status))


def delivery_badge(state: str) -> Markup:
    return Markup('<span class="badge badge-{}">{}</span>').format(
        DELIVERY_STYLE.get(state, "secondary"), tr(f"panel.delivery.{state}"))


@dataclass
class Deadline:
    """The deadline an open complaint is working against, as the list and page show it."""

    kind: str          # "response" (first answer) or "resolution"
    due: datetime
    text: str          # "sisa 1 hari 3 jam" / "terlambat 5 jam"
    level: str         # "ok" | "soon" | "late"


def current_deadline(complaint: Complaint, now: datetime | None = None) -> Deadline | None:
    """The response deadline until the office first answers, then the resolution deadline."""
    if complaint.status not in st.OPEN:
        return None
    now = now or utcnow()
    if complaint.first_response_at is None and complaint.response_due_at:
        kind, due = "response", complaint.response_due_at
    elif complaint.resolution_due_at:
        kind, due = "resolution", complaint.resolution_due_at
    else:
        return None
    level = "late" if due <= now else "soon" if due - now <= SOON else "ok"
    return Deadline(kind, due, humanize_remaining(due, now, current_lang()), level)


def deadline_cell(complaint: Complaint) -> Markup:
    """The list's deadline column: what is due and how much time is left, coloured."""
    deadline = current_deadline(complaint)
    if deadline is None:
        return Markup('<span class="text-muted">—</span>')
    return Markup('<span class="deadline deadline-{}" title="{}"><small>{}</small><br><b>{}</b></span>').format(
        deadline.level, local_time(deadline.due), tr(f"panel.deadline.{deadline.kind}"), deadline.text)


def multiline(text: str | None) -> Markup:
    """Free text with its line breaks, escaped (people's text never becomes markup)."""
    return Markup("<br>").join(escape(line) for line in (text or "").splitlines())


def plain(html_text: str | None) -> str:
    """An outbox message (Telegram HTML) as plain text; the template escapes it again."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text or ""))


def tr_or(key: str, fallback: str) -> str:
    """A catalogue text when the key exists, else `fallback` (codes other areas may add)."""
    return tr(key) if key in i18n.catalogue() else fallback


def init_app(app) -> None:
    app.jinja_env.filters.update(local_time=local_time, status_label=status_label, status_badge=status_badge,
                                 delivery_badge=delivery_badge, multiline=multiline, plain=plain)
    app.jinja_env.globals.update(tr_or=tr_or)
    app.jinja_env.globals.update(current_deadline=current_deadline, deadline_cell=deadline_cell)
    app.jinja_env.filters.update(local_date=local_date, number=number)


def local_date(day) -> str:
    """A calendar date as people read it: "2 Nov 2026" ("Agu" in Indonesian)."""
    from core.timefmt import MONTHS_EN, MONTHS_ID

    months = MONTHS_EN if current_lang() == "en" else MONTHS_ID
    return f"{day.day} {months[day.month - 1]} {day.year}"


def number(value) -> str:
    """50.0 -> "50", 1.5 -> "1,5" (Indonesian) / "1.5"; "—" for none."""
    if value is None:
        return "—"
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if current_lang() == "id" else text
