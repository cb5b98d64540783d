"""The fake Telegram Bot API server: what tests and the sandbox chat talk to instead of Telegram.

`FakeBotAPI` (in `fake`) is the face; behind it the HTTP server (`http`), the checks against
Telegram's published specification (`spec`, bot-api-spec.json, SPEC-SOURCE.md), what it knows
(`state`), sending and the other methods (`sending`, `methods`), text formatting (`entities`,
`formatting`), keyboards (`markup`), files (`media`), flood limits (`limits`), Telegram-shaped
errors (`errors`) and waiting for the bot's messages (`waiting`). Nothing here knows Wadul.
"""
from sandbox.botapi.fake import FakeBotAPI, RateLimits, SimUser, sample_jpeg

__all__ = ["FakeBotAPI", "RateLimits", "SimUser", "sample_jpeg"]
