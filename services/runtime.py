"""The process's configuration and connections (web, worker, bot, CLI alike).

Jobs take ids, never objects, and find their settings here: built once per process from the
environment, or set explicitly by `use(config)` (tests, the CLI, an in-process worker).
"""
from __future__ import annotations

import threading

from redis import Redis

import models
from config import Config

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
        models.connect(config)
    return config


def config() -> Config:
    """The process's configuration (from the environment on first use)."""
    with _lock:
        if "config" not in _state:
            cfg = Config.from_env()
            _state["config"] = cfg
            models.connect(cfg)
        return _state["config"]


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
