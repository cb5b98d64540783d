"""The bot under faults it can meet on the shared test services: killed with kill -9 while an
album arrives (polling), and a media directory that cannot take a photo. The faults that
need their own PostgreSQL or Redis (a database restart) are in tests/fault/.

Everything goes through the public surface: the bot (in-process, or `python -m bot` as a
subprocess) talks HTTP to the fake Bot API; what the resident sees is read from there.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import models
from models import Complaint, Draft, Photo
from sandbox.botapi import sample_jpeg
from tests.botdriver import BotDriver, Person, choose_category, text_of
from tests.test_bot_process import bot_env

ROOT = Path(__file__).resolve().parent.parent
ALBUM = 5


# --- helpers (tests/fault/test_fault_bot.py uses them too) ------------------------------------
def album_photos(count: int = ALBUM, seed: int = 0) -> list[bytes]:
    """Distinct real pictures (the bot drops a picture it already has)."""
    return [sample_jpeg(640 + 16 * i, 480, ((37 * (i + seed)) % 256, (90 + 11 * seed) % 256, 200 - 9 * i))
            for i in range(count)]


def to_photo_step(person: Person) -> None:
    person.say("/lapor", expect=lambda m: "1/5" in text_of(m))
    choose_category(person, "jalan")
    person.say("Jalan berlubang besar di depan SD, bahaya untuk pengendara motor.",
               expect=lambda m: "3/5" in text_of(m))


def send_album(person: Person, photos: list[bytes], group: str) -> list[int]:
    """The album as Telegram delivers it: one update per photo, back to back."""
    return [person.api.send_photo(person.user, data, media_group_id=group) for data in photos]


def photo_count_shown(person: Person) -> int:
    """The highest "(n/5)" the bot has shown this person (the album's answer is edited)."""
    import re

    shown = [int(n) for m in person.messages() for n in re.findall(r"\((\d+)/5\)", text_of(m))]
    return max(shown, default=0)


def finish_filing(person: Person) -> str:
    """Done with photos, a typed address, privacy, confirm: the tracking code."""
    from core import tracking
    from tests.botdriver import buttons_of

    done = "ph:done" if photo_count_shown(person) else "ph:skip"
    person.press(done, expect=lambda m: "4/5" in text_of(m))
    from tests.botdriver import type_address

    type_address(person, "Jl. Pelabuhan Nomor 5, dekat pasar, Ketapang")
    person.press("pv:ok", expect=lambda m: any(b.startswith("ok:") for b in buttons_of(m)))
    confirm = next(b for b in buttons_of(person.messages()[-1]) if b.startswith("ok:"))
    reply = person.press(confirm, expect=lambda m: bool(tracking.find_codes(text_of(m))))
    return tracking.find_codes(text_of(reply))[0]


def summary_photo_count(person: Person) -> int | None:
    import re

    for message in reversed(person.messages()):
        found = re.search(r"Foto:\s*(\d+)", text_of(message))
        if found:
            return int(found.group(1))
    return None


def start_bot_process(env: dict, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "ab")
    try:
        return subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log,
                                stderr=subprocess.STDOUT)
    finally:
        log.close()


def kill9(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)


def wait_until(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


def album_through_kill(person: Person, start, stop_hard, photos: list[bytes], group: str,
                       kill_after_shown: int) -> None:
    """Send the album, kill -9 the bot once it has shown `kill_after_shown` photos, start it
    again, and wait until the bot has handled everything (the person's /bantuan answered)."""
    send_album(person, photos, group)
    wait_until(lambda: photo_count_shown(person) >= kill_after_shown, 30, f"{kill_after_shown} photo(s) shown")
    stop_hard()
    start()
    person.settle(timeout=40)


# --- kill -9 during an album (polling) ----------------------------------------------------------
def test_an_album_keeps_every_photo_when_the_bot_is_killed_while_it_arrives(telegram, botapi, tmp_path):
    """The bot is killed (SIGKILL) after answering the album's first photo: the updates fetched
    but not handled were not confirmed to Telegram, the one being handled was not recorded, so
    the restarted bot gets them again and the complaint is filed with all five photos."""
    env = bot_env(TELEGRAM_BOT_TOKEN=telegram.TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL=botapi.url,
                  DATABASE_URL=telegram.DATABASE_URL, REDIS_URL=telegram.REDIS_URL, MEDIA_DIR=telegram.MEDIA_DIR,
                  QUEUE_PREFIX=telegram.QUEUE_PREFIX)
    log_path = tmp_path / "bot.log"
    running = {"process": start_bot_process(env, log_path)}

    def start():
        running["process"] = start_bot_process(env, log_path)

    try:
        siti = Person(botapi, first_name="Siti", timeout=30)
        to_photo_step(siti)
        album_through_kill(siti, start, lambda: kill9(running["process"]), album_photos(), "album-k", 1)
        assert photo_count_shown(siti) == ALBUM, log_path.read_text()[-3000:]
        code = finish_filing(siti)
        assert summary_photo_count(siti) == ALBUM
        complaint = Complaint.get(Complaint.tracking_code == code)
        assert complaint.photos.count() == ALBUM
        stored = [Path(telegram.MEDIA_DIR) / p.path for p in complaint.photos.order_by(Photo.id)]
        assert all(path.is_file() for path in stored)
    finally:
        running["process"].send_signal(signal.SIGTERM)
        running["process"].wait(30)
    assert botapi.rejected_calls() == []


def test_a_clean_stop_confirms_only_what_was_handled_and_the_next_start_loses_nothing(telegram, botapi):
    """SIGTERM-like stop of the in-process bot right after an album arrived: whatever it did
    not finish is delivered again to the next start, never dropped, never stored twice."""
    driver = BotDriver(telegram).start()
    try:
        siti = Person(botapi, first_name="Siti", timeout=30)
        to_photo_step(siti)
        send_album(siti, album_photos(seed=3), "album-s")
        wait_until(lambda: photo_count_shown(siti) >= 1, 30, "the first photo shown")
        driver.restart()
        siti.settle(timeout=40)
        assert photo_count_shown(siti) == ALBUM
        draft = Draft.get(Draft.telegram_user_id == siti.id)
        assert len(draft.data["photos"]) == ALBUM
        assert len({p["sha256"] for p in draft.data["photos"]}) == ALBUM
    finally:
        driver.stop()
    assert botapi.rejected_calls() == []


# --- a media directory that cannot take a photo -----------------------------------------------
def test_a_media_dir_that_cannot_be_written_is_said_as_our_problem_and_the_draft_stays_whole(
        telegram, botapi, tmp_path, caplog):
    """MEDIA_DIR under a regular file: every write fails with ENOTDIR, as root too (chmod would
    not stop root). The resident is told the photo could not be stored on our side and how
    many photos the complaint has; the draft counts none; one error line names path and errno;
    the complaint can still be filed."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    media_dir = blocker / "media"
    driver = BotDriver(telegram.with_(MEDIA_DIR=str(media_dir))).start()
    caplog.set_level(logging.ERROR, logger="bot.filing.media")
    try:
        siti = Person(botapi, first_name="Siti", timeout=20)
        to_photo_step(siti)
        reply = siti.photo(sample_jpeg(800, 600, (10, 120, 40)), expect="tidak dapat disimpan")
        assert "bukan kesalahan Anda" in text_of(reply) and "0 foto" in text_of(reply)
        assert reply["reply_to_message"]["photo"]  # quotes the photo it is about (which one of an album)
        assert "kirim" not in text_of(reply).split("0 foto")[0].lower()  # no "send it again" first
        assert Draft.get(Draft.telegram_user_id == siti.id).data.get("photos", []) == []
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.filing.media"]
        assert len(lines) == 1 and str(blocker) in lines[0] and "ENOTDIR" in lines[0], lines
        code = finish_filing(siti)
        assert summary_photo_count(siti) == 0
        assert Complaint.get(Complaint.tracking_code == code).photos.count() == 0
    finally:
        driver.stop()
    assert not media_dir.exists()


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 256 KiB tmpfs (needs the right to mount, e.g. root in a container); skipped otherwise."""
    target = tmp_path / "tiny"
    target.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    yield target
    subprocess.run(["umount", "-l", str(target)], capture_output=True)


def test_a_full_media_disk_keeps_the_photos_already_stored_and_says_how_many(telegram, botapi, tiny_tmpfs, caplog):
    """A real full disk (tmpfs) after the first photo: the second is refused as our problem,
    the resident is told the complaint has 1 photo, the summary says 1, nothing half-written
    is left beside the stored photo."""
    driver = BotDriver(telegram.with_(MEDIA_DIR=str(tiny_tmpfs))).start()
    caplog.set_level(logging.ERROR, logger="bot.filing.media")
    try:
        siti = Person(botapi, first_name="Siti", timeout=20)
        to_photo_step(siti)
        siti.photo(sample_jpeg(400, 300, (200, 30, 30)), expect="(1/5)")
        filler = tiny_tmpfs / "filler"
        handle = os.open(filler, os.O_WRONLY | os.O_CREAT)  # fill the disk to the last block
        try:
            while os.write(handle, b"\0" * 4096):
                pass
        except OSError as exc:
            assert exc.errno == 28  # ENOSPC: full
        finally:
            os.close(handle)
        reply = siti.photo(sample_jpeg(1600, 1200, (20, 30, 230)), expect="tidak dapat disimpan")
        assert "1 foto" in text_of(reply)
        photos = Draft.get(Draft.telegram_user_id == siti.id).data["photos"]
        assert len(photos) == 1 and (tiny_tmpfs / photos[0]["path"]).is_file()
        assert not list(tiny_tmpfs.rglob("*.part"))
        lines = [r.getMessage() for r in caplog.records if r.name == "bot.filing.media"]
        assert len(lines) == 1 and "ENOSPC" in lines[0] and str(tiny_tmpfs) in lines[0], lines
        filler.unlink()
        finish_filing(siti)
        assert summary_photo_count(siti) == 1
    finally:
        driver.stop()
        models.db.close()


def test_an_album_keeps_every_photo_when_a_webhook_bot_is_killed_while_it_arrives(telegram, botapi, tmp_path):
    """Webhook mode: the HTTP answer (Telegram's confirmation) follows handling, so the photo
    being handled when the process is killed is delivered again (Telegram retries) to the
    restarted process, whose Redis memory says "begun, never finished": all five are kept."""
    from tests.botdriver import free_port
    from tests.test_bot_webhook_pair import _wait_port

    botapi.webhook_retry_delays = (0.2, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0)  # Telegram retries for longer still
    port = free_port()
    env = bot_env(TELEGRAM_BOT_TOKEN=telegram.TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL=botapi.url,
                  DATABASE_URL=telegram.DATABASE_URL, REDIS_URL=telegram.REDIS_URL, MEDIA_DIR=telegram.MEDIA_DIR,
                  QUEUE_PREFIX=telegram.QUEUE_PREFIX)
    command = [sys.executable, "-m", "bench.intake_bots", "wadul", "--webhook-port", str(port)]
    log_path = tmp_path / "bot.log"

    def start():
        with open(log_path, "ab") as log:
            running["process"] = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_port(port)

    running: dict = {}
    start()
    try:
        siti = Person(botapi, first_name="Siti", timeout=30)
        to_photo_step(siti)
        album_through_kill(siti, start, lambda: kill9(running["process"]), album_photos(seed=5), "album-w", 1)
        assert photo_count_shown(siti) == ALBUM, log_path.read_text()[-3000:]
        assert len(Draft.get(Draft.telegram_user_id == siti.id).data["photos"]) == ALBUM
        finish_filing(siti)
        assert summary_photo_count(siti) == ALBUM
    finally:
        running["process"].send_signal(signal.SIGTERM)
        running["process"].wait(30)


# --- what polling confirms (bot.transport.delivery) ------------------------------------------------------
async def test_polling_confirms_an_update_only_once_it_is_handled_or_held(db, botapi, monkeypatch):
    """Over HTTP to the fake Bot API, which forgets an update only when an offset passes it.
    An update still in hand at the next fetch is held in the database, then confirmed; if the
    database cannot hold it, Telegram keeps it and the next fetch asks from it again."""
    import asyncio
    from datetime import timedelta

    from bot.transport import delivery
    from models import HeldUpdate
    from tests.conftest import TEST_TOKEN

    monkeypatch.setattr(delivery, "STOP_WAIT", 0.3)  # the clean stop's patience, shortened
    monkeypatch.setattr(delivery, "HOLD_AFTER", 0.3)
    deliveries = delivery.Deliveries()
    bot = delivery.ConfirmingBot(TEST_TOKEN, base_url=f"{botapi.url}/bot", deliveries=deliveries)
    siti = botapi.user(first_name="Siti")
    first, second = botapi.send_text(siti, "satu"), botapi.send_text(siti, "dua")
    from telegram import Bot

    observer = Bot(TEST_TOKEN, base_url=f"{botapi.url}/bot")  # sees what Telegram still holds
    async with bot, observer:
        assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
        deliveries.handled(first)
        # The database cannot take the second: the next fetch asks from it, Telegram keeps it.
        monkeypatch.setattr(delivery, "_insert_held", lambda rows: (_ for _ in ()).throw(OSError("disk")))
        third = botapi.send_text(siti, "tiga")
        assert [u.update_id for u in await bot.get_updates(offset=second + 1, timeout=1)] == [third]
        assert [u.update_id for u in await observer.get_updates(timeout=0)] == [second, third]  # first forgotten
        # PTB's last call at a clean stop gives up after STOP_WAIT and confirms only the handled.
        assert await bot.get_updates(offset=third + 1, timeout=timedelta(0)) == ()
        assert [u.update_id for u in await observer.get_updates(timeout=0)] == [second, third]
        # With the database back, what is still in hand is held there and confirmed.
        monkeypatch.undo()
        monkeypatch.setattr(delivery, "HOLD_AFTER", 0.3)
        assert await bot.get_updates(offset=third + 1, timeout=1) == ()
        assert sorted(HeldUpdate.select(HeldUpdate.update_id).tuples()) == [(second,), (third,)]
        assert await observer.get_updates(timeout=0) == ()  # Telegram has forgotten them: we hold them
        # A new run replays what is held; handled, its rows go.
        again = delivery.Deliveries()
        restarted = delivery.ConfirmingBot(TEST_TOKEN, base_url=f"{botapi.url}/bot", deliveries=again)
        queue = asyncio.Queue()
        async with restarted:
            assert await restarted.replay_held(queue) == 2
            assert [queue.get_nowait().message.text for _ in range(2)] == ["dua", "tiga"]
            again.handled(second), again.handled(third)
            assert await restarted.get_updates(offset=third + 1, timeout=1) == ()
        assert HeldUpdate.select().count() == 0
