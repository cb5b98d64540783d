"""One rate limit for every process using the bot's token together, kept in Redis.

The send workers (RateLimiter, synchronous) and the bot processes (SharedLimits, asyncio,
used by bot.limits) take from the same buckets under the same keys: Telegram counts what
the token sends, not which process sent it.

Telegram allows about 30 messages a second over all chats, about one a second to one chat
(short bursts are tolerated) and 20 a minute to one group. Each limit is a GCRA bucket
(generic cell rate algorithm: one "theoretical arrival time" per key) checked and taken
atomically by one Lua script, on Redis's own clock so that all machines agree. A 429's
retry_after pauses the chat (or the whole bot) for every process.

Group limits are set so that no 60-second window ever holds more than
SEND_PER_GROUP_PER_MINUTE messages (burst + rate x 60 <= limit). The overall limit grants
exactly SEND_GLOBAL_PER_SECOND a second, one every 1/rate seconds, and lets a sender that
fell behind catch up by at most SEND_GLOBAL_BURST - 1 slots: over any T seconds at most
SEND_GLOBAL_BURST + rate x T messages go out. Telegram (like the fake in
sandbox/botapi_limits.py, a bucket of 30 refilled at 30 a second) lets 30 a second through
with short bursts, so the defaults (29 a second, bursts of 3) stay under it however long
the queue is. Without that catch-up allowance, every moment all senders are busy when a
slot comes due would be a slot lost for good, and the achieved rate would stay below the
configured one.
"""
from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

PRIVATE_BURST = 3
GROUP_BURST = 5
# Our clock is not Telegram's, and requests take varying moments to arrive: a quarter of
# slack on the per-chat limits keeps a message granted right at our edge from landing before
# Telegram's. (The overall limit has its margin in the setting: 29 of about 30 a second.)
CHAT_SLACK = 1.25

# KEYS: bucket keys. ARGV: for each key its interval and tolerance in microseconds and the
# messages taken from it (an album is several; at most the bucket's burst); an interval of 0
# marks a pause key (its value is the moment the pause ends), checked only.
# Returns {0, 0} when granted, else {microseconds to wait, index of the key that holds it}.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
local holder = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[3 * i - 2])
  local tolerance = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local need = tat + (cost - 1) * interval - tolerance - now
  if interval == 0 then need = tat - now end
  if need > wait then wait = need; holder = i end
end
if wait > 0 then return {wait, holder} end
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[3 * i - 2])
  if interval > 0 then
    local tat = tats[i] + interval * tonumber(ARGV[3 * i])
    redis.call('SET', key, tostring(tat), 'PX', math.floor((tat - now) / 1000) + 1000)
  end
end
return {0, 0}
"""

_PAUSE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local untill = now + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if untill > current then
  redis.call('SET', KEYS[1], tostring(untill), 'PX', math.floor(tonumber(ARGV[1]) / 1000) + 1000)
end
return 1
"""


@dataclass(frozen=True)
class Bucket:
    key: str
    interval_us: int     # one message per interval
    tolerance_us: int    # how far ahead of schedule a burst may run: (burst - 1) x interval


@dataclass(frozen=True)
class Grant:
    wait: float          # 0.0: granted; else seconds until it would be (nothing was taken)
    chat: bool = False   # the chat's own limit or pause holds it, not the overall limit


def _bucket(key: str, per_second: float, burst: int, slack: float = 1.0) -> Bucket:
    interval = int(1_000_000 * slack / per_second)
    return Bucket(key, interval, max(0, burst - 1) * interval)


class Budget:
    """The buckets and pauses of the shared limit, and the script's arguments for one take."""

    def __init__(self, config, overall: bool = True, per_chat: bool = True):
        self.prefix = f"{config.QUEUE_PREFIX}:rl"
        self.global_per_second = config.SEND_GLOBAL_PER_SECOND
        self.global_burst = config.SEND_GLOBAL_BURST
        self.chat_per_second = config.SEND_PER_CHAT_PER_SECOND
        self.group_per_minute = config.SEND_PER_GROUP_PER_MINUTE
        self.overall, self.per_chat = overall, per_chat

    def buckets(self, chat_id: int | str | None) -> list[Bucket]:
        """The buckets one message to chat_id draws from (negative ids and @names are groups
        and channels; None: a call naming no chat, the overall bucket only)."""
        found = []
        if self.overall:
            found.append(_bucket(f"{self.prefix}:global", self.global_per_second, self.global_burst))
        if not self.per_chat or chat_id is None:
            return found
        if isinstance(chat_id, str) or chat_id < 0:
            burst = min(GROUP_BURST, max(1, self.group_per_minute - 1))
            rate = max(1, self.group_per_minute - burst) / 60.0
            found.append(_bucket(f"{self.prefix}:group:{chat_id}", rate, burst, CHAT_SLACK))
        else:
            found.append(_bucket(f"{self.prefix}:chat:{chat_id}", self.chat_per_second, PRIVATE_BURST, CHAT_SLACK))
        return found

    def script_call(self, chat_id: int | str, cost: int = 1) -> tuple[list[str], list[int], set[int]]:
        """KEYS and ARGV for _ACQUIRE, and which key indexes (1-based) are the chat's own."""
        buckets = self.buckets(chat_id)
        keys = [b.key for b in buckets] + [self.pause_key(None), self.pause_key(chat_id)]
        args: list[int] = []
        for b in buckets:
            burst = b.tolerance_us // b.interval_us + 1 if b.interval_us else 1
            args += [b.interval_us, b.tolerance_us, max(1, min(cost, burst))]
        args += [0, 0, 0, 0, 0, 0]
        own = {len(keys)} | ({len(buckets)} if self.per_chat and chat_id is not None else set())
        return keys, args, own

    def pause_key(self, chat_id: int | str | None) -> str:
        return f"{self.prefix}:pause:{'all' if chat_id is None else chat_id}"


class RateLimiter:
    """Shared Telegram send limits for the send workers; `acquire` takes one message or says
    how long to wait."""

    def __init__(self, redis: Redis, config):
        self.redis = redis
        self.budget = Budget(config)
        self.prefix = self.budget.prefix
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)

    def buckets(self, chat_id: int) -> list[Bucket]:
        return self.budget.buckets(chat_id)

    def acquire(self, chat_id: int) -> float:
        """Take one message for chat_id: 0.0 when granted, else seconds to wait (nothing taken)."""
        return self.take(chat_id).wait

    def take(self, chat_id: int, cost: int = 1) -> Grant:
        """Like `acquire`, and says whether the chat's own limit (or pause) is what holds it."""
        keys, args, own = self.budget.script_call(chat_id, cost)
        wait_us, holder = (int(v) for v in self._acquire(keys=keys, args=args))
        return Grant(wait_us / 1_000_000, chat=holder in own)

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Nobody sends to chat_id (None: to anyone) for `seconds` (Telegram's retry_after)."""
        self._pause(keys=[self.budget.pause_key(chat_id)], args=[int(seconds * 1_000_000)])


class SharedLimits:
    """The same budget for a bot process (asyncio): every message the bot creates takes from
    the buckets the send workers use. `overall`/`per_chat` False leave those buckets out
    (BOT_GLOBAL_PER_SECOND=0, BOT_CHAT_BURST=0)."""

    def __init__(self, redis, config, overall: bool = True, per_chat: bool = True):
        self.redis = redis  # redis.asyncio.Redis
        self.budget = Budget(config, overall, per_chat)
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)

    async def take(self, chat_id: int | str, cost: int = 1) -> Grant:
        keys, args, own = self.budget.script_call(chat_id, cost)
        wait_us, holder = (int(v) for v in await self._acquire(keys=keys, args=args))
        return Grant(wait_us / 1_000_000, chat=holder in own)

    async def pause(self, chat_id: int | str | None, seconds: float) -> None:
        await self._pause(keys=[self.budget.pause_key(chat_id)], args=[int(seconds * 1_000_000)])

    async def close(self) -> None:
        await self.redis.aclose()
