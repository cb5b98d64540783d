"""Telegram's flood limits as token buckets: about 30 messages a second over all chats,
about one a second to one private chat (with a small burst), 20 a minute to one group.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class RateLimits:
    """Tunable limits; change the attributes at any time (e.g. api.limits.enabled = True)."""

    enabled: bool = False
    global_per_second: float = 30.0
    global_burst: int = 30
    private_per_second: float = 1.0
    private_burst: int = 3
    group_per_minute: float = 20.0
    group_burst: int = 20


@dataclass
class _Bucket:
    rate: float          # tokens per second
    capacity: float
    tokens: float
    stamp: float = field(default=0.0)

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_for(self, cost: float) -> float:
        """Seconds until `cost` tokens are available (0 when they are)."""
        missing = min(cost, self.capacity) - self.tokens
        return 0.0 if missing <= 1e-9 else missing / self.rate


class RateLimiter:
    """Decides whether one more outgoing message is allowed; thread-safe."""

    def __init__(self, limits: RateLimits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[object, _Bucket] = {}

    def reset(self) -> None:
        with self._lock:
            self._buckets.clear()

    def acquire(self, chat_id: int, chat_type: str, cost: int = 1) -> int | None:
        """Take `cost` messages for chat_id; return None, or retry_after (whole seconds, >= 1)."""
        if not self.limits.enabled:
            return None
        with self._lock:
            now = self._clock()
            buckets = [self._bucket("global", self.limits.global_per_second, self.limits.global_burst, now),
                       self._chat_bucket(chat_id, chat_type, now)]
            wait = max(bucket.wait_for(cost) for bucket in buckets)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.tokens -= min(cost, bucket.capacity)
            return None

    def _chat_bucket(self, chat_id: int, chat_type: str, now: float) -> _Bucket:
        if chat_type == "private":
            return self._bucket(chat_id, self.limits.private_per_second, self.limits.private_burst, now)
        return self._bucket(chat_id, self.limits.group_per_minute / 60.0, self.limits.group_burst, now)

    def _bucket(self, key: object, rate: float, capacity: float, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None or bucket.rate != rate or bucket.capacity != capacity:
            bucket = self._buckets[key] = _Bucket(rate, capacity, capacity, now)
        bucket.refill(now)
        return bucket
