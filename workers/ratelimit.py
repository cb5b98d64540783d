"""One rate limit for every worker process together, kept in Redis.

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

# KEYS: bucket keys. ARGV: for each key its interval and tolerance in microseconds; an
# interval of 0 marks a pause key (its value is the moment the pause ends), checked only.
# Returns {0, 0} when granted, else {microseconds to wait, index of the key that holds it}.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local wait = 0
local holder = 0
local tats = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  local tolerance = tonumber(ARGV[2 * i])
  local tat = tonumber(redis.call('GET', key) or '0')
  if tat < now then tat = now end
  tats[i] = tat
  local need = tat - tolerance - now
  if interval == 0 then need = tat - now end
  if need > wait then wait = need; holder = i end
end
if wait > 0 then return {wait, holder} end
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[2 * i - 1])
  if interval > 0 then
    local tat = tats[i] + interval
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


class RateLimiter:
    """Shared Telegram send limits; `acquire` takes one message or says how long to wait."""

    def __init__(self, redis: Redis, config):
        self.redis = redis
        self.prefix = f"{config.QUEUE_PREFIX}:rl"
        self.global_per_second = config.SEND_GLOBAL_PER_SECOND
        self.global_burst = config.SEND_GLOBAL_BURST
        self.chat_per_second = config.SEND_PER_CHAT_PER_SECOND
        self.group_per_minute = config.SEND_PER_GROUP_PER_MINUTE
        self._acquire = redis.register_script(_ACQUIRE)
        self._pause = redis.register_script(_PAUSE)

    def buckets(self, chat_id: int) -> list[Bucket]:
        """The buckets one message to chat_id draws from (negative ids are groups and channels)."""
        found = [_bucket(f"{self.prefix}:global", self.global_per_second, self.global_burst)]
        if chat_id < 0:
            burst = min(GROUP_BURST, max(1, self.group_per_minute - 1))
            rate = max(1, self.group_per_minute - burst) / 60.0
            found.append(_bucket(f"{self.prefix}:group:{chat_id}", rate, burst, CHAT_SLACK))
        else:
            found.append(_bucket(f"{self.prefix}:chat:{chat_id}", self.chat_per_second, PRIVATE_BURST, CHAT_SLACK))
        return found

    def acquire(self, chat_id: int) -> float:
        """Take one message for chat_id: 0.0 when granted, else seconds to wait (nothing taken)."""
        return self.take(chat_id).wait

    def take(self, chat_id: int) -> Grant:
        """Like `acquire`, and says whether the chat's own limit (or pause) is what holds it."""
        buckets = self.buckets(chat_id)
        keys = [b.key for b in buckets] + [self._pause_key(None), self._pause_key(chat_id)]
        args: list[int] = []
        for b in buckets:
            args += [b.interval_us, b.tolerance_us]
        args += [0, 0, 0, 0]
        wait_us, holder = (int(v) for v in self._acquire(keys=keys, args=args))
        # keys: the global bucket (1), the chat's or group's bucket (2), the pause of all (3), the chat's pause (4)
        return Grant(wait_us / 1_000_000, chat=holder in (2, 4))

    def pause(self, chat_id: int | None, seconds: float) -> None:
        """Nobody sends to chat_id (None: to anyone) for `seconds` (Telegram's retry_after)."""
        self._pause(keys=[self._pause_key(chat_id)], args=[int(seconds * 1_000_000)])

    def _pause_key(self, chat_id: int | None) -> str:
        return f"{self.prefix}:pause:{'all' if chat_id is None else chat_id}"
