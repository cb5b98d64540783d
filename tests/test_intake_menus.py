"""Village heads get /desa in their chat's command menu once linked (setMyCommands with
BotCommandScopeChat); /kontak pages through the offices in one message; the fake Bot API's
answers for what these use."""
import httpx
from telegram import BotCommandScopeAllPrivateChats, BotCommandScopeChat

import models
from models import Opd
from services import linking
from tests.botdriver import Person, buttons_of, text_of
from tests.factories import make_official

pytest_plugins = ("tests.botfixtures",)


def menu(bot, chat_id: int | None = None, language: str | None = None) -> list[str]:
    scope = BotCommandScopeChat(chat_id) if chat_id else BotCommandScopeAllPrivateChats()
    return [c.command for c in bot.call(bot.application.bot.get_my_commands(scope=scope, language_code=language))]


def test_a_linked_village_head_gets_the_village_commands_in_that_chat_only(bot, botapi):
    kades = Person(botapi, first_name="Pak Kades")
    warga = Person(botapi, first_name="Warga")
    head = make_official(models.ROLE_VILLAGE_HEAD)
    assert menu(bot, kades.id) == []
    kades.say(f"/start link-{linking.normalize(linking.create_link_code(head))}", expect="terhubung")
    kades.settle()
    assert menu(bot, kades.id) == ["start", "desa", "lapor", "aduanku", "kontak", "batal", "bantuan", "bahasa"]
    assert menu(bot, kades.id, "en") == ["start", "village", "report", "mine", "contacts", "cancel", "help",
                                         "language"]
    assert "desa" not in menu(bot) and menu(bot, warga.id) == []  # everyone else keeps the common menu
    calls = [c for c in botapi.calls if c["method"] == "setMyCommands" and c["ok"]]
    assert any(f'"chat_id": {kades.id}' in str(c["params"].get("scope")) or
               (isinstance(c["params"].get("scope"), dict) and c["params"]["scope"].get("chat_id") == kades.id)
               for c in calls)
    kades.say("/desa", expect="Desa")


def test_an_office_official_gets_no_village_menu(bot, botapi):
    petugas = Person(botapi, first_name="Petugas")
    staff = make_official(models.ROLE_OPD_STAFF, opd="DPUTR")
    petugas.say(f"/start link-{linking.normalize(linking.create_link_code(staff))}", expect="terhubung")
    petugas.settle()
    assert menu(bot, petugas.id) == []


def test_contacts_are_paged_in_one_message(bot, botapi):
    offices = [o for o in Opd.select().where(Opd.active == True) if o.has_contact()]  # noqa: E712
    assert len(offices) > 8  # the seeded directory: two pages
    siti = Person(botapi, first_name="Siti")
    first = siti.say("/kontak", expect="Kontak pengaduan OPD")
    assert "Halaman 1/2" in text_of(first) and buttons_of(first) == ["kt:2"]
    second = siti.press_and_wait_edit("kt:2", lambda m: "Halaman 2/2" in text_of(m))
    assert second["message_id"] == first["message_id"] and buttons_of(second) == ["kt:1"]
    names = {o.name for o in offices}
    shown = {n for n in names if n in text_of(first) + text_of(second)}
    assert shown == names  # every office on one of the pages
    back = siti.press_and_wait_edit("kt:1", lambda m: "Halaman 1/2" in text_of(m))
    assert back["message_id"] == first["message_id"]
    assert len(siti.messages()) == 1  # paging sent nothing new


def test_the_fake_answers_chat_menus_and_edits_as_telegram_does(botapi):
    user = botapi.user(first_name="Uji")

    def call(method, **params):
        return httpx.post(f"{botapi.url}/bot{botapi.token}/{method}", json=params).json()

    commands = [{"command": "desa", "description": "Aduan desa"}]
    assert call("setMyCommands", commands=commands, scope={"type": "chat", "chat_id": user.id})["ok"]
    missing = call("setMyCommands", commands=commands, scope={"type": "chat"})
    assert missing["error_code"] == 400 and "chat_id" in missing["description"]
    unknown = call("setMyCommands", commands=commands, scope={"type": "chat", "chat_id": 42})
    assert unknown["description"] == "Bad Request: chat not found"
    sent = call("sendMessage", chat_id=user.id, text="satu")["result"]
    same = call("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="satu")
    assert "message is not modified" in same["description"]
    botapi.delete_for_both(user.id, sent["message_id"])
    gone = call("editMessageText", chat_id=user.id, message_id=sent["message_id"], text="dua")
    assert gone["description"] == "Bad Request: message to edit not found"
    kinds = {c["description"]: c["kind"] for c in botapi.calls if not c["ok"]}
    assert kinds["Bad Request: message to edit not found"] == "refused"  # the person's doing, not the bot's
