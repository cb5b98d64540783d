"""`python -m bot` as a real process: refusing to start without a token, and a whole complaint."""
import os
import signal
import subprocess
import sys
from pathlib import Path

from models import Complaint
from tests.botdriver import Person, file_complaint

ROOT = Path(__file__).resolve().parent.parent


def bot_env(**settings) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WADUL_"))}
    env.update({"SECRET_KEY": "test-secret-key-for-the-bot-process", "PYTHONUNBUFFERED": "1"}, **settings)
    return env


def run_bot(env, timeout=20):
    return subprocess.run([sys.executable, "-m", "bot"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def test_without_a_token_it_explains_in_both_languages_and_exits_2(tmp_path):
    done = run_bot(bot_env(TELEGRAM_BOT_TOKEN="", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    assert done.returncode == 2
    assert "TELEGRAM_BOT_TOKEN belum diisi" in done.stderr and "TELEGRAM_BOT_TOKEN is not set" in done.stderr
    assert "@BotFather" in done.stderr and "sandbox" in done.stderr


def test_webhook_mode_without_a_usable_secret_is_refused(tmp_path):
    done = run_bot(bot_env(TELEGRAM_BOT_TOKEN="1:ABC", TELEGRAM_WEBHOOK_URL="https://example.org/tg",
                           TELEGRAM_WEBHOOK_SECRET="has spaces", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}"))
    assert done.returncode == 2 and "TELEGRAM_WEBHOOK_SECRET" in done.stderr


def test_the_real_process_files_a_complaint_and_stops_cleanly(telegram, botapi):
    env = bot_env(TELEGRAM_BOT_TOKEN=telegram.TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL=botapi.url,
                  DATABASE_URL=telegram.DATABASE_URL, REDIS_URL=telegram.REDIS_URL, MEDIA_DIR=telegram.MEDIA_DIR,
                  QUEUE_PREFIX=telegram.QUEUE_PREFIX)
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    try:
        siti = Person(botapi, first_name="Siti", timeout=20)
        siti.say("/start", expect="Wadul")
        code = file_complaint(siti, address="Jalan Parit Baru gang 3, Desa Sungai Putri")
        assert Complaint.get(Complaint.tracking_code == code).desa.code == "61.04.01.2011"
        commands = [c for c in botapi.calls if c["method"] == "setMyCommands"]
        assert len(commands) == 2 and all(c["ok"] for c in commands)
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
    assert process.returncode == 0, output
    assert botapi.rejected_calls() == []


def test_it_waits_for_a_bot_api_server_that_starts_after_it(telegram, tmp_path):
    """Under honcho the sandbox may come up a moment after the bot: the bot must wait, not exit."""
    import socket
    import time

    from sandbox.botapi import FakeBotAPI

    with socket.socket() as probe:  # a free port nobody listens on yet
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = bot_env(TELEGRAM_BOT_TOKEN=telegram.TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL=f"http://127.0.0.1:{port}",
                  DATABASE_URL=telegram.DATABASE_URL, REDIS_URL=telegram.REDIS_URL, MEDIA_DIR=telegram.MEDIA_DIR)
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    late = FakeBotAPI(token=telegram.TELEGRAM_BOT_TOKEN, port=port)
    try:
        time.sleep(2)
        assert process.poll() is None, "the bot gave up before its API server started"
        late.start()
        siti = Person(late, first_name="Siti", timeout=20)
        siti.say("/start", expect="Wadul")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=20)[0]
        late.stop()
    assert "not reachable yet" in output
