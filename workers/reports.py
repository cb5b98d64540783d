"""The periodic compliance report: kept as a PeriodicReport row and sent to the report
recipients (linked oversight officials, chats added in the panel, LEADERSHIP_CHAT_ID). It counts what the leadership (oversight) may see, the panel's rule
(services.access): confidential complaints are left out of it.

The weekly report covers the last full week (local midnight to local midnight, ending on
REPORT_WEEKDAY) and is made once from REPORT_HOUR that day; the clock may ask every hour
and the job only acts when that week's report does not exist yet. On demand
(`python -m workers report`, `report_on_demand`) it covers the period asked and is sent every
time. The message is short: the headline figures, the most overdue offices, and a link to
the panel's report page for the period (services.reports.page_url, PANEL_URL).
"""
from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import i18n
from core.timefmt import MONTHS_EN, MONTHS_ID, to_local
from models import PeriodicReport, utcnow
from services import access, runtime, stats
from services import reports as panel_reports
from services.messaging import outbox
from services.tx import transaction
from services.messaging import notices
from workers.message_parts import split_html

log = logging.getLogger(__name__)

MAX_LINES = 5  # the message names the most overdue offices only; the panel page has them all


def last_week(now: datetime) -> tuple[datetime, datetime] | None:
    """The latest full week ending on REPORT_WEEKDAY at local midnight, once REPORT_HOUR passed."""
    cfg = runtime.config()
    tz = ZoneInfo(cfg.TIMEZONE)
    local = to_local(now, cfg.TIMEZONE)
    day = local.date() - timedelta(days=(local.weekday() - cfg.REPORT_WEEKDAY) % 7)
    if day == local.date() and local.hour < cfg.REPORT_HOUR:
        day -= timedelta(days=7)
    end = datetime.combine(day, time(0), tzinfo=tz).astimezone(timezone.utc).replace(tzinfo=None)
    return end - timedelta(days=7), end


def weekly_report(now: datetime | None = None) -> PeriodicReport | None:
    """Make last week's report unless it exists (several clocks or workers may ask): the
    clock's automatic run sends once per week."""
    now = now or utcnow()
    start, end = last_week(now)
    lock = runtime.redis().lock(f"{runtime.config().QUEUE_PREFIX}:report:{start:%Y%m%d}", timeout=300,
                                blocking_timeout=30)
    with lock:
        exists = PeriodicReport.select().where(PeriodicReport.period_start == start,
                                               PeriodicReport.period_end == end).exists()
        return None if exists else make_report(start, end, now)


def report_on_demand(first: date | None = None, last: date | None = None, days: int | None = None,
                     now: datetime | None = None) -> PeriodicReport:
    """`python -m workers report`: the period asked (local dates `first`..`last`, or the last
    `days` days up to now, or by default the last complete week), made and sent every time,
    even when that period's report was sent before."""
    now = now or utcnow()
    if days:
        return make_report(now - timedelta(days=days), now, now)
    if first is not None or last is not None:
        period = panel_reports.Period(first or last, last or first)
    else:
        period = panel_reports.last_complete_week(now)
    return make_report(period.start(), period.end(), now)


def make_report(start: datetime, end: datetime, now: datetime | None = None) -> PeriodicReport:
    """Compute, keep and send the report for [start, end) to every report recipient
    (services.messaging.notices.report_recipients, read now: panel changes need no restart)."""
    now = now or utcnow()
    # Counted as the leadership may see them: a confidential complaint is not theirs to learn of.
    data = stats.compute_report(start, end, now, scope=access.complaint_condition(access.LEADERSHIP))
    with transaction():
        report = PeriodicReport.create(period_start=start, period_end=end, data=data, created_at=now)
        for r in notices.report_recipients():
            for number, text in enumerate(split_html(report_text(data, start, end, r.lang))):
                outbox.add_message(r.chat_id, text, kind="report", recipient_label=r.label,
                                   dedupe_key=f"report:{report.id}:{r.chat_id}:{number}")
    log.info("report %s for %s - %s made", report.id, start, end)
    return report


def report_text(data: dict, start: datetime, end: datetime, lang: str) -> str:
    """The leadership's message: the headline figures, the offices most overdue, and a link to
    the panel's report page for the period (the whole table, chart, print and CSV are there)."""
    cfg = runtime.config()
    period = panel_reports.period_of(start, end)
    totals = panel_reports.headline(data["offices"])
    lines = [i18n.t("worker.report.title", lang, regency=outbox.escape(cfg.REGENCY_NAME),
                    start=local_date(period.first, lang), end=local_date(period.last, lang)), ""]
    if not any(o["received"] or o["overdue_now"] for o in data["offices"]):
        lines.append(i18n.t("worker.report.none", lang))
    else:
        lines.append(i18n.t("worker.report.received", lang, received=totals["received"]))
        if totals["due"]:
            lines.append(i18n.t("worker.report.on_time", lang, on_time=totals["answered_on_time"], due=totals["due"],
                                rate=_number(totals["on_time_rate"], lang)))
        else:
            lines.append(i18n.t("worker.report.nothing_due", lang))
        lines.append(i18n.t("worker.report.overdue", lang, overdue=totals["overdue_now"],
                            offices=totals["offices_with_overdue"]))
        if totals["avg_rating"] is not None:
            lines.append(i18n.t("worker.report.rating_total", lang, rating=_number(totals["avg_rating"], lang),
                                count=totals["rating_count"]))
        if totals["reopened"]:
            lines.append(i18n.t("worker.report.reopened_total", lang, count=totals["reopened"]))
        late = sorted((o for o in data["offices"] if o["overdue_now"]), key=lambda o: (-o["overdue_now"], o["name"]))
        if late:
            lines += ["", i18n.t("worker.report.most_overdue", lang)]
            lines += [_office_line(office, lang) for office in late[:MAX_LINES]]
    url = panel_reports.page_url(period)
    lines += ["", i18n.t("worker.report.link", lang, url=outbox.escape(url))]
    return "\n".join(lines)


def _office_line(office: dict, lang: str) -> str:
    """"• Dinas PUTR: 2 terlambat · 2 dari 4 tepat waktu" (or "tidak ada yang jatuh tempo")."""
    if office["due"]:
        on_time = i18n.t("worker.report.line_on_time", lang, on_time=office["answered_on_time"], due=office["due"])
    else:
        on_time = i18n.t("worker.report.line_nothing_due", lang)
    return i18n.t("worker.report.line", lang, office=outbox.escape(office["name"]), overdue=office["overdue_now"],
                  on_time=on_time)


def local_date(day: date, lang: str) -> str:
    """2 Nov 2026 (the months of core.timefmt)."""
    months = MONTHS_EN if lang == "en" else MONTHS_ID
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _number(value: float, lang: str) -> str:
    """1.5 -> "1,5" in Indonesian; whole numbers without decimals."""
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if lang != "en" else text
