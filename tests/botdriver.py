"""Drive the real bot against the fake Bot API server, as Telegram users would.

    driver = BotDriver(config).start()        # the real Application, polling, own thread and loop
    siti = Person(botapi, first_name="Siti")
    reply = siti.say("/start", expect="Wadul")
    siti.press("m:file", expect="Langkah 1/5")
    driver.restart()                           # a bot restart in the middle of a conversation
    driver.stop()

`BotDriver(config, mode="webhook")` serves the webhook on 127.0.0.1 instead (the fake server
posts updates to it with the secret header). Reusable by every team's bot tests; the `bot`
fixture is in tests/botfixtures.py.
"""
from __future__ import annotations

import asyncio
import socket
import threading
from datetime import timedelta
from typing import Callable

import models
from bot.app import ALLOWED_UPDATES, build_application

Predicate = Callable[[dict], bool]
WEBHOOK_SECRET = "wadul-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class BotDriver:
    """The bot's Application in a background thread with its own event loop."""

    def __init__(self, config, *, mode: str = "polling", build: Callable | None = None):
        if mode not in ("polling", "webhook"):
            raise ValueError("mode is polling or webhook")
        self.config = config
        self.mode = mode
        self._build = build or build_application
        self.application = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.webhook_url: str | None = None

    # --- lifecycle -------------------------------------------------------------------------
    def start(self, timeout: float = 20) -> "BotDriver":
        if self._thread is not None:
            raise RuntimeError("the bot is already running")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="wadul-bot", daemon=True)
        self._thread.start()
        self.call(self._start(), timeout)
        return self

    async def _start(self) -> None:
        self.application = self._build(self.config)
        await self.application.initialize()
        if self.application.post_init:
            await self.application.post_init(self.application)
        await self.application.start()
        if self.mode == "polling":
            await self.application.updater.start_polling(poll_interval=0, timeout=timedelta(seconds=5),
                                                         allowed_updates=ALLOWED_UPDATES)
        else:
            port = free_port()
            self.webhook_url = f"http://127.0.0.1:{port}/telegram"
            await self.application.updater.start_webhook(
                listen="127.0.0.1", port=port, url_path="telegram", webhook_url=self.webhook_url,
                secret_token=WEBHOOK_SECRET, allowed_updates=ALLOWED_UPDATES)

    def stop(self, timeout: float = 20) -> None:
        """Stop as `python -m bot` does on SIGTERM: finish handlers, confirm fetched updates."""
        if self._thread is None:
            return
        try:
            self.call(self._stop(), timeout)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._loop.close()
            self._thread = self._loop = None
            self.application = None

    async def _stop(self) -> None:
        app = self.application
        if app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        models.db.close()  # this thread's connection (peewee keeps one per thread)

    def restart(self) -> "BotDriver":
        self.stop()
        return self.start()

    def call(self, coroutine, timeout: float = 20):
        """Run a coroutine on the bot's loop (e.g. `driver.call(driver.application.bot.get_me())`)."""
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None

    def __enter__(self) -> "BotDriver":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def text_of(message: dict) -> str:
    return message.get("text") or message.get("caption") or ""


def buttons_of(message: dict) -> list[str]:
    """The callback data of every inline button of a bot message."""
    rows = (message.get("reply_markup") or {}).get("inline_keyboard", [])
    return [button.get("callback_data") for row in rows for button in row if button.get("callback_data")]


def _matcher(expect) -> Predicate | None:
    if expect is None or callable(expect):
        return expect
    return lambda message: expect in text_of(message)


class Person:
    """A simulated Telegram user in a private chat with the bot."""

    def __init__(self, api, user=None, timeout: float = 10, **user_fields):
        self.api = api
        self.user = user or api.user(**user_fields)
        self.id = self.user.id
        self.timeout = timeout

    # --- what the bot said -------------------------------------------------------------
    def messages(self) -> list[dict]:
        return self.api.messages(self.id)

    def texts(self) -> list[str]:
        return [text_of(m) for m in self.messages()]

    def last_id(self) -> int:
        sent = self.messages()
        return sent[-1]["message_id"] if sent else 0

    def wait(self, expect=None, after: int | None = None, timeout: float | None = None) -> dict:
        """The first bot message after `after` matching `expect` (substring or predicate)."""
        return self.api.wait_for_message(self.id, _matcher(expect), timeout or self.timeout, after)

    def with_button(self, data: str, timeout: float | None = None) -> dict:
        """The newest bot message offering a button with this callback data (waits for one)."""
        try:
            self.wait(lambda m: data in buttons_of(m), timeout=timeout)
        except TimeoutError:
            raise AssertionError(f"no bot message offers {data!r}; last texts: {self.texts()[-3:]}") from None
        return next(m for m in reversed(self.messages()) if data in buttons_of(m))

    # --- what the person does (each waits for the answer when `expect` is given) --------------
    def _act(self, action: Callable[[], int], expect, timeout) -> dict | int:
        """Do it; with `expect`, wait for the bot's answer: a new message, or one of its messages
        edited since (the bot edits a step's message into the next step's question)."""
        before = self.last_id()
        edits = {m["message_id"]: len(m.get("edit_history", [])) for m in self.messages()}
        update_id = action()
        if expect is None:
            return update_id
        match = _matcher(expect)

        def answered(m: dict) -> bool:
            fresh = m["message_id"] > before or len(m.get("edit_history", [])) > edits.get(m["message_id"], 0)
            return fresh and match(m)

        return self.wait(answered, timeout=timeout)

    def say(self, text: str, expect=None, timeout: float | None = None):
        return self._act(lambda: self.api.send_text(self.user, text), expect, timeout)

    def press(self, data: str, expect=None, message: dict | None = None, timeout: float | None = None):
        """Tap an inline button (on `message`, else the newest message offering it)."""
        target = message or self.with_button(data)
        return self._act(lambda: self.api.press_button(self.user, target["message_id"], data), expect, timeout)

    def press_and_wait_edit(self, data: str, expect: Predicate, timeout: float | None = None) -> dict:
        """Tap a button whose answer edits the same message; wait until `expect` holds for it."""
        target = self.with_button(data)
        self.api.press_button(self.user, target["message_id"], data)
        return self.wait(lambda m: m["message_id"] == target["message_id"] and expect(m),
                         after=target["message_id"] - 1, timeout=timeout)

    def photo(self, data: bytes, expect=None, media_group_id: str | None = None, caption: str | None = None,
              timeout: float | None = None):
        return self._act(lambda: self.api.send_photo(self.user, data, caption=caption, media_group_id=media_group_id),
                         expect, timeout)

    def document(self, data: bytes, file_name: str, mime_type: str, expect=None, declared_size: int | None = None,
                 timeout: float | None = None):
        return self._act(lambda: self.api.send_document(self.user, data, file_name, mime_type,
                                                        declared_size=declared_size), expect, timeout)

    def location(self, lat: float, lon: float, expect=None, accuracy: float | None = None,
                 timeout: float | None = None):
        return self._act(lambda: self.api.send_location(self.user, lat, lon, horizontal_accuracy=accuracy),
                         expect, timeout)

    def venue(self, lat: float, lon: float, title: str, address: str, expect=None, timeout: float | None = None):
        return self._act(lambda: self.api.send_venue(self.user, lat, lon, title, address), expect, timeout)

    def settle(self, timeout: float | None = None) -> dict:
        """Wait until the bot has handled everything sent so far (one person's updates run in order)."""
        return self.say("/bantuan", expect="Wadul", timeout=timeout)


# --- a whole complaint in one call (for tests that need one filed through the bot) ------------
def choose_category(person: Person, code: str, lang: str = "id", expect=None) -> dict:
    """Tap through the category menu (groups first when the bot shows them) to `code`."""
    from bot.filing import prompts
    from bot import rules
    from models import Category

    category = Category.get(Category.code == code)
    items = prompts.category_items(lang)
    groups = rules.category_groups(items)
    if groups:
        group = next(item.group for item in items if item.id == category.id)
        menu = person.with_button(f"grp:{groups.index(group)}")
        person.api.press_button(person.user, menu["message_id"], f"grp:{groups.index(group)}")
        person.wait(lambda m: m["message_id"] == menu["message_id"] and f"cat:{category.id}" in buttons_of(m),
                    after=menu["message_id"] - 1)
    return person.press(f"cat:{category.id}", expect=expect or (lambda m: "2/5" in text_of(m)))


def file_complaint(person: Person, *, category: str = "jalan",
                   description: str = "Jalan berlubang besar di depan SD, bahaya untuk pengendara motor.",
                   photos: tuple[bytes, ...] = (), location: tuple[float, float] | None = None,
                   address: str | None = None, lang: str = "id", from_menu: bool = False) -> str:
    """File a complaint through the bot as a person would; returns its tracking code.
    `from_menu`: start with the main menu's "file" button (after /start) instead of /lapor."""
    from core import tracking

    if from_menu:
        person.press("m:file", expect=lambda m: "1/5" in text_of(m))
    else:
        person.say("/lapor", expect=lambda m: "1/5" in text_of(m))
    choose_category(person, category, lang)
    person.say(description, expect=lambda m: "3/5" in text_of(m))
    for index, data in enumerate(photos, start=1):
        person.photo(data, expect=lambda m, n=index: f"({n}/" in text_of(m))
    person.press("ph:done" if photos else "ph:skip", expect=lambda m: "4/5" in text_of(m))
    if location is not None:
        person.location(*location, expect=lambda m: "5/5" in text_of(m))
    else:
        type_address(person, address or "Jl. Pelabuhan Nomor 5, dekat pasar, Ketapang")
    person.press("pv:ok", expect=lambda m: any(b.startswith("ok:") for b in buttons_of(m)))
    confirm = next(b for b in buttons_of(person.messages()[-1]) if b.startswith("ok:"))
    reply = person.press(confirm, expect=lambda m: bool(tracking.find_codes(text_of(m))))
    return tracking.find_codes(text_of(reply))[0]



def type_address(person: Person, address: str) -> dict:
    """At the location step: type the address, then confirm the village guessed from it (with
    no guess: "I don't know"); returns the privacy step's message (step 5/5)."""
    asked = person.say(address, expect=lambda m: any(b.startswith("dv:") for b in buttons_of(m)))
    choice = "dv:ok" if "dv:ok" in buttons_of(asked) else "dv:no"
    return person.press(choice, message=asked, expect=lambda m: "5/5" in text_of(m))
