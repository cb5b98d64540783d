"""Telegram is told an update was received only once the bot has handled it.

Telegram forgets an update as soon as the bot confirms it: with polling, by asking for the
next updates with a higher `offset`; with a webhook, by answering the HTTP request. PTB
confirms too early for a process that may be killed: its Updater asks for the next batch
(and so confirms the last one) the moment it has queued the updates, and its webhook answers
200 before the update is even queued. A `kill -9` then lost every update fetched but not yet
handled: photos of an album that had arrived, with the resident never told.

Here, in both modes, confirming waits for handling:

- polling: `ConfirmingBot.get_updates` remembers the updates it fetched and, before asking
  with a higher offset, waits until every update below that offset has been handled (its
  handlers finished, or failed and the resident was told). The loop therefore fetches the
  next batch when the slowest update of the last one is done; other people's updates of the
  same batch are handled alongside. At a clean stop PTB confirms the last batch once more:
  that call waits `STOP_WAIT` seconds at most and otherwise confirms nothing, so Telegram
  delivers those updates again to the next start (the gate drops the ones already handled).
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
RECHECK = 30.0        # while polling: log and wait again when handlers take this long


class Deliveries:
    """Update ids received and not yet handled, and a way to wait for them."""

    def __init__(self):
        self._pending: set[int] = set()
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
        if offset:
            stopping = _seconds(kwargs.get("timeout")) == 0  # PTB's last call at a clean stop (no long poll)
            while not await self._deliveries.wait_below(offset, STOP_WAIT if stopping else RECHECK):
                left = self._deliveries.pending_below(offset)
                if stopping:
                    log.warning("stopping with %d update(s) not handled (%s): not confirmed, Telegram "
                                "delivers them again at the next start", len(left), left[:10])
                    return ()
                log.warning("still handling update(s) %s; the next updates are fetched once they are done",
                            left[:10])
        updates = await super().get_updates(offset, *args, **kwargs)
        for update in updates:
            self._deliveries.received(update.update_id)
        return updates


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
    """Mixin for the Application's update processor: tells `deliveries` when an update's
    handlers are done, whatever the outcome."""

    deliveries: Deliveries | None = None

    async def process_update(self, update: object, coroutine) -> None:
        try:
            await super().process_update(update, coroutine)
        finally:
            if self.deliveries is not None and isinstance(update, Update):
                self.deliveries.handled(update.update_id)
