"""The process's configuration and connections (web, worker, bot, CLI alike).

Jobs take ids, never objects, and find their settings here: built once per process from the
environment, or set explicitly by `use(config)` (tests, the CLI, an in-process worker).
"""
from __future__ import annotations

import threading

from redis import Redis

import models
from config import INSTANCE_DIR, Config
from core.private_files import private_dir

_lock = threading.Lock()
_state: dict = {}

QUEUE_SEND = "send"        # outbound Telegram messages: short jobs, first served
QUEUE_DEFAULT = "default"  # assignment and other work caused by people
QUEUE_LOW = "low"          # sweeps and reports


def use(config: Config) -> Config:
    """Make `config` the process's configuration and bind the database to it."""
    with _lock:
        _state.clear()
        _state["config"] = config
        _connect(config)
    return config


def config() -> Config:
    """The process's configuration (from the environment on first use)."""
    with _lock:
        if "config" not in _state:
            cfg = Config.from_env()
            _state["config"] = cfg
            _connect(cfg)
        return _state["config"]


def _connect(cfg: Config) -> None:
    """Bind the database; the folders holding personal data are owner-only (created so, or
    made so with a log line)."""
    if INSTANCE_DIR.exists():
        private_dir(INSTANCE_DIR)
    private_dir(cfg.MEDIA_DIR)
    models.connect(cfg)


def redis() -> Redis:
    """One Redis client per process for queues and rate limits."""
    cfg = config()
    with _lock:
        if "redis" not in _state:
            _state["redis"] = Redis.from_url(cfg.REDIS_URL, socket_connect_timeout=2, socket_timeout=10)
        return _state["redis"]


def queue_name(cfg: Config, short: str) -> str:
    return f"{cfg.QUEUE_PREFIX}-{short}"


def queue_names(cfg: Config) -> list[str]:
    """The queues a worker listens on, most urgent first."""
    return [queue_name(cfg, q) for q in (QUEUE_SEND, QUEUE_DEFAULT, QUEUE_LOW)]
