"""Helpers for the panel's tests: the app on the test's database, logging in through the
login form, and reading CSRF tokens out of pages as a browser would."""
from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD, make_official

TOKEN = re.compile(r'name="(?:[a-z]+-)?csrf_token" type="hidden" value="([^"]+)"|'
                   r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app(seeded, redis_conn):
    """The panel on the test's seeded database and Redis."""
    from panel import create_app
    from services import runtime

    return create_app(runtime.config())


@pytest.fixture
def client(app):
    return app.test_client()


def csrf_from(html: str) -> str:
    """The first CSRF token in a page."""
    match = TOKEN.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1) or match.group(2)


def login(client, official_or_username, password: str = PASSWORD):
    """Log in through the form (with its CSRF token); returns the response after redirects."""
    username = getattr(official_or_username, "username", official_or_username)
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_from(page.get_data(as_text=True))},
                       follow_redirects=True)


def logged_in(client, role: str, **kwargs):
    """A new official of `role`, logged in on `client`; returns the official."""
    official = make_official(role, **kwargs)
    response = login(client, official)
    assert response.status_code == 200 and "/login" not in response.request.path, response.get_data(as_text=True)[:500]
    return official


def post_form(client, page_url: str, action_url: str, data: dict, **kwargs):
    """Submit a form as a browser would: take the CSRF token from the page it is on."""
    page = client.get(page_url)
    assert page.status_code == 200, page.status_code
    data = dict(data)
    data.setdefault("csrf_token", csrf_from(page.get_data(as_text=True)))
    return client.post(action_url, data=data, **kwargs)
