"""The officials' web panel (Flask + Flask-Admin) and the operator CLI (`flask --app panel`)."""
from __future__ import annotations

from flask import Flask

import models
from config import Config
from core import logsafe
from services import runtime, wiring


def create_app(config: Config | None = None) -> Flask:
    """Build the panel app for `config` (default: from the environment)."""
    config = runtime.use(config or Config.from_env())
    wiring.wire()
    logsafe.install(config.TELEGRAM_BOT_TOKEN)  # no log line of this process (gunicorn's too) carries the token
    app = Flask(__name__, instance_path=str(models_instance_dir()))
    app.config.from_mapping(SECRET_KEY=config.SECRET_KEY, WADUL=config, TESTING=config.TESTING)
    _database_per_request(app)
    from panel import cli

    cli.register(app)
    from panel.web import init_web

    init_web(app)

    from panel import health

    health.init_app(app)  # GET /health: liveness and the media store

    return app


def models_instance_dir():
    from config import INSTANCE_DIR

    return INSTANCE_DIR


def _database_per_request(app: Flask) -> None:
    # One connection per request, closed afterwards: a connection left open across
    # requests (or from start-up) breaks the next request ("Connection already opened").
    @app.before_request
    def _open():
        from flask import request

        if (request.endpoint or "").startswith("publik."):
            return  # the public pages often answer from Redis: connect on the first query (autoconnect)
        models.db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not models.db.is_closed():
            models.db.close()
