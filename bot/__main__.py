"""`python -m bot`: run the Telegram bot (polling by default, webhook when configured)."""
from __future__ import annotations

import logging
import sys
from urllib.parse import urlsplit

import i18n
from bot import rules
from bot.app import ALLOWED_UPDATES, build_application
from config import Config, ConfigError
from core import logsafe
from services import runtime

EXIT_CONFIG = 2


def _fail(*messages: str) -> int:
    for message in messages:
        sys.stderr.write(message + "\n")
    return EXIT_CONFIG


def main() -> int:
    """Read the configuration, then poll or serve the webhook until stopped."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per poll otherwise
    try:
        config = Config.from_env()
    except ConfigError as exc:
        return _fail(f"Konfigurasi salah / configuration error: {exc}")
    logsafe.install(config.TELEGRAM_BOT_TOKEN)  # no log line of this process carries the token
    if not config.TELEGRAM_BOT_TOKEN:
        return _fail(i18n.t("bot.no_token", "id"), i18n.t("bot.no_token", "en"))
    if config.TELEGRAM_WEBHOOK_URL and not rules.valid_secret_token(config.TELEGRAM_WEBHOOK_SECRET):
        return _fail(i18n.t("bot.bad_webhook_secret", "id"), i18n.t("bot.bad_webhook_secret", "en"))
    runtime.use(config)
    if not wait_for_api(config):
        return _fail(i18n.t("bot.api_unreachable", "id"), i18n.t("bot.api_unreachable", "en"))
    application = build_application(config)
    if config.TELEGRAM_WEBHOOK_URL:
        run_webhook(application, config)
    else:
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
    return 0


def wait_for_api(config: Config, attempts: int = 30) -> bool:
    """Wait until the Bot API answers (it may be starting beside us, or the network is back).

    Without this a bot started a moment before its API server (the sandbox under honcho, or
    a machine booting) would exit at once and take the other processes down with it.
    """
    import time

    import httpx

    url = f"{config.TELEGRAM_API_URL.rstrip('/')}/bot{config.TELEGRAM_BOT_TOKEN}/getMe"
    delay = 0.5
    for attempt in range(attempts):
        try:
            httpx.post(url, timeout=10)
            return True  # any HTTP answer, even 401: PTB reports a wrong token clearly
        except httpx.TransportError as exc:
            logging.getLogger(__name__).warning("Bot API not reachable yet (%s); retrying in %.1f s", exc, delay)
            time.sleep(delay)
            delay = min(delay * 2, 10)
    return False


def run_webhook(application, config: Config) -> None:
    """Listen on TELEGRAM_WEBHOOK_LISTEN; Telegram calls TELEGRAM_WEBHOOK_URL with the secret header."""
    host, port = rules.parse_listen(config.TELEGRAM_WEBHOOK_LISTEN)
    # Behind one webhook URL several processes may run: one person's updates stay in order.
    application.update_processor.share_across_processes(config.REDIS_URL, config.QUEUE_PREFIX)
    application.run_webhook(
        listen=host, port=port, url_path=urlsplit(config.TELEGRAM_WEBHOOK_URL).path.lstrip("/"),
        webhook_url=config.TELEGRAM_WEBHOOK_URL, secret_token=config.TELEGRAM_WEBHOOK_SECRET,
        allowed_updates=ALLOWED_UPDATES,
    )


if __name__ == "__main__":
    sys.exit(main())
