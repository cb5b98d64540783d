"""Helpers for the sandbox's tests: the chat page over the same fake Bot API the bot talks to.

    from tests.sandboxkit import botapi, chat_page   # noqa: F401  (fixtures; botapi overrides conftest's)
    page = PageUser.create(chat_page, "Siti")
    page.say("/start")
    state = page.until(lambda s: page.button("Buat aduan", s))
"""
from __future__ import annotations

import time
from typing import Callable

import httpx
import pytest

from sandbox.webchat.live import SandboxAPI
from sandbox.server import ChatPageThread
from sandbox.settings import SandboxSettings

TEST_TOKEN = "123456:TEST-TOKEN"  # the one conftest's `telegram` config uses


@pytest.fixture
def botapi():
    """The fake Bot API with the sandbox's read side (the class `python -m sandbox` serves)."""
    api = SandboxAPI(TEST_TOKEN).start()
    yield api
    api.stop()


@pytest.fixture
def chat_page(botapi):
    """An HTTP client for the chat page served next to `botapi`."""
    settings = SandboxSettings(panel_url="http://127.0.0.1:5999", tile_url="")
    with ChatPageThread(botapi, settings) as page, httpx.Client(base_url=page.url, timeout=30) as client:
        yield client


def texts(state: dict) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in state["messages"]]


def bot_texts(state: dict) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in state["messages"] if m["from_bot"]]


class PageUser:
    """A simulated user driven through the chat page's JSON API, as the page's JavaScript does."""

    def __init__(self, client: httpx.Client, user: dict):
        self.client, self.user, self.id = client, user, user["id"]
        self.base = f"/api/users/{self.id}"

    @classmethod
    def create(cls, client: httpx.Client, first_name: str, **fields) -> "PageUser":
        response = client.post("/api/users", json={"first_name": first_name, **fields})
        assert response.status_code == 201, response.text
        return cls(client, response.json())

    # --- reading --------------------------------------------------------------------------
    def state(self, since: str = "", wait: float = 0) -> dict:
        response = self.client.get(f"{self.base}/chat", params={"since": since, "wait": wait})
        assert response.status_code == 200, response.text
        return response.json()

    def until(self, predicate: Callable[[dict], object], timeout: float = 10) -> dict:
        """Long-poll the chat until `predicate(state)` holds."""
        deadline = time.monotonic() + timeout
        state = self.state()
        while not predicate(state):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"the chat never matched; last messages: {texts(state)[-4:]}")
            state = self.state(since=state["version"], wait=min(remaining, 5))
        return state

    def until_bot_says(self, fragment: str, timeout: float = 10) -> dict:
        return self.until(lambda s: any(fragment in text for text in bot_texts(s)), timeout)

    @staticmethod
    def button(text: str, state: dict) -> tuple[int, str] | None:
        """(message id, callback data) of the newest inline button whose label contains `text`."""
        for message in reversed(state["messages"]):
            for row in message.get("buttons", []):
                for button in row:
                    if text in button["text"] and button["kind"] == "callback":
                        return message["id"], button["data"]
        return None

    # --- doing ------------------------------------------------------------------------------
    def post(self, action: str, expect: int = 200, **kwargs) -> dict:
        response = self.client.post(f"{self.base}/{action}", **kwargs)
        assert response.status_code == expect, response.text
        return response.json()

    def say(self, text: str) -> dict:
        return self.post("text", json={"text": text})

    def press(self, label: str, timeout: float = 10) -> dict:
        """Wait for an inline button labelled `label` and tap it."""
        state = self.until(lambda s: self.button(label, s), timeout)
        message_id, data = self.button(label, state)
        return self.post("press", json={"message_id": message_id, "callback_data": data})
