"""What the chat page's handlers share: where the server is kept, the input helpers, refusals."""
from __future__ import annotations

from aiohttp import web

from sandbox.botapi import SimUser
from sandbox.webchat.live import SandboxAPI
from sandbox.settings import SandboxSettings

API_KEY = web.AppKey("api", SandboxAPI)
SETTINGS_KEY = web.AppKey("settings", SandboxSettings)


class Refused(Exception):
    """Bad input from the page: answered 400 (or `status`) with a catalogue key."""

    def __init__(self, key: str, status: int = 400):
        super().__init__(key)
        self.key, self.status = key, status


def clean(value, limit: int) -> str:
    return str(value or "").strip()[:limit]


def user_of(request: web.Request) -> SimUser:
    try:
        user = request.app[API_KEY].find_user(int(request.match_info["user_id"]))
    except ValueError:
        user = None
    if user is None:
        raise Refused("sandbox.err.no_user", 404)
    return user


async def json_body(request: web.Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Refused("sandbox.err.bad_request")
    return body
