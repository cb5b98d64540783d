"""The bot's pacing of outgoing messages, and obeying Telegram's 429 answers.

Telegram documents two limits that matter here: about 30 messages a second when a bot
sends bulk notifications to many people, and about one message a second to one chat, with
short bursts tolerated (20 a minute to a group). Over them it answers 429 with
`retry_after`, which must be waited out. Telegram counts per token, so the bot processes
and the send workers must share one budget.

This limiter (PTB's `BaseRateLimiter`) paces only calls that create a message (send*,
copy*, forward*; not sendChatAction, edits, deletions or callback answers, which notify
nobody). Normally it takes each message from the shared budget in Redis
(services.messaging.ratelimit.SharedLimits: the send workers' global bucket, SEND_GLOBAL_PER_SECOND,
and the same per-chat and per-group buckets), one round trip per message. While Redis is
unreachable it paces this process alone, for a while, with local token buckets:
- overall: at most `global_per_second` new messages a second (0 = no overall pacing, in
  the shared budget too; Telegram's 429 still applies);
- per private chat: a burst of `chat_burst` messages, then one a second (0 = none, in the
  shared budget too);
- per group chat: 20 a minute, burst 20.
Local waiting is by reservation (no locks: one event loop), so callers are served in the
order they asked. A 429 on a call that names a chat holds that chat's calls for
`retry_after` (in Redis too, so the send workers hold back); on any other call it holds
every call; the call is retried up to `max_retries` times, then the RetryAfter error goes
to the handler.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable, Coroutine

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)
SHARED_RETRY_SECONDS = 30.0  # after Redis failed, pace locally this long before trying it again
NOT_MESSAGES = frozenset({"sendchataction"})
GROUP_PER_MINUTE, GROUP_BURST = 20, 20
# One a second to a private chat, with the send workers' margin (services.messaging.ratelimit.CHAT_SLACK):
# our clock is not Telegram's, and a message granted right at our edge may land before its.
CHAT_SLACK = 1.25
CHAT_PER_SECOND = 1.0 / CHAT_SLACK
PRUNE_AT = 20_000  # idle chat buckets are forgotten beyond this many


def creates_message(endpoint: str) -> bool:
    name = endpoint.lower()
    return name.startswith(("send", "copymessage", "forwardmessage")) and name not in NOT_MESSAGES


def message_count(endpoint: str, data: dict) -> int:
    """How many messages a call creates (an album is one message per item)."""
    many = data.get("media") if endpoint.lower() == "sendmediagroup" else data.get("message_ids")
    return max(1, len(many)) if isinstance(many, list) else 1


class Bucket:
    """A token bucket that hands out reservations: `reserve()` is the seconds to wait first."""

    __slots__ = ("rate", "capacity", "tokens", "stamp")

    def __init__(self, rate: float, capacity: float, clock: Callable[[], float]) -> None:
        self.rate, self.capacity = rate, capacity
        self.tokens, self.stamp = capacity, clock()

    def reserve(self, now: float, cost: float = 1) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        cost = min(cost, self.capacity)
        self.tokens -= cost
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def idle(self, now: float) -> bool:
        return self.tokens + (now - self.stamp) * self.rate >= self.capacity


class BotRateLimiter(BaseRateLimiter):
    """Overall and per-chat pacing of new messages; 429 answers waited out per chat."""

    def __init__(self, global_per_second: float = 30, chat_burst: int = 3, max_retries: int = 3,
                 clock: Callable[[], float] = time.monotonic, shared: Callable[[], Any] | None = None) -> None:
        """`shared` makes the SharedLimits (in the event loop, at initialize); None: local only."""
        if global_per_second < 0 or chat_burst < 0 or max_retries < 0:
            raise ValueError("limits and retries must not be negative")
        self.global_per_second, self.chat_burst, self.max_retries = global_per_second, chat_burst, max_retries
        self._clock = clock
        self._make_shared = shared
        self.shared = None
        self._shared_down_until = 0.0
        self._shared_turn = asyncio.Lock()
        self._global = Bucket(global_per_second, max(1.0, global_per_second), clock) if global_per_second else None
        self._chats: dict[int | str, Bucket] = {}
        self._held_until: dict[int | str | None, float] = {}  # after a 429; None = every call

    async def initialize(self) -> None:
        """Connect to the shared budget (lazily: Redis may be away now and back later)."""
        if self._make_shared is not None and self.shared is None:
            self.shared = self._make_shared()

    async def shutdown(self) -> None:
        if self.shared is not None:
            shared, self.shared = self.shared, None
            try:
                await shared.close()
            except Exception:  # noqa: BLE001 - closing a broken connection must not stop the bot
                log.debug("closing the shared limit's Redis connection failed", exc_info=True)

    async def process_request(self, callback: Callable[..., Coroutine[Any, Any, Any]], args: Any,
                              kwargs: dict[str, Any], endpoint: str, data: dict[str, Any],
                              rate_limit_args: int | None) -> Any:
        chat = _chat_key(data.get("chat_id"))
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        paced = creates_message(endpoint)
        for attempt in range(retries + 1):
            await self._wait_held(chat)
            if paced:
                await self._pace(chat, message_count(endpoint, data))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    log.warning("%s: Telegram's flood limit still hit after %d retries", endpoint, retries)
                    raise
                pause = exc._retry_after.total_seconds() + 0.1  # noqa: SLF001 - PTB keeps the exact value here
                log.info("%s to chat %s: 429, waiting %.1f s", endpoint, chat, pause)
                self._held_until[chat] = max(self._held_until.get(chat, 0.0), self._clock() + pause)
                await self._pause_shared(chat, pause)
        return None  # not reached: the loop returns or raises

    async def _wait_held(self, chat) -> None:
        while True:
            now = self._clock()
            until = max(self._held_until.get(None, 0.0), self._held_until.get(chat, 0.0) if chat is not None else 0.0)
            if until <= now:
                return
            await asyncio.sleep(until - now)

    async def _pace(self, chat, cost: int) -> None:
        if await self._pace_shared(chat, cost):
            return
        bucket = self._chat_bucket(chat)
        if bucket is not None:
            wait = bucket.reserve(self._clock(), cost)
            if wait > 0:
                await asyncio.sleep(wait)
        if self._global is not None:
            wait = self._global.reserve(self._clock(), cost)
            if wait > 0:
                await asyncio.sleep(wait)

    def _shared_usable(self) -> bool:
        return self.shared is not None and self._clock() >= self._shared_down_until

    def _shared_failed(self, exc: Exception) -> None:
        if self._clock() >= self._shared_down_until:
            log.warning("the shared send limit in Redis is unreachable (%s); this bot process paces itself "
                        "alone for %.0f s", exc, SHARED_RETRY_SECONDS)
        self._shared_down_until = self._clock() + SHARED_RETRY_SECONDS

    async def _pace_shared(self, chat, cost: int) -> bool:
        """Take the message from the shared budget, waiting as told; False when Redis is away."""
        if not self._shared_usable() or (chat is None and not self.global_per_second):
            return False
        try:
            while True:
                # One taker at a time in this process, first come first served (asyncio's lock
                # is fair): waiting for the overall bucket happens in that line, so a burst of
                # callers costs one Redis round trip per message, not one per caller per slot.
                async with self._shared_turn:
                    grant = await self.shared.take(chat, cost)
                    while grant.wait and not grant.chat:
                        await asyncio.sleep(grant.wait)
                        grant = await self.shared.take(chat, cost)
                if not grant.wait:
                    return True
                await asyncio.sleep(grant.wait)  # the chat's own limit: wait out of the line
        except (OSError, asyncio.TimeoutError, _redis_errors()) as exc:
            self._shared_failed(exc)
            return False

    async def _pause_shared(self, chat, seconds: float) -> None:
        if not self._shared_usable():
            return
        try:
            await self.shared.pause(chat, seconds)
        except (OSError, asyncio.TimeoutError, _redis_errors()) as exc:
            self._shared_failed(exc)

    def _chat_bucket(self, chat) -> Bucket | None:
        if chat is None:
            return None
        group = isinstance(chat, str) or chat < 0
        if not group and not self.chat_burst:
            return None
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= PRUNE_AT:
                self._prune()
            rate, burst = (GROUP_PER_MINUTE / 60 / CHAT_SLACK, GROUP_BURST) if group else (CHAT_PER_SECOND, self.chat_burst)
            bucket = self._chats[chat] = Bucket(rate, burst, self._clock)
        return bucket

    def _prune(self) -> None:
        now = self._clock()
        for key in [key for key, bucket in self._chats.items() if bucket.idle(now)]:
            del self._chats[key]


def _redis_errors() -> type[Exception]:
    from redis.exceptions import RedisError

    return RedisError


def shared_limits(config) -> Callable[[], Any] | None:
    """What BotRateLimiter's `shared` wants for this config: SharedLimits on config.REDIS_URL
    (short timeouts: a message must not wait long for an absent Redis)."""
    if not config.BOT_GLOBAL_PER_SECOND and not config.BOT_CHAT_BURST:
        return None  # no pacing at all was asked for

    def make():
        from redis import asyncio as aioredis

        from services.messaging.ratelimit import SharedLimits

        client = aioredis.from_url(config.REDIS_URL, socket_timeout=2, socket_connect_timeout=1)
        return SharedLimits(client, config, overall=bool(config.BOT_GLOBAL_PER_SECOND),
                            per_chat=bool(config.BOT_CHAT_BURST))
    return make


def _chat_key(chat_id) -> int | str | None:
    if chat_id is None:
        return None
    try:
        return int(chat_id)
    except (TypeError, ValueError):
        return str(chat_id)  # @channelname
