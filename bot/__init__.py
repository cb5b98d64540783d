"""Wadul's Telegram bot: residents and village heads file and follow complaints.

`python -m bot` runs it (polling, or a webhook when TELEGRAM_WEBHOOK_URL is set);
`bot.app.build_application(config)` builds it for tests and other processes.

Here, at the top: the assembly (`app`, the python-telegram-bot Application and its update
processor; `router`, where every update goes, declared once) and what every flow shares (`common`:
the Turn; `drafts`: the conversation's state; `rules`: plain rules; `keyboards`). Below it,
`transport/` (talking to Telegram) and one package per flow: `filing/`, `followup/`,
`feedback/`, `village/`.
"""
