"""Asking the reporter (issue 17): an official of the complaint's office (panel, or a village
head from the chat) asks the reporter a question; the reporter answers in the chat with
text, photos or a location; the answer is threaded into the complaint's history as the
reporter's and flagged to the office (`Complaint.reporter_news_at`, also set when the
reporter adds information), until an official of the office opens the complaint or acts.

- One open question per complaint (`Question.closed_at` is None); it closes when answered,
  withdrawn by the office, or when the complaint is finished (the status door).
- The question and the answer are history rows visible to the reporter; the question's
  actor is the official, the answer's the reporter (`actor_reporter`), so an anonymous
  reporter stays unnamed to the office (services.access.history_actor).
- A category with `pause_when_asking` pauses the deadlines while the question waits
  (services.complaints.pause: answer, withdrawal, a status change or ASK_PAUSE_MAX_HOURS
  end it, and the deadlines move by the time waited).
- A complaint without a Telegram reporter (filed on their behalf, Open311) cannot be asked
  here: `AskError("no_telegram")`; the panel shows the contact instead.

Messages: the question to the reporter (a button "aq:<question>" to answer; a reply to the
message answers too, bot.followup.answers), and the answer to the office's chats and linked officials (and the
official who asked, when linked and not among them).
"""
from __future__ import annotations

from datetime import datetime

import i18n
from core import status as st
from models import (Complaint, Official, Photo, Question, Reporter,
                    StatusChange, utcnow)
from services import access, media, runtime
from services.complaints import news, pause
from services.complaints.status_door import add_note
from services.messaging import notices, outbox
from services.tx import locked, transaction

QUESTION_MAX = 1000
ANSWER_MAX = 2000
QUESTION_KIND = "question"


class AskError(ValueError):
    """Refused: "not_allowed", "not_open", "no_telegram", "already_asking", "empty",
    "too_long", "closed" (the question was answered, withdrawn or its complaint finished),
    "not_reporter"."""

    def __init__(self, code: str, complaint: Complaint | None = None):
        super().__init__(code)
        self.code = code
        self.complaint = complaint


def _note(key: str, **values) -> str:
    """History notes in the regency's language, like the feedback's."""
    return i18n.t(key, runtime.config().DEFAULT_LANGUAGE, **values)


def _locked(complaint_id: int) -> Complaint | None:
    return locked(Complaint.select().where(Complaint.id == complaint_id))


# --- reading -------------------------------------------------------------------------------------
def open_question(complaint_id: int) -> Question | None:
    return (Question.select().where((Question.complaint == complaint_id) & Question.closed_at.is_null())
            .order_by(Question.id.desc()).first())


def last_answer(complaint_id: int) -> tuple[str, str] | None:
    """(question, answer text) of the complaint's latest answered question, or None."""
    question = (Question.select().where((Question.complaint == complaint_id) & Question.answered_at.is_null(False))
                .order_by(Question.answered_at.desc(), Question.id.desc()).first())
    if question is None or question.answer_history is None:
        return None
    note = question.answer_history.note
    return question.text, (note.split("\n", 1)[1] if "\n" in note else "")


def may_ask(official: Official | None, complaint: Complaint) -> bool:
    return access.ASK in access.allowed_actions(official, complaint)


def reporter_contact(complaint: Complaint, official: Official | None) -> str:
    """Who to call instead, for a complaint whose reporter is not on Telegram (plain text; ""
    when nothing is known or the anonymity rule hides it)."""
    if not access.shows_reporter(official, complaint):
        return ""
    parts = [complaint.contact_name, complaint.contact_phone, complaint.contact_email]
    return " · ".join(p for p in parts if p)


# --- asking --------------------------------------------------------------------------------------
def ask(complaint_id: int, official: Official, text: str, now: datetime | None = None) -> Question:
    """Ask the complaint's reporter `text`; raises AskError."""
    now = now or utcnow()
    text = (text or "").strip()
    if not text:
        raise AskError("empty")
    if len(text) > QUESTION_MAX:
        raise AskError("too_long")
    with transaction():
        complaint = _locked(complaint_id)
        if complaint is None or not may_ask(official, complaint):
            raise AskError("not_allowed", complaint)
        if complaint.status not in st.OPEN:
            raise AskError("not_open", complaint)
        if complaint.reporter_id is None:
            raise AskError("no_telegram", complaint)
        if open_question(complaint.id) is not None:
            raise AskError("already_asking", complaint)
        history = add_note(complaint.id, _note("ask.note.question", text=text), actor=official,
                           visible_to_reporter=True)
        # A question to the reporter is a private exchange: shown to them, never on public pages
        # (services.publicity; the answer, the reporter's own words, is never public either).
        StatusChange.update(note_private=True).where(StatusChange.id == history.id).execute()
        pauses = bool(complaint.category_id and complaint.category.pause_when_asking)
        question = Question.create(complaint=complaint, asked_by=official, text=text, history=history,
                                   pauses=pauses, asked_at=now)
        complaint = _locked(complaint_id)
        complaint.waiting_reporter_since = now
        if pauses and complaint.deadline_paused_since is None:
            complaint.deadline_paused_since = now
        if news.of_the_office(official, complaint):
            complaint.reporter_news_at = None  # the office acted
        complaint.updated_at = now
        complaint.save()
        _message_reporter(complaint, question, official)
    return question


def _asker_office(official: Official | None, complaint: Complaint) -> str:
    office = (official.opd or official.desa) if official is not None else None
    return str(office) if office else (complaint.office_name or "")


def question_text(complaint: Complaint, question: Question, office: str, lang: str) -> str:
    return i18n.t("ask.reporter.question", lang, code=complaint.tracking_code, office=outbox.escape(office),
                  question=outbox.escape(question.text))


def answer_markup(question_id: int, lang: str) -> dict:
    return {"inline_keyboard": [[{"text": i18n.t("ask.kb.answer", lang), "callback_data": f"aq:{question_id}"}]]}


def _message_reporter(complaint: Complaint, question: Question, official: Official) -> None:
    reporter = complaint.reporter
    lang = reporter.language
    outbox.add_message(reporter.chat_id, question_text(complaint, question, _asker_office(official, complaint), lang),
                       kind=QUESTION_KIND, complaint=complaint, recipient_label=i18n.t("actor.reporter"),
                       reply_markup=answer_markup(question.id, lang), dedupe_key=f"question:{question.id}")


def withdraw(complaint_id: int, official: Official, now: datetime | None = None) -> Question:
    """The office takes its open question back: the pause ends (deadlines move by the wait)."""
    now = now or utcnow()
    with transaction():
        complaint = _locked(complaint_id)
        if complaint is None or not may_ask(official, complaint):
            raise AskError("not_allowed", complaint)
        question = open_question(complaint.id)
        if question is None:
            raise AskError("closed", complaint)
        pause.end(complaint, now)
        complaint.waiting_reporter_since = None
        complaint.updated_at = now
        complaint.save()
        Question.update(closed_at=now, close_reason="withdrawn").where(Question.id == question.id).execute()
        add_note(complaint.id, _note("ask.note.withdrawn"), actor=official, visible_to_reporter=False)
    return Question.get_by_id(question.id)


# --- answering -----------------------------------------------------------------------------------
def question_for(question_id: int | None, reporter: Reporter | None) -> Question:
    """The open question this reporter may answer; raises AskError."""
    question = Question.get_or_none(Question.id == question_id) if question_id else None
    if question is None:
        raise AskError("closed")
    complaint = question.complaint
    if reporter is None or complaint.reporter_id != reporter.id:
        raise AskError("not_reporter", complaint)
    if question.closed_at is not None:
        raise AskError("closed", complaint)
    return question


def answer(question_id: int, reporter: Reporter | None, text: str = "", *,
           photos: list[media.SavedPhoto] = (), location: tuple[float, float] | None = None,
           now: datetime | None = None) -> StatusChange:
    """The reporter's answer (text, photos and/or a location), threaded into the complaint;
    raises AskError (photos of a refused answer are the caller's to discard)."""
    now = now or utcnow()
    text, photos = (text or "").strip(), list(photos)
    if not text and not photos and location is None:
        raise AskError("empty")
    if len(text) > ANSWER_MAX:
        raise AskError("too_long")
    with transaction():
        question = question_for(question_id, reporter)
        complaint = _locked(question.complaint_id)
        question = question_for(question_id, reporter)  # again, under the complaint's lock
        if complaint.status not in st.OPEN:
            raise AskError("closed", complaint)
        lines = [_note("ask.note.answer", question=question.text)]
        if text:
            lines.append(text)
        if location is not None:
            lines.append(_note("ask.note.location", lat=f"{location[0]:.6f}", lon=f"{location[1]:.6f}"))
        if photos and not text:
            lines.append(_note("ask.note.photos", n=len(photos)))
        ids = [_photo(p).id for p in photos]
        history = add_note(complaint.id, "\n".join(lines), reporter_actor=reporter, visible_to_reporter=True,
                           photo_ids=ids)
        complaint = _locked(complaint.id)
        pause.end(complaint, now)
        complaint.waiting_reporter_since = None
        complaint.reporter_news_at = now
        complaint.updated_at = now
        complaint.save()
        Question.update(answered_at=now, closed_at=now, close_reason="answered", answer_history=history).where(
            Question.id == question.id).execute()
        write_answer_notices(complaint, Question.get_by_id(question.id), history, location)
    return history


def add_photo(history_id: int, reporter: Reporter | None, photo: media.SavedPhoto,
              now: datetime | None = None) -> StatusChange:
    """One more photo of an album sent as the answer: attached to the same answer row."""
    now = now or utcnow()
    with transaction():
        history = StatusChange.get_or_none(StatusChange.id == history_id)
        question = Question.get_or_none(Question.answer_history == history_id) if history else None
        if question is None or reporter is None or history.actor_reporter_id != reporter.id:
            raise AskError("closed")
        complaint = _locked(history.complaint_id)
        row = _photo(photo)
        Photo.update(status_change=history, complaint=complaint).where(Photo.id == row.id).execute()
        complaint.reporter_news_at = now
        complaint.save()
    return history


def _photo(p: media.SavedPhoto) -> Photo:
    return Photo.create(kind="answer", file_id=p.file_id, file_unique_id=p.file_unique_id, path=p.path,
                        sha256=p.sha256, size=p.size, width=p.width, height=p.height, mime_type=p.mime_type)


# --- telling the office ----------------------------------------------------------------------------
def answer_notice(complaint: Complaint, question: Question, history: StatusChange, lang: str) -> str:
    body = history.note.split("\n", 1)[1] if "\n" in history.note else ""
    lines = [i18n.t("ask.office.answered", lang, code=complaint.tracking_code), "",
             i18n.t("ask.office.question", lang, question=outbox.escape(question.text[:500]))]
    if body:
        lines.append(i18n.t("ask.office.answer", lang, answer=outbox.escape(body[:1000])))
    lines += [""] + notices.office_summary(complaint, lang)
    lines.append(i18n.t("worker.notice.link", lang, link=notices.panel_link(complaint.id)))
    return "\n".join(lines)


def write_answer_notices(complaint: Complaint, question: Question, history: StatusChange,
                         location: tuple[float, float] | None = None) -> int:
    """Tell the office's chats, its linked officials, the asker and the named handler (if
    linked) of the answer."""
    photo = (Photo.select().where(Photo.status_change == history, Photo.path != "").order_by(Photo.id).first())
    recipients = notices.office_recipients(complaint.assigned_opd_id, complaint.assigned_desa_id)
    # The asker and the complaint's named handler (services.complaints.handling), when linked.
    for person in (question.asked_by, complaint.handler):
        if person is not None and person.active and person.telegram_chat_id:
            recipients = notices._unique(recipients + [notices.Recipient(
                person.telegram_chat_id, person.language, str(person),
                access.Audience(person.role, person.opd_id, person.desa_id, person.active))])
    count = 0
    for r in notices.may_hear(recipients, complaint):
        markup = notices.village_desk.open_markup(complaint, r.lang) if complaint.assigned_desa_id else None
        row = outbox.add_message(r.chat_id, answer_notice(complaint, question, history, r.lang), kind="notice",
                                 complaint=complaint, recipient_label=r.label[:120],
                                 photo_path=photo.path if photo else "", location=location, reply_markup=markup,
                                 dedupe_key=f"answer:{history.id}:{r.chat_id}")
        count += row is not None
    return count
