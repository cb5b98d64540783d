"""The demo directory: Kabupaten Ketapang's villages, a realistic set of OPDs and categories,
and demo officials. Contacts are placeholders in the regency's formats, not real numbers.
"""
from __future__ import annotations

import models
from models import Category, Desa, Official, Opd
from services import auth, regions
from services.tx import transaction

# code, name, short name, hotline, WhatsApp, email, main admin
OPDS = [
    ("DISKOMINFO", "Dinas Komunikasi dan Informatika", "Diskominfo", "(0534) 300-0101", "0812-0000-0101", "diskominfo@demo.ketapangkab.go.id", True),
    ("DPUTR", "Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUTR", "(0534) 300-0102", "0812-0000-0102", "putr@demo.ketapangkab.go.id", False),
    ("PERKIM", "Dinas Perumahan Rakyat dan Kawasan Permukiman", "Dinas Perkim", "(0534) 300-0103", "0812-0000-0103", "perkim@demo.ketapangkab.go.id", False),
    ("DISHUB", "Dinas Perhubungan", "Dishub", "(0534) 300-0104", "0812-0000-0104", "dishub@demo.ketapangkab.go.id", False),
    ("DLH", "Dinas Lingkungan Hidup", "DLH", "(0534) 300-0105", "0812-0000-0105", "dlh@demo.ketapangkab.go.id", False),
    ("PDAM", "Perumda Air Minum Tirta Pawan", "PDAM Tirta Pawan", "(0534) 300-0106", "0812-0000-0106", "pelanggan@demo.pdamketapang.co.id", False),
    ("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan", "Disdikbud", "(0534) 300-0107", "0812-0000-0107", "disdikbud@demo.ketapangkab.go.id", False),
    ("DINKES", "Dinas Kesehatan", "Dinkes", "(0534) 300-0108", "0812-0000-0108", "dinkes@demo.ketapangkab.go.id", False),
    ("DINSOS", "Dinas Sosial, Pemberdayaan Perempuan dan Perlindungan Anak", "Dinsos P3A", "(0534) 300-0109", "0812-0000-0109", "dinsos@demo.ketapangkab.go.id", False),
    ("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil", "(0534) 300-0110", "0812-0000-0110", "dukcapil@demo.ketapangkab.go.id", False),
    ("BPBD", "Badan Penanggulangan Bencana Daerah", "BPBD", "(0534) 300-0111", "0812-0000-0111", "bpbd@demo.ketapangkab.go.id", False),
    ("SATPOLPP", "Satuan Polisi Pamong Praja dan Pemadam Kebakaran", "Satpol PP", "(0534) 300-0112", "0812-0000-0112", "satpolpp@demo.ketapangkab.go.id", False),
    ("DPMD", "Dinas Pemberdayaan Masyarakat dan Desa", "DPMD", "(0534) 300-0113", "0812-0000-0113", "dpmd@demo.ketapangkab.go.id", False),
]

# code, Indonesian, English, group (id), group (en), OPD code, village-level, response h, resolution h
CATEGORIES = [
    ("jalan", "Jalan rusak", "Damaged road", "Infrastruktur", "Infrastructure", "DPUTR", False, 48, 30 * 24),
    ("jembatan", "Jembatan rusak", "Damaged bridge", "Infrastruktur", "Infrastructure", "DPUTR", False, 48, 30 * 24),
    ("drainase", "Drainase tersumbat / banjir", "Blocked drain / flooding", "Infrastruktur", "Infrastructure", "DPUTR", False, 48, 14 * 24),
    ("pju", "Lampu jalan mati", "Street light out", "Infrastruktur", "Infrastructure", "DISHUB", False, 48, 7 * 24),
    ("sampah", "Sampah menumpuk", "Uncollected rubbish", "Lingkungan", "Environment", "DLH", False, 48, 7 * 24),
    ("air_bersih", "Air bersih / PDAM", "Clean water / PDAM", "Lingkungan", "Environment", "PDAM", False, 48, 7 * 24),
    ("sekolah", "Sekolah dan pendidikan", "Schools and education", "Layanan publik", "Public services", "DISDIKBUD", False, 48, 30 * 24),
    ("kesehatan", "Layanan kesehatan", "Health services", "Layanan publik", "Public services", "DINKES", False, 48, 14 * 24),
    ("bansos", "Bantuan sosial", "Social assistance", "Layanan publik", "Public services", "DINSOS", False, 48, 14 * 24),
    ("adminduk", "KTP, KK dan akta (adminduk)", "ID cards and civil registration", "Layanan publik", "Public services", "DISDUKCAPIL", False, 48, 7 * 24),
    ("bencana", "Bencana (banjir, longsor, kebakaran lahan)", "Disaster (flood, landslide, land fire)", "Darurat dan ketertiban", "Emergencies and order", "BPBD", False, 12, 3 * 24),
    ("ketertiban", "Ketertiban umum", "Public order", "Darurat dan ketertiban", "Emergencies and order", "SATPOLPP", False, 48, 7 * 24),
    ("perumahan", "Rumah tidak layak huni", "Substandard housing", "Infrastruktur", "Infrastructure", "PERKIM", False, 48, 60 * 24),
    ("adm_desa", "Pelayanan kantor desa", "Village office services", "Urusan desa", "Village matters", "DPMD", True, 48, 7 * 24),
    ("dana_desa", "Dana desa", "Village funds", "Urusan desa", "Village matters", "DPMD", True, 48, 14 * 24),
    ("infra_desa", "Jalan dan fasilitas desa", "Village roads and facilities", "Urusan desa", "Village matters", "DPMD", True, 48, 30 * 24),
]

# username, full name, role, OPD code, village code
OFFICIALS = [
    ("admin", "Admin Utama Diskominfo", models.ROLE_MAIN_ADMIN, "DISKOMINFO", None),
    ("putr", "Admin Dinas PUTR", models.ROLE_OPD_ADMIN, "DPUTR", None),
    ("putr.staf", "Staf Dinas PUTR", models.ROLE_OPD_STAFF, "DPUTR", None),
    ("dlh.staf", "Staf DLH", models.ROLE_OPD_STAFF, "DLH", None),
    ("disdik.staf", "Staf Disdikbud", models.ROLE_OPD_STAFF, "DISDIKBUD", None),
    ("kades.sungaiputri", "Kepala Desa Sungai Putri", models.ROLE_VILLAGE_HEAD, None, "61.04.01.2011"),
    ("perangkat.sungaiputri", "Sekretaris Desa Sungai Putri", models.ROLE_VILLAGE_OFFICIAL, None, "61.04.01.2011"),
    ("inspektorat", "Inspektorat Daerah (baca saja)", models.ROLE_OVERSIGHT, None, None),
]


def seed_directory() -> tuple[int, int]:
    """Insert the demo OPDs and categories that are missing; returns (opds, categories) added."""
    added_opds = added_categories = 0
    with transaction():
        for code, name, short, hotline, wa, email, main in OPDS:
            _, created = Opd.get_or_create(code=code, defaults=dict(
                name=name, short_name=short, hotline=hotline, whatsapp=wa, email=email, is_main_admin=main))
            added_opds += created
        for order, (code, nid, nen, gid, gen, opd, village, resp, res) in enumerate(CATEGORIES):
            _, created = Category.get_or_create(code=code, defaults=dict(
                name_id=nid, name_en=nen, group_id=gid, group_en=gen, opd=Opd.get(Opd.code == opd),
                village_level=village, response_hours=resp, resolution_hours=res, sort_order=order))
            added_categories += created
    return added_opds, added_categories


def seed_officials() -> list[tuple[str, str, str]]:
    """Create missing demo officials with random passwords; returns (username, role, password)."""
    made = []
    for username, full_name, role, opd, desa in OFFICIALS:
        if Official.select().where(Official.username == username).exists():
            continue
        if desa and not Desa.select().where(Desa.code == desa).exists():
            continue
        password = auth.generate_password(username=username, full_name=full_name)
        auth.create_official(username, role, password, opd_code=opd, desa_code=desa, full_name=full_name)
        made.append((username, role, password))
    return made


def seed_demo(officials: bool = True):
    """Everything the demo needs: regions, directory, officials. Safe to run again."""
    imported = regions.load_regions(regions.read_geojson(regions.DEMO_REGIONS))
    opds, categories = seed_directory()
    return imported, opds, categories, seed_officials() if officials else []
