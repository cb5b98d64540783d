"""Telegram is told an update was received only once the bot has handled it.

Telegram forgets an update as soon as the bot confirms it: with polling, by asking for the
next updates with a higher `offset`; with a webhook, by answering the HTTP request. PTB
confirms too early for a process that may be killed: its Updater asks for the next batch
(and so confirms the last one) the moment it has queued the updates, and its webhook answers
200 before the update is even queued. A `kill -9` then lost every update fetched but not yet
handled: photos of an album that had arrived, with the resident never told.

Here, in both modes, confirming waits for handling:

- polling: `ConfirmingBot.get_updates` confirms (asks with `offset`) only up to the oldest
  update still in hand: while one person's updates wait their turn, the next call asks from
  that oldest one, Telegram sends it again with whatever is new, and only the new ones are
  handed on. So one person's slow line never holds back other people's updates (a flood of
  150 messages kept another person's /bantuan waiting 11 s when the next batch waited for
  the whole last one), and still nothing is confirmed before it is handled. When a call
  brings nothing new, the next one waits for a handled update (at most `REFETCH_PAUSE`) so
  the loop does not spin. At a clean stop PTB confirms once more: that call waits
  `STOP_WAIT` seconds at most and then confirms only what is handled, so Telegram delivers
  the rest again to the next start (the gate drops the ones already handled).
- webhook: `ConfirmingQueue.put` (PTB's webhook handler awaits it before answering) returns
  only once the update has been handled, so Telegram gets its 200 afterwards and redelivers
  what a killed process never finished.

"Handled" is recorded in the database with the update's effect (bot.drafts: the draft row's
last_update_id is written in the same statement as the step it changes), so an update that is
delivered again after a crash is handled if and only if its effect is not stored yet.
"""
from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

from telegram import Update
from telegram.ext import ExtBot

log = logging.getLogger(__name__)
STOP_WAIT = 25.0      # seconds the last confirmation at a clean stop waits for handlers
REFETCH_PAUSE = 0.25  # seconds between fetches that bring only updates already in hand


class Deliveries:
    """Update ids received and not yet handled, and a way to wait for them."""

    def __init__(self):
        self._pending: set[int] = set()
        self._seen: set[int] = set()  # fetched (pending or handled) and not yet confirmed
        self._waiters: dict[int, asyncio.Event] = {}
        self._changed: asyncio.Event | None = None

    def received(self, update_id: int) -> None:
        self._pending.add(update_id)

    def handled(self, update_id: int) -> None:
        """Called when the update's handlers are done (successfully or not)."""
        self._pending.discard(update_id)
        event = self._waiters.pop(update_id, None)
        if event is not None:
            event.set()
        if self._changed is not None:
            self._changed.set()

    def first_time(self, update_id: int) -> bool:
        """Record a fetched update; False when it was fetched before (pending or handled)."""
        if update_id in self._seen:
            return False
        self._seen.add(update_id)
        self._pending.add(update_id)
        return True

    def confirmed_below(self, offset: int) -> None:
        """Telegram was asked from `offset`: ids below it will never come again."""
        self._seen = {i for i in self._seen if i >= offset}

    async def changed(self, timeout: float) -> None:
        """Until some update is handled, or `timeout` seconds."""
        self._changed = self._changed or asyncio.Event()
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    def is_pending(self, update_id: int) -> bool:
        return update_id in self._pending

    def pending_below(self, offset: int) -> list[int]:
        return sorted(i for i in self._pending if i < offset)

    async def wait_below(self, offset: int, timeout: float) -> bool:
        """True once every received update below `offset` is handled; False after `timeout`."""
        deadline = time.monotonic() + timeout
        while self.pending_below(offset):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self._changed = self._changed or asyncio.Event()
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except asyncio.TimeoutError:
                return not self.pending_below(offset)
        return True

    async def wait_for(self, update_id: int) -> None:
        """Until this update is handled (it must have been `received`)."""
        if update_id not in self._pending:
            return
        event = self._waiters.setdefault(update_id, asyncio.Event())
        await event.wait()


class ConfirmingBot(ExtBot):
    """An ExtBot whose getUpdates confirms (via `offset`) only updates already handled."""

    def __init__(self, *args, deliveries: Deliveries, **kwargs):
        super().__init__(*args, **kwargs)
        self._deliveries = deliveries

    async def get_updates(self, offset: int | None = None, *args, **kwargs):
        if offset and _seconds(kwargs.get("timeout")) == 0:  # PTB's last call at a clean stop (no long poll)
            if not await self._deliveries.wait_below(offset, STOP_WAIT):
                left = self._deliveries.pending_below(offset)
                log.warning("stopping with %d update(s) not handled (%s): not confirmed, Telegram "
                            "delivers them again at the next start", len(left), left[:10])
                offset = left[0]  # confirm what is handled below the oldest one in hand
            return await super().get_updates(offset, *args, **kwargs) if offset else ()
        in_hand = self._deliveries.pending_below(offset) if offset else []
        ask = in_hand[0] if in_hand else offset
        updates = await super().get_updates(ask, *args, **kwargs)
        if ask:
            self._deliveries.confirmed_below(ask)
        fresh = tuple(update for update in updates if self._deliveries.first_time(update.update_id))
        if updates and not fresh:
            await self._deliveries.changed(REFETCH_PAUSE)
        return fresh


def _seconds(value) -> float | None:
    """PTB passes timeouts as seconds or as a timedelta."""
    return value.total_seconds() if isinstance(value, timedelta) else value


class ConfirmingQueue(asyncio.Queue):
    """The Application's update queue: an update put by the webhook handler (not fetched by
    polling) is waited for, so the HTTP answer, Telegram's confirmation, follows handling."""

    def __init__(self, deliveries: Deliveries):
        super().__init__()
        self._deliveries = deliveries

    async def put(self, item) -> None:
        if not isinstance(item, Update) or self._deliveries.is_pending(item.update_id):
            await super().put(item)  # polling (already counted) or PTB's stop signal
            return
        self._deliveries.received(item.update_id)
        await super().put(item)
        await self._deliveries.wait_for(item.update_id)


class ReportsHandled:
    """Mixin for the Application's update processor: `finished(update)` tells `deliveries`.

    The processor calls it when an update's handlers are done (whatever the outcome) or when
    the update is let go on purpose (dropped as a redelivery or a flood), never for an update
    only queued behind its person's running one, nor for one abandoned at shutdown."""

    deliveries: Deliveries | None = None

    def finished(self, update: object) -> None:
        if self.deliveries is not None and isinstance(update, Update):
            self.deliveries.handled(update.update_id)
