"""Small rules the whole panel shares so that no view does them its own way: the
Content-Security-Policy and its nonce, safe CSV cells, and ids read from the URL."""
from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, g
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

# Ids are 64-bit signed integers in both databases; a larger number is no row, and handing it
# to the database raises (OverflowError on SQLite, "out of range" on PostgreSQL).
MAX_ID = 2**63 - 1

# Characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csp_nonce() -> str:
    """This request's nonce for the few inline scripts Flask-Admin writes (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(tile_url: str) -> str:
    """The panel's CSP, with `{nonce}` left to fill per request: scripts, styles and everything
    else only from the panel itself; images also from the map's tile server."""
    images = "'self' data:"
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))
        images += f" {parts.scheme}://{parts.netloc}"
    return ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
            f"img-src {images}; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def csv_cell(value, format_time=None):
    """A value as a CSV cell that no spreadsheet runs: text that would start a formula gets a
    leading apostrophe (names and descriptions are typed by the public and by offices).
    Every CSV the panel writes passes each cell through here."""
    if isinstance(value, datetime) and format_time is not None:
        return format_time(value)
    if isinstance(value, str) and value.lstrip(" ")[:1] in FORMULA_START:
        return "'" + value
    return value


def is_row_id(raw) -> bool:
    """Whether `raw` (text from a request) is a positive id the database can hold."""
    text = str(raw if raw is not None else "").strip()
    return text.isascii() and text.isdigit() and len(text) <= 19 and 0 < int(text) <= MAX_ID


def without_impossible_choices(form, formdata):
    """`formdata` with the posted choices of a row (a category, an office, a village) that
    cannot be an id replaced by "0" (an id no row has), and the fields they were posted for.
    Such a value would otherwise reach the database when the field looks its row up
    (OverflowError on SQLite, a type error on PostgreSQL); the form marks those fields
    invalid instead. The value is replaced, not dropped: an Optional field with no value
    would clear its errors."""
    from flask_admin.model.fields import AjaxSelectField
    from wtfpeewee.fields import SelectQueryField

    if not formdata:
        return formdata, []
    refused = [field for field in form if isinstance(field, (SelectQueryField, AjaxSelectField))
               and any(v not in ("", "__None") and not is_row_id(v) for v in formdata.getlist(field.name))]
    if not refused:
        return formdata, []
    names = {field.name for field in refused}
    kept = MultiDict([(k, "0" if k in names else v) for k, v in formdata.items(multi=True)])
    return kept, refused


def id_or_404(raw) -> int:
    """A row id from the URL or a form: a positive integer the database can hold, else 404
    (an id that cannot exist is answered like one that does not)."""
    if not is_row_id(raw):
        abort(404)
    return int(str(raw).strip())


class RowIdConverter(IntegerConverter):
    """`<rowid:name>` in a route: a positive id the database can hold; any other number does
    not match the route (404), instead of reaching the database."""

    def __init__(self, map, *args, **kwargs):
        super().__init__(map, min=1, max=MAX_ID)
