"""Wadul's one configuration object, read from the environment (and `.env` when present).

Every process (web, worker, bot, clock, CLI) builds one `Config` with `Config.from_env()` at
its entry and hands it to `services.runtime.use(config)`, which binds the database to it. The
entry points pass it on explicitly where they can (the bot's handlers read
`bot_data["config"]`, the panel `app.config`); RQ jobs, which carry ids only, and the domain
code they call read the process's one configuration from `services.runtime.config()`. Tests
build `TestConfig` themselves and `use` it. Nothing here opens a connection.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(ValueError):
    """A setting has a value Wadul cannot use; the message names the variable."""


def _as_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on", "ya"}:
        return True
    if value in {"0", "false", "no", "off", "tidak", ""}:
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _as_int(name: str, raw: str, minimum: int = 0) -> int:
    try:
        value = int(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def _as_float(name: str, raw: str, minimum: float = 0.0) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, not {value:g}")
    return value


def _as_float_list(name: str, raw: str) -> tuple[float, ...]:
    try:
        return tuple(float(p) for p in raw.split(",") if p.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a comma-separated list of numbers, not {raw!r}") from None


def _as_dates(name: str, raw: str) -> tuple[date, ...]:
    try:
        return tuple(date.fromisoformat(p.strip()) for p in raw.split(",") if p.strip())
    except ValueError:
        raise ConfigError(f"{name} must be comma-separated dates like 2026-12-24, not {raw!r}") from None


def _check_url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(raw)
    if parsed.scheme.split("+")[0] not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(f"{name} must be a URL starting with {' or '.join(s + '://' for s in schemes)}, not {raw!r}")
    return raw


SECRET_KEY_MIN_BYTES = 32  # it signs the panel's session cookies: a short one can be guessed offline


def default_secret_key(instance_dir: Path) -> str:
    """Read the panel's secret key from `instance/secret_key`, creating it on first run
    (64 random characters, owner-only file in an owner-only folder)."""
    from core.private_files import private_dir, private_file, write_private

    path = instance_dir / "secret_key"
    private_dir(instance_dir)
    if path.exists():
        private_file(path)
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    try:
        write_private(path, key)
    except FileExistsError:  # another process wrote it first: use theirs
        return path.read_text().strip()
    return key


# (attribute, environment variable, parser) for every setting read from the environment.
_PARSERS = {
    "int": _as_int,
    "float": _as_float,
    "bool": _as_bool,
    "str": lambda name, raw: raw.strip(),
}


@dataclass(frozen=True)
class Config:
    """All settings; defaults are for a single-regency install on one machine."""

    TELEGRAM_BOT_TOKEN: str = ""
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    TELEGRAM_WEBHOOK_URL: str = ""          # public https URL; empty = polling
    TELEGRAM_WEBHOOK_SECRET: str = ""       # checked on every webhook call
    TELEGRAM_WEBHOOK_LISTEN: str = "127.0.0.1:8443"
    TELEGRAM_BOT_USERNAME: str = ""         # e.g. WadulKetapangBot: link codes are also given as t.me links
    DATABASE_URL: str = f"sqlite:///{INSTANCE_DIR / 'wadul.db'}"
    REDIS_URL: str = "redis://localhost:6379/0"
    SECRET_KEY: str = ""
    MEDIA_DIR: str = str(INSTANCE_DIR / "media")
    PANEL_URL: str = "http://127.0.0.1:5000"  # links in notices to officials
    # Public address of the public pages (status page /publik/lacak) given to residents on the slip
    # of a complaint filed on their behalf; empty: PANEL_URL
    PUBLIC_BASE_URL: str = ""
    REGENCY_NAME: str = "Kabupaten Ketapang"
    TIMEZONE: str = "Asia/Jakarta"
    DEFAULT_LANGUAGE: str = "id"
    # Deadlines (category values override the defaults per category)
    RESPONSE_HOURS: int = 48                 # 2x24 jam, Ketapang's rule
    RESOLUTION_HOURS: int = 14 * 24
    WORKING_DAYS: bool = False               # count deadlines in working days
    EXTRA_HOLIDAYS: tuple[date, ...] = ()    # cuti bersama etc., besides the national holidays
    REMINDER_FRACTIONS: tuple[float, ...] = (0.5,)
    REMINDER_HOURS_BEFORE: tuple[float, ...] = (2.0,)
    AUTO_CLOSE_DAYS: int = 7                 # resolved, unconfirmed -> closed
    REOPEN_WINDOW_DAYS: int = 14             # after closing, the reporter may still reopen
    REOPEN_LIMIT: int = 2                    # past this, a reopened complaint goes to the main admin
    ASK_PAUSE_MAX_HOURS: int = 72            # a question to the reporter pauses a deadline this long at most
    LEADERSHIP_CHAT_ID: str = ""             # Telegram chat of leadership (escalations, reports)
    REPORT_WEEKDAY: int = 0                  # 0 = Monday
    REPORT_HOUR: int = 7                     # local hour from which the weekly report is sent
    # Bot input limits
    DESCRIPTION_MIN: int = 15
    DESCRIPTION_MAX: int = 2000
    MAX_PHOTOS: int = 5
    # Open complaints of the same category this close (metres) are offered for support at filing; 0 = off
    DUPLICATE_RADIUS_M: float = 50.0
    # The bot's pacing of new messages (bot/limits.py): from the send workers' budget in Redis;
    # these two are the process's own limits while Redis is away, and 0 turns that pacing off
    BOT_GLOBAL_PER_SECOND: int = 30          # per bot process; Telegram's ~30/s; 0 = no overall pacing
    BOT_CHAT_BURST: int = 3                  # messages at once to one private chat, then 1/s; 0 = none
    # Incoming updates one person may have handled (bot/flood.py); beyond, dropped, with one slow-down notice
    BOT_PERSON_PER_MINUTE: int = 40          # sustained; 0 = no limit
    BOT_PERSON_BURST: int = 20               # at once (a whole complaint is about a dozen updates)
    # Delivery
    SEND_GLOBAL_PER_SECOND: int = 29         # granted exactly, all workers together: under Telegram's ~30/s
    SEND_GLOBAL_BURST: int = 3               # at most this many at once when senders catch up
    SEND_PER_CHAT_PER_SECOND: int = 1
    SEND_PER_GROUP_PER_MINUTE: int = 19      # under Telegram's 20/min for groups
    OUTBOX_STALE_SECONDS: int = 120          # pending longer than this -> re-queued by the sweep
    SEND_RETRY_SECONDS: int = 5              # first retry delay after a temporary failure; doubles
    SEND_RETRY_MAX_DELAY_SECONDS: int = 600  # ... up to this
    SEND_RETRY_MAX_AGE_HOURS: float = 24.0   # temporary failures retried while the message is younger
    # The reporter's receipt and the assignment notice as one message (services.complaints.receipts):
    RECEIPT_MERGE_SECONDS: int = 120         # an assignment this soon after the receipt is added to it (edited)
    RECEIPT_WAIT_SECONDS: int = 5            # the notice waits this long for the bot to record its receipt
    QUEUE_PREFIX: str = "wadul"
    # Panel
    LOGIN_MAX_ATTEMPTS: int = 5
    LOGIN_LOCK_SECONDS: int = 300
    LOGIN_MAX_PER_ADDRESS: int = 20          # failures from one address over all usernames; 0 = no limit
    LOGIN_ACCOUNT_ADDRESSES: int = 5         # addresses failing on one username that lock it for all; 0 = never
    TRUSTED_PROXY_COUNT: int = 0             # reverse proxies in front of the panel whose X-Forwarded-For is believed
    SESSION_COOKIE_SECURE: bool = False      # set true behind https
    TILE_URL: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    # Public pages (/publik): no login, no personal data (services.publicity)
    PUBLIC_PAGES: bool = True                # false: /publik answers 404
    PUBLIC_PAGE_SIZE: int = 20               # complaints per page of the public list (at most 50 on request)
    PUBLIC_MAX_PAGE: int = 200               # deepest page of one list; narrow by filters for older ones
    PUBLIC_CACHE_SECONDS: int = 300          # performance figures and map clusters kept in Redis this long
    PUBLIC_LOOKUP_MAX: int = 20              # code lookups from one address per window; 0 = no limit
    PUBLIC_LOOKUP_WINDOW_SECONDS: int = 600
    PUBLIC_MAP_MAX_POINTS: int = 300         # single points at high zoom at most; more become clusters
    # Open311 GeoReport v2 API (/open311/v2, its discovery lists PANEL_URL + /open311/v2)
    OPEN311_POSTS_PER_MINUTE: int = 20       # complaints one API key may post a minute; 0 = no limit
    TESTING: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    # --- construction -------------------------------------------------------------
    @classmethod
    def from_env(cls, env: dict | None = None, dotenv: bool = True) -> "Config":
        """Build a Config from `env` (default: os.environ, after loading `.env`)."""
        if env is None:
            if dotenv:
                _load_dotenv()
            env = dict(os.environ)
        values = {}
        for f in fields(cls):
            if f.name == "extra" or f.name not in env:
                continue
            values[f.name] = _PARSERS[_kind(f.default)](f.name, env[f.name])
        config = cls(**values)
        if not config.SECRET_KEY:
            config = replace(config, SECRET_KEY=default_secret_key(INSTANCE_DIR))
            if len(config.SECRET_KEY.encode()) < SECRET_KEY_MIN_BYTES:
                raise ConfigError(f"{INSTANCE_DIR / 'secret_key'} holds a SECRET_KEY shorter than "
                                  f"{SECRET_KEY_MIN_BYTES} bytes: delete the file to have a new one generated "
                                  "(everyone must log in again)")
        return config.validated()

    def validated(self) -> "Config":
        """Raise ConfigError for values that cannot work; return self."""
        if len(self.SECRET_KEY.encode()) < SECRET_KEY_MIN_BYTES:
            raise ConfigError(f"SECRET_KEY must be at least {SECRET_KEY_MIN_BYTES} bytes (it signs the panel's "
                              "sessions): leave it unset to have one generated into instance/secret_key, or make one "
                              "with: python -c 'import secrets; print(secrets.token_urlsafe(48))'")
        _check_url("TELEGRAM_API_URL", self.TELEGRAM_API_URL, ("http", "https"))
        _check_url("REDIS_URL", self.REDIS_URL, ("redis", "rediss", "unix"))
        _check_url("DATABASE_URL", self.DATABASE_URL, ("sqlite", "postgres", "postgresql"))
        if self.TELEGRAM_WEBHOOK_URL and not self.TELEGRAM_WEBHOOK_URL.startswith("https://"):
            raise ConfigError("TELEGRAM_WEBHOOK_URL must start with https:// (Telegram only calls https webhooks)")
        if self.TELEGRAM_BOT_TOKEN and ":" not in self.TELEGRAM_BOT_TOKEN:
            raise ConfigError("TELEGRAM_BOT_TOKEN looks wrong: BotFather's tokens look like 123456:ABC-DEF...")
        if self.DEFAULT_LANGUAGE not in ("id", "en"):
            raise ConfigError("DEFAULT_LANGUAGE must be id or en")
        if not 0 <= self.REPORT_WEEKDAY <= 6:
            raise ConfigError("REPORT_WEEKDAY must be 0 (Monday) to 6 (Sunday)")
        if not 0 <= self.REPORT_HOUR <= 23:
            raise ConfigError("REPORT_HOUR must be an hour from 0 to 23")
        if any(not 0 < f < 1 for f in self.REMINDER_FRACTIONS):
            raise ConfigError("REMINDER_FRACTIONS must be numbers between 0 and 1, e.g. 0.5")
        if self.DESCRIPTION_MIN >= self.DESCRIPTION_MAX:
            raise ConfigError("DESCRIPTION_MIN must be smaller than DESCRIPTION_MAX")
        for name in ("RESPONSE_HOURS", "RESOLUTION_HOURS", "SEND_GLOBAL_PER_SECOND", "SEND_GLOBAL_BURST",
                     "MAX_PHOTOS", "ASK_PAUSE_MAX_HOURS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1")
        for name in ("SEND_RETRY_SECONDS", "SEND_RETRY_MAX_DELAY_SECONDS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1 (seconds)")
        if self.SEND_RETRY_SECONDS > self.SEND_RETRY_MAX_DELAY_SECONDS:
            raise ConfigError("SEND_RETRY_SECONDS must not exceed SEND_RETRY_MAX_DELAY_SECONDS")
        if not self.SEND_RETRY_MAX_AGE_HOURS > 0:
            raise ConfigError("SEND_RETRY_MAX_AGE_HOURS must be more than 0 (hours, e.g. 24 or 0.5)")
        for name in ("PUBLIC_PAGE_SIZE", "PUBLIC_MAX_PAGE", "PUBLIC_CACHE_SECONDS", "PUBLIC_LOOKUP_WINDOW_SECONDS",
                     "PUBLIC_MAP_MAX_POINTS"):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1")
        for name in ("BOT_GLOBAL_PER_SECOND", "BOT_CHAT_BURST", "BOT_PERSON_PER_MINUTE", "BOT_PERSON_BURST",
                     "LOGIN_MAX_PER_ADDRESS", "LOGIN_ACCOUNT_ADDRESSES", "TRUSTED_PROXY_COUNT", "PUBLIC_LOOKUP_MAX",
                     "OPEN311_POSTS_PER_MINUTE"):
            if getattr(self, name) < 0:
                raise ConfigError(f"{name} must be 0 (off) or more")
        if self.LOGIN_ACCOUNT_ADDRESSES == 1:
            raise ConfigError("LOGIN_ACCOUNT_ADDRESSES must be 0 (off) or at least 2: one address alone "
                              "must not lock an account for everyone")
        _check_timezone(self.TIMEZONE)
        return self

    def with_(self, **changes) -> "Config":
        """A copy with some settings changed (tests, CLI overrides)."""
        return replace(self, **changes).validated()

    # --- derived values -----------------------------------------------------------
    @property
    def media_path(self) -> Path:
        return Path(self.MEDIA_DIR)

    @property
    def is_sqlite(self) -> bool:
        return self.DATABASE_URL.startswith("sqlite")


def _kind(default) -> str:
    if isinstance(default, bool):
        return "bool"
    if isinstance(default, int):
        return "int"
    if isinstance(default, float):
        return "float"
    if isinstance(default, tuple):
        return "tuple"
    return "str"


# Tuples hold dates for EXTRA_HOLIDAYS and numbers for the reminder settings.
_PARSERS["tuple"] = lambda name, raw: (
    _as_dates(name, raw) if name == "EXTRA_HOLIDAYS" else _as_float_list(name, raw)
)


def _check_timezone(name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"TIMEZONE {name!r} is not a known time zone (e.g. Asia/Jakarta, Asia/Makassar)") from None


def _load_dotenv() -> None:
    from dotenv import load_dotenv

    load_dotenv(BASE_DIR / ".env", override=False)


@dataclass(frozen=True)
class TestConfig(Config):
    """Settings for tests: own SQLite file or PostgreSQL database, own Redis database number."""

    __test__ = False  # not a pytest test class

    TELEGRAM_BOT_TOKEN: str = "123456:TEST-TOKEN"
    DATABASE_URL: str = "sqlite:///:memory:"
    REDIS_URL: str = "redis://127.0.0.1:6379/13"
    SECRET_KEY: str = "test-secret-key-for-wadul-tests-only"
    QUEUE_PREFIX: str = "wadultest"
    TESTING: bool = True
