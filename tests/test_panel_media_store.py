"""A full or read-only media store, for real: MEDIA_DIR on a small tmpfs filled to the last
block, or remounted read-only. "Resolve with photo" then changes nothing, says why (and
keeps the official's note in the form), logs one actionable error; /health reports the
media store and answers 503 while photos cannot be stored."""
from __future__ import annotations

import io
import logging
import subprocess
from pathlib import Path

import pytest

import models
from core import status as st
from models import Complaint, OutboundMessage, Photo, StatusChange
from tests.factories import make_complaint
from tests.panelkit import app, client, logged_in  # noqa: F401 (fixtures)
from tests.test_panel_actions import _photo_with_gps, act

STORE_BYTES = 12 * 1024 * 1024  # just above /health's minimum free space (10 MB)


@pytest.fixture
def media_disk(app):
    """MEDIA_DIR on a tmpfs of its own: `.fill()` takes every free block, `.free()` gives
    them back, `.read_only(bool)` remounts it. Needs the right to mount (root, as in CI)."""
    media = Path(app.config["WADUL"].MEDIA_DIR)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={STORE_BYTES}", "tmpfs", str(media)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem for MEDIA_DIR here: {done.stderr.strip()}")

    class Disk:
        path = media
        filler = media / "filler.bin"

        def fill(self):
            with open(self.filler, "wb", buffering=0) as out:
                for chunk in (65536, 4096, 1):  # down to the last byte tmpfs will take
                    try:
                        while True:
                            out.write(b"\0" * chunk)
                    except OSError:
                        pass

        def free(self):
            self.filler.unlink(missing_ok=True)

        def read_only(self, on: bool):
            subprocess.run(["mount", "-o", f"remount,{'ro' if on else 'rw'}", str(media)], check=True)

    yield Disk()
    subprocess.run(["umount", "-l", str(media)], check=False)


def _resolve_with_photo(client, complaint, note="Lubang sudah ditambal aspal."):
    data = {"note": note, "photo": (io.BytesIO(_photo_with_gps()), "hasil.jpg")}
    return act(client, complaint, "resolve", data, content_type="multipart/form-data", follow_redirects=True)


def _nothing_changed(complaint):
    assert Complaint.get_by_id(complaint.id).status == st.IN_PROGRESS
    assert not Photo.select().where(Photo.complaint == complaint).exists()
    assert not StatusChange.select().where(StatusChange.complaint == complaint,
                                           StatusChange.to_status == st.RESOLVED).exists()
    assert not OutboundMessage.select().where(OutboundMessage.complaint == complaint).exists()


@pytest.mark.parametrize("fault", ["full", "read_only"])
def test_resolve_with_photo_on_a_broken_media_store_changes_nothing_and_says_so(client, media_disk, caplog, fault):
    complaint = make_complaint(status=st.IN_PROGRESS)
    logged_in(client, models.ROLE_OPD_STAFF)
    if fault == "full":
        media_disk.fill()
    else:
        media_disk.read_only(True)

    with caplog.at_level(logging.ERROR, logger="services.complaints.desk"):
        response = _resolve_with_photo(client, complaint, note="Sudah diaspal ulang <hari ini>.")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Foto tidak dapat disimpan" in page and "TIDAK diubah" in page
    assert "Sudah diaspal ulang &lt;hari ini&gt;." in page  # the note is back in the form, escaped
    _nothing_changed(complaint)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    message = errors[0].getMessage()
    assert complaint.tracking_code in message and str(media_disk.path) in message
    assert ("No space left" if fault == "full" else "Read-only file system") in message
    assert not list(media_disk.path.rglob("*.part"))  # no half-written file left behind

    health = client.get("/health")
    assert health.status_code == 503
    body = health.get_json()
    assert body["ok"] is False and body["media"]["writable"] is False
    assert body["media"]["error"] == ("ENOSPC" if fault == "full" else "EROFS")
    assert body["media"]["free_bytes"] is not None

    # The disk is fixed: the same action now works, photo and all.
    if fault == "full":
        media_disk.free()
    else:
        media_disk.read_only(False)
    assert client.get("/health").status_code == 200
    page = _resolve_with_photo(client, complaint).get_data(as_text=True)
    assert "ditandai selesai" in page
    assert Complaint.get_by_id(complaint.id).status == st.RESOLVED
    photo = Photo.get(Photo.complaint == complaint, Photo.kind == "result")
    assert (media_disk.path / photo.path).exists()


def test_resolving_without_a_photo_still_works_on_a_full_disk(client, media_disk):
    """The explicit choice the message offers: the change itself needs no disk."""
    complaint = make_complaint(status=st.IN_PROGRESS)
    logged_in(client, models.ROLE_OPD_STAFF)
    media_disk.fill()
    page = act(client, complaint, "resolve", {"note": "Selesai, foto menyusul."},
               follow_redirects=True).get_data(as_text=True)
    assert "ditandai selesai" in page
    assert Complaint.get_by_id(complaint.id).status == st.RESOLVED
    assert not Photo.select().where(Photo.complaint == complaint).exists()


def test_health_reports_a_writable_media_store(client, app):
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["ok"] is True
    assert body["media"]["writable"] is True and body["media"]["error"] == ""
    assert body["media"]["free_bytes"] > 10 * 1024 * 1024
    assert not [p for p in Path(app.config["WADUL"].MEDIA_DIR).iterdir() if p.name.startswith(".health-")]


def test_health_answers_503_when_the_media_store_is_nearly_full(client, media_disk):
    """Writable, but with less room than one photo upload: not fit to store photos."""
    media_disk.fill()
    media_disk.free()
    with open(media_disk.path / "big.bin", "wb") as out:
        out.write(b"\0" * (STORE_BYTES - 4 * 1024 * 1024))
    body = client.get("/health")
    assert body.status_code == 503
    assert body.get_json()["media"] == {**body.get_json()["media"], "writable": True, "error": "low_space"}
