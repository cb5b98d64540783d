"""The bot's pacing of new messages (bot.transport.limits) and its aiohttp client (bot.transport.http), against the fake Bot API."""
import asyncio
import time
from datetime import timedelta

import pytest
from telegram import Bot, InputFile
from telegram.error import RetryAfter

from bot.transport.http import AiohttpRequest
from bot.transport.limits import BotRateLimiter, Bucket, creates_message, message_count
from config import ConfigError, TestConfig
from sandbox.botapi import FakeBotAPI, sample_jpeg

TOKEN = "123456:LIMITS"


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_only_calls_that_create_messages_are_paced():
    assert creates_message("sendMessage") and creates_message("sendPhoto") and creates_message("copyMessage")
    assert not creates_message("sendChatAction") and not creates_message("editMessageText")
    assert not creates_message("answerCallbackQuery") and not creates_message("deleteMessage")
    assert message_count("sendMediaGroup", {"media": [1, 2, 3]}) == 3
    assert message_count("sendMessage", {"chat_id": 1}) == 1


def test_bucket_reservations_queue_callers_in_order():
    clock = Clock()
    bucket = Bucket(rate=2, capacity=2, clock=clock)
    assert [bucket.reserve(clock.now) for _ in range(4)] == [0, 0, 0.5, 1.0]
    clock.now += 1.0
    assert bucket.reserve(clock.now) == 0.5  # the two reserved ahead were refilled first


def test_settings_are_checked():
    assert TestConfig().BOT_GLOBAL_PER_SECOND == 30 and TestConfig().BOT_CHAT_BURST == 3  # the fake's (Telegram's) burst
    TestConfig(BOT_GLOBAL_PER_SECOND=0, BOT_CHAT_BURST=0).validated()
    with pytest.raises(ConfigError, match="BOT_GLOBAL_PER_SECOND"):
        TestConfig(BOT_GLOBAL_PER_SECOND=-1).validated()
    with pytest.raises(ConfigError, match="BOT_CHAT_BURST"):
        TestConfig(BOT_CHAT_BURST=-5).validated()


async def _bot(api, limiter=None) -> Bot:
    from telegram.ext import ExtBot

    bot = ExtBot(TOKEN, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot",
                 request=AiohttpRequest(8), get_updates_request=AiohttpRequest(1), rate_limiter=limiter)
    await bot.initialize()
    return bot


def test_overall_limit_paces_sends_but_not_edits_or_callback_answers():
    async def run(api, user):
        bot = await _bot(api, BotRateLimiter(global_per_second=10, chat_burst=0))
        try:
            first = await bot.send_message(user.id, "0")
            start = time.monotonic()
            for n in range(5):
                await bot.edit_message_text(f"edit {n}", chat_id=user.id, message_id=first.message_id)
            edits = time.monotonic() - start
            start = time.monotonic()
            await asyncio.gather(*(bot.send_message(user.id, str(n)) for n in range(1, 16)))
            return edits, time.monotonic() - start
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        user = api.user()
        edits, sends = asyncio.run(run(api, user))
    assert edits < 0.4
    assert 0.4 <= sends < 1.5  # 16 sends at 10/s with a burst of 10: the last waits ~0.6 s
    assert len(api.messages(user.id)) == 16


def test_per_chat_burst_then_one_a_second_and_other_chats_are_not_held():
    async def run(api, siti, budi):
        bot = await _bot(api, BotRateLimiter(global_per_second=0, chat_burst=3))
        try:
            start = time.monotonic()
            done = {}

            async def send(chat, text):
                await bot.send_message(chat, text)
                done[text] = time.monotonic() - start

            await asyncio.gather(*(send(siti.id, f"s{n}") for n in range(4)), send(budi.id, "b0"))
            return done
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        done = asyncio.run(run(api, api.user(), api.user()))
    assert max(done["s0"], done["s1"], done["s2"], done["b0"]) < 0.5
    assert 0.8 <= done["s3"] < 2.0


def test_429_holds_that_chat_for_retry_after_then_the_call_succeeds():
    async def run(api, siti, budi):
        bot = await _bot(api, BotRateLimiter(global_per_second=0, chat_burst=0, max_retries=2))
        try:
            api.fail_next("sendMessage", error_code=429, retry_after=1)
            start = time.monotonic()
            held = asyncio.create_task(bot.send_message(siti.id, "nanti"))
            await asyncio.sleep(0.2)
            await bot.send_message(budi.id, "sekarang")
            other = time.monotonic() - start
            await held
            return other, time.monotonic() - start
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        siti, budi = api.user(), api.user()
        other, held = asyncio.run(run(api, siti, budi))
        codes = [c["error_code"] for c in api.calls if c["method"] == "sendMessage"]
    assert other < 0.8            # another chat is not held by siti's 429
    assert 1.0 <= held < 2.5      # retry_after 1 s, then sent
    assert codes == [429, None, None]
    assert [m["text"] for m in api.messages(siti.id)] == ["nanti"]


def test_429_after_the_last_retry_reaches_the_caller():
    async def run(api, user):
        bot = await _bot(api, BotRateLimiter(global_per_second=0, chat_burst=0, max_retries=1))
        try:
            api.fail_next("sendMessage", error_code=429, retry_after=1, count=2)
            with pytest.raises(RetryAfter) as caught:
                await bot.send_message(user.id, "x")
            return caught.value
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        error = asyncio.run(run(api, api.user()))
    assert error._retry_after == timedelta(seconds=1)


def test_aiohttp_client_uploads_downloads_and_reports_api_errors():
    async def run(api, user):
        bot = await _bot(api)
        try:
            sent = await bot.send_photo(user.id, InputFile(sample_jpeg(), filename="foto.jpg"), caption="Foto <b>1</b>",
                                        parse_mode="HTML")
            file = await bot.get_file(sent.photo[-1].file_id)
            data = await file.download_as_bytearray()
            with pytest.raises(Exception) as caught:
                await bot.send_message(user.id, "")
            return sent, bytes(data), caught.value
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        user = api.user()
        sent, data, error = asyncio.run(run(api, user))
        assert [(c["method"], c["params"]) for c in api.rejected_calls()] == [("sendMessage", {"chat_id": user.id,
                                                                                              "text": ""})]
    assert sent.caption == "Foto 1" and data == sample_jpeg()
    assert "empty" in str(error).lower()


# --- one budget with the send workers, in Redis ------------------------------------------------------
def _shared_config(**changes):
    from tests.conftest import TEST_REDIS_URL

    return TestConfig(REDIS_URL=TEST_REDIS_URL, QUEUE_PREFIX="wadulshared", **changes)


def test_bot_and_send_workers_take_from_one_budget(redis_conn):
    from redis import Redis

    from bot.transport.limits import shared_limits
    from tests.conftest import TEST_REDIS_URL
    from services.messaging.ratelimit import RateLimiter

    config = _shared_config(SEND_GLOBAL_BURST=30)
    worker = RateLimiter(Redis.from_url(TEST_REDIS_URL), config)  # a send worker, another process

    async def run(api, siti, budi):
        bot = await _bot(api, BotRateLimiter(30, 3, shared=shared_limits(config)))
        try:
            started = time.monotonic()
            for n in range(3):  # the chat's whole burst, taken by the bot
                await bot.send_message(siti.id, f"bot {n}")
            held = worker.take(siti.id)  # the worker may not add to it
            assert held.wait > 0.5 and held.chat
            assert worker.take(budi.id).wait == 0  # another chat is free
            await bot.send_message(budi.id, "bot to budi")  # ... until the worker took from it too
            await bot.send_message(siti.id, "bot 3")  # waits for the chat's next slot, as the worker would
            return time.monotonic() - started
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN, rate_limits=True) as api:
        siti, budi = api.user(), api.user()
        took = asyncio.run(run(api, siti, budi))
        assert [c["error_code"] for c in api.calls if c["method"] == "sendMessage"] == [None] * 5
    assert took >= 1.0


def test_a_429_seen_by_the_bot_holds_the_send_workers_for_that_chat(redis_conn):
    from redis import Redis

    from bot.transport.limits import shared_limits
    from tests.conftest import TEST_REDIS_URL
    from services.messaging.ratelimit import RateLimiter

    config = _shared_config()
    worker = RateLimiter(Redis.from_url(TEST_REDIS_URL), config)

    async def run(api, siti):
        bot = await _bot(api, BotRateLimiter(30, 3, max_retries=1, shared=shared_limits(config)))
        try:
            api.fail_next("sendMessage", error_code=429, retry_after=2)
            task = asyncio.create_task(bot.send_message(siti.id, "sabar"))
            await asyncio.sleep(0.5)
            grant = worker.take(siti.id)  # while the bot waits out the 429
            await task
            return grant
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN) as api:
        siti = api.user()
        grant = asyncio.run(run(api, siti))
    assert grant.chat and 1.0 < grant.wait <= 2.2


def test_without_redis_the_bot_paces_itself_and_loses_nothing(caplog):
    from bot.transport.limits import shared_limits

    config = TestConfig(REDIS_URL="redis://127.0.0.1:9/0", QUEUE_PREFIX="wadulshared")  # nothing listens there

    async def run(api, siti):
        limiter = BotRateLimiter(30, 3, shared=shared_limits(config))
        bot = await _bot(api, limiter)
        try:
            started = time.monotonic()
            await asyncio.gather(*(bot.send_message(siti.id, f"m{n}") for n in range(4)))
            return time.monotonic() - started, limiter
        finally:
            await bot.shutdown()

    with FakeBotAPI(token=TOKEN, rate_limits=True) as api:
        siti = api.user()
        took, limiter = asyncio.run(run(api, siti))
        assert sorted(m["text"] for m in api.messages(siti.id)) == ["m0", "m1", "m2", "m3"]
        assert [c["error_code"] for c in api.calls if c["method"] == "sendMessage"] == [None] * 4
    assert 0.8 <= took < 4  # the local burst of 3, then one a second
    assert sum("shared send limit in Redis is unreachable" in r.getMessage() for r in caplog.records) == 1
