"""Pytest fixtures for driving the bot; a test module uses them with
`pytest_plugins = ("tests.botfixtures",)` (they build on conftest's `telegram` and `botapi`).
"""
import pytest

from tests.botdriver import BotDriver


@pytest.fixture
def bot(telegram, botapi):
    """The real bot polling the fake Bot API; no call the fake rejects as malformed is allowed."""
    driver = BotDriver(telegram).start()
    yield driver
    driver.stop()
    assert botapi.rejected_calls() == []
