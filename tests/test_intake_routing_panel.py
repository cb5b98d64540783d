"""The main admin's "needs routing" list: "no point given" told apart from "outside every
village", the count in the menu, and the one-page fix (village or OPD, save, routed)."""
import models
from core import status as st
from models import Complaint, Desa, OutboundMessage
from tests.factories import make_complaint, opd
from tests.panelkit import app, client, logged_in, post_form  # noqa: F401  (fixtures)

SUNGAI_PUTRI = "61.04.01.2011"


def unrouted(**overrides):
    values = dict(status=st.NEW, assigned_opd=None, assigned_desa=None, assigned_at=None, response_due_at=None,
                  resolution_due_at=None, routing_problem="no_village")
    values.update(overrides)
    return make_complaint(**values)


def test_the_list_says_no_point_when_none_was_given_and_counts_in_the_menu(client):
    outside = unrouted(latitude=-6.2, longitude=106.8, desa=None)
    typed = unrouted(latitude=None, longitude=None, desa=None, address_text="Pasar Baru, Jl. Merdeka")
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    listing = client.get("/admin/routing/").get_data(as_text=True)
    row_of = {c.tracking_code: listing[listing.index(c.tracking_code):][:1500] for c in (outside, typed)}
    assert "Titik di luar semua desa" in row_of[outside.tracking_code]
    assert "Tanpa titik lokasi" in row_of[typed.tracking_code]
    assert "Titik di luar semua desa" not in row_of[typed.tracking_code]
    assert 'routing-count" title="2 aduan menunggu dirutekan">2</span>' in listing  # the menu's badge
    page = client.get("/admin/").get_data(as_text=True)
    assert 'routing-count" title="2 aduan menunggu dirutekan">2</span>' in page  # on every page's menu


def test_the_badge_counts_no_further_than_its_cap(client, monkeypatch):
    from panel.views import routing

    monkeypatch.setattr(routing, "BADGE_CAP", 2)
    for _ in range(3):
        unrouted(latitude=None, longitude=None, desa=None)
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    page = client.get("/admin/").get_data(as_text=True)
    assert 'routing-count" title="2+ aduan menunggu dirutekan">2+</span>' in page
    assert client.get("/admin/routing/").get_data(as_text=True).count("Tanpa titik lokasi") >= 3  # the list shows all


def test_the_badge_is_not_shown_to_an_office(client):
    unrouted(latitude=None, longitude=None, desa=None)
    logged_in(client, models.ROLE_OPD_ADMIN, opd="DPUTR")
    assert "routing-count" not in client.get("/admin/").get_data(as_text=True)


def test_choosing_the_village_on_the_edit_page_routes_it_at_once(client):
    complaint = unrouted(latitude=None, longitude=None, desa=None, address_text="Pasar Baru, Jl. Merdeka")
    desa = Desa.get(Desa.code == SUNGAI_PUTRI)
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    url = f"/admin/routing/edit/?id={complaint.id}"
    response = post_form(client, url, url, {"category": str(complaint.category_id), "desa": str(desa.id),
                                             "route_opd": ""}, follow_redirects=True)
    assert response.status_code == 200
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd_id == opd("DPUTR").id
    assert complaint.desa_id == desa.id and complaint.routing_problem == ""
    assert "diteruskan ke Dinas PUTR" in response.get_data(as_text=True)
    assert OutboundMessage.select().where(OutboundMessage.complaint == complaint.id).exists()  # reporter + office told
    assert complaint.tracking_code not in client.get("/admin/routing/").get_data(as_text=True)


def test_choosing_the_opd_routes_it_there_without_a_village(client):
    complaint = unrouted(latitude=None, longitude=None, desa=None, address_text="tidak tahu desanya")
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    url = f"/admin/routing/edit/?id={complaint.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Teruskan ke OPD" in page and "menurut kategori dan desa" in page
    post_form(client, url, url, {"category": str(complaint.category_id), "desa": "",
                                 "route_opd": str(opd("DLH").id)}, follow_redirects=True)
    complaint = Complaint.get_by_id(complaint.id)
    assert complaint.status == st.ASSIGNED and complaint.assigned_opd_id == opd("DLH").id


def test_a_village_level_category_without_a_village_still_waits_and_says_why(client):
    category = models.Category.get(models.Category.code == "infra_desa")
    complaint = unrouted(category=category, latitude=None, longitude=None, desa=None)
    logged_in(client, models.ROLE_MAIN_ADMIN, opd="DISKOMINFO")
    url = f"/admin/routing/edit/?id={complaint.id}"
    response = post_form(client, url, url, {"category": str(category.id), "desa": "", "route_opd": ""},
                         follow_redirects=True)
    assert "belum bisa diteruskan: Tanpa titik lokasi" in response.get_data(as_text=True)
    assert Complaint.get_by_id(complaint.id).status == st.NEW
