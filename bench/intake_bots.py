"""Bench-only processes for scenario 1 (bench/intake.py starts them; not for production).

    python -m bench.intake_bots wadul [--webhook-port P]
    python -m bench.intake_bots ceiling [--http httpx|aiohttp]
    python -m bench.intake_bots proxy --port P --to 127.0.0.1:P1,127.0.0.1:P2
    python -m bench.intake_bots rawload --chats 1,2,3 --seconds 5 --concurrency 64 [--client httpx|aiohttp]

`wadul` is the real bot (bot.app.build_application) from the environment's configuration,
polling, or serving a plain-http webhook (config insists on https for production, the fake
server delivers over http); its limits come from the environment (BOT_GLOBAL_PER_SECOND,
BOT_CHAT_BURST) like the real bot's. `ceiling` is a minimal python-telegram-bot bot that
replies to each message and downloads each photo: the framework's ceiling on this machine,
with PTB's stock HTTP client (httpx) or the one the Wadul bot uses (bot.transport.http, aiohttp). `proxy` spreads webhook POSTs round-robin
over several bot processes (the fake server, like Telegram, takes one webhook URL). `rawload`
calls sendMessage with plain httpx or aiohttp clients to measure the fake server alone.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import os
import time

WEBHOOK_SECRET = "wadul-bench-secret"
TOKEN = "123456:BENCH-TOKEN"


def run_wadul(args) -> None:
    """The Wadul bot as `python -m bot` runs it, optionally on a plain-http webhook or another rate."""
    from config import Config
    from services import runtime

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config = runtime.use(Config.from_env())
    if os.environ.get("WADUL_BENCH_SQLLOG"):  # every SQL statement the bot runs, to count them per update
        handler = logging.FileHandler(os.environ["WADUL_BENCH_SQLLOG"], mode="w")
        logging.getLogger("peewee").addHandler(handler)
        logging.getLogger("peewee").setLevel(logging.DEBUG)
    from bot.app import ALLOWED_UPDATES, build_application

    application = build_application(config)
    if not args.webhook_port:
        if os.environ.get("WADUL_BENCH_PROFILE"):  # cProfile the bot process (written on SIGTERM's clean stop)
            import cProfile

            cProfile.runctx("application.run_polling(allowed_updates=ALLOWED_UPDATES)", globals(), locals(),
                            os.environ["WADUL_BENCH_PROFILE"])
            return
        application.run_polling(allowed_updates=ALLOWED_UPDATES)
        return
    url = f"http://127.0.0.1:{args.webhook_url_port or args.webhook_port}/telegram"
    application.update_processor.share_across_processes(config.REDIS_URL, config.QUEUE_PREFIX)  # as bot/__main__
    application.run_webhook(listen="127.0.0.1", port=args.webhook_port, url_path="telegram",
                            webhook_url=url, secret_token=WEBHOOK_SECRET,
                            allowed_updates=ALLOWED_UPDATES)


def run_ceiling(args) -> None:
    """A minimal PTB bot: reply to each message, download each photo first."""
    from telegram.ext import ApplicationBuilder, MessageHandler, filters

    from bot.app import MAX_CONCURRENT_UPDATES

    api = os.environ["TELEGRAM_API_URL"].rstrip("/")

    async def reply(update, context) -> None:
        """Echo a short answer; fetch the photo's largest size like the real bot does."""
        message = update.message
        if message.photo:
            photo = await context.bot.get_file(message.photo[-1].file_id)
            await photo.download_as_bytearray()
        await message.reply_text("ok")

    builder = (ApplicationBuilder().token(os.environ["TELEGRAM_BOT_TOKEN"]).base_url(f"{api}/bot")
               .base_file_url(f"{api}/file/bot").concurrent_updates(MAX_CONCURRENT_UPDATES))
    if args.http == "aiohttp":
        from bot.transport.http import AiohttpRequest

        builder = (builder.request(AiohttpRequest(connection_pool_size=MAX_CONCURRENT_UPDATES))
                   .get_updates_request(AiohttpRequest(connection_pool_size=1)))
    application = builder.build()
    application.add_handler(MessageHandler(filters.ALL, reply))
    application.run_polling(allowed_updates=["message"])


def run_proxy(args) -> None:
    """Round-robin HTTP proxy for webhook POSTs (headers and status passed through)."""
    from aiohttp import ClientSession, ClientTimeout, TCPConnector, web

    targets = itertools.cycle(args.to.split(","))

    async def forward(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() in ("content-type",
                                                                              "x-telegram-bot-api-secret-token")}
        async with request.app["session"].post(f"http://{next(targets)}{request.path}", data=body,
                                               headers=headers) as answer:
            return web.Response(status=answer.status, body=await answer.read())

    async def session_ctx(app):
        app["session"] = ClientSession(timeout=ClientTimeout(total=10), connector=TCPConnector(limit=0))
        yield
        await app["session"].close()

    app = web.Application()
    app.cleanup_ctx.append(session_ctx)
    app.router.add_post("/{tail:.*}", forward)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


def run_rawload(args) -> None:
    """sendMessage as fast as `concurrency` clients of one session can; prints calls per second.

    With httpx, the client's own connection pool is what slows down under many concurrent
    requests (httpcore), not the server: compare with --client aiohttp."""
    import aiohttp
    import httpx

    url = f"{os.environ['TELEGRAM_API_URL'].rstrip('/')}/bot{TOKEN}/sendMessage"
    chats = [int(c) for c in args.chats.split(",")]
    done = [0, 0]

    async def post(session, body: dict) -> int:
        if args.client == "httpx":
            return (await session.post(url, json=body)).status_code
        async with session.post(url, json=body) as answer:
            await answer.read()
            return answer.status

    async def client(i: int, session, stop: float) -> None:
        n = i
        while time.monotonic() < stop:
            status = await post(session, {"chat_id": chats[n % len(chats)], "text": f"beban {n}"})
            done[0 if status == 200 else 1] += 1
            n += args.concurrency

    async def main() -> None:
        if args.client == "httpx":
            session = httpx.AsyncClient(limits=httpx.Limits(max_connections=args.concurrency), timeout=30)
        else:
            session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=args.concurrency),
                                            timeout=aiohttp.ClientTimeout(total=30))
        async with session:
            start = time.monotonic()
            stop = start + args.seconds
            await asyncio.gather(*(client(i, session, stop) for i in range(args.concurrency)))
            span = time.monotonic() - start
        print(f"{done[0] / span:.1f} {done[0]} {done[1]}", flush=True)

    asyncio.run(main())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.intake_bots", description=__doc__)
    sub = parser.add_subparsers(dest="mode", required=True)
    wadul = sub.add_parser("wadul")
    wadul.add_argument("--webhook-port", type=int, default=0)
    wadul.add_argument("--webhook-url-port", type=int, default=0, help="port in the webhook URL (the proxy's)")
    ceiling = sub.add_parser("ceiling")
    ceiling.add_argument("--http", choices=("httpx", "aiohttp"), default="httpx")
    proxy = sub.add_parser("proxy")
    proxy.add_argument("--port", type=int, required=True)
    proxy.add_argument("--to", required=True)
    raw = sub.add_parser("rawload")
    raw.add_argument("--chats", required=True)
    raw.add_argument("--seconds", type=float, default=5)
    raw.add_argument("--concurrency", type=int, default=64)
    raw.add_argument("--client", choices=("httpx", "aiohttp"), default="httpx")
    args = parser.parse_args(argv)
    {"wadul": run_wadul, "ceiling": run_ceiling, "proxy": run_proxy, "rawload": run_rawload}[args.mode](args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
