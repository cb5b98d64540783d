"""Talking to Telegram, apart from what the bot says: the aiohttp HTTP client (`http`), pacing
and 429s (`limits`), confirming an update only once handled (`delivery`), one person's flood
(`flood`), and the per-update SQL compiled once (`prepared`). Nothing here knows a flow."""
