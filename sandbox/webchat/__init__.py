"""The sandbox's web chat: a Telegram-like page over the fake Bot API, to use the bot by hand.

`live` keeps the fake server running as a local service with what the page needs; `app` is the
aiohttp page and its JSON API (`create_chat_app`), `actions` what a simulated user does,
`chatview` stored messages turned into view data, `common` the handlers' shared helpers;
`static/` the page itself.
"""
