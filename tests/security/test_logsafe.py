"""No process logs the bot token (core.logsafe): the bot, a sending worker, the clock, the web
panel under gunicorn and the sandbox run as real processes, and every line they print is
searched for the token. Each process is made to do work that puts the token in a URL (the
Bot API's `/bot<TOKEN>/METHOD`), so a process without the redaction would print it.
"""
from __future__ import annotations

import logging
import secrets
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core import logsafe
from sandbox.settings import SANDBOX_TOKEN
from services import runtime
from tests.botdriver import Person
from tests.workerkit import config_env, link_office, wait_until

ROOT = Path(__file__).resolve().parents[2]
# Shaped like BotFather's (digits, a colon, 35 URL-safe characters), made fresh for each run so
# no token-like secret sits in the repository; the fake Bot API accepts only this one here.
TOKEN = f"{secrets.randbelow(9 * 10**9) + 10**9}:AAH{secrets.token_urlsafe(24)[:32]}"


def env_for(config, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WADUL_"))}
    env.update(config_env(config), PYTHONPATH=str(ROOT), PYTHONUNBUFFERED="1", SECRET_KEY="test-secret-key-for-logsafe-0123456789abcdef",
               **extra)
    return env


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(process: subprocess.Popen) -> str:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()[0]


def clean(output: str, name: str) -> None:
    assert TOKEN not in output, f"{name} logged the token:\n{output}"
    assert TOKEN.split(":")[1] not in output, f"{name} logged the token's secret part:\n{output}"


@pytest.fixture
def secret_api(seeded, redis_conn):
    from sandbox.botapi import FakeBotAPI

    api = FakeBotAPI(token=TOKEN).start()
    config = runtime.use(seeded.with_(TELEGRAM_API_URL=api.url, TELEGRAM_BOT_TOKEN=TOKEN))
    yield api, config
    api.stop()


def test_bot_worker_and_clock_processes_never_print_the_token(secret_api):
    api, config = secret_api
    env = env_for(config)
    bot = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        siti = Person(api, first_name="Siti", timeout=30)
        siti.say("/start", expect="Wadul")
        siti.say("/bantuan", expect="/lapor")
    finally:
        bot_output = stop(bot)
    assert bot.returncode == 0, bot_output
    clean(bot_output, "the bot")

    # The worker sends an office notice through the Bot API (a URL with the token in it).
    from services.messaging import outbox
    from services.tx import transaction

    group = link_office(api, "DPUTR")
    with transaction():
        outbox.add_message(group, "Uji pengiriman", kind="notice", dedupe_key="logsafe:1")
    worker = subprocess.run([sys.executable, "-m", "workers", "worker", "--burst", "--simple"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert wait_until(lambda: any("Uji pengiriman" in (m.get("text") or "") for m in api.messages(group)), 10)
    clean(worker.stdout + worker.stderr, "the worker")
    clock = subprocess.run([sys.executable, "-m", "workers", "clock", "--once"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert clock.returncode == 0, clock.stdout + clock.stderr
    clean(clock.stdout + clock.stderr, "the clock")


def test_web_process_never_prints_the_token_even_in_its_access_log(secret_api):
    api, config = secret_api
    port = free_port()
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    web = subprocess.Popen([gunicorn, "--no-control-socket", "--workers", "1", "--bind", f"127.0.0.1:{port}",
                            "--access-logfile", "-", "--error-logfile", "-", "panel:create_app()"],
                           cwd=ROOT, env=env_for(config), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, start_new_session=True)
    try:
        def answered():
            try:
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        assert wait_until(answered, 60, 0.3)
        # A scanner asking for a Bot API path: gunicorn's access log prints every path.
        assert httpx.get(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", timeout=5).status_code == 404
        time.sleep(0.5)
    finally:
        output = stop(web)
    assert "/bot<token>/getMe" in output, output  # the line is there, the token is not
    clean(output, "the web panel")


def test_sandbox_process_never_prints_its_token(tmp_path):
    api_port, chat_port = free_port(), free_port()
    env = {**os.environ, "SANDBOX_API_PORT": str(api_port), "SANDBOX_CHAT_PORT": str(chat_port),
           "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    sandbox = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        def answered():
            try:
                return httpx.post(f"http://127.0.0.1:{api_port}/bot{SANDBOX_TOKEN}/getMe", timeout=2).json()["ok"]
            except (httpx.TransportError, ValueError):
                return False

        assert wait_until(answered, 60, 0.3)
        httpx.post(f"http://127.0.0.1:{api_port}/bot{SANDBOX_TOKEN}/sendMessage", data={"chat_id": 1, "text": "x"},
                   timeout=5)
    finally:
        output = stop(sandbox)
    assert SANDBOX_TOKEN not in output, output
    assert SANDBOX_TOKEN.split(":")[1] not in output, output


def test_redaction_covers_arguments_exceptions_and_tokens_nobody_configured(capsys):
    logsafe.install("555555:short-but-configured")
    handler = logging.StreamHandler(sys.stdout)
    log = logging.getLogger("wadul.test.logsafe")
    log.addHandler(handler)
    try:
        log.warning("POST %s", f"https://api.telegram.org/bot{TOKEN}/sendMessage")
        log.warning("a configured one: 555555:short-but-configured")
        try:
            raise RuntimeError(f"https://api.telegram.org/file/bot{TOKEN}/photos/a.jpg: 404")
        except RuntimeError:
            log.exception("download failed")
        log.warning("at 12:30 on 127.0.0.1:8443, complaint K7RX-4AMT")
    finally:
        log.removeHandler(handler)
    printed = capsys.readouterr().out
    assert TOKEN.split(":")[1] not in printed and "short-but-configured" not in printed
    assert printed.count(logsafe.REDACTED) == 3
    assert "12:30 on 127.0.0.1:8443, complaint K7RX-4AMT" in printed  # ordinary text is left alone
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
