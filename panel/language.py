"""The panel's language: Indonesian by default, English selectable.

Three sources of text share one choice of language per request:
- the project's catalogue (`i18n.t`, keys "panel.*"), through `tr()` and `LazyText`;
- Flask-Admin's own strings, through Flask-Babel with our Indonesian `admin.po`
  (Flask-Admin ships none), compiled into the instance folder at start-up;
- WTForms' validation messages, through our Indonesian `wtforms.po` (WTForms ships none).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel import support
from babel.messages import mofile, pofile
from flask import Flask, current_app, g, has_request_context, session
from flask_babel import Babel
from flask_login import current_user

import i18n

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES = i18n.LANGUAGES


def current_lang() -> str:
    """The language of this request: the user's choice, else the configured default."""
    if not has_request_context():
        return i18n.DEFAULT
    if g.get("page_lang") in LANGUAGES:  # the public pages: ?lang=en, no session (panel.public)
        return g.page_lang
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    official = getattr(current_user, "official", None)
    if official is not None and official.language in LANGUAGES:
        return official.language
    return current_app.config["WADUL"].DEFAULT_LANGUAGE


def tr(key: str, **values) -> str:
    """A catalogue text in the request's language."""
    return i18n.t(key, current_lang(), **values)


class LazyText:
    """A catalogue text looked up when shown, for labels fixed at class definition."""

    def __init__(self, key: str, **values):
        self.key = key
        self.values = values

    def __str__(self) -> str:
        return tr(self.key, **self.values)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __len__(self) -> int:
        return len(str(self))

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.key)

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)

    def __getattr__(self, name):
        # str methods (lower, format, ...) used by libraries on labels
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(str(self), name)


def compile_catalogues(target: Path) -> Path:
    """Compile every `.po` under panel/translations into `target` (atomic, skipped if fresh)."""
    for po_path in SOURCE_DIR.glob("*/LC_MESSAGES/*.po"):
        mo_path = target / po_path.relative_to(SOURCE_DIR).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with open(po_path, "rb") as handle:
            catalog = pofile.read_po(handle)
        # Several web processes may start at once: write aside, then swap in.
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            mofile.write_mo(handle, catalog)
        os.replace(tmp, mo_path)
    return target


class WTFormsTranslations:
    """WTForms messages in the request's language, from our catalogue when WTForms has none."""

    def _catalog(self):
        if not has_request_context():
            return None
        cached = getattr(g, "_wtforms_translations", None)
        if cached is None:
            directory = current_app.config["WADUL_TRANSLATIONS"]
            cached = support.Translations.load(str(directory), [current_lang()], domain="wtforms")
            g._wtforms_translations = cached
        return cached

    def gettext(self, string):
        catalog = self._catalog()
        return string if catalog is None else catalog.ugettext(string)

    def ngettext(self, singular, plural, n):
        catalog = self._catalog()
        if catalog is None:
            return singular if n == 1 else plural
        return catalog.ungettext(singular, plural, n)


wtforms_translations = WTFormsTranslations()


def init_app(app: Flask) -> None:
    """Flask-Babel with our locale choice and the compiled catalogues (the switch, which must know
    who is logged in, is panel.auth.set_language)."""
    translations = compile_catalogues(Path(app.instance_path) / "translations")
    app.config["WADUL_TRANSLATIONS"] = translations
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["WADUL"].DEFAULT_LANGUAGE
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(translations)
    Babel(app, locale_selector=current_lang)
    app.jinja_env.globals.update(tr=tr, current_lang=current_lang, languages=LANGUAGES)
