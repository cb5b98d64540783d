"""The bot keeps its promises under stress: cancel, restart, redelivered updates, ordering per
person, Telegram's 429 and 5xx answers, and webhook mode with its secret header.
"""
import asyncio
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx
from telegram import Chat, Message, Update, User

from bot.app import PerUserUpdateProcessor
from models import Complaint, Desa, Draft
from sandbox.botapi import sample_jpeg
from tests.botdriver import (WEBHOOK_SECRET, BotDriver, Person, buttons_of, choose_category, file_complaint,
                              type_address)

pytest_plugins = ("tests.botfixtures",)  # the `bot` fixture


def at_photo_step(person):
    person.say("/lapor", expect="Langkah 1/5")
    choose_category(person, "jalan")
    person.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")


def draft_of(person):
    return Draft.get(Draft.telegram_user_id == person.id)


def test_cancel_mid_way_discards_the_draft_and_its_photos(bot, botapi, telegram):
    siti = Person(botapi)
    at_photo_step(siti)
    siti.photo(sample_jpeg(), expect="(1/5)")
    stored = Path(telegram.MEDIA_DIR) / draft_of(siti).data["photos"][0]["path"]
    assert stored.is_file()
    siti.say("/batal", expect="Laporan dibatalkan")
    assert not stored.exists() and draft_of(siti).step == "idle" and draft_of(siti).data == {}
    siti.say("/batal", expect="Tidak ada laporan")
    siti.say("/lapor", expect="Langkah 1/5")  # a fresh start, not a resume
    assert "lanjutkan" not in " ".join(siti.texts()[-2:]).lower()
    assert Complaint.select().count() == 0


def test_cancel_button_on_the_summary(bot, botapi):
    siti = Person(botapi)
    at_photo_step(siti)
    siti.press("ph:skip", expect="Langkah 4/5")
    type_address(siti, "Jalan Pelabuhan 5, dekat pasar Ketapang")
    siti.press("pv:ok", expect="Periksa laporan")
    siti.press("cx", expect="Laporan dibatalkan")
    assert botapi.reply_keyboard(siti.id) is None and Complaint.select().count() == 0


def test_a_restart_in_the_middle_resumes_at_the_same_step(bot, botapi, telegram):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    bot.restart()
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="Langkah 3/5")
    siti.photo(sample_jpeg(), expect="(1/5)")
    bot.restart()
    siti.say("/lapor", expect="lanjutkan laporan Anda")
    siti.wait("Langkah 3/5", after=siti.last_id() - 1)
    siti.photo(sample_jpeg(color=(0, 200, 0)), expect="(2/5)")
    siti.press("ph:done", expect="Langkah 4/5")
    desa = Desa.get(Desa.code == "61.04.01.2011")
    siti.location(desa.centroid_lat, desa.centroid_lon, expect="Langkah 5/5")
    siti.press("pv:ok", expect="Periksa laporan")
    bot.restart()
    confirm = next(b for b in buttons_of(siti.messages()[-1]) if b.startswith("ok:"))
    siti.press(confirm, expect="Kode aduan")
    complaint = Complaint.get()
    assert complaint.photos.count() == 2 and complaint.category.code == "jalan"
    assert all((Path(telegram.MEDIA_DIR) / p.path).is_file() for p in complaint.photos)


def delivered(api, predicate):
    """The update as the bot received it (from the getUpdates answers the fake logged)."""
    for call in api.calls:
        if call["method"] == "getUpdates" and call["ok"]:
            for update in call["result"]:
                if predicate(update):
                    return update
    raise AssertionError("no such update was delivered")


def test_a_redelivered_confirm_never_makes_a_second_complaint(bot, botapi):
    siti = Person(botapi)
    code = file_complaint(siti)
    confirm = delivered(botapi, lambda u: u.get("callback_query", {}).get("data", "").startswith("ok:"))
    bot.stop()  # as if the bot died before Telegram knew the update was handled
    botapi.push_update(confirm)
    bot.start()
    siti.settle()
    assert Complaint.select().count() == 1
    assert sum(code in t and "Kode aduan" in t for t in siti.texts()) == 1
    answers = [a for a in botapi.callback_answers if a["callback_query_id"] == confirm["callback_query"]["id"]]
    assert len(answers) == 1


def test_a_redelivered_photo_counts_once(bot, botapi):
    siti = Person(botapi)
    at_photo_step(siti)
    siti.photo(sample_jpeg(), expect="(1/5)")
    photo = delivered(botapi, lambda u: "photo" in u.get("message", {}))
    bot.stop()
    botapi.push_update(photo)
    bot.start()
    siti.settle()
    assert len(draft_of(siti).data["photos"]) == 1
    assert sum("Foto diterima" in t or "sudah Anda kirim" in t for t in siti.texts()) == 1


def test_a_confirm_pressed_again_answers_with_the_same_code(bot, botapi):
    siti = Person(botapi)
    at_photo_step(siti)
    siti.press("ph:skip", expect="Langkah 4/5")
    type_address(siti, "Jalan Pelabuhan 5, dekat pasar Ketapang")
    summary = siti.press("pv:ok", expect="Periksa laporan")
    confirm = next(b for b in buttons_of(summary) if b.startswith("ok:"))
    bot.stop()  # two quick taps, both delivered before the bot could remove the buttons
    botapi.press_button(siti.user, summary["message_id"], confirm)
    second = botapi.press_button(siti.user, summary["message_id"], confirm)
    bot.start()
    siti.settle()
    complaint = Complaint.get()
    assert Complaint.select().count() == 1
    assert sum("Kode aduan" in t for t in siti.texts()) == 1
    query_id = delivered(botapi, lambda u: u["update_id"] == second)["callback_query"]["id"]
    assert {"callback_query_id": query_id,
            "text": f"Aduan ini sudah terkirim dengan kode {complaint.tracking_code}."} in botapi.callback_answers


def _update(update_id: int, user_id: int) -> Update:
    user = User(user_id, f"u{user_id}", False)
    message = Message(update_id, datetime.now(timezone.utc), Chat(user_id, "private"), from_user=user)
    return Update(update_id, message=message)


async def test_one_persons_updates_wait_for_each_other_while_others_run():
    processor = PerUserUpdateProcessor(16)
    events, release = [], asyncio.Event()

    async def handle(name, hold=False):
        events.append(("start", name))
        if hold:
            await release.wait()
        events.append(("end", name))

    tasks = [asyncio.create_task(processor.process_update(_update(1, 10), handle("a1", hold=True))),
             asyncio.create_task(processor.process_update(_update(2, 10), handle("a2"))),
             asyncio.create_task(processor.process_update(_update(3, 20), handle("b")))]
    await asyncio.sleep(0.05)
    assert events == [("start", "a1"), ("start", "b"), ("end", "b")]
    release.set()
    await asyncio.gather(*tasks)
    assert events[3:] == [("end", "a1"), ("start", "a2"), ("end", "a2")]
    assert processor._lines == {}


def test_albums_of_two_people_sent_at_once_all_arrive(bot, botapi):
    people = [Person(botapi, first_name="Satu"), Person(botapi, first_name="Dua")]
    for person in people:
        at_photo_step(person)
    for n in range(4):
        for index, person in enumerate(people):
            botapi.send_photo(person.user, sample_jpeg(color=(60 * n, 100 * index, 10)), media_group_id=f"g{index}")
    for person in people:
        person.wait("(4/5)")
        assert len(draft_of(person).data["photos"]) == 4
        assert sum("Foto diterima" in t for t in person.texts()) == 1


def test_telegrams_429_retry_after_is_obeyed(bot, botapi):
    siti = Person(botapi)
    botapi.fail_next("sendMessage", error_code=429, retry_after=1)
    siti.say("/start", expect="Wadul")
    sends = [c for c in botapi.calls if c["method"] == "sendMessage"]
    assert [c["error_code"] for c in sends] == [429, None]
    assert sends[1]["ts"] - sends[0]["ts"] >= 1.0


def test_a_telegram_failure_is_reported_and_the_draft_kept(bot, botapi):
    siti = Person(botapi)
    siti.say("/lapor", expect="Langkah 1/5")
    choose_category(siti, "jalan")
    botapi.fail_next("sendMessage", error_code=500, description="Internal Server Error")
    siti.say("Jalan berlubang besar di depan SD, bahaya untuk motor.", expect="ada gangguan")
    assert draft_of(siti).step == "photos" and draft_of(siti).data["description"].startswith("Jalan berlubang")
    siti.photo(sample_jpeg(), expect="(1/5)")


def test_webhook_mode_receives_updates_and_checks_the_secret(telegram, botapi):
    driver = BotDriver(telegram, mode="webhook").start()
    try:
        info = driver.call(driver.application.bot.get_webhook_info())
        assert info.url == driver.webhook_url
        assert botapi._state.webhook.secret_token == WEBHOOK_SECRET
        siti = Person(botapi)
        siti.say("/start", expect="Wadul")
        forged = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                              "chat": {"id": siti.id, "type": "private"},
                                              "from": siti.user.as_user()}}
        wrong = httpx.post(driver.webhook_url, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        missing = httpx.post(driver.webhook_url, json=forged)
        assert (wrong.status_code, missing.status_code) == (403, 403)
        siti.settle()
        assert sum("Halo" in t for t in siti.texts()) == 1
    finally:
        driver.stop()
    assert botapi.rejected_calls() == []
