"""`python -m sandbox` as scripts/run.sh starts it, and what the product imports without it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from config import Config
from sandbox.settings import SANDBOX_TOKEN

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sandbox_env(**values) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SANDBOX_", "TELEGRAM_"))}
    return {**env, **{key: str(value) for key, value in values.items()}}


def run_sandbox(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sandbox", *args], cwd=ROOT, env=sandbox_env(**env),
                          capture_output=True, text=True, timeout=30)


def test_the_sandbox_serves_the_bot_api_and_the_chat_page_and_stops_on_sigterm():
    api_port, chat_port = free_port(), free_port()
    process = subprocess.Popen([sys.executable, "-m", "sandbox"], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True,
                               env=sandbox_env(SANDBOX_API_PORT=api_port, SANDBOX_CHAT_PORT=chat_port,
                                               PANEL_URL="http://127.0.0.1:5123"))
    try:
        # The ports are bound first thing: a client connecting during start-up waits, it is not refused.
        me = _get_soon(f"http://127.0.0.1:{api_port}/bot{SANDBOX_TOKEN}/getMe")
        assert me["result"]["username"] == "wadul_sandbox_bot"
        info = httpx.get(f"http://127.0.0.1:{chat_port}/api/info", timeout=10).json()
        assert info["api_url"] == f"http://127.0.0.1:{api_port}" and info["panel_url"] == "http://127.0.0.1:5123"
        wrong = httpx.get(f"http://127.0.0.1:{api_port}/bot1:WRONG/getMe", timeout=10)
        assert wrong.status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=10)
    assert process.returncode == 0, output
    assert f"http://127.0.0.1:{chat_port}" in output and "sandbox stopped" in output


def _get_soon(url: str, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=10).json()
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)  # only before the interpreter has bound the port


def test_env_prints_what_the_bot_and_the_worker_need():
    result = run_sandbox("env", SANDBOX_API_PORT=9191)
    assert result.returncode == 0, result.stderr
    exported = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert exported == {"TELEGRAM_BOT_TOKEN": SANDBOX_TOKEN, "TELEGRAM_API_URL": "http://127.0.0.1:9191"}
    config = Config.from_env(exported, dotenv=False)  # valid for the product's own checks
    assert config.TELEGRAM_API_URL == "http://127.0.0.1:9191"


def test_a_busy_port_or_a_bad_setting_is_explained_without_a_traceback():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = run_sandbox(SANDBOX_API_PORT=taken.getsockname()[1], SANDBOX_CHAT_PORT=free_port())
    assert busy.returncode == 2 and "SANDBOX_API_PORT" in busy.stderr and "Traceback" not in busy.stderr
    bad = run_sandbox("env", SANDBOX_CHAT_PORT="80800")
    assert bad.returncode == 2 and "SANDBOX_CHAT_PORT must be a port number" in bad.stderr
    usage = run_sandbox("nonsense")
    assert usage.returncode == 2 and "python -m sandbox env" in usage.stderr


def test_nothing_of_the_sandbox_is_loaded_by_the_product():
    code = ("import sys, bot.__main__, bot.app, panel, workers.jobs, workers.sender, workers.__main__\n"
            "from panel import create_app\n"
            "loaded = sorted(m for m in sys.modules if m == 'sandbox' or m.startswith('sandbox.'))\n"
            "print(loaded)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                            env=sandbox_env(TELEGRAM_BOT_TOKEN="123456:REAL-TOKEN"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_procfile_runs_the_sandbox_with_the_other_processes():
    processes = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if ":" in line)
    assert processes["sandbox"].strip() == "python -m sandbox"
    assert {"web", "worker", "clock", "bot"} <= set(processes)
