"""The sandbox chat page: a Telegram-like web chat over the fake Bot API, and its JSON API.

    GET  /                                  the page (static/chat.html)
    GET  /api/info, /api/strings?lang=id    bot, links, map settings; the page's texts
    GET  /api/users                         simulated users;  POST creates one
    GET  /api/users/{id}/chat?since=V&wait=S  messages (edits applied), reply keyboard, toasts;
                                            waits up to S seconds for a version other than V
    POST /api/users/{id}/text | photos | location | press | keyboard   what the user does
    GET  /api/calls?since=N                 refused and malformed Bot API calls from index N
    GET  /files/{file_id}                   a photo or file someone sent

Handlers are thin: check the input, call SandboxAPI, answer JSON. Errors carry a message
key of the sandbox catalogue, which the page shows in its language.
"""
from __future__ import annotations

import asyncio
import random
from pathlib import Path

from aiohttp import web

import i18n
from sandbox.webchat import chatview
from sandbox.botapi import SimUser
from sandbox.webchat.live import SandboxAPI
from sandbox.settings import SandboxSettings
from sandbox.webchat.actions import ACTIONS
from sandbox.webchat.common import API_KEY, SETTINGS_KEY, Refused, clean, json_body, user_of

STATIC_DIR = Path(__file__).resolve().parent / "static"
MAX_UPLOAD = 60 * 1024 * 1024
LONG_POLL_MAX = 25.0
LONG_POLL_STEP = 0.2
# Defence in depth: messages are drawn without HTML already; this also forbids inline scripts.
# Images may come from any tile server the operator configures.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data: blob: http: https:; connect-src 'self'; object-src 'none'; "
               "base-uri 'none'; frame-ancestors 'none'; form-action 'none'")
REGIONS_KEY = web.AppKey("regions", dict)


def create_chat_app(api: SandboxAPI, settings: SandboxSettings) -> web.Application:
    """The chat page's aiohttp application; the fake Bot API runs separately (its own thread)."""
    from xstatic.pkg import leaflet

    app = web.Application(client_max_size=MAX_UPLOAD, middlewares=[_refusals])
    app[API_KEY], app[SETTINGS_KEY], app[REGIONS_KEY] = api, settings, {}
    app.router.add_get("/", page)
    app.router.add_static("/static/", STATIC_DIR)
    app.router.add_static("/vendor/leaflet/", leaflet.BASE_DIR)
    app.router.add_get("/api/info", info)
    app.router.add_get("/api/strings", strings)
    app.router.add_get("/api/regions", regions)
    app.router.add_get("/api/users", list_users)
    app.router.add_post("/api/users", create_user)
    app.router.add_get("/api/users/{user_id}/chat", chat)
    for action, handler in ACTIONS.items():
        app.router.add_post(f"/api/users/{{user_id}}/{action}", handler)
    app.router.add_get("/api/calls", calls)
    app.router.add_get("/files/{file_id}", file)
    return app


@web.middleware
async def _refusals(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as refused:
        return web.json_response({"error": refused.key}, status=refused.status)


# --- the page and its settings ---------------------------------------------------------------
async def page(request: web.Request) -> web.FileResponse:
    """The chat page itself (plain HTML, CSS and JavaScript, no build step)."""
    return web.FileResponse(STATIC_DIR / "chat.html", headers={"Cache-Control": "no-cache",
                                                                "Content-Security-Policy": PAGE_POLICY})


async def info(request: web.Request) -> web.Response:
    """The bot's identity and where things are: the Bot API, the panel, the map tiles."""
    api, settings = request.app[API_KEY], request.app[SETTINGS_KEY]
    return web.json_response({"bot": api.bot_user, "api_url": api.url, "panel_url": settings.panel_url,
                              "tile_url": settings.tile_url, "regions": Path(settings.regions_file).is_file()})


async def strings(request: web.Request) -> web.Response:
    """The page's texts in one language, from the sandbox message catalogue."""
    lang = i18n.normalize_lang(request.query.get("lang"))
    texts = {key: i18n.t(key, lang) for key in i18n.catalogue() if key.startswith("sandbox.")}
    return web.json_response({"lang": lang, "texts": texts})


async def regions(request: web.Request) -> web.Response:
    """Village boundaries for the location picker, so a point can be chosen without map tiles."""
    path = Path(request.app[SETTINGS_KEY].regions_file)
    cache = request.app[REGIONS_KEY]
    if "body" not in cache:
        if not path.is_file():
            raise Refused("sandbox.err.no_regions", 404)
        cache["body"] = await asyncio.to_thread(path.read_bytes)
    response = web.Response(body=cache["body"], content_type="application/geo+json")
    response.enable_compression()
    return response


# --- simulated users ---------------------------------------------------------------------------
def _user_view(user: SimUser) -> dict:
    return {"id": user.id, "first_name": user.first_name, "last_name": user.last_name,
            "username": user.username, "language_code": user.language_code}


async def list_users(request: web.Request) -> web.Response:
    """Every simulated user, oldest first."""
    return web.json_response([_user_view(user) for user in request.app[API_KEY].users()])


async def create_user(request: web.Request) -> web.Response:
    """A new Telegram user (or the same id again after a sandbox restart: the page remembers them)."""
    api, body = request.app[API_KEY], await json_body(request)
    first_name = clean(body.get("first_name"), 64)
    if not first_name:
        raise Refused("sandbox.err.name_needed")
    user_id = _user_id(api, body.get("id"))
    if user_id == api.bot_user["id"]:
        raise Refused("sandbox.err.bad_id")
    language = body.get("language_code") if body.get("language_code") in i18n.LANGUAGES else "id"
    user = api.user(user_id, first_name=first_name, last_name=clean(body.get("last_name"), 64) or None,
                    username=clean(body.get("username"), 32).lstrip("@") or None, language_code=language)
    return web.json_response(_user_view(user), status=201)


def _user_id(api: SandboxAPI, raw) -> int:
    if raw in (None, ""):
        while True:  # random, so users made after a restart are not mistaken for earlier ones
            candidate = random.randrange(6_000_000_000, 7_000_000_000)  # nosec B311  # a simulated user's id, no secret
            if api.find_user(candidate) is None:
                return candidate
    try:
        user_id = int(str(raw).strip())
    except ValueError:
        raise Refused("sandbox.err.bad_id") from None
    if not 0 < user_id < 2**52:  # Telegram's user ids fit in 52 bits
        raise Refused("sandbox.err.bad_id")
    return user_id


# --- reading a chat ----------------------------------------------------------------------------
def _chat_state(api: SandboxAPI, user: SimUser) -> dict:
    messages, keyboard, answers = api.snapshot(user.id)
    state = {"messages": chatview.present_chat(messages, api.bot_user["id"]),
             "keyboard": chatview.present_keyboard(keyboard), "toasts": chatview.present_answers(answers),
             "commands": api.commands_for(user.language_code)}
    state["version"] = chatview.version_of(state)
    return state


async def chat(request: web.Request) -> web.Response:
    """The chat as the user sees it; with `since`, waits until it differs from that version."""
    api, user = request.app[API_KEY], user_of(request)
    since = request.query.get("since", "")
    try:
        wait = min(max(float(request.query.get("wait", "0")), 0.0), LONG_POLL_MAX)
    except ValueError:
        wait = 0.0
    deadline = asyncio.get_running_loop().time() + wait
    state = _chat_state(api, user)
    while state["version"] == since and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(LONG_POLL_STEP)
        state = _chat_state(api, user)
    return web.json_response(state)


# --- conformance and files -----------------------------------------------------------------------
async def calls(request: web.Request) -> web.Response:
    """Calls Telegram would refuse: malformed ones (the bot's bug) and refusals (blocked, 429...)."""
    try:
        since = max(int(request.query.get("since", "0")), 0)
    except ValueError:
        since = 0
    start, logged = request.app[API_KEY].calls_since(since)
    failed = [chatview.present_call(start + offset, call) for offset, call in enumerate(logged) if not call["ok"]]
    return web.json_response({"next": start + len(logged), "calls": failed, "reset": start != since})


async def file(request: web.Request) -> web.Response:
    """The bytes of a stored photo or file, for the page to show."""
    stored = request.app[API_KEY].stored_file(request.match_info["file_id"])
    if stored is None:
        raise Refused("sandbox.err.no_file", 404)
    headers = {"Cache-Control": "max-age=86400", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; sandbox"}
    image_type = _image_type(stored.data) if stored.kind in ("photo", "sticker") else None
    if image_type is None:
        # Anything else is only downloaded: a file someone sent must never run as a page here.
        headers["Content-Disposition"] = "attachment"
    return web.Response(body=stored.data, content_type=image_type or "application/octet-stream", headers=headers)


def _image_type(data: bytes) -> str | None:
    """The image type from the first bytes (photos keep the bytes that were sent: JPEG, PNG, WebP)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"GIF8"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None
