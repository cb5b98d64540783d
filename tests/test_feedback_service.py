"""Closing the loop at the service level, on a real database: the resolved message, confirm
and rating, reopening with fresh deadlines and office notices, the reopen limit, the reopen
window after automatic closing, extra information, and who may do any of it."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

import models
from core import status as st
from models import Complaint, Opd, OutboundMessage, Photo, StatusChange
from panel import dashboard
from sandbox.botapi import sample_jpeg
from services import media, runtime
from services.feedback import closing as feedback
from services.feedback.closing import FeedbackError
from services.feedback.messages import resolution_id
from services.stats import compute_report
from services.complaints.status_door import Change, change_status
from tests.factories import make_complaint, make_official, make_reporter
from workers import reports, sweeps
from services.complaints import assignment

T0 = datetime(2026, 11, 2, 2, 0)   # Monday 09.00 WIB
H = timedelta(hours=1)


@pytest.fixture
def world(seeded, redis_conn):
    """Seeded database; the DPUTR and Diskominfo offices have notice chats."""
    Opd.update(telegram_chat_id=-100111).where(Opd.code == "DPUTR").execute()
    Opd.update(telegram_chat_id=-100999).where(Opd.code == "DISKOMINFO").execute()
    return seeded


def resolved(at: datetime = T0, **overrides) -> tuple[Complaint, StatusChange]:
    """A DPUTR road complaint resolved by its staff at `at` (with the office's note)."""
    complaint = make_complaint(created_at=at - 48 * H, assigned_at=at - 48 * H, **overrides)
    history = change_status(complaint.id, Change(st.RESOLVED, note="Lubang sudah ditambal aspal.",
                                                 actor=make_official()), now=at)
    return reload(complaint), history


def reload(complaint: Complaint) -> Complaint:
    return Complaint.get_by_id(complaint.id)


def rows_to(chat_id: int) -> list[OutboundMessage]:
    return list(OutboundMessage.select().where(OutboundMessage.chat_id == chat_id).order_by(OutboundMessage.id))


def saved_photo(config, name: str = "bukti") -> media.SavedPhoto:
    return media.store_photo(sample_jpeg(320, 240), config.MEDIA_DIR, name)


# --- the resolved message ---------------------------------------------------------------------
def test_the_resolved_message_carries_the_note_the_photo_and_two_buttons(world):
    complaint = make_complaint()
    photo = Photo.create(kind="result", path="hasil/1.jpg")
    history = change_status(complaint.id, Change(st.RESOLVED, note="Sudah ditambal <aspal> & dipadatkan",
                                                 actor=make_official(), photo_ids=[photo.id]))
    [row] = rows_to(complaint.reporter.chat_id)
    assert "sudah selesai" in row.text and "ditambal &lt;aspal&gt; &amp; dipadatkan" in row.text
    assert "benar-benar beres" in row.text and "7 hari" in row.text and row.photo_path == "hasil/1.jpg"
    data = [b["callback_data"] for b in row.reply_markup["inline_keyboard"][0]]
    assert data == [f"fb:{complaint.id}:{history.id}:y", f"fb:{complaint.id}:{history.id}:n"]
    assert resolution_id(complaint.id) == history.id


def test_english_reporters_read_english(world):
    complaint, _ = resolved(reporter=make_reporter(language="en"))
    [row] = rows_to(complaint.reporter.chat_id)
    assert "really fixed" in row.text and row.reply_markup["inline_keyboard"][0][1]["text"] == "❌ Not fixed"


# --- fixed: confirm, rate, comment -----------------------------------------------------------------
def test_confirm_closes_then_the_rating_and_comment_are_kept_once(world):
    complaint, history = resolved()
    reporter = complaint.reporter
    closing = feedback.confirm_fixed(complaint.id, reporter, history.id, now=T0 + 2 * H)
    complaint = reload(complaint)
    assert complaint.status == st.CLOSED and complaint.closed_at == T0 + 2 * H
    assert closing.actor_reporter_id == reporter.id and "sudah beres" in closing.note
    assert len(rows_to(reporter.chat_id)) == 1  # only the resolved message: the bot answers the reporter itself
    rated = feedback.rate(complaint.id, reporter, 4, now=T0 + 3 * H)
    assert (rated.rating, rated.rated_at, rated.feedback) == (4, T0 + 3 * H, "")
    with pytest.raises(FeedbackError) as again:
        feedback.rate(complaint.id, reporter, 5)
    assert again.value.code == "already_rated" and reload(complaint).rating == 4
    feedback.add_comment(complaint.id, reporter, "  Cepat sekali, terima kasih PUTR!  ")
    assert reload(complaint).feedback == "Cepat sekali, terima kasih PUTR!"
    with pytest.raises(FeedbackError):
        feedback.add_comment(complaint.id, reporter, "Komentar kedua")
    notes = [h.note for h in StatusChange.select().where(StatusChange.complaint == complaint).order_by(StatusChange.id)]
    assert "Penilaian pelapor: 4/5" in notes and "Komentar pelapor: Cepat sekali, terima kasih PUTR!" in notes


def test_a_rating_needs_a_confirmed_complaint_and_sane_stars(world):
    complaint, history = resolved()
    reporter = complaint.reporter
    with pytest.raises(FeedbackError) as early:
        feedback.rate(complaint.id, reporter, 5)
    assert early.value.code == "stale"
    with pytest.raises(FeedbackError) as comment_first:
        feedback.add_comment(complaint.id, reporter, "Bagus")
    assert comment_first.value.code == "stale"
    feedback.confirm_fixed(complaint.id, reporter, history.id)
    for stars in (0, 6, "5"):
        with pytest.raises(FeedbackError) as bad:
            feedback.rate(complaint.id, reporter, stars)
        assert bad.value.code == "bad_stars"
    assert reload(complaint).rating is None


def test_only_the_reporter_and_only_for_the_current_resolution(world):
    complaint, history = resolved()
    stranger = make_reporter()
    for action in (lambda: feedback.confirm_fixed(complaint.id, stranger, history.id),
                   lambda: feedback.reopen(complaint.id, stranger, "Masih rusak parah", resolution=history.id),
                   lambda: feedback.confirm_fixed(complaint.id, None)):
        with pytest.raises(FeedbackError) as refused:
            action()
        assert refused.value.code == "not_reporter"
    assert reload(complaint).status == st.RESOLVED and reload(complaint).reopen_count == 0
    feedback.reopen(complaint.id, complaint.reporter, "Masih berlubang di sisi kiri", resolution=history.id, now=T0 + H)
    change_status(complaint.id, Change(st.RESOLVED, note="Sisi kiri juga ditambal", actor=make_official()),
                  now=T0 + 5 * H)
    with pytest.raises(FeedbackError) as old_button:
        feedback.confirm_fixed(complaint.id, complaint.reporter, history.id)
    assert old_button.value.code == "stale" and reload(complaint).status == st.RESOLVED
    feedback.confirm_fixed(complaint.id, complaint.reporter, resolution_id(complaint.id))
    with pytest.raises(FeedbackError) as twice:
        feedback.confirm_fixed(complaint.id, complaint.reporter, resolution_id(complaint.id))
    assert twice.value.code == "stale"
    with pytest.raises(FeedbackError) as missing:
        feedback.confirm_fixed(999999, complaint.reporter)
    assert missing.value.code == "not_found"


# --- not fixed: reopen ---------------------------------------------------------------------------
def test_reopen_goes_back_to_the_office_with_fresh_deadlines_and_a_notice(world):
    staff = make_official(telegram_user_id=5551, telegram_chat_id=5551)
    complaint, history = resolved(first_response_at=T0 - 40 * H, escalation_level=1)
    photo = saved_photo(world, "reopen-test")
    now = T0 + 26 * H
    result = feedback.reopen(complaint.id, complaint.reporter, "  Tambalannya sudah <retak> lagi  ",
                             photos=[photo], resolution=history.id, now=now)
    complaint = reload(complaint)
    road = complaint.category
    assert complaint.status == st.REOPENED and complaint.reopen_count == 1 and complaint.assigned_opd.code == "DPUTR"
    assert complaint.response_due_at == now + road.response_hours * H
    assert complaint.resolution_due_at == now + road.resolution_hours * H
    assert complaint.first_response_at is None and complaint.resolved_at is None and complaint.escalation_level == 0
    assert result.handed_to is None and not result.past_limit
    assert result.history.note == "Tambalannya sudah <retak> lagi" and result.history.actor_reporter_id
    [stored] = Photo.select().where(Photo.status_change == result.history)
    assert stored.kind == "reopen" and stored.complaint_id == complaint.id and stored.path == photo.path
    for chat in (-100111, 5551):
        [notice] = rows_to(chat)
        assert "dibuka kembali oleh pelapor" in notice.text and "ke-1 kali" in notice.text
        assert "&lt;retak&gt;" in notice.text and "Mohon ditanggapi paling lambat" in notice.text
        assert notice.photo_path == photo.path and notice.kind == "notice"
    assert len(rows_to(complaint.reporter.chat_id)) == 1  # the reporter acted: the bot answers them
    assert staff.telegram_chat_id == 5551


def test_reopen_within_the_window_after_automatic_closing_and_not_after(world):
    runtime.use(world.with_(AUTO_CLOSE_DAYS=7, REOPEN_WINDOW_DAYS=14))
    complaint, history = resolved()
    assert sweeps.sweep_auto_close(T0 + 8 * 24 * H) == 1
    complaint = reload(complaint)
    assert complaint.status == st.CLOSED
    message = rows_to(complaint.reporter.chat_id)[-1]
    assert "14 hari" in message.text
    assert message.reply_markup["inline_keyboard"][0][0]["callback_data"] == f"ro:{complaint.id}:{history.id}"
    late = T0 + 8 * 24 * H + 14 * 24 * H + H
    with pytest.raises(FeedbackError) as closed_window:
        feedback.reopen(complaint.id, complaint.reporter, "Masih rusak juga", resolution=history.id, now=late)
    assert closed_window.value.code == "window_closed" and reload(complaint).status == st.CLOSED
    feedback.reopen(complaint.id, complaint.reporter, "Masih rusak juga", resolution=history.id,
                    now=T0 + 20 * 24 * H)
    assert reload(complaint).status == st.REOPENED


def test_past_the_limit_the_main_admin_takes_it_over(world):
    runtime.use(world.with_(REOPEN_LIMIT=2))
    complaint, _ = resolved()
    reporter = complaint.reporter
    for round_ in (1, 2):
        result = feedback.reopen(complaint.id, reporter, f"Belum beres putaran {round_}", now=T0 + round_ * H)
        assert result.handed_to is None
        change_status(complaint.id, Change(st.RESOLVED, note="Sudah diperbaiki", actor=make_official()),
                      now=T0 + round_ * H + H / 2)
    now = T0 + 10 * H
    result = feedback.reopen(complaint.id, reporter, "Tetap berlubang, sudah tiga kali!", now=now)
    complaint = reload(complaint)
    assert result.past_limit and result.handed_to.code == "DISKOMINFO"
    assert complaint.status == st.FORWARDED and complaint.reopen_count == 3
    assert complaint.assigned_opd.code == "DISKOMINFO"
    forward = complaint.history.order_by(StatusChange.id.desc()).first()
    assert forward.to_status == st.FORWARDED and "diserahkan ke admin utama" in forward.note
    assert "Tetap berlubang" in forward.note
    told = rows_to(-100111)[-1]
    assert "melewati batas 2 kali" in told.text and "Diskominfo" in told.text
    assert assignment.assign(complaint.id, now=now) == "assigned"  # the job the door queued
    complaint = reload(complaint)
    assert complaint.status == st.ASSIGNED and complaint.response_due_at == now + complaint.category.response_hours * H
    [main_notice] = rows_to(-100999)
    assert "dialihkan ke Diskominfo" in main_notice.text and "Tetap berlubang" in main_notice.text


def test_past_the_limit_without_a_main_admin_office_the_main_admins_are_alerted(world):
    runtime.use(world.with_(REOPEN_LIMIT=0))
    Opd.update(is_main_admin=False).execute()
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO", telegram_user_id=777, telegram_chat_id=777)
    complaint, history = resolved()
    result = feedback.reopen(complaint.id, complaint.reporter, "Masih rusak parah", resolution=history.id)
    assert result.past_limit and result.handed_to is None
    assert reload(complaint).status == st.REOPENED and reload(complaint).assigned_opd.code == "DPUTR"
    [alert] = rows_to(admin.telegram_chat_id)
    assert "dibuka kembali 1 kali" in alert.text and alert.kind == "escalation"


def test_a_refused_reopen_keeps_no_photo(world):
    complaint, history = resolved()
    photo = saved_photo(world, "reopen-refused")
    with pytest.raises(FeedbackError):
        feedback.reopen(complaint.id, make_reporter(), "Masih rusak parah", photos=[photo])
    assert not (Path(world.MEDIA_DIR) / photo.path).exists() and Photo.select().count() == 0
    with pytest.raises(FeedbackError) as empty:
        feedback.reopen(complaint.id, complaint.reporter, "   ")
    assert empty.value.code == "empty"


# --- more information ------------------------------------------------------------------------------
def test_information_on_an_open_complaint_reaches_the_history_and_the_office(world):
    complaint = make_complaint()
    photo = saved_photo(world, "info-test")
    history = feedback.add_info(complaint.id, complaint.reporter, "Lubangnya makin lebar setelah hujan",
                                photos=[photo])
    assert history.to_status == history.from_status == st.ASSIGNED and history.visible_to_reporter
    assert history.actor_reporter_id == complaint.reporter_id
    assert Photo.get(Photo.status_change == history).kind == "followup"
    [notice] = rows_to(-100111)
    assert "menambahkan informasi" in notice.text and "makin lebar" in notice.text
    assert notice.photo_path == photo.path
    only_photo = feedback.add_info(complaint.id, complaint.reporter, "", photos=[saved_photo(world, "info-2")])
    assert only_photo.note == "" and "foto terlampir" in rows_to(-100111)[-1].text
    for who, text, code in ((make_reporter(), "Info dari orang lain", "not_reporter"),
                            (complaint.reporter, "   ", "empty")):
        with pytest.raises(FeedbackError) as refused:
            feedback.add_info(complaint.id, who, text)
        assert refused.value.code == code
    done, _ = resolved()
    with pytest.raises(FeedbackError) as finished:
        feedback.add_info(done.id, done.reporter, "Terima kasih")
    assert finished.value.code == "not_open"


# --- numbers per office --------------------------------------------------------------------------
def test_ratings_and_reopenings_per_office_in_the_dashboard_and_the_report(world):
    now = models.utcnow()
    complaint, history = resolved(at=now - 2 * H)
    feedback.reopen(complaint.id, complaint.reporter, "Belum beres sama sekali", resolution=history.id,
                    now=now - H)
    other, other_history = resolved(at=now - 2 * H)
    feedback.confirm_fixed(other.id, other.reporter, other_history.id)
    feedback.rate(other.id, other.reporter, 3)
    admin = make_official(models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    putr = next(o for o in dashboard.build(admin, 30, now).offices if o.name == "Dinas PUTR")
    assert (putr.received, putr.reopened, putr.average_rating) == (2, 1, 3.0)
    data = compute_report(now - 7 * 24 * H, now + H, now + H)
    line = next(o for o in data["offices"] if o["name"] == "Dinas PUTR")
    assert (line["reopened"], line["avg_rating"]) == (1, 3.0)
    text = reports.report_text(data, now - 7 * 24 * H, now + H, "id")
    assert "rata-rata 3 (1 penilaian)" in text and "Dibuka kembali oleh pelapor: 1" in text


def test_callback_data_stays_within_telegram_limits():
    from services.feedback.messages import answer_markup

    [row] = answer_markup(9_223_372_036_854_775_807, 9_223_372_036_854_775_807, "id")["inline_keyboard"]
    assert all(len(b["callback_data"].encode()) <= 64 for b in row)
