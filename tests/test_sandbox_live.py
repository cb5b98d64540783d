"""SandboxAPI (sandbox/webchat/live.py): the fake Bot API as a long-running local service."""
from __future__ import annotations

import pytest

from sandbox.botapi import sample_jpeg
from sandbox.webchat.live import SandboxAPI, first_update_id
from tests.botdriver import BotDriver, Person
from tests.sandboxkit import TEST_TOKEN


@pytest.fixture
def sandbox_api():
    api = SandboxAPI(TEST_TOKEN).start()
    yield api
    api.stop()


def test_a_restarted_sandbox_is_still_heard_by_the_bot(telegram):
    """The bot drops updates whose id is not above the last it handled for that person;
    a restarted sandbox must keep numbering upwards, as Telegram does, or nobody is heard."""
    first = SandboxAPI(TEST_TOKEN).start()
    try:
        with BotDriver(telegram.with_(TELEGRAM_API_URL=first.url)):
            Person(first, first.user(user_id=6_100_000_001, first_name="Siti")).say("/start", expect="Siti")
    finally:
        first.stop()
    again = SandboxAPI(TEST_TOKEN).start()
    try:
        with BotDriver(telegram.with_(TELEGRAM_API_URL=again.url)):
            siti = Person(again, again.user(user_id=6_100_000_001, first_name="Siti"))
            assert "Siti" in siti.say("/start", expect="Siti")["text"]
        assert again.rejected_calls() == []
    finally:
        again.stop()


def test_update_ids_follow_the_clock():
    assert first_update_id(1_800_000_000.5) == 180_000_000_050
    assert first_update_id() > first_update_id(1_795_000_000)


def test_history_has_both_sides_and_albums_are_split_by_ten(sandbox_api):
    siti = sandbox_api.user(first_name="Siti")
    sandbox_api.send_text(siti, "halo")
    update_ids = sandbox_api.send_album(siti, [sample_jpeg(64, 48)] * 12, caption="dua belas")
    history = sandbox_api.history(siti.id)
    groups = [m["media_group_id"] for m in history if "photo" in m]
    assert len(update_ids) == 12 and len(set(groups[:10])) == 1 and len(set(groups[10:])) == 1
    assert groups[0] != groups[10]
    assert [m.get("caption") for m in history if "photo" in m].count("dua belas") == 1
    assert history[0]["text"] == "halo" and sandbox_api.messages(siti.id) == []
    assert [u.first_name for u in sandbox_api.users()] == ["Siti"] and sandbox_api.find_user(12345) is None
    with pytest.raises(ValueError):
        sandbox_api.send_album(siti, [])


def test_the_command_menu_is_chosen_by_scope_then_language(sandbox_api):
    import httpx

    def set_commands(commands, **params):
        body = {"commands": commands, **params}
        assert httpx.post(f"{sandbox_api.url}/bot{TEST_TOKEN}/setMyCommands", json=body).json()["ok"]

    assert sandbox_api.commands_for("id") == []
    set_commands([{"command": "start", "description": "Mulai"}])
    set_commands([{"command": "lapor", "description": "Buat aduan"}], scope={"type": "all_private_chats"})
    set_commands([{"command": "report", "description": "File"}], scope={"type": "all_private_chats"},
                 language_code="en")
    assert [c["command"] for c in sandbox_api.commands_for("id")] == ["lapor"]
    assert [c["command"] for c in sandbox_api.commands_for("en")] == ["report"]
    assert [c["command"] for c in sandbox_api.commands_for(None)] == ["lapor"]
