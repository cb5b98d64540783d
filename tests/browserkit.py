"""What the browser tests share: Debian's Chromium for Playwright, the skip rule, and the
panel served from a thread. Import `live_panel` into a test module to use the fixture.
"""
from __future__ import annotations

import os
import threading

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def require_browser() -> None:
    """Skip without Chromium or Playwright, unless WADUL_REQUIRE_BROWSER=1 (then fail)."""
    missing = None
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} is not installed (apt-get install chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "Playwright for Python is not installed (pip install -r requirements.txt)"
    if missing and os.environ.get("WADUL_REQUIRE_BROWSER") == "1":
        pytest.fail(missing)
    if missing:
        pytest.skip(missing)


@pytest.fixture
def live_panel(telegram):
    """The panel served on 127.0.0.1 from a thread, as gunicorn would serve it."""
    require_browser()
    from werkzeug.serving import make_server

    from panel import create_app

    app = create_app(telegram.with_(TILE_URL=""))  # no tile server in tests: the marker still shows
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
