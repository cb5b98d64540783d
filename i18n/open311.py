"""Texts of the Open311 GeoReport v2 API (its errors, notices and service descriptions) and of
the panel's page of API keys. The API answers in Indonesian unless asked for English
(`locale=en`, or Accept-Language preferring English)."""

MESSAGES = {
    # --- the API's error descriptions ({"code": ..., "description": ...}) ---------------------
    "open311.error.api_key": {
        "id": "api_key tidak sah atau sudah dicabut: aduan tidak dapat dibuat.",
        "en": "Invalid or revoked api_key: the request cannot be created.",
    },
    "open311.error.missing": {
        "id": "Parameter {name} wajib diisi.",
        "en": "The {name} parameter is required.",
    },
    "open311.error.invalid": {
        "id": "Nilai {name} tidak sah: {value}",
        "en": "Invalid {name} value: {value}",
    },
    "open311.error.service_code": {
        "id": "service_code {value} tidak dikenal atau tidak aktif.",
        "en": "Unknown or inactive service_code {value}.",
    },
    "open311.error.location": {
        "id": "Lokasi wajib: lat dan long, address_string, atau address_id (kode desa Kemendagri).",
        "en": "A location is required: lat and long, address_string, or address_id (a Kemendagri village code).",
    },
    "open311.error.outside": {
        "id": "Titik lat/long berada di luar semua desa {regency}.",
        "en": "The lat/long point is outside every village of {regency}.",
    },
    "open311.error.address_id": {
        "id": "address_id {value} bukan kode desa yang dikenal.",
        "en": "address_id {value} is not a known village code.",
    },
    "open311.error.description_short": {
        "id": "description terlalu pendek: minimal {min} karakter.",
        "en": "description is too short: at least {min} characters.",
    },
    "open311.error.description_long": {
        "id": "description terlalu panjang: maksimal {max} karakter.",
        "en": "description is too long: at most {max} characters.",
    },
    "open311.error.address_short": {
        "id": "address_string terlalu pendek: minimal {min} karakter.",
        "en": "address_string is too short: at least {min} characters.",
    },
    "open311.error.address_long": {
        "id": "address_string terlalu panjang: maksimal {max} karakter.",
        "en": "address_string is too long: at most {max} characters.",
    },
    "open311.error.date_range": {
        "id": "Rentang start_date sampai end_date tidak boleh lebih dari {days} hari atau terbalik.",
        "en": "The start_date to end_date range may not span more than {days} days or run backwards.",
    },
    "open311.error.not_found": {
        "id": "Tidak ditemukan.",
        "en": "Not found.",
    },
    "open311.error.request_not_found": {
        "id": "Permintaan layanan tidak ditemukan.",
        "en": "The service request was not found.",
    },
    "open311.error.rate": {
        "id": "Terlalu banyak aduan dari api_key ini; coba lagi dalam {seconds} detik.",
        "en": "Too many requests from this api_key; try again in {seconds} seconds.",
    },
    "open311.error.method": {
        "id": "Metode HTTP ini tidak didukung di sini.",
        "en": "This HTTP method is not supported here.",
    },
    "open311.error.bad_request": {
        "id": "Permintaan tidak sah.",
        "en": "Bad request.",
    },
    # --- answers -------------------------------------------------------------------------------
    "open311.notice.office": {
        "id": "Aduan diteruskan ke {office}; tanggapan paling lambat {hours} jam.",
        "en": "The complaint goes to {office}; a response within {hours} hours.",
    },
    "open311.notice.routing": {
        "id": "Aduan diterima; admin utama menentukan instansi yang menangani.",
        "en": "The complaint was received; the main admin chooses the office that handles it.",
    },
    "open311.service.description": {
        "id": "{name} (kelompok: {group}). Ditangani oleh {office}.",
        "en": "{name} (group: {group}). Handled by {office}.",
    },
    "open311.service.village": {
        "id": "pemerintah desa/kelurahan setempat",
        "en": "the local village government",
    },
    "open311.service.main_admin": {
        "id": "admin utama",
        "en": "the main admin",
    },
    "open311.discovery.contact": {
        "id": "Hubungi admin utama Wadul {regency}.",
        "en": "Contact the Wadul main admin of {regency}.",
    },
    "open311.discovery.key_service": {
        "id": "Membaca terbuka untuk semua. Untuk mengirim aduan (POST requests), minta api_key kepada admin utama Wadul {regency}.",
        "en": "Reading is open to all. To post requests, ask the Wadul main admin of {regency} for an api_key.",
    },
    # --- the panel's page of API keys -----------------------------------------------------------
    "panel.menu.api_keys": {"id": "Kunci API Open311", "en": "Open311 API keys"},
    "panel.col.label": {"id": "Mitra / keterangan", "en": "Partner / label"},
    "panel.col.prefix": {"id": "Awal kunci", "en": "Key starts with"},
    "panel.col.created_by": {"id": "Dibuat oleh", "en": "Created by"},
    "panel.col.revoked_at": {"id": "Dicabut", "en": "Revoked"},
    "panel.col.last_used_at": {"id": "Terakhir dipakai", "en": "Last used"},
    "panel.col.issued_at": {"id": "Dibuat", "en": "Created"},
    "panel.api_key.shown_once": {
        "id": "Salin kunci ini sekarang dan serahkan kepada mitra: kunci tidak akan ditampilkan lagi "
              "(Wadul hanya menyimpan sidiknya).",
        "en": "Copy this key now and hand it to the partner: it will not be shown again "
              "(Wadul stores only its fingerprint).",
    },
    "panel.api_key.revoke": {"id": "Cabut", "en": "Revoke"},
    "panel.api_key.revoke_confirm": {
        "id": "Cabut kunci yang dipilih? Mitra tidak dapat lagi mengirim aduan dengan kunci itu.",
        "en": "Revoke the selected keys? The partner can no longer post complaints with them.",
    },
    "panel.api_key.revoked": {"id": "{count} kunci dicabut.", "en": "{count} keys revoked."},
    "panel.api_key.label_required": {"id": "Isi nama mitra.", "en": "Enter the partner's name."},
}
