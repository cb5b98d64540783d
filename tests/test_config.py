"""Configuration from the environment, with clear errors for values that cannot work."""
from datetime import date

import pytest

from config import Config, ConfigError


def env(**values):
    base = {"SECRET_KEY": "x" * 32}
    base.update(values)
    return base


def test_defaults_follow_the_design():
    config = Config.from_env(env())
    assert config.TELEGRAM_API_URL == "https://api.telegram.org"
    assert config.DATABASE_URL.startswith("sqlite:///") and config.DATABASE_URL.endswith("instance/wadul.db")
    assert config.REDIS_URL == "redis://localhost:6379/0"
    assert config.RESPONSE_HOURS == 48
    assert config.MEDIA_DIR.endswith("instance/media")


def test_values_are_parsed_by_type():
    config = Config.from_env(env(RESPONSE_HOURS="24", WORKING_DAYS="ya", EXTRA_HOLIDAYS="2026-12-24, 2026-12-26",
                                 REMINDER_FRACTIONS="0.5,0.75", DATABASE_URL="postgresql://u@h/db"))
    assert config.RESPONSE_HOURS == 24
    assert config.WORKING_DAYS is True
    assert config.EXTRA_HOLIDAYS == (date(2026, 12, 24), date(2026, 12, 26))
    assert config.REMINDER_FRACTIONS == (0.5, 0.75)
    assert not config.is_sqlite


@pytest.mark.parametrize("name,value,words", [
    ("RESPONSE_HOURS", "dua hari", "RESPONSE_HOURS must be a whole number"),
    ("RESPONSE_HOURS", "0", "RESPONSE_HOURS must be at least 1"),
    ("WORKING_DAYS", "maybe", "WORKING_DAYS must be true or false"),
    ("EXTRA_HOLIDAYS", "24/12/2026", "EXTRA_HOLIDAYS must be comma-separated dates"),
    ("REDIS_URL", "localhost:6379", "REDIS_URL must be a URL"),
    ("DATABASE_URL", "mysql://x/y", "DATABASE_URL must be a URL"),
    ("TELEGRAM_API_URL", "api.telegram.org", "TELEGRAM_API_URL must be a URL"),
    ("TELEGRAM_BOT_TOKEN", "nocolon", "TELEGRAM_BOT_TOKEN looks wrong"),
    ("TELEGRAM_WEBHOOK_URL", "http://example.org/hook", "must start with https://"),
    ("TIMEZONE", "Mars/Olympus", "not a known time zone"),
    ("REMINDER_FRACTIONS", "2", "between 0 and 1"),
    ("REPORT_HOUR", "24", "REPORT_HOUR must be an hour"),
])
def test_invalid_values_name_the_variable(name, value, words):
    with pytest.raises(ConfigError) as err:
        Config.from_env(env(**{name: value}))
    assert words in str(err.value)


def test_secret_key_is_generated_once_into_the_instance_folder(tmp_path, monkeypatch):
    import config as config_module

    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    first = Config.from_env({})
    second = Config.from_env({})
    assert first.SECRET_KEY and first.SECRET_KEY == second.SECRET_KEY
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("key", ["x" * 31, "kunci-rahasia", "é" * 15, "  " + "y" * 30 + "  "])
def test_a_short_secret_key_is_refused(key):
    with pytest.raises(ConfigError) as err:
        Config.from_env({"SECRET_KEY": key})
    assert "SECRET_KEY must be at least 32 bytes" in str(err.value)
    assert Config.from_env({"SECRET_KEY": "é" * 16}).SECRET_KEY == "é" * 16  # 32 bytes in UTF-8


def test_a_short_generated_key_file_names_the_file(tmp_path, monkeypatch):
    import config as config_module

    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    (tmp_path / "secret_key").write_text("pendek")
    with pytest.raises(ConfigError) as err:
        Config.from_env({})
    assert "secret_key holds a SECRET_KEY shorter than 32 bytes" in str(err.value)


def test_generated_secret_key_and_instance_folder_are_owner_only_even_with_a_loose_umask(tmp_path, monkeypatch):
    import os

    import config as config_module

    instance = tmp_path / "instance"
    monkeypatch.setattr(config_module, "INSTANCE_DIR", instance)
    old = os.umask(0)
    try:
        key = Config.from_env({}).SECRET_KEY
    finally:
        os.umask(old)
    assert len(key.encode()) >= 32
    assert (instance / "secret_key").stat().st_mode & 0o777 == 0o600
    assert instance.stat().st_mode & 0o777 == 0o700


def test_an_existing_readable_key_file_is_made_owner_only_with_one_log_line(tmp_path, monkeypatch, caplog):
    import config as config_module

    monkeypatch.setattr(config_module, "INSTANCE_DIR", tmp_path)
    (tmp_path / "secret_key").write_text("k" * 40)
    (tmp_path / "secret_key").chmod(0o644)
    tmp_path.chmod(0o755)
    with caplog.at_level("WARNING", logger="wadul.files"):
        assert Config.from_env({}).SECRET_KEY == "k" * 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600 and tmp_path.stat().st_mode & 0o777 == 0o700
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2 and any("secret_key was readable by other users (644)" in l for l in lines), lines
    caplog.clear()
    Config.from_env({})
    assert not caplog.records  # nothing left to fix, nothing said
