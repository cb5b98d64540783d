"""Telegram is told an update was received only once the bot has handled it.

Telegram forgets an update as soon as the bot confirms it: with polling, by asking for the
next updates with a higher `offset`; with a webhook, by answering the HTTP request. PTB
confirms too early for a process that may be killed: its Updater asks for the next batch
(and so confirms the last one) the moment it has queued the updates, and its webhook answers
200 before the update is even queued. A `kill -9` then lost every update fetched but not yet
handled: photos of an album that had arrived, with the resident never told.

Here, in both modes, confirming waits for handling:

- polling: `ConfirmingBot.get_updates` confirms (asks with a higher `offset`) only updates
  that are handled or kept safe. Before the next fetch it waits up to `HOLD_AFTER` seconds for
  the last batch; what is still in hand then (a person's updates waiting their turn behind a
  slow one) is written to the database (`models.HeldUpdate`) and confirmed, so one person's
  slow line never holds back other people's updates (a flood of 150 messages kept another
  person's /bantuan waiting 11 s while the next fetch waited for the whole last batch). A held
  update's row is deleted once it is handled; at the next start the rows left are handled
  first (`replay_held`). If the database cannot take them, the next fetch asks from the oldest
  one in hand, Telegram sends it again with whatever is new, and only the new ones are handed
  on (a call that brings nothing new waits `REFETCH_PAUSE` for a handled update, not to spin).
  At a clean stop PTB confirms once more: that call waits `STOP_WAIT` seconds at most and
  then confirms only what is handled or held, so Telegram delivers the rest again to the next
  start (the gate drops the ones already handled).
- webhook: `ConfirmingQueue.put` (PTB's webhook handler awaits it before answering) returns
  only once the update has been handled, so Telegram gets its 200 afterwards and redelivers
  what a killed process never finished.

"Handled" is recorded in the database with the update's effect (bot.drafts: the draft row's
last_update_id is written in the same statement as the step it changes), so an update that is
delivered again after a crash is handled if and only if its effect is not stored yet.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import timedelta

from telegram import Update
from telegram.ext import ExtBot

from bot.common import database_work
from models import HeldUpdate, db

log = logging.getLogger(__name__)
STOP_WAIT = 25.0      # seconds the last confirmation at a clean stop waits for handlers
REFETCH_PAUSE = 0.25  # seconds between fetches that bring only updates already in hand
HOLD_AFTER = 0.5      # seconds an update may stay in hand before it is held in the database


class Deliveries:
    """Update ids received and not yet handled, and a way to wait for them."""

    def __init__(self):
        self._pending: set[int] = set()
        self._seen: set[int] = set()  # fetched (pending or handled) and not yet confirmed
        self._updates: dict[int, Update] = {}  # pending updates fetched by polling
        self._held: set[int] = set()  # pending and kept in the database (HeldUpdate)
        self._held_done: set[int] = set()  # held and handled since: their rows may go
        self._waiters: dict[int, asyncio.Event] = {}
        self._changed: asyncio.Event | None = None

    def received(self, update_id: int) -> None:
        self._pending.add(update_id)

    def handled(self, update_id: int) -> None:
        """Called when the update's handlers are done (successfully or not)."""
        self._pending.discard(update_id)
        self._updates.pop(update_id, None)
        if update_id in self._held:
            self._held.discard(update_id)
            self._held_done.add(update_id)
        event = self._waiters.pop(update_id, None)
        if event is not None:
            event.set()
        if self._changed is not None:
            self._changed.set()

    def first_time(self, update: Update) -> bool:
        """Record a fetched update; False when it was fetched before (pending or handled)."""
        if update.update_id in self._seen:
            return False
        self._seen.add(update.update_id)
        self._pending.add(update.update_id)
        self._updates[update.update_id] = update
        return True

    def in_hand_below(self, offset: int) -> list[Update]:
        """Pending updates below `offset` that are not held in the database, oldest first."""
        return [self._updates[i] for i in sorted(self._pending - self._held)
                if i < offset and i in self._updates]

    def mark_held(self, update_ids) -> None:
        self._held.update(i for i in update_ids if i in self._pending)

    def take_held_done(self) -> list[int]:
        done, self._held_done = sorted(self._held_done), set()
        return done

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
        """Pending ids below `offset` that are not held: what confirming would lose."""
        return sorted(i for i in self._pending - self._held if i < offset)

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
    """An ExtBot whose getUpdates confirms (via `offset`) only updates handled or held."""

    def __init__(self, *args, deliveries: Deliveries, config=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._deliveries = deliveries
        self._config = config  # for database_work (a thread on PostgreSQL)

    async def get_updates(self, offset: int | None = None, *args, **kwargs):
        await self._forget_handled()
        if offset and _seconds(kwargs.get("timeout")) == 0:  # PTB's last call at a clean stop (no long poll)
            if not await self._deliveries.wait_below(offset, STOP_WAIT):
                left = self._deliveries.pending_below(offset)
                log.warning("stopping with %d update(s) not handled (%s): not confirmed, Telegram "
                            "delivers them again at the next start", len(left), left[:10])
                offset = left[0]  # confirm what is handled or held below the oldest one in hand
            await self._forget_handled()
            if offset:
                await super().get_updates(offset, *args, **kwargs)  # only to confirm: PTB stops
            return ()
        ask = offset
        if offset and not await self._deliveries.wait_below(offset, HOLD_AFTER):
            in_hand = self._deliveries.in_hand_below(offset)
            if in_hand and not await self._hold(in_hand):
                ask = in_hand[0].update_id  # not kept anywhere else: Telegram keeps them
        updates = await super().get_updates(ask, *args, **kwargs)
        if ask:
            self._deliveries.confirmed_below(ask)
        fresh = tuple(update for update in updates if self._deliveries.first_time(update))
        if updates and not fresh:
            await self._deliveries.changed(REFETCH_PAUSE)
        return fresh

    async def _hold(self, updates: list[Update]) -> bool:
        """Keep these updates in the database so they can be confirmed; False if it failed."""
        rows = [{"update_id": u.update_id, "payload": json.dumps(u.to_dict())} for u in updates]
        try:
            await database_work(self._config, _insert_held, rows)
        except Exception as exc:  # the database is away: Telegram keeps them instead
            log.warning("could not hold %d update(s) in the database (%s); Telegram keeps them", len(rows), exc)
            return False
        self._deliveries.mark_held(u.update_id for u in updates)
        log.info("holding %d update(s) still waiting their turn: %s", len(rows), [r["update_id"] for r in rows][:10])
        return True

    async def _forget_handled(self) -> None:
        done = self._deliveries.take_held_done()
        if not done:
            return
        try:
            await database_work(self._config, _delete_held, done)
        except Exception as exc:  # handled anyway: the gate drops them if they are replayed
            log.warning("held updates %s handled but not deleted: %s", done[:10], exc)

    async def replay_held(self, queue: asyncio.Queue) -> int:
        """At start: queue the updates a previous run held and did not handle, oldest first."""
        try:
            payloads = await database_work(self._config, _load_held)
        except Exception as exc:
            log.error("held updates not read (%s): they are handled at the next start", exc)
            return 0
        for payload in payloads:
            update = Update.de_json(json.loads(payload), self)
            if self._deliveries.first_time(update):
                self._deliveries.mark_held([update.update_id])
                await queue.put(update)
        if payloads:
            log.info("handling %d update(s) held by the previous run", len(payloads))
        return len(payloads)


def _insert_held(rows: list[dict]) -> None:
    with db.atomic():
        HeldUpdate.insert_many(rows).on_conflict_ignore().execute()


def _delete_held(update_ids: list[int]) -> None:
    HeldUpdate.delete().where(HeldUpdate.update_id.in_(update_ids)).execute()


def _load_held() -> list[str]:
    return [row.payload for row in HeldUpdate.select(HeldUpdate.payload).order_by(HeldUpdate.update_id)]


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
