"""Login throttling in Redis, shared by every web process: LOGIN_MAX_ATTEMPTS failures per
username and address within LOGIN_LOCK_SECONDS lock that pair until the window passes."""
from __future__ import annotations

import hashlib
import logging

from redis.exceptions import RedisError

from services import runtime

log = logging.getLogger(__name__)


def _key(username: str, address: str) -> str:
    cfg = runtime.config()
    # Hashed: usernames typed by strangers never become Redis key names as they are.
    digest = hashlib.sha256(f"{username.strip().lower()}|{address}".encode()).hexdigest()[:32]
    return f"{cfg.QUEUE_PREFIX}:login-fail:{digest}"


def locked_for(username: str, address: str) -> int:
    """Seconds until this username+address may try again; 0 when not locked."""
    cfg = runtime.config()
    try:
        conn = runtime.redis()
        failures = int(conn.get(_key(username, address)) or 0)
        if failures < cfg.LOGIN_MAX_ATTEMPTS:
            return 0
        return max(int(conn.ttl(_key(username, address))), 1)
    except RedisError as exc:
        # Without Redis nobody could log in at all if this failed closed; Argon2's cost
        # still slows guessing, and the outage is logged.
        log.warning("login throttle unavailable: %s", exc)
        return 0


def record_failure(username: str, address: str) -> None:
    """Count a failed login; the window starts at the first failure."""
    cfg = runtime.config()
    try:
        pipe = runtime.redis().pipeline()
        key = _key(username, address)
        pipe.incr(key)
        pipe.expire(key, cfg.LOGIN_LOCK_SECONDS, nx=True)
        pipe.execute()
    except RedisError as exc:
        log.warning("login throttle unavailable: %s", exc)


def clear(username: str, address: str) -> None:
    """Forget the failures after a successful login."""
    try:
        runtime.redis().delete(_key(username, address))
    except RedisError as exc:
        log.warning("login throttle unavailable: %s", exc)
