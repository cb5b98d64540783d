"""Settings of the local sandbox (`python -m sandbox`), read from the environment.

The sandbox is for one machine only: both servers listen on 127.0.0.1, and the bot token is
a fixed local one, so the bot and the worker can be pointed at it without any secret.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

# Shaped like BotFather's tokens; only the sandbox server ever accepts it.
SANDBOX_TOKEN = "7000000001:SANDBOX-wadul-local-bot-token"  # nosec B105  # public by design, not a Telegram token
HOST = "127.0.0.1"
DEFAULT_REGIONS = Path(__file__).resolve().parent.parent / "data" / "regions" / "ketapang-desa.geojson"
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


class SettingsError(ValueError):
    """A sandbox setting has a value that cannot work; the message names the variable."""


def _port(env: dict, name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name} must be a port number between 1 and 65535, not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class SandboxSettings:
    """Where the sandbox listens and what the chat page links to."""

    api_port: int = 8081
    chat_port: int = 8080
    token: str = SANDBOX_TOKEN
    panel_url: str = "http://127.0.0.1:5000"
    tile_url: str = OSM_TILES
    regions_file: str = str(DEFAULT_REGIONS)

    @classmethod
    def from_env(cls, env: dict | None = None) -> "SandboxSettings":
        """SANDBOX_API_PORT, SANDBOX_CHAT_PORT, SANDBOX_REGIONS_FILE; PANEL_URL and TILE_URL as Wadul's."""
        env = dict(os.environ if env is None else env)
        return cls(api_port=_port(env, "SANDBOX_API_PORT", cls.api_port),
                   chat_port=_port(env, "SANDBOX_CHAT_PORT", cls.chat_port),
                   panel_url=env.get("PANEL_URL", "").strip() or cls.panel_url,
                   tile_url=env.get("TILE_URL", cls.tile_url).strip(),
                   regions_file=env.get("SANDBOX_REGIONS_FILE", "").strip() or cls.regions_file)

    @property
    def api_url(self) -> str:
        return f"http://{HOST}:{self.api_port}"

    @property
    def chat_url(self) -> str:
        return f"http://{HOST}:{self.chat_port}"

    def bot_environment(self) -> dict[str, str]:
        """What the bot and the worker need to talk to this sandbox instead of Telegram."""
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.api_url}
