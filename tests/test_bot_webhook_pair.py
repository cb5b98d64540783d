"""Two `python -m bot` processes in webhook mode behind a round-robin proxy, as an operator
scales the bot: one person's quick updates (an album) land on both processes, and nothing
they sent may be lost or handled twice."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

from models import Draft
from sandbox.botapi import sample_jpeg
from tests.botdriver import Person, choose_category, free_port
from tests.test_bot_process import ROOT, bot_env

def _wait_port(port: int, timeout: float = 20) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on {port}")


def test_an_album_spread_over_two_webhook_processes_keeps_every_photo(telegram, botapi):
    proxy_port, a, b = free_port(), free_port(), free_port()
    procs = [subprocess.Popen([sys.executable, "-m", "bench.intake_bots", "proxy", "--port", str(proxy_port),
                               "--to", f"127.0.0.1:{a},127.0.0.1:{b}"], cwd=ROOT, env=bot_env())]
    for port in (a, b):
        # The bot as `python -m bot` builds it, on a plain-http webhook (Telegram itself needs https,
        # which is the only thing the benchmark's runner changes).
        env = bot_env(TELEGRAM_BOT_TOKEN=telegram.TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL=botapi.url,
                      DATABASE_URL=telegram.DATABASE_URL, REDIS_URL=telegram.REDIS_URL,
                      MEDIA_DIR=telegram.MEDIA_DIR, QUEUE_PREFIX=telegram.QUEUE_PREFIX)
        procs.append(subprocess.Popen([sys.executable, "-m", "bench.intake_bots", "wadul", "--webhook-port", str(port),
                                       "--webhook-url-port", str(proxy_port)], cwd=ROOT, env=env,
                                      stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    try:
        for port in (proxy_port, a, b):
            _wait_port(port)
        siti = Person(botapi, first_name="Siti", timeout=20)
        siti.say("/start", expect="Wadul")
        siti.press("m:file", expect="Langkah 1/5")
        choose_category(siti, "jalan")
        siti.say("Jalan berlubang besar di depan SD Negeri 3, sudah dua minggu, bahaya untuk motor.",
                 expect="Langkah 3/5")
        colours = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30)]
        for colour in colours:  # an album: Telegram sends its photos as separate updates, at once
            botapi.send_photo(siti.user, sample_jpeg(640, 480, colour), media_group_id="album-pair")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            draft = Draft.get(Draft.telegram_user_id == siti.id)
            if len((draft.data or {}).get("photos", [])) == len(colours):
                break
            time.sleep(0.2)
        photos = (Draft.get(Draft.telegram_user_id == siti.id).data or {}).get("photos", [])
        assert len(photos) == len(colours), photos
        assert len({p["path"] for p in photos}) == len(colours)
    finally:
        for process in procs:
            process.send_signal(signal.SIGTERM)
        outputs = [p.communicate(timeout=20)[0] for p in procs]
    handled = "".join(o or "" for o in outputs)
    assert "Traceback" not in handled, handled
