"""Wadul's Telegram bot: residents and village heads file and follow complaints.

`python -m bot` runs it (polling, or a webhook when TELEGRAM_WEBHOOK_URL is set);
`bot.app.build_application(config)` builds it for tests and other processes.
"""
