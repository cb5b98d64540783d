"""Errors the fake Bot API answers with, shaped exactly like Telegram's error bodies."""
from __future__ import annotations

from typing import Any

# Why a call failed decides whether tests treat it as a bug in the bot:
# "malformed" calls are the bot's fault (validation), "refused" ones are Telegram
# refusing a well-formed call on purpose (blocked user, flood limit, unknown chat...).
MALFORMED = "malformed"
REFUSED = "refused"

STANDARD_DESCRIPTIONS = {
    401: "Unauthorized",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, *, kind: str = MALFORMED,
                 retry_after: int | None = None, migrate_to_chat_id: int | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.kind = kind
        self.retry_after = retry_after
        self.migrate_to_chat_id = migrate_to_chat_id

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        parameters = {}
        if self.retry_after is not None:
            parameters["retry_after"] = self.retry_after
        if self.migrate_to_chat_id is not None:
            parameters["migrate_to_chat_id"] = self.migrate_to_chat_id
        if parameters:
            body["parameters"] = parameters
        return body


def bad_request(detail: str) -> ApiError:
    """A 400 caused by what the bot sent."""
    return ApiError(400, f"Bad Request: {detail}")


def refused_bad_request(detail: str) -> ApiError:
    """A 400 Telegram gives for a well-formed call it cannot carry out (e.g. chat not found)."""
    return ApiError(400, f"Bad Request: {detail}", kind=REFUSED)


def forbidden(detail: str) -> ApiError:
    return ApiError(403, f"Forbidden: {detail}", kind=REFUSED)


def too_many_requests(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", kind=REFUSED,
                    retry_after=retry_after)


def conflict(detail: str) -> ApiError:
    return ApiError(409, f"Conflict: {detail}", kind=REFUSED)


def injected(code: int, retry_after: int | None, description: str | None) -> ApiError:
    """A failure armed by a test with FakeBotAPI.fail_next()."""
    if code == 429:
        seconds = max(1, int(retry_after or 1))
        error = too_many_requests(seconds)
        if description:
            error.description = description
        return error
    text = description or STANDARD_DESCRIPTIONS.get(code) or f"Error {code}"
    return ApiError(code, text, kind=REFUSED)
