"""Files holding password hashes and personal data are owner-only: the SQLite database with
its -wal and -shm files, its folder, the media folder (the instance/ folder and the generated
SECRET_KEY are in tests/test_config.py). These use their own SQLite file on either database run.
"""
import os
import stat

import pytest

import migrations
import models
from config import TestConfig
from services import runtime
from tests.conftest import TEST_REDIS_URL


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def loose_umask():
    """The common default (0022) makes files 0644, readable by every user of the machine."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _use(tmp_path, db_path):
    return runtime.use(TestConfig(DATABASE_URL=f"sqlite:///{db_path}", REDIS_URL=TEST_REDIS_URL,
                                  MEDIA_DIR=str(tmp_path / "data" / "media")))


def test_a_new_database_its_wal_and_shm_and_folders_are_owner_only(tmp_path, loose_umask):
    db_path = tmp_path / "data" / "db" / "wadul.db"
    try:
        _use(tmp_path, db_path)
        migrations.create_tables()
        models.Opd.create(code="DLH", name="Dinas Lingkungan Hidup", short_name="DLH")
        assert (tmp_path / "data" / "db" / "wadul.db-wal").exists()  # WAL mode: written there first
        assert {name: mode(db_path.parent / name) for name in os.listdir(db_path.parent)} == {
            "wadul.db": 0o600, "wadul.db-wal": 0o600, "wadul.db-shm": 0o600}
        assert mode(db_path.parent) == 0o700 and mode(tmp_path / "data") == 0o700
        assert mode(tmp_path / "data" / "media") == 0o700
    finally:
        models.db.close()


def test_an_existing_readable_database_is_made_owner_only_at_start_with_a_log_line(tmp_path, loose_umask, caplog):
    db_path = tmp_path / "wadul.db"
    tmp_path.chmod(0o750)
    try:
        _use(tmp_path, db_path)
        migrations.create_tables()
        models.Opd.create(code="DLH", name="Dinas Lingkungan Hidup", short_name="DLH")
        models.db.close()
        for path in (db_path, tmp_path / "wadul.db-wal", tmp_path / "wadul.db-shm"):
            if path.exists():
                path.chmod(0o644)
        (tmp_path / "data" / "media").chmod(0o755)
        with caplog.at_level("WARNING", logger="wadul.files"):
            _use(tmp_path, db_path)
            assert models.Opd.get(models.Opd.code == "DLH").short_name == "DLH"  # nothing lost
        assert mode(db_path) == 0o600 and mode(tmp_path / "data" / "media") == 0o700
        said = [r.getMessage() for r in caplog.records]
        assert any(line.startswith(f"{db_path} was readable by other users (644)") for line in said), said
        assert any("media was readable by other users (755)" in line for line in said), said
        assert len(said) == len(set(said)) <= 4  # one line per file fixed
    finally:
        models.db.close()
    assert mode(tmp_path) == 0o750  # an existing folder the operator chose for the database is theirs to set
