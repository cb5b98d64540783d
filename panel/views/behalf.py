"""Recording a complaint on behalf of a resident (phone, WhatsApp, walk-in, social media).

The form carries a one-time token (its complaint's source_key): a second submit of the same
form shows the complaint the first one filed. When something must be corrected, the form comes
back with everything typed in it and the photos already accepted kept (in the session, by their
stored paths), each problem named. After filing, the slip page shows the tracking code and the
text to give the reporter. Who may file is `services.access.may_file_on_behalf`.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_admin import expose
from flask_wtf.file import MultipleFileField
from peewee import fn
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField

from models import Category, Desa
from panel.auth import PanelForm, current_official
from panel.language import LazyText, current_lang, tr
from panel.views.base import PanelView
from services import access, media, regions
from services.complaints import behalf

PHOTOS_KEPT = "behalf_photos"  # session: {token: [stored photo dicts]} of forms being corrected


class BehalfForm(PanelForm):
    """Fields only (rendering and CSRF); what they must hold is services.complaints.behalf.check."""

    token = HiddenField()
    channel = SelectField(LazyText("behalf.field.channel"), choices=[], validate_choice=False)
    contact_name = StringField(LazyText("behalf.field.contact_name"))
    contact_phone = StringField(LazyText("behalf.field.contact_phone"))
    contact_email = StringField(LazyText("behalf.field.contact_email"))
    category_id = SelectField(LazyText("behalf.field.category"), choices=[], validate_choice=False)
    description = TextAreaField(LazyText("behalf.field.description"))
    photos = MultipleFileField(LazyText("behalf.field.photos"))
    latitude = StringField(LazyText("behalf.field.latitude"))
    longitude = StringField(LazyText("behalf.field.longitude"))
    address_text = TextAreaField(LazyText("behalf.field.address_text"))
    anonymous = BooleanField(LazyText("behalf.field.anonymous"))
    confidential = BooleanField(LazyText("behalf.field.confidential"))
    photos_public = BooleanField(LazyText("behalf.field.photos_public"))


def _choices(form: BehalfForm) -> dict[str, list]:
    lang = current_lang()
    form.channel.choices = [("", tr("behalf.choose"))] + [(c, tr(f"behalf.channel.{c}")) for c in behalf.CHANNELS]
    rows = Category.select().where(Category.active == True).order_by(Category.sort_order, Category.name_id)  # noqa: E712
    groups: dict[str, list] = {}
    for c in rows:
        group = (c.group_en if lang == "en" else c.group_id) or tr("behalf.group.other")
        groups.setdefault(group, []).append((str(c.id), c.name(lang)))
    form.category_id.choices = [("", tr("behalf.choose"))] + [item for items in groups.values() for item in items]
    return groups


def _entry(form: BehalfForm, photos: list[dict]) -> behalf.Entry:
    text = lambda f: (f.data or "") if isinstance(f.data, str) else ""  # noqa: E731
    return behalf.Entry(
        channel=text(form.channel), contact_name=text(form.contact_name), contact_phone=text(form.contact_phone),
        contact_email=text(form.contact_email), category_id=text(form.category_id),
        description=text(form.description), latitude=text(form.latitude), longitude=text(form.longitude),
        address_text=text(form.address_text), anonymous=bool(form.anonymous.data),
        confidential=bool(form.confidential.data), photos_public=bool(form.photos_public.data), photos=photos)


def _map_centre() -> tuple[float, float] | None:
    row = Desa.select(fn.AVG(Desa.centroid_lat), fn.AVG(Desa.centroid_lon)).where(
        Desa.centroid_lat.is_null(False)).tuples().first()
    return (row[0], row[1]) if row and row[0] is not None else None


class BehalfView(PanelView):
    """"Catat aduan": the form, the filing, the slip."""

    roles = access.FILING_ROLES

    def is_accessible(self) -> bool:
        return access.may_file_on_behalf(current_official())

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = BehalfForm()
        self.groups = _choices(form)
        if request.method == "GET":
            form.token.data = behalf.new_token()
            return self._form(form, {}, [])
        token = form.token.data or ""
        if not form.validate() or not behalf.valid_token(token):
            flash(tr("panel.error.session"), "error")  # an old page (CSRF): nothing filed
            form.token.data = token if behalf.valid_token(token) else behalf.new_token()
            return self._form(form, {}, self._kept(form.token.data)), 400
        official = current_official()
        done = behalf.filed(token, official)
        if done is not None:  # the same form sent twice: it was filed once
            return redirect(url_for(".slip", token=token))
        photos, errors = self._photos(form, token)
        checked = behalf.check(_entry(form, photos))
        cfg = current_app.config["WADUL"]
        limits = dict(min=cfg.DESCRIPTION_MIN, max=cfg.DESCRIPTION_MAX, n=cfg.MAX_PHOTOS,
                      regency=cfg.REGENCY_NAME, typed=len(form.description.data or ""))
        errors.update({name: tr(key, **limits) for name, key in checked.errors.items()})
        if errors:
            self._keep(token, photos)
            return self._form(form, errors, photos), 422
        complaint = behalf.file(_entry(form, photos), official, token)
        self._drop_kept(token)
        flash(tr("behalf.done", code=complaint.tracking_code), "success")
        return redirect(url_for(".slip", token=token))

    @expose("/slip/")
    def slip(self):
        complaint = behalf.filed(request.args.get("token", ""), current_official())
        if complaint is None:
            abort(404)
        office = behalf.expected_office(complaint)
        slips = [(lang, behalf.slip_text(complaint, lang)) for lang in ("id", "en")]
        return self.render("behalf/slip.html", complaint=complaint, office=office, slips=slips,
                           public_link=behalf.public_link(complaint.tracking_code),
                           may_open=access.can_view(current_official(), complaint))

    @expose("/locate/")
    def locate(self):
        """The village under a point of the form's map (the bot's rule), for the map's label."""
        try:
            lat, lon = float(request.args.get("lat", "")), float(request.args.get("lon", ""))
        except ValueError:
            return {"found": False}
        desa = regions.locate(lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
        if desa is None:
            return {"found": False, "text": tr("behalf.error.outside")}
        return {"found": True, "text": regions.place_text(desa, "")}

    # --- helpers ------------------------------------------------------------------------
    def _form(self, form: BehalfForm, errors: dict[str, str], photos: list[dict]):
        return self.render("behalf/form.html", form=form, errors=errors, kept_photos=photos, groups=self.groups,
                           tile_url=current_app.config["WADUL"].TILE_URL, centre=_map_centre(),
                           max_photos=current_app.config["WADUL"].MAX_PHOTOS)

    def _photos(self, form: BehalfForm, token: str) -> tuple[list[dict], dict[str, str]]:
        """The photos kept from earlier tries plus the new uploads, cleaned; problems by file."""
        photos = self._kept(token)
        problems = []
        cap = current_app.config["WADUL"].MAX_PHOTOS
        for upload in form.photos.data or []:
            if not getattr(upload, "filename", ""):
                continue  # the empty file input of a browser
            name = upload.filename[:80]
            if len(photos) >= cap:
                problems.append(tr("behalf.error.photos_many_named", name=name, n=cap))
                continue
            try:
                photos.append(behalf.store_photo(upload.read(), token))
            except media.MediaError as exc:
                problems.append(tr(f"behalf.error.photo_{exc.code}", name=name))
            except OSError:
                current_app.logger.error("a photo filed on behalf could not be stored in MEDIA_DIR", exc_info=True)
                problems.append(tr("behalf.error.photo_not_stored", name=name))
        photos = list({p["path"]: p for p in photos}.values())  # the same picture twice is one photo
        return photos, ({"photos": " ".join(problems)} if problems else {})

    def _kept(self, token: str) -> list[dict]:
        return list((session.get(PHOTOS_KEPT) or {}).get(token, []))

    def _keep(self, token: str, photos: list[dict]) -> None:
        kept = dict(session.get(PHOTOS_KEPT) or {})
        kept = {k: v for k, v in list(kept.items())[-2:]}  # a few forms at most: the cookie stays small
        kept[token] = photos
        session[PHOTOS_KEPT] = kept

    def _drop_kept(self, token: str) -> None:
        kept = dict(session.get(PHOTOS_KEPT) or {})
        if kept.pop(token, None) is not None:
            session[PHOTOS_KEPT] = kept
