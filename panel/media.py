"""Files the panel serves: complaint photos (only to officials who may see the complaint,
never from a public folder) and Leaflet from the xstatic-leaflet package."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, send_from_directory
from werkzeug.exceptions import NotFound
from xstatic.pkg import leaflet

from models import Photo
from panel.auth import current_official
from panel.security import RowIdConverter
from services import access

bp = Blueprint("media", __name__)
# Leaflet's own files, straight from the installed package (no copy in the repository).
leaflet_bp = Blueprint("leaflet", __name__, static_folder=leaflet.BASE_DIR, static_url_path="/vendor/leaflet")


@bp.route("/media/photo/<rowid:photo_id>")
def photo(photo_id: int):
    """A complaint photo's cleaned copy, for an official allowed to see that complaint."""
    official = current_official()
    if official is None:
        abort(401)
    row = Photo.get_or_none(Photo.id == photo_id)
    if row is None or row.complaint_id is None or not row.path:
        abort(404)
    if access.visible_complaint(official, row.complaint_id) is None:
        abort(404)  # not yours and not there look the same
    try:
        response = send_from_directory(current_app.config["WADUL"].MEDIA_DIR, row.path, mimetype=row.mime_type)
    except NotFound:
        abort(404)
    return response  # sent with "Cache-Control: no-store" like every page (panel.web)


def init_app(app) -> None:
    app.url_map.converters["rowid"] = RowIdConverter
    app.register_blueprint(bp)
    app.register_blueprint(leaflet_bp)
