"""Login throttling in Redis, shared by every web process. Three counters, each over a window
of LOGIN_LOCK_SECONDS from its first failure:

- one username from one address: LOGIN_MAX_ATTEMPTS failures lock that pair (guessing one
  password);
- one address over all usernames: LOGIN_MAX_PER_ADDRESS failures lock the address (password
  spraying: one common password tried on many accounts);
- one username from many addresses: failures from LOGIN_ACCOUNT_ADDRESSES different addresses
  lock the username for everyone (distributed guessing). Counting addresses, not failures,
  means no single address can lock someone else out of their account.

The address is `request.remote_addr`, which is the client's own only when TRUSTED_PROXY_COUNT
matches the reverse proxies in front of the panel (panel.web applies werkzeug's ProxyFix).
"""
from __future__ import annotations

import hashlib
import logging

from redis.exceptions import RedisError

from services import runtime

log = logging.getLogger(__name__)


def _digest(*parts: str) -> str:
    # Hashed: usernames typed by strangers never become Redis key names as they are.
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def _keys(username: str, address: str) -> tuple[str, str, str]:
    """(pair counter, address counter, the username's set of failing addresses)."""
    prefix = f"{runtime.config().QUEUE_PREFIX}:login-fail"
    username = username.strip().lower()
    return (f"{prefix}:{_digest(username, address)}", f"{prefix}-addr:{_digest(address)}",
            f"{prefix}-user:{_digest(username)}")


def locked_for(username: str, address: str) -> int:
    """Seconds until this username may be tried from this address again; 0 when not locked."""
    cfg = runtime.config()
    pair, by_address, by_user = _keys(username, address)
    try:
        conn = runtime.redis()
        pipe = conn.pipeline()
        pipe.get(pair)
        pipe.get(by_address)
        pipe.scard(by_user)
        failures, address_failures, addresses = pipe.execute()
        limits = ((pair, int(failures or 0), cfg.LOGIN_MAX_ATTEMPTS),
                  (by_address, int(address_failures or 0), cfg.LOGIN_MAX_PER_ADDRESS),
                  (by_user, int(addresses or 0), cfg.LOGIN_ACCOUNT_ADDRESSES))
        waits = [max(int(conn.ttl(key)), 1) for key, count, limit in limits if limit and count >= limit]
        return max(waits, default=0)
    except RedisError as exc:
        # Without Redis nobody could log in at all if this failed closed; Argon2's cost
        # still slows guessing, and the outage is logged.
        log.warning("login throttle unavailable: %s", exc)
        return 0


def record_failure(username: str, address: str) -> None:
    """Count a failed login in all three counters; each window starts at its first failure."""
    cfg = runtime.config()
    pair, by_address, by_user = _keys(username, address)
    try:
        pipe = runtime.redis().pipeline()
        pipe.incr(pair)
        pipe.incr(by_address)
        pipe.sadd(by_user, _digest(address))
        for key in (pair, by_address, by_user):
            pipe.expire(key, cfg.LOGIN_LOCK_SECONDS, nx=True)
        pipe.execute()
    except RedisError as exc:
        log.warning("login throttle unavailable: %s", exc)


def clear(username: str, address: str) -> None:
    """Forget this pair's failures after a successful login. The address's count over all
    usernames stays: knowing one password must not reset a spraying address's budget."""
    pair, _, by_user = _keys(username, address)
    try:
        pipe = runtime.redis().pipeline()
        pipe.delete(pair)
        pipe.srem(by_user, _digest(address))
        pipe.execute()
    except RedisError as exc:
        log.warning("login throttle unavailable: %s", exc)


def public_lookup(address: str) -> int:
    """Count one tracking-code lookup on the public pages from `address`; returns the seconds it
    must wait when it is over PUBLIC_LOOKUP_MAX lookups in PUBLIC_LOOKUP_WINDOW_SECONDS (0: go
    on). Every lookup counts, found or not: guessing codes (the reporter's secret) costs as much
    as reading them. Fails open without Redis, like the login throttle (logged)."""
    cfg = runtime.config()
    if not cfg.PUBLIC_LOOKUP_MAX:
        return 0
    key = f"{cfg.QUEUE_PREFIX}:public-lookup:{_digest(address)}"
    try:
        pipe = runtime.redis().pipeline()
        pipe.incr(key)
        pipe.expire(key, cfg.PUBLIC_LOOKUP_WINDOW_SECONDS, nx=True)
        pipe.ttl(key)
        count, _, ttl = pipe.execute()
    except RedisError as exc:
        log.warning("public lookup throttle unavailable: %s", exc)
        return 0
    return max(int(ttl), 1) if int(count) > cfg.PUBLIC_LOOKUP_MAX else 0
