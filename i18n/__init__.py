"""Message catalogues: every text a person reads, Indonesian first, English second.

Each area keeps its own catalogue module (`i18n.common`, `i18n.bot`, `i18n.worker`,
`i18n.panel`) with a MESSAGES dict {key: {"id": ..., "en": ...}}; `t()` looks a key up in
all of them. Values are str.format templates; callers escape user text for the parse mode.
"""
from __future__ import annotations

import importlib
import logging
import pkgutil
from functools import lru_cache

LANGUAGES = ("id", "en")
DEFAULT = "id"
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """All catalogue modules merged; a key defined twice is a bug and fails loudly."""
    merged: dict[str, dict[str, str]] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, texts in getattr(module, "MESSAGES", {}).items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} defined twice (i18n.{info.name})")
            merged[key] = texts
    return merged


def normalize_lang(code: str | None) -> str:
    """Telegram's language_code ("en-US", "id") to one of ours; Indonesian otherwise."""
    base = (code or "").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT


def t(key: str, lang: str | None = DEFAULT, **values) -> str:
    """The text for `key` in `lang` (falling back to Indonesian), formatted with `values`."""
    texts = catalogue().get(key)
    if texts is None:
        log.error("missing message key %s", key)
        return key
    template = texts.get(normalize_lang(lang)) or texts[DEFAULT]
    return template.format(**values) if values else template
