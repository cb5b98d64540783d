"""Wadul's database schema (peewee) and the one place that owns the connection's lifecycle.

`db` is a proxy bound by `connect(config)`; SQLite (WAL, foreign keys on) by default,
PostgreSQL through DATABASE_URL. All timestamps are naive UTC.
"""
from __future__ import annotations

from datetime import datetime, timezone

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    DateTimeField,
    DoubleField,
    ForeignKeyField,
    IntegerField,
    InterfaceError,
    OperationalError,
    PostgresqlDatabase,
    SQL,
    Model,
    SqliteDatabase,
    TextField,
)
from peewee import JSONField  # peewee 4: in core
from playhouse.db_url import connect as url_connect
from playhouse.db_url import parse as parse_url
from playhouse.shortcuts import ReconnectMixin

from core import status as st

db = DatabaseProxy()


def utcnow() -> datetime:
    """Naive UTC now, the form every timestamp column holds."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


# --- regions -------------------------------------------------------------------------
class Kabupaten(BaseModel):
    code = CharField(max_length=8, unique=True)     # Kemendagri "61.04"
    name = CharField(max_length=120)

    def __str__(self):
        return self.name


class Kecamatan(BaseModel):
    code = CharField(max_length=12, unique=True)    # "61.04.01"
    name = CharField(max_length=120, index=True)
    kabupaten = ForeignKeyField(Kabupaten, backref="kecamatan", on_delete="CASCADE")

    def __str__(self):
        return f"Kec. {self.name}"


class Desa(BaseModel):
    """A village (desa) or urban village (kelurahan) with its boundary."""

    code = CharField(max_length=16, unique=True)    # "61.04.01.2011"
    name = CharField(max_length=120, index=True)
    kind = CharField(max_length=10, default="desa")  # desa | kelurahan
    kecamatan = ForeignKeyField(Kecamatan, backref="desa", on_delete="CASCADE")
    geometry = JSONField(null=True)                 # GeoJSON Polygon/MultiPolygon, lon/lat
    # Bounding box and centroid: a cheap SQL pre-filter and the map's centre.
    min_lon = DoubleField(null=True)
    min_lat = DoubleField(null=True)
    max_lon = DoubleField(null=True)
    max_lat = DoubleField(null=True)
    centroid_lat = DoubleField(null=True)
    centroid_lon = DoubleField(null=True)
    updated_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("min_lon", "max_lon", "min_lat", "max_lat"), False),)

    def __str__(self):
        prefix = "Kel." if self.kind == "kelurahan" else "Desa"
        return f"{prefix} {self.name}"


def without_geometry(model) -> list:
    """A village's columns but its boundary (`model`: Desa or an alias of it): kilobytes of
    JSON per row that no list or message shows."""
    return [getattr(model, f.name) for f in Desa._meta.sorted_fields if f.name != "geometry"]


# --- directory -----------------------------------------------------------------------
class Opd(BaseModel):
    """A regional agency (Organisasi Perangkat Daerah) that answers complaints."""

    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=200)
    short_name = CharField(max_length=60)
    hotline = CharField(max_length=40, default="")
    whatsapp = CharField(max_length=40, default="")
    email = CharField(max_length=120, default="")
    telegram_chat_id = BigIntegerField(null=True)   # group/channel for notices
    is_main_admin = BooleanField(default=False)     # Diskominfo / Bagian Organisasi
    active = BooleanField(default=True)

    def __str__(self):
        return self.short_name or self.name

    def has_contact(self) -> bool:
        return bool(self.hotline or self.whatsapp or self.email)


class Category(BaseModel):
    code = CharField(max_length=40, unique=True)
    name_id = CharField(max_length=120)
    name_en = CharField(max_length=120)
    group_id = CharField(max_length=80, default="")   # keyboard grouping, Indonesian
    group_en = CharField(max_length=80, default="")
    opd = ForeignKeyField(Opd, null=True, backref="categories", on_delete="SET NULL")
    village_level = BooleanField(default=False)       # handled by the village itself
    response_hours = IntegerField(default=48)         # 2x24 jam
    resolution_hours = IntegerField(default=14 * 24)
    # How the two deadlines count: "hours" (as before: hours, in working days when the
    # WORKING_DAYS setting is on), "days" (calendar days of 24 h) or "workdays" (working
    # days: weekends, public holidays and Holiday rows skipped whatever WORKING_DAYS says).
    # With days and workdays the hours columns hold days x 24.
    deadline_unit = CharField(max_length=10, default="hours")
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)
    # Asking the reporter a question stops the office's clock until the answer (issue 17).
    pause_when_asking = BooleanField(default=False)

    def __str__(self):
        return self.name_id

    def name(self, lang: str = "id") -> str:
        return self.name_en if lang == "en" else self.name_id

    def counts_working_days(self, working_days_setting: bool) -> bool:
        """Whether this category's deadlines skip weekends and holidays."""
        if self.deadline_unit == DEADLINE_WORKDAYS:
            return True
        return self.deadline_unit == DEADLINE_HOURS and working_days_setting


DEADLINE_HOURS, DEADLINE_DAYS, DEADLINE_WORKDAYS = "hours", "days", "workdays"
DEADLINE_UNITS = (DEADLINE_HOURS, DEADLINE_DAYS, DEADLINE_WORKDAYS)


ROLE_MAIN_ADMIN = "main_admin"
ROLE_OPD_ADMIN = "opd_admin"
ROLE_OPD_STAFF = "opd_staff"
ROLE_VILLAGE_HEAD = "village_head"
ROLE_VILLAGE_OFFICIAL = "village_official"
ROLE_OVERSIGHT = "oversight"
ROLES = (ROLE_MAIN_ADMIN, ROLE_OPD_ADMIN, ROLE_OPD_STAFF, ROLE_VILLAGE_HEAD,
         ROLE_VILLAGE_OFFICIAL, ROLE_OVERSIGHT)
OPD_ROLES = (ROLE_OPD_ADMIN, ROLE_OPD_STAFF)
VILLAGE_ROLES = (ROLE_VILLAGE_HEAD, ROLE_VILLAGE_OFFICIAL)


class Official(BaseModel):
    """A panel user: OPD staff, village officials, the main admin, oversight."""

    username = CharField(max_length=60, unique=True)
    password_hash = CharField(max_length=255)
    full_name = CharField(max_length=120, default="")
    role = CharField(max_length=20, index=True)
    opd = ForeignKeyField(Opd, null=True, backref="officials", on_delete="SET NULL")
    desa = ForeignKeyField(Desa, null=True, backref="officials", on_delete="SET NULL")
    telegram_user_id = BigIntegerField(null=True, unique=True)
    telegram_chat_id = BigIntegerField(null=True)
    language = CharField(max_length=5, default="id")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)
    last_login_at = DateTimeField(null=True)

    def __str__(self):
        return self.full_name or self.username

    @property
    def is_village(self) -> bool:
        return self.role in VILLAGE_ROLES


class PanelSession(BaseModel):
    """One login to the panel. The session cookie carries a random token and this row only its
    hash; logging out deletes the row, so a copy of the old cookie opens nothing any more."""

    official = ForeignKeyField(Official, backref="panel_sessions", on_delete="CASCADE")
    token_hash = CharField(max_length=64, unique=True)
    created_at = DateTimeField(default=utcnow)
    expires_at = DateTimeField(index=True)


class HeldUpdate(BaseModel):
    """A Telegram update the bot confirmed to Telegram (polling) while it still waited its
    turn behind its person's earlier updates: kept here until handled, so a crash loses
    nothing and a slow person never holds back other people's updates (bot.delivery)."""

    update_id = BigIntegerField(primary_key=True)
    payload = TextField()  # the update as Telegram sent it (JSON)
    held_at = DateTimeField(default=utcnow)


class LinkCode(BaseModel):
    """One-time code an official sends to the bot to link their Telegram account."""

    official = ForeignKeyField(Official, backref="link_codes", on_delete="CASCADE")
    code_hash = CharField(max_length=128, unique=True)
    expires_at = DateTimeField()
    used_at = DateTimeField(null=True)
    used_by_telegram_id = BigIntegerField(null=True)
    created_at = DateTimeField(default=utcnow)


class Reporter(BaseModel):
    """A Telegram user who files complaints."""

    telegram_id = BigIntegerField(unique=True)
    chat_id = BigIntegerField()
    first_name = CharField(max_length=120, default="")
    last_name = CharField(max_length=120, default="")
    username = CharField(max_length=64, default="")
    language = CharField(max_length=5, default="id")
    language_chosen = BooleanField(default=False)   # chosen in the bot, not from Telegram
    phone = CharField(max_length=32, default="")
    created_at = DateTimeField(default=utcnow)

    def __str__(self):
        name = " ".join(p for p in (self.first_name, self.last_name) if p) or "?"
        return f"{name} (@{self.username})" if self.username else name


# --- complaints ----------------------------------------------------------------------
class Complaint(BaseModel):
    tracking_code = CharField(max_length=16, unique=True)
    reporter = ForeignKeyField(Reporter, null=True, backref="complaints", on_delete="SET NULL")
    filed_by_official = ForeignKeyField(Official, null=True, backref="filed", on_delete="SET NULL")
    from_village_head = BooleanField(default=False)
    # Idempotency: the draft (or update) that created it; a redelivered confirm finds it.
    source_key = CharField(max_length=64, null=True, unique=True)
    category = ForeignKeyField(Category, null=True, backref="complaints", on_delete="SET NULL")
    description = TextField()
    latitude = DoubleField(null=True)
    longitude = DoubleField(null=True)
    location_accuracy = DoubleField(null=True)
    address_text = TextField(default="")
    desa = ForeignKeyField(Desa, null=True, backref="complaints", on_delete="SET NULL")
    assigned_opd = ForeignKeyField(Opd, null=True, backref="complaints", on_delete="SET NULL")
    assigned_desa = ForeignKeyField(Desa, null=True, backref="assigned_complaints", on_delete="SET NULL")
    # Wanted office when a village head files a village-level category (issue: village heads).
    requested_opd = ForeignKeyField(Opd, null=True, backref="requested", on_delete="SET NULL")
    status = CharField(max_length=16, default=st.NEW, index=True)
    routing_problem = CharField(max_length=32, default="")  # why it needs routing by hand
    # Where the complaint came in: telegram (the bot), or recorded by staff for a complaint
    # received by phone, whatsapp, walk_in, social media, or posted through the open311 API.
    channel = CharField(max_length=16, default="telegram")
    # The reporter's own words of who they are, when they are not a Telegram Reporter row
    # (a complaint filed on their behalf, or posted through Open311). Never public.
    contact_name = CharField(max_length=120, default="")
    contact_phone = CharField(max_length=40, default="")
    contact_email = CharField(max_length=120, default="")
    # The reporter's consent that the complaint's photos may be shown on public pages.
    photos_public = BooleanField(default=False)
    # Taken off the public pages and the Open311 API by an office or the main admin (it names
    # a person, a private house...); see services.publicity.
    public_hidden = BooleanField(default=False)
    is_anonymous = BooleanField(default=False)
    is_confidential = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow, index=True)
    updated_at = DateTimeField(default=utcnow)
    assigned_at = DateTimeField(null=True)
    first_response_at = DateTimeField(null=True)
    resolved_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)
    response_due_at = DateTimeField(null=True)
    resolution_due_at = DateTimeField(null=True)
    escalation_level = IntegerField(default=0)
    reopen_count = IntegerField(default=0)
    rating = IntegerField(null=True)
    feedback = TextField(default="")
    rated_at = DateTimeField(null=True)
    # The deadline the complaint works against now (see `due_now`), stored so that the panel's
    # lists sort on an index. Derived: `save()` sets it; never write it by hand.
    current_due = DateTimeField(null=True)
    # Named handler: the official of the complaint's office an office head gave it to (cleared
    # when it leaves the office), and its priority (core.priority: 0 normal, 1 high, 2 urgent).
    handler = ForeignKeyField(Official, null=True, backref="handling", on_delete="SET NULL")
    priority = IntegerField(default=0)
    # Asking the reporter (services.complaints.asking): when the reporter last sent something
    # new the office has not looked at yet (an answer, added information); when the open
    # question was asked; since when the deadline is paused for it (categories that pause).
    reporter_news_at = DateTimeField(null=True)
    waiting_reporter_since = DateTimeField(null=True)
    deadline_paused_since = DateTimeField(null=True)
    # The bot's receipt in the reporter's chat (the summary edited into "received, code ..."):
    # its message id and text, so that an assignment that follows at once is added to that
    # message (edited) instead of a new one (services.complaints.receipts). 0: not editable.
    receipt_message_id = BigIntegerField(null=True)
    receipt_text = TextField(default="")
    # A duplicate merged by its office into this other complaint (rejected "digabung ke <code>");
    # its reporter and supporters became the other one's supporters (services.complaints.duplicates).
    merged_into = ForeignKeyField("self", null=True, backref="merged", on_delete="SET NULL")
    # A complaint from another channel: the 4-digit PIN printed on the reporter's slip, which
    # must come with the code to follow it on Telegram when no phone was recorded (the code
    # alone is no secret: public complaints' codes are listed on the public pages and Open311).
    claim_pin = CharField(max_length=8, default="")

    class Meta:
        indexes = (
            # Panel lists per office (and the main admin's), by status, sorted by deadline.
            (("assigned_opd", "status", "current_due"), False),
            (("assigned_desa", "status", "current_due"), False),
            (("status", "current_due"), False),
            # Any status, by deadline: the dashboard's worst overdue, the "open"/"overdue" lists.
            (("assigned_opd", "current_due"), False),
            (("assigned_desa", "current_due"), False),
            (("current_due",), False),
            # Sweeps: open complaints whose deadline is near or past.
            (("status", "response_due_at"), False),
            (("status", "resolution_due_at"), False),
            (("status", "resolved_at"), False),
            (("resolved_at",), False),  # the dashboard: resolved in the period, any status
            (("reporter", "created_at"), False),
            (("desa", "created_at"), False),
        )

    def __str__(self):
        return self.tracking_code

    def due_now(self) -> datetime | None:
        """The response deadline until the office first answers, then the resolution deadline;
        none once the complaint is finished."""
        if self.status not in st.OPEN:
            return None
        if self.first_response_at is None and self.response_due_at:
            return self.response_due_at
        return self.resolution_due_at

    def save(self, *args, **kwargs):
        # Every status change goes through the status door, which saves the whole row: the
        # stored deadline follows status, first answer and deadlines wherever they change.
        self.current_due = self.due_now()
        if kwargs.get("only"):
            kwargs["only"] = [*kwargs["only"], Complaint.current_due]
        return super().save(*args, **kwargs)

    @classmethod
    def due_now_sql(cls):
        """`due_now` as SQL, for filling the stored column in bulk (migration, bulk loads)."""
        from peewee import Case

        return Case(None, [(cls.status.not_in(sorted(st.OPEN)), None),
                           (cls.first_response_at.is_null() & cls.response_due_at.is_null(False),
                            cls.response_due_at)],
                    cls.resolution_due_at)

    @property
    def office_name(self) -> str:
        if self.assigned_opd_id:
            return str(self.assigned_opd)
        if self.assigned_desa_id:
            return str(self.assigned_desa)
        return ""


# Open complaints' deadlines by office: the dashboard counts what is overdue now from this
# index alone (a quarter of a million open complaints at a regency's scale, spread over
# every page of the table). The predicate is literal SQL: no bound parameters in DDL.
OPEN_PREDICATE = "status IN (%s)" % ", ".join(f"'{s}'" for s in sorted(st.OPEN))
Complaint.add_index(Complaint.index(
    Complaint.assigned_opd, Complaint.assigned_desa, Complaint.first_response_at, Complaint.response_due_at,
    Complaint.resolution_due_at, where=SQL(OPEN_PREDICATE), name="complaint_open_deadlines"))
# Duplicates nearby: same category, a latitude band, the longitude read from the index
# (services.complaints.duplicates' bounding-box prefilter).
Complaint.add_index(Complaint.index(Complaint.category, Complaint.latitude, Complaint.longitude,
                                    name="complaint_category_latitude_longitude"))


# The public pages (services.publicity, services.public_stats) read only complaints the public may
# see: newest first, by category, by status, and by place for the map. Partial indexes over
# exactly those rows; the predicate is literal SQL, the same words publicity.public_condition writes.
PUBLIC_PREDICATE = "NOT is_confidential AND NOT public_hidden"
PUBLIC_INDEXES = (
    ("complaint_public_created", ("created_at", "id")),
    ("complaint_public_category", ("category_id", "created_at")),
    ("complaint_public_status", ("status", "created_at")),
    ("complaint_public_point", ("latitude", "longitude")),
)
for _name, _columns in PUBLIC_INDEXES:
    Complaint.add_index(Complaint.index(*[getattr(Complaint, c.removesuffix("_id")) for c in _columns],
                                        where=SQL(PUBLIC_PREDICATE), name=_name))


class StatusChange(BaseModel):
    """The complaint's history: every status change and note, who, when, for whom."""

    complaint = ForeignKeyField(Complaint, backref="history", on_delete="CASCADE")
    from_status = CharField(max_length=16, null=True)
    to_status = CharField(max_length=16)
    note = TextField(default="")
    actor_official = ForeignKeyField(Official, null=True, on_delete="SET NULL")
    actor_reporter = ForeignKeyField(Reporter, null=True, on_delete="SET NULL")
    actor_label = CharField(max_length=120, default="")   # "sistem", "pelapor", office name
    office_label = CharField(max_length=200, default="")  # office responsible after the change
    visible_to_reporter = BooleanField(default=True)
    # The office marked its note private: told to the reporter, never on public pages.
    note_private = BooleanField(default=False)
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("complaint", "created_at"), False),)


class Question(BaseModel):
    """A question an official asked the reporter about a complaint, and its answer."""

    complaint = ForeignKeyField(Complaint, backref="questions", on_delete="CASCADE")
    asked_by = ForeignKeyField(Official, null=True, on_delete="SET NULL")
    text = TextField()
    history = ForeignKeyField(StatusChange, null=True, on_delete="SET NULL")          # the question's row
    answer_history = ForeignKeyField(StatusChange, null=True, on_delete="SET NULL")   # the answer's row
    pauses = BooleanField(default=False)   # the category paused the deadline when it was asked
    asked_at = DateTimeField(default=utcnow)
    answered_at = DateTimeField(null=True)
    closed_at = DateTimeField(null=True)    # answered, withdrawn, or the complaint finished
    close_reason = CharField(max_length=16, default="")  # answered | withdrawn | finished
    paused_seconds = IntegerField(default=0)  # how much the deadlines were moved for it

    class Meta:
        indexes = ((("complaint", "closed_at"), False),)


class Photo(BaseModel):
    complaint = ForeignKeyField(Complaint, null=True, backref="photos", on_delete="CASCADE")
    status_change = ForeignKeyField(StatusChange, null=True, backref="photos", on_delete="SET NULL")
    kind = CharField(max_length=12, default="report")  # report | result | followup | reopen
    file_id = CharField(max_length=255, default="")
    file_unique_id = CharField(max_length=128, default="", index=True)
    path = CharField(max_length=500, default="")        # cleaned copy, relative to MEDIA_DIR
    sha256 = CharField(max_length=64, default="")
    size = IntegerField(default=0)
    width = IntegerField(default=0)
    height = IntegerField(default=0)
    mime_type = CharField(max_length=40, default="image/jpeg")
    created_at = DateTimeField(default=utcnow)


OUTBOX_PENDING = "pending"
OUTBOX_SENDING = "sending"
OUTBOX_SENT = "sent"
OUTBOX_FAILED = "failed"
# Finished without Telegram's answer: a part's request went out whole and no reply came (or its
# sender was killed during the call). Never sent again, since sending twice must be impossible.
OUTBOX_MAYBE_SENT = "maybe_sent"


class OutboundMessage(BaseModel):
    """The outbox: every Telegram message the system owes someone, with its delivery state."""

    chat_id = BigIntegerField()
    text = TextField(default="")
    parse_mode = CharField(max_length=12, default="HTML")
    photo_path = CharField(max_length=500, default="")    # relative to MEDIA_DIR
    photo_file_id = CharField(max_length=255, default="")
    location_lat = DoubleField(null=True)                   # sent as a location after the text
    location_lon = DoubleField(null=True)
    reply_markup = JSONField(null=True)
    complaint = ForeignKeyField(Complaint, null=True, backref="messages", on_delete="SET NULL")
    kind = CharField(max_length=24, default="status")      # status|assigned|notice|reminder|escalation|report|...
    recipient_label = CharField(max_length=120, default="")  # "pelapor", "Dinas PUTR", an official
    dedupe_key = CharField(max_length=160, null=True, unique=True)
    state = CharField(max_length=10, default=OUTBOX_PENDING)
    attempts = IntegerField(default=0)
    last_error = TextField(default="")
    telegram_message_id = BigIntegerField(null=True)
    next_attempt_at = DateTimeField(default=utcnow)
    claimed_at = DateTimeField(null=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("state", "next_attempt_at"), False),)


class Draft(BaseModel):
    """A complaint being written in the bot, saved at every step so a restart loses nothing."""

    telegram_user_id = BigIntegerField(unique=True)
    chat_id = BigIntegerField()
    step = CharField(max_length=24)
    data = JSONField(default=dict)
    token = CharField(max_length=32)     # becomes Complaint.source_key on confirm
    last_update_id = BigIntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


class ResponseTemplate(BaseModel):
    """A reusable answer an office keeps for common complaints."""

    opd = ForeignKeyField(Opd, null=True, backref="templates", on_delete="CASCADE")
    desa = ForeignKeyField(Desa, null=True, backref="templates", on_delete="CASCADE")
    title = CharField(max_length=120)
    text = TextField()
    created_at = DateTimeField(default=utcnow)

    def __str__(self):
        return self.title


class Holiday(BaseModel):
    """Extra non-working days the admin enters (cuti bersama, local holidays)."""

    day = DateField(unique=True)
    name = CharField(max_length=120, default="")

    def __str__(self):
        return f"{self.day} {self.name}"


class ReminderMark(BaseModel):
    """A reminder or escalation already done, so each happens once across all workers."""

    complaint = ForeignKeyField(Complaint, backref="reminder_marks", on_delete="CASCADE")
    key = CharField(max_length=60)
    created_at = DateTimeField(default=utcnow)
    # What the sweep may skip: this deadline (phase + due) needs nothing before next_at.
    phase = CharField(max_length=20, null=True)
    due_at = DateTimeField(null=True)
    next_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("complaint", "key"), True),)


class PeriodicReport(BaseModel):
    """A compliance report per office, kept for the panel."""

    period_start = DateTimeField()
    period_end = DateTimeField()
    data = JSONField(default=dict)
    created_at = DateTimeField(default=utcnow, index=True)


class ReportRecipient(BaseModel):
    """A Telegram chat the main admin added in the panel to the weekly report's recipients
    (besides the linked oversight officials and LEADERSHIP_CHAT_ID): read at each sending,
    so a change needs no restart."""

    chat_id = BigIntegerField(unique=True)
    label = CharField(max_length=120)
    language = CharField(max_length=5, default="id")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.label


class ApiKey(BaseModel):
    """A partner's key for posting complaints through the Open311 API, issued by the main admin.
    Only the key's SHA-256 is stored (the key is shown once, at creation); `prefix` (its first
    characters) tells keys apart in the panel. A revoked key opens nothing from that moment."""

    label = CharField(max_length=120)
    key_hash = CharField(max_length=64, unique=True)
    prefix = CharField(max_length=12, default="")
    created_by = ForeignKeyField(Official, null=True, backref="api_keys", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)
    revoked_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)

    def __str__(self):
        return self.label


class SchemaVersion(BaseModel):
    version = IntegerField()
    applied_at = DateTimeField(default=utcnow)


class Support(BaseModel):
    """A resident who supports a complaint instead of filing the same one (or whose own
    duplicate was merged into it): they are told its status changes like the reporter."""

    complaint = ForeignKeyField(Complaint, backref="supports", on_delete="CASCADE")
    reporter = ForeignKeyField(Reporter, backref="supports", on_delete="CASCADE")
    merged_from = ForeignKeyField(Complaint, null=True, backref="+", on_delete="SET NULL")  # came by a merge
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("complaint", "reporter"), True),)


ALL_MODELS = [
    Kabupaten, Kecamatan, Desa, Opd, Category, Official, PanelSession, HeldUpdate, LinkCode, Reporter, Complaint,
    StatusChange, Photo, OutboundMessage, Draft, ResponseTemplate, Holiday, ReminderMark,
    PeriodicReport, SchemaVersion, ReportRecipient, Question, ApiKey, Support,
]


# --- connection lifecycle ---------------------------------------------------------------
def make_database(url: str):
    """A peewee database for DATABASE_URL; SQLite gets WAL and foreign keys, and its file is
    created (or made) owner-only: it holds password hashes and personal data."""
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1] or ":memory:"
        if path != ":memory:":
            from core.private_files import secure_sqlite

            secure_sqlite(path)
        return SqliteDatabase(
            path,
            pragmas={"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000,
                     "synchronous": "normal"},
            check_same_thread=False,
            autoconnect=True,
        )
    if url.split("://", 1)[0] in ("postgres", "postgresql"):
        # A server that does not answer at all (a network cut, not a refused port) must not
        # hold a thread, or the bot's event loop, for minutes: give up connecting after 5 s.
        return ReconnectingPostgresqlDatabase(autoconnect=True, **{"connect_timeout": 5, **parse_url(url)})
    return url_connect(url, autoconnect=True)


class ReconnectingPostgresqlDatabase(ReconnectMixin, PostgresqlDatabase):
    """PostgreSQL that replaces a connection the server dropped (a restart, a failover, an
    idle timeout) instead of failing on it until the process restarts.

    peewee keeps one connection per thread and never notices it died: after a restart every
    statement on it raised `OperationalError: the connection is closed` (the bot, whose event
    loop and worker threads live as long as the process, stayed broken for good). playhouse's
    ReconnectMixin closes the dead connection and runs the statement once more on a new one,
    but only outside a transaction (inside one, the transaction fails whole and the next
    statement reconnects). The fragments are psycopg 3's messages for a lost connection: the
    first statement on a stale connection ("server closed the connection unexpectedly"), every
    later one ("the connection is closed"), a server shutting down ("terminating connection").
    A statement that fails while the server is still down raises as before."""

    reconnect_errors = (
        (OperationalError, "server closed the connection"),
        (OperationalError, "the connection is closed"),
        (OperationalError, "the connection is lost"),
        (OperationalError, "terminating connection"),
        (InterfaceError, "connection already closed"),
        (InterfaceError, "the connection is closed"),
    )


def connect(config) -> None:
    """Bind the proxy to the configured database (does not open a connection)."""
    if db.obj is not None and not db.is_closed():
        db.close()
    db.initialize(make_database(config.DATABASE_URL))
