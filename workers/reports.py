"""The periodic compliance report: kept as a PeriodicReport row for the panel and sent to the
leadership chat. It counts what the leadership (oversight) may see, the panel's rule
(services.access): confidential complaints are left out of it.

The weekly report covers the last full week (local midnight to local midnight, ending on
REPORT_WEEKDAY) and is made once from REPORT_HOUR that day; the clock may ask every hour
and the job only acts when that week's report does not exist yet. On demand, `make_report`
covers any period.
"""
from __future__ import annotations

import logging
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import i18n
from core.timefmt import to_local
from models import PeriodicReport, utcnow
from services import access, runtime, stats
from services.messaging import outbox
from services.complaints.status_door import format_due
from services.tx import transaction
from services.messaging import notices
from workers.message_parts import split_html

log = logging.getLogger(__name__)

MAX_LINES = 60  # a chat message is not the place for 300 villages; the panel has them all


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
    """Make last week's report unless it exists (several clocks or workers may ask)."""
    now = now or utcnow()
    start, end = last_week(now)
    lock = runtime.redis().lock(f"{runtime.config().QUEUE_PREFIX}:report:{start:%Y%m%d}", timeout=300,
                                blocking_timeout=30)
    with lock:
        exists = PeriodicReport.select().where(PeriodicReport.period_start == start,
                                               PeriodicReport.period_end == end).exists()
        return None if exists else make_report(start, end, now)


def make_report(start: datetime, end: datetime, now: datetime | None = None) -> PeriodicReport:
    """Compute, keep and send the report for [start, end)."""
    now = now or utcnow()
    # Counted as the leadership may see them: a confidential complaint is not theirs to learn of.
    data = stats.compute_report(start, end, now, scope=access.complaint_condition(access.LEADERSHIP))
    with transaction():
        report = PeriodicReport.create(period_start=start, period_end=end, data=data, created_at=now)
        for r in notices.leadership_recipients():
            for number, text in enumerate(split_html(report_text(data, start, end, r.lang))):
                outbox.add_message(r.chat_id, text, kind="report", recipient_label=r.label,
                                   dedupe_key=f"report:{report.id}:{r.chat_id}:{number}")
    log.info("report %s for %s - %s made", report.id, start, end)
    return report


def report_text(data: dict, start: datetime, end: datetime, lang: str) -> str:
    """The leadership's message: totals, then one short line per office, most punctual first."""
    cfg = runtime.config()
    lines = [i18n.t("worker.report.title", lang, regency=outbox.escape(cfg.REGENCY_NAME),
                    start=format_due(start, lang), end=format_due(end, lang)), ""]
    totals = data["totals"]
    lines.append(i18n.t("worker.report.totals", lang, received=totals["received"],
                        on_time=totals["answered_on_time"], overdue=totals["overdue_now"]))
    active = [o for o in data["offices"] if o["received"] or o["overdue_now"]]
    if not active:
        return "\n".join(lines + ["", i18n.t("worker.report.none", lang)])
    lines.append("")
    for rank, office in enumerate(active[:MAX_LINES], start=1):
        lines.append(_office_line(rank, office, lang))
    return "\n".join(lines + ["", i18n.t("worker.report.legend", lang)])


def _office_line(rank: int, office: dict, lang: str) -> str:
    rate = f" ({_number(office['on_time_rate'], lang)}%)" if office["on_time_rate"] is not None else ""
    hours = office["median_first_response_hours"]
    median = i18n.t("worker.report.hours", lang, hours=_number(hours, lang)) if hours is not None else "-"
    text = i18n.t("worker.report.line", lang, rank=rank, office=outbox.escape(office["name"]),
                  received=office["received"], on_time=office["answered_on_time"], rate=rate, median=median,
                  overdue=office["overdue_now"])
    if office["avg_rating"] is not None:
        text += i18n.t("worker.report.rating", lang, rating=_number(office["avg_rating"], lang))
    if office.get("reopened"):
        text += i18n.t("feedback.report.reopened", lang, count=office["reopened"])
    return text


def _number(value: float, lang: str) -> str:
    """1.5 -> "1,5" in Indonesian; whole numbers without decimals."""
    text = f"{value:g}" if float(value).is_integer() else f"{value:.1f}"
    return text.replace(".", ",") if lang != "en" else text
