"""Who may send an outbox row, and what is known when a sender dies: the claim protocol.

Sending twice must be impossible, and a killed worker must lose nothing. The rules:

1. **Claim in the database.** `UPDATE ... SET state='sending', claimed_at=T WHERE id=? AND
   state='pending'`: exactly one worker gets rowcount 1. T (to the microsecond) is the
   claim's token; every later write to the row requires `claimed_at = T` (fencing), so a
   sender that lost its claim can never overwrite the row.
2. **Progress in Redis** (hash `<prefix>:outbox:<id>`): the token, the phase, how many parts
   Telegram already has, their message ids, and a heartbeat. Before each Bot API call the
   sender switches the phase from "claimed" to "calling" *atomically with checking its
   token* (Lua); after the call it counts the part and goes back to "claimed".
3. **Recovery** (the outbox sweep): a row left in 'sending' longer than OUTBOX_STALE_SECONDS
   whose heartbeat is that old too belongs to a dead sender (every call has a timeout far
   below that). One Lua script takes the claim away from the dead token:
   - phase "claimed": no call was in flight; the row goes back to 'pending' and the next
     sender sends only the parts not yet delivered. Nothing is lost.
   - phase "calling": the sender died during a call, and Telegram may have delivered that
     part without anybody seeing the answer. The part is counted as delivered (message id
     unknown) and is never sent again; any remaining parts go out, and the row ends
     'maybe_sent' with the reason. A live sender whose request went out whole but got no
     answer (workers.telegram_api's UNCERTAIN) records the part the same way.
     This is the one case where we choose "maybe lost" over "maybe twice", as the design
     requires; it needs a kill inside a single HTTP round trip.
   - no progress record at all (Redis lost its data): the outcome is unknown, so the row
     is marked failed with that reason for the panel rather than risk a duplicate.
   A frozen sender that wakes after recovery finds its token gone: it cannot start another
   call and cannot write the row.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from redis.exceptions import RedisError

from models import OUTBOX_PENDING, OUTBOX_SENDING, OutboundMessage, utcnow

PROGRESS_TTL = 7 * 24 * 3600
UNKNOWN_ID = "?"

_BEGIN = """
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'phase', 'claimed', 'beat', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return {tonumber(redis.call('HGET', KEYS[1], 'done') or '0'), redis.call('HGET', KEYS[1], 'ids') or '[]'}
"""
_START_CALL = """
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'phase') ~= 'claimed' then
  return 0
end
redis.call('HSET', KEYS[1], 'phase', 'calling', 'beat', ARGV[2])
return 1
"""
_PART_DONE = """
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
local ids = cjson.decode(redis.call('HGET', KEYS[1], 'ids') or '[]')
table.insert(ids, ARGV[3])
redis.call('HSET', KEYS[1], 'ids', cjson.encode(ids), 'phase', 'claimed', 'beat', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'done', 1)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'uncertain', ARGV[4]) end
return 1
"""
_RELEASE = """
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
if ARGV[2] == 'forget' then redis.call('DEL', KEYS[1]) else
  redis.call('HSET', KEYS[1], 'token', '', 'phase', 'idle') end
return 1
"""
_RECOVER = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 'missing' end
if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 'other' end
if tonumber(redis.call('HGET', KEYS[1], 'beat') or '0') > tonumber(ARGV[2]) then return 'alive' end
local phase = redis.call('HGET', KEYS[1], 'phase')
if phase == 'calling' then
  local ids = cjson.decode(redis.call('HGET', KEYS[1], 'ids') or '[]')
  table.insert(ids, ARGV[3])
  redis.call('HSET', KEYS[1], 'ids', cjson.encode(ids), 'uncertain', '1')
  redis.call('HINCRBY', KEYS[1], 'done', 1)
end
redis.call('HSET', KEYS[1], 'token', '', 'phase', 'idle')
return phase
"""


@dataclass
class Claim:
    """A sender's hold on one row: its token, and the parts already delivered before."""

    message_id: int
    token: datetime
    done: int
    ids: list


def token_text(token: datetime) -> str:
    return token.isoformat(timespec="microseconds")


class Claims:
    """The claim protocol over one Redis connection (see the module docstring)."""

    def __init__(self, redis: Redis, prefix: str):
        self.redis = redis
        self.prefix = prefix
        self._begin = redis.register_script(_BEGIN)
        self._start = redis.register_script(_START_CALL)
        self._done = redis.register_script(_PART_DONE)
        self._release = redis.register_script(_RELEASE)
        self._recover = redis.register_script(_RECOVER)

    def key(self, message_id: int) -> str:
        return f"{self.prefix}:outbox:{message_id}"

    def claim(self, message_id: int) -> Claim | None:
        """Take a pending, due row; None when another sender has it or it is not due."""
        token = utcnow()
        taken = (OutboundMessage.update(state=OUTBOX_SENDING, claimed_at=token,
                                        attempts=OutboundMessage.attempts + 1)
                 .where(OutboundMessage.id == message_id, OutboundMessage.state == OUTBOX_PENDING,
                        OutboundMessage.next_attempt_at <= token)
                 .execute())
        if taken != 1:
            return None
        try:
            done, ids = self._begin(keys=[self.key(message_id)],
                                    args=[token_text(token), time.time(), PROGRESS_TTL])
        except Exception:
            # Without a progress record the claim is unsafe to act on: hand the row back.
            self.write(Claim(message_id, token, 0, []), state=OUTBOX_PENDING,
                       attempts=OutboundMessage.attempts - 1)
            raise
        return Claim(message_id, token, int(done), json.loads(ids))

    def start_call(self, claim: Claim) -> bool:
        """Enter a Bot API call; False when the claim was taken away (do not call).

        When Redis fails here, or answers but has lost the progress record (restarted
        empty), no call is in flight and none will be made under this claim: the row goes
        back to 'pending' at once (fenced by the token, so only while nobody took it over)
        rather than wait in 'sending' for the outbox sweep, which, finding no progress
        record, could only mark it failed as "delivery unknown". Only a claim that has not
        delivered a part yet is handed back: parts already out must not go again."""
        try:
            started = self._start(keys=[self.key(claim.message_id)], args=[token_text(claim.token), time.time()])
        except RedisError:
            self._hand_back(claim)
            raise
        if started == -1:
            if self._hand_back(claim):
                from services.messaging import enqueue  # (enqueue's module imports nothing of ours)

                enqueue.send_messages([claim.message_id])
            return False
        return bool(started)

    def _hand_back(self, claim: Claim) -> bool:
        """Return an unsent claim's row to 'pending' (its attempt not counted)."""
        if claim.done:
            return False
        return self.write(claim, state=OUTBOX_PENDING, attempts=OutboundMessage.attempts - 1,
                          last_error="handed back: Redis was unavailable when it was about to be sent")

    def part_done(self, claim: Claim, telegram_message_id, uncertain: str = "") -> bool:
        """Count a delivered part (`uncertain`: why Telegram's answer never came, when it did
        not); False when the claim was taken away meanwhile."""
        value = str(telegram_message_id) if telegram_message_id is not None else UNKNOWN_ID
        ok = bool(self._done(keys=[self.key(claim.message_id)],
                             args=[token_text(claim.token), time.time(), value, uncertain[:400]]))
        if ok:
            claim.done += 1
            claim.ids.append(value)
        return ok

    def uncertain(self, message_id: int) -> str:
        """Why a part of this row was counted as delivered without Telegram's answer ("" when
        none was): "1" for a sender that stopped during the call, else the call's error."""
        value = self.redis.hget(self.key(message_id), "uncertain")
        return value.decode() if value else ""

    def write(self, claim: Claim, **fields) -> bool:
        """Update the row only while this claim still holds it (fenced by the token)."""
        return (OutboundMessage.update(**fields)
                .where(OutboundMessage.id == claim.message_id, OutboundMessage.state == OUTBOX_SENDING,
                       OutboundMessage.claimed_at == claim.token)
                .execute()) == 1

    def release(self, claim: Claim, forget: bool) -> None:
        """Drop the Redis side of the claim: all of it (row finished) or just the token."""
        self._release(keys=[self.key(claim.message_id)], args=[token_text(claim.token), "forget" if forget else "keep"])

    def recover(self, message_id: int, token: datetime, stale_before: float) -> str:
        """Take a stale claim from a dead sender: returns the phase it died in, "alive",
        "other" (someone else holds it now) or "missing" (no progress record)."""
        result = self._recover(keys=[self.key(message_id)], args=[token_text(token), stale_before, UNKNOWN_ID])
        return result.decode() if isinstance(result, bytes) else str(result)
