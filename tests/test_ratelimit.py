"""The shared Telegram rate limit in Redis: per chat, per group, overall, pauses, and shared
by separate clients (as separate worker processes are)."""
from __future__ import annotations

import threading
import time

import pytest
from redis import Redis

from config import TestConfig
from tests.conftest import TEST_REDIS_URL
from workers.ratelimit import RateLimiter


@pytest.fixture
def config(redis_conn):
    return TestConfig(REDIS_URL=TEST_REDIS_URL, QUEUE_PREFIX="wadulrl")


def limiter(config) -> RateLimiter:
    return RateLimiter(Redis.from_url(TEST_REDIS_URL), config)  # its own connection, like another process


def test_private_chat_allows_a_short_burst_then_one_a_second(config):
    rl = limiter(config)
    assert [rl.acquire(111) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = rl.acquire(111)
    assert 0.5 < wait <= 1.25  # one a second, with a quarter of slack
    assert rl.acquire(222) == 0.0  # another chat is not held back
    time.sleep(wait)
    assert rl.acquire(111) == 0.0
    assert rl.acquire(111) > 0.5


def test_refused_attempts_take_nothing(config):
    rl = limiter(config)
    for _ in range(3):
        rl.acquire(5)
    waits = [rl.acquire(5) for _ in range(20)]
    assert all(0.5 < w <= 1.25 for w in waits)  # asking again and again does not push it further away


def test_group_limit_keeps_any_minute_under_twenty(config):
    rl = limiter(config)
    granted = sum(rl.acquire(-100200) == 0.0 for _ in range(30))
    assert granted == 5
    wait = rl.acquire(-100200)
    # The rest of the minute's allowance is spread: at most 14 more in 60 s, with slack.
    assert 4.0 < wait <= 1.25 * 60 / 14


def test_global_limit_across_chats(config):
    rl = limiter(config.with_(SEND_GLOBAL_PER_SECOND=10))
    results = [rl.acquire(1000 + i) for i in range(12)]
    assert results[:2] == [0.0, 0.0]  # burst of 10 // 5
    assert all(w > 0 for w in results[2:])
    assert max(results) <= 1 / 8


def test_pause_from_retry_after_holds_every_process(config):
    first, second = limiter(config), limiter(config)
    first.pause(333, 2)
    assert 1.5 < second.acquire(333) <= 2.0
    assert second.acquire(444) == 0.0
    first.pause(None, 1)
    assert 0.5 < second.acquire(444) <= 1.0  # a pause for everybody


def test_concurrent_senders_share_one_limit(config):
    """Eight clients hammering one chat for 2.2 s get no more than burst + rate x time."""
    granted: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + 2.2

    def sender():
        rl = limiter(config)
        while time.monotonic() < stop:
            wait = rl.acquire(777)
            if wait == 0.0:
                with lock:
                    granted.append(time.monotonic())
            else:
                time.sleep(min(wait, 0.05))

    threads = [threading.Thread(target=sender) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert 4 <= len(granted) <= 3 + 2  # burst of 3, then one per 1.25 s for ~2.2 s
    granted.sort()
    assert all(b - a >= 0.9 for a, b in zip(granted[2:], granted[3:]))
