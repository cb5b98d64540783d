"""The bot (`python -m bot`, polling) under faults, on the fault suite's own PostgreSQL:
the database crashing and coming back, and the bot killed (kill -9) while an album arrives.

Residents are simulated through the fake Bot API; what they see is read from there.
"""
from __future__ import annotations

import time

import pytest

from models import Complaint, Draft
from tests.botdriver import Person, text_of
from tests.faultkit import wait_until
from tests.test_bot_crash import (ALBUM, album_photos, finish_filing, photo_count_shown, send_album,
                                  summary_photo_count, to_photo_step)

pytestmark = pytest.mark.fault
BOT = ["python", "-m", "bot"]
UNSAVED = "belum tersimpan"  # bot.error_unsaved, Indonesian
DOWN_SECONDS = 8             # the issue used 20 s; what matters is that every statement fails meanwhile


def bot_messages_after(person: Person, message_id: int) -> list[str]:
    return [text_of(m) for m in person.messages() if m["message_id"] > message_id]


def start_bot(procs):
    bot = procs.start("bot", BOT)
    wait_until(lambda: "Application started" in bot.log_text() or not bot.alive(), 30, what="the bot to start")
    assert bot.alive(), bot.log_text()[-2000:]
    return bot


def test_postgres_crash_the_bot_answers_each_update_once_and_recovers_by_itself(fault_env, fault_pg, procs,
                                                                                fault_figures):
    """PostgreSQL stopped with `-m immediate` while residents are mid-complaint: each update
    sent meanwhile gets exactly one answer ("not stored, send it again"), and once the
    database is back the very next update is answered normally, on every thread of the bot,
    with the draft as it was. Recorded: error texts per failing update, time to recover."""
    api = fault_env.botapi
    bot = start_bot(procs)
    people = [Person(api, first_name=name, timeout=30) for name in ("Siti", "Budi", "Rina")]
    for person in people:
        to_photo_step(person)
    siti = people[0]
    siti.photo(album_photos(1, seed=9)[0], expect="(1/5)")

    fault_pg.stop("immediate")
    down_at = time.monotonic()
    failing = []  # (person, last message id before, what they sent)
    for index, person in enumerate(people):
        before = person.last_id()
        if index == 0:
            api.send_photo(person.user, album_photos(1, seed=10)[0])
        else:
            api.send_text(person.user, "/bantuan")
        person.wait(UNSAVED, after=before, timeout=20)
        failing.append((person, before))
    time.sleep(max(0.0, DOWN_SECONDS - (time.monotonic() - down_at)))
    fault_pg.start()
    back_at = time.monotonic()

    # The first update after the database is back is answered normally, for each person (the
    # bot's worker threads all held a dead connection).
    for person in people:
        person.say("/bantuan", expect="Wadul", timeout=30)
    recovered = time.monotonic() - back_at
    time.sleep(1.0)  # a second error text would have arrived by now
    per_update = []
    for person, before in failing:
        texts = bot_messages_after(person, before)
        per_update.append(sum(UNSAVED in t for t in texts))
        assert not any("ada gangguan" in t for t in texts), texts  # not the generic error as well
    assert per_update == [1, 1, 1], per_update

    # Nothing stored before the crash was lost; the photo that failed was not counted.
    photos = Draft.get(Draft.telegram_user_id == siti.id).data.get("photos", [])
    assert len(photos) == 1
    siti.photo(album_photos(1, seed=10)[0], expect="(2/5)")  # sending it again works
    code = finish_filing(siti)
    assert summary_photo_count(siti) == 2 and Complaint.get(Complaint.tracking_code == code).photos.count() == 2
    assert bot.alive()
    assert bot.log_text().count("database error handling update") == len(failing)  # one line each
    fault_figures.record("bot: PostgreSQL immediate stop", "database down (s)", DOWN_SECONDS)
    fault_figures.record("bot: PostgreSQL immediate stop", "error texts per failing update",
                         "/".join(map(str, per_update)))
    fault_figures.record("bot: PostgreSQL immediate stop", "first normal answer after restart (s)",
                         f"{recovered:.2f}")
    fault_figures.record("bot: PostgreSQL immediate stop", "bot restarts needed", 0)


@pytest.mark.parametrize("rounds", [3])
def test_kill9_during_a_five_photo_album_files_every_photo(fault_env, procs, fault_figures, rounds):
    """kill -9 of the bot while a 5-photo album arrives, restart, repeated: every complaint is
    filed with 5/5 photos (the summary the resident confirms says 5)."""
    api = fault_env.botapi
    bot = start_bot(procs)
    kept = []
    for round_ in range(rounds):
        person = Person(api, first_name=f"Warga{round_}", timeout=40)
        to_photo_step(person)
        send_album(person, album_photos(seed=20 + round_), f"album-{round_}")
        kill_after = 1 + round_  # after the 1st, 2nd, 3rd photo was answered
        wait_until(lambda: photo_count_shown(person) >= kill_after, 30, what=f"{kill_after} photo(s) answered")
        bot.kill9()
        bot = start_bot(procs)
        person.settle(timeout=40)
        code = finish_filing(person)
        stored = Complaint.get(Complaint.tracking_code == code).photos.count()
        shown = summary_photo_count(person)
        kept.append(stored)
        assert stored == shown == ALBUM, (round_, stored, shown, bot.log_text()[-2000:])
    fault_figures.record("bot: kill -9 during a 5-photo album", "photos kept per complaint",
                         ", ".join(f"{n}/{ALBUM}" for n in kept))
