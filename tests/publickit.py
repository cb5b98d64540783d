"""Walking everything the public can read, for privacy tests.

`public_urls(app, codes, photo_ids)` lists every URL of the public surface: each /publik page with
its filters, pages and languages, the map's JSON at every zoom over the regency and the world,
each complaint page and photo asked for by id or code (whether it should exist or not), and
whatever the callables in `EXTRA_SURFACES` add. Another public surface (the Open311 API)
registers its own walker there: `EXTRA_SURFACES.append(lambda ctx: [...urls...])`, and lists its
route prefix in `PUBLIC_PREFIXES` so that `uncovered_rules` checks each of its routes is walked.

The code lookup (/publik/lacak) is walked with unknown codes only: a lookup by a complaint's
own code is its reporter's view and is tested apart.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from models import Category, Desa, Kecamatan
from services import public_stats

PUBLIC_PREFIXES = ["/publik", "/vendor/markercluster", "/open311"]
EXTRA_SURFACES: list[Callable[["Context"], list[str]]] = []
WORLD = "-180,-90,180,90"


@dataclass
class Context:
    app: object
    codes: list[str]                # every complaint's code, public or not
    photo_ids: list[int]            # every photo's id
    unknown_code: str = "ACDE-FHJK"
    urls: list[str] = field(default_factory=list)


def public_urls(app, codes, photo_ids) -> list[str]:
    ctx = Context(app, list(codes), list(photo_ids))
    urls = []
    for lang in ("", "&lang=en"):
        urls.append(f"/publik/?x=1{lang}")
        urls += [f"/publik/?hal={n}{lang}" for n in (1, 2, 3, 500)]
        urls += [f"/publik/?kategori={c.id}{lang}" for c in Category.select()]
        urls += [f"/publik/?kecamatan={k.id}{lang}" for k in Kecamatan.select()]
        urls += [f"/publik/?desa={d.id}{lang}" for d in Desa.select(Desa.id)]
        urls += [f"/publik/?status={s}&periode=30{lang}" for s in public_stats.choices()["statuses"]]
        urls += [f"/publik/kinerja?periode={d}{lang}" for d in public_stats.PERIODS]
        urls += [f"/publik/lacak?kode={ctx.unknown_code}{lang}", f"/publik/lacak?x=1{lang}"]
    extent = public_stats.extent()
    boxes = [WORLD]
    if extent:
        boxes.append(f"{extent['west']},{extent['south']},{extent['east']},{extent['north']}")
    for box in boxes:
        for zoom in range(public_stats.MIN_ZOOM, public_stats.MAX_ZOOM + 1):
            urls.append(f"/publik/peta.json?z={zoom}&bbox={box}")
    urls += [f"/publik/aduan/{code}" for code in ctx.codes]
    urls += [f"/publik/foto/{photo_id}" for photo_id in ctx.photo_ids]
    urls += ["/vendor/markercluster/leaflet.markercluster.js"]
    for surface in EXTRA_SURFACES:
        urls += surface(ctx)
    return urls


def open311_urls(ctx: "Context") -> list[str]:
    """The Open311 API's GET answers, both formats: discovery, services, every category's
    definition, the request lists (filtered too) and every complaint by its code."""
    api = "/open311/v2"
    urls = []
    for fmt in ("json", "xml"):
        urls += [f"{api}/discovery.{fmt}", f"{api}/services.{fmt}", f"{api}/services.{fmt}?locale=en",
                 f"{api}/requests.{fmt}", f"{api}/requests.{fmt}?status=open", f"{api}/requests.{fmt}?status=closed",
                 f"{api}/requests.{fmt}?service_request_id={','.join(ctx.codes[:50])}", f"{api}/nothing.{fmt}"]
        urls += [f"{api}/services/{c.code}.{fmt}" for c in Category.select()]
        urls += [f"{api}/requests/{code}.{fmt}" for code in ctx.codes]
    return urls


EXTRA_SURFACES.append(open311_urls)


def uncovered_rules(app, urls) -> list[str]:
    """Routes under the public prefixes that no walked URL reaches (a new public route must be
    added to the walk)."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for url in urls:
        try:
            endpoint, _ = adapter.match(url.split("?", 1)[0])
        except Exception:
            continue
        reached.add(endpoint)
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if any(rule.rule.startswith(p) for p in PUBLIC_PREFIXES) and rule.endpoint not in reached
                  and "GET" in rule.methods)  # a POST (Open311's new request) is no page to walk
