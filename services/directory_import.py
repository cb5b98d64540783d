"""Importing a regency's directory from one spreadsheet: OPDs, categories, officials.

Three steps, kept apart:
1. `read_file(data, filename)` turns an XLSX workbook (sheets "OPD", "Kategori", "Petugas",
   or "Agencies"/"Categories"/"Officials") or a CSV file (sections started by a line
   `[OPD]`, `[Kategori]`, `[Petugas]`) into plain tables: no database.
2. `plan(tables, Directory.load())` checks every row and compares it with the directory as
   it is: each row becomes "create", "update" (with the changed fields), "unchanged", or
   errors (sheet, row number, column, message key). Pure over the snapshot it is given.
3. `apply(plan)` writes what the plan says in one transaction, and only a plan without
   errors. Rows are keyed by OPD code, category code and username, so running the same file
   again changes nothing.

New officials get an unusable password (`UNUSABLE_PREFIX`): they cannot log in until the
main admin sets a password on their page; officials already there keep theirs.
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass, field

import i18n
from models import (DEADLINE_DAYS, DEADLINE_HOURS, DEADLINE_WORKDAYS, OPD_ROLES, ROLE_MAIN_ADMIN, ROLES,
                    VILLAGE_ROLES, Category, Desa, Official, Opd)
from services.auth import FULL_NAME_MAX, USERNAME, is_plain
from services.tx import transaction

OPD, CATEGORY, OFFICIAL = "opd", "category", "official"
SHEET_ORDER = (OPD, CATEGORY, OFFICIAL)
# The sheet names written in the template first; every name is accepted (case and spaces ignored).
SHEET_NAMES = {
    OPD: ("OPD", "Instansi", "Agencies", "Agency", "OPDs"),
    CATEGORY: ("Kategori", "Categories", "Category"),
    OFFICIAL: ("Petugas", "Officials", "Official", "Pengguna", "Users"),
}
UNUSABLE_PREFIX = "!unset:"  # not an Argon2 hash: verify_password says no to every password
MAX_ROWS = 5000
# The preview carries the file back in the confirm form (base64, 4/3 of it), and a form field
# may hold at most 500 000 bytes (Flask's MAX_FORM_MEMORY_SIZE): 350 KB is some 5000 rows of
# XLSX, far more than a regency's directory (about 40 OPDs, 50 categories, 600 officials).
MAX_BYTES = 350 * 1024


@dataclass(frozen=True)
class Column:
    key: str                  # the field it fills
    header: str               # the template's header (Indonesian)
    aliases: tuple = ()       # other headers accepted (English)
    required: bool = False    # the column must be present and the cell filled


COLUMNS = {
    OPD: (
        Column("code", "kode", ("code",), True),
        Column("name", "nama", ("name",), True),
        Column("short_name", "nama_singkat", ("short_name", "singkatan")),
        Column("hotline", "telepon", ("hotline", "telepon_pengaduan", "phone")),
        Column("whatsapp", "whatsapp", ("wa",)),
        Column("email", "email", ("e-mail", "surel")),
        Column("telegram_chat_id", "id_grup_telegram", ("telegram_chat_id", "telegram")),
        Column("active", "aktif", ("active",)),
    ),
    CATEGORY: (
        Column("code", "kode", ("code",), True),
        Column("name_id", "nama_id", ("nama", "name_id"), True),
        Column("name_en", "nama_en", ("name_en", "name")),
        Column("group_id", "kelompok", ("kelompok_id", "group_id", "group")),
        Column("group_en", "kelompok_en", ("group_en",)),
        Column("opd", "kode_opd", ("opd", "opd_code")),
        Column("village_level", "urusan_desa", ("village_level",)),
        Column("response", "batas_tanggapan", ("response", "response_deadline"), True),
        Column("resolution", "batas_penyelesaian", ("resolution", "resolution_deadline"), True),
        Column("unit", "satuan", ("unit", "deadline_unit"), True),
        Column("sort_order", "urutan", ("order", "sort_order")),
        Column("active", "aktif", ("active",)),
    ),
    OFFICIAL: (
        Column("username", "nama_pengguna", ("username", "user"), True),
        Column("full_name", "nama_lengkap", ("full_name", "nama", "name"), True),
        Column("role", "peran", ("role",), True),
        Column("opd", "kode_opd", ("opd", "opd_code")),
        Column("desa", "kode_desa", ("desa", "village", "village_code")),
        Column("language", "bahasa", ("language", "lang")),
        Column("active", "aktif", ("active",)),
    ),
}

_TRUE = {"ya", "y", "yes", "true", "1", "aktif", "benar", "x", "✓"}
_FALSE = {"tidak", "t", "no", "n", "false", "0", "nonaktif", "tidak aktif", "salah", "-"}
UNITS = {  # what a person may write in the unit column
    DEADLINE_DAYS: ("hari", "days", "day", "hari kalender", "calendar days"),
    DEADLINE_WORKDAYS: ("hari kerja", "hari_kerja", "workdays", "working days", "working_days", "workday", "hk"),
    DEADLINE_HOURS: ("jam", "hours", "hour"),
}
UNIT_WORDS = {"id": {DEADLINE_DAYS: "hari", DEADLINE_WORKDAYS: "hari kerja", DEADLINE_HOURS: "jam"},
              "en": {DEADLINE_DAYS: "days", DEADLINE_WORKDAYS: "working days", DEADLINE_HOURS: "hours"}}
LANGUAGES = {"id": "id", "indonesia": "id", "bahasa indonesia": "id", "en": "en", "english": "en", "inggris": "en"}


class ImportFileError(ValueError):
    """The file cannot be read at all (not a workbook, no known sheet); `key` names why."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key, self.values = key, values

    def text(self, lang: str) -> str:
        return i18n.t(self.key, lang, **self.values)


# --- 1. reading ------------------------------------------------------------------------------
@dataclass
class Table:
    sheet: str                                   # OPD, CATEGORY or OFFICIAL
    title: str                                   # the sheet's name as written in the file
    headers: dict[str, int]                      # column key -> 0-based position
    header_cells: dict[str, str]                 # column key -> the header as written
    rows: list[tuple[int, list]] = field(default_factory=list)  # (row number in the file, cells)
    unknown: list[str] = field(default_factory=list)             # headers not understood


def _norm(text) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    return re.sub(r"[\s_\-./]+", " ", text).strip()


def _sheet_of(title: str) -> str | None:
    wanted = _norm(title).strip("[]# ")
    for sheet, names in SHEET_NAMES.items():
        if wanted in {_norm(n) for n in names}:
            return sheet
    return None


def _table(sheet: str, title: str, header_row: list, rows: list[tuple[int, list]]) -> Table:
    by_name = {}
    for column in COLUMNS[sheet]:
        for name in (column.header, column.key, *column.aliases):
            by_name.setdefault(_norm(name), column.key)
    headers, cells, unknown = {}, {}, []
    for position, cell in enumerate(header_row):
        name = _norm(cell)
        if not name:
            continue
        key = by_name.get(name)
        if key is None:
            unknown.append(str(cell))
        elif key not in headers:
            headers[key], cells[key] = position, str(cell).strip()
    kept = [(number, cells_) for number, cells_ in rows if any(_text(c) for c in cells_)]
    return Table(sheet, title, headers, cells, kept, unknown)


def read_file(data: bytes, filename: str = "") -> dict[str, Table]:
    """The file's tables by sheet; ImportFileError when it is neither a workbook nor a CSV
    with a known section."""
    if len(data) > MAX_BYTES:
        raise ImportFileError("dirimport.file.too_big", kb=MAX_BYTES // 1024)
    if data[:2] == b"PK":  # a zip: XLSX
        return _read_xlsx(data)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise ImportFileError("dirimport.file.unreadable")
    return _read_csv(data)


def _read_xlsx(data: bytes) -> dict[str, Table]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        raise ImportFileError("dirimport.file.unreadable") from None
    tables = {}
    try:
        for ws in book.worksheets:
            sheet = _sheet_of(ws.title)
            if sheet is None or sheet in tables:
                continue
            rows = []
            header = None
            for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
                if number > MAX_ROWS + 1:
                    raise ImportFileError("dirimport.file.too_many_rows", n=MAX_ROWS)
                if header is None:
                    if any(_text(v) for v in values):
                        header = list(values)
                    continue
                rows.append((number, list(values)))
            tables[sheet] = _table(sheet, ws.title, header or [], rows)
    except ImportFileError:
        raise
    except Exception:  # a damaged part of the workbook, met while reading it
        raise ImportFileError("dirimport.file.unreadable") from None
    finally:
        book.close()
    if not tables:
        raise ImportFileError("dirimport.file.no_sheet")
    return tables


def _read_csv(data: bytes) -> dict[str, Table]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise ImportFileError("dirimport.file.unreadable") from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    try:
        lines = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error:  # a cell beyond csv's field limit, a NUL byte
        raise ImportFileError("dirimport.file.unreadable") from None
    if len(lines) > MAX_ROWS * 3 + 10:
        raise ImportFileError("dirimport.file.too_many_rows", n=MAX_ROWS)
    sections: list[tuple[str, str, int, list]] = []  # (sheet, title, first line number, lines)
    current = None
    for number, cells in enumerate(lines, start=1):
        first = _text(cells[0]) if cells else ""
        if first.startswith("[") and first.endswith("]") and not any(_text(c) for c in cells[1:]):
            sheet = _sheet_of(first)
            if sheet is None:
                raise ImportFileError("dirimport.file.unknown_section", name=first)
            current = (sheet, first.strip("[]"), number, [])
            sections.append(current)
            continue
        if current is None:
            if not any(_text(c) for c in cells):
                continue
            guessed = _guess_sheet(cells)
            if guessed is None:
                raise ImportFileError("dirimport.file.no_sheet")
            current = (guessed, guessed, number, [])
            sections.append(current)
        current[3].append((number, cells))
    tables = {}
    for sheet, title, _, section in sections:
        filled = [(n, c) for n, c in section if any(_text(x) for x in c)]
        if sheet in tables or not filled:
            continue
        (_, header), rows = filled[0], filled[1:]
        tables[sheet] = _table(sheet, title, header, rows)
    if not tables:
        raise ImportFileError("dirimport.file.no_sheet")
    return tables


def _guess_sheet(header: list) -> str | None:
    """A CSV without section lines holds one sheet: the one whose headers it has."""
    names = {_norm(c) for c in header}
    if names & {"nama pengguna", "username"}:
        return OFFICIAL
    if names & {"batas tanggapan", "response", "nama id", "name id"}:
        return CATEGORY
    if names & {"kode", "code"}:
        return OPD
    return None


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


# --- 2. planning -------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowError:
    sheet: str
    title: str
    row: int
    column: str          # the header as written ("" for the whole row or sheet)
    key: str             # i18n key
    values: tuple = ()   # (name, value) pairs for the text

    def text(self, lang: str) -> str:
        values = dict(self.values)
        if "role" in values:  # a role's code, named in the reader's language
            values["role"] = i18n.t(f"panel.role.{values['role']}", lang)
        if "roles" in values:
            values["roles"] = ", ".join(i18n.t(f"panel.role.{r}", lang) for r in ROLES)
        return i18n.t(self.key, lang, **values)


@dataclass
class RowPlan:
    sheet: str
    row: int
    key: str                          # code or username
    action: str = "create"            # create | update | unchanged | error
    values: dict = field(default_factory=dict)
    changes: dict = field(default_factory=dict)   # field -> (old, new) for updates
    errors: list = field(default_factory=list)


@dataclass
class Plan:
    rows: dict[str, list[RowPlan]]
    errors: list[RowError]            # every error, rows' and sheets'
    titles: dict[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, sheet: str, action: str) -> int:
        return sum(1 for r in self.rows.get(sheet, []) if r.action == action)

    def counts(self) -> dict[str, dict[str, int]]:
        return {sheet: {a: self.count(sheet, a) for a in ("create", "update", "unchanged", "error")}
                for sheet in SHEET_ORDER if sheet in self.rows}


@dataclass
class Directory:
    """What the plan compares with: the directory's rows as plain dicts."""

    opds: dict[str, dict]
    categories: dict[str, dict]
    officials: dict[str, dict]
    villages: dict[str, int]       # Kemendagri code -> Desa id
    importer_id: int | None = None

    @classmethod
    def load(cls, importer_id: int | None = None) -> "Directory":
        opd_codes = {o.id: o.code for o in Opd.select(Opd.id, Opd.code)}
        desa_codes = dict(Desa.select(Desa.id, Desa.code).tuples())
        return cls(
            opds={o.code: dict(id=o.id, code=o.code, name=o.name, short_name=o.short_name, hotline=o.hotline,
                               whatsapp=o.whatsapp, email=o.email, telegram_chat_id=o.telegram_chat_id,
                               active=o.active) for o in Opd.select()},
            categories={c.code: dict(id=c.id, code=c.code, name_id=c.name_id, name_en=c.name_en, group_id=c.group_id,
                                     group_en=c.group_en, opd=opd_codes.get(c.opd_id), village_level=c.village_level,
                                     response_hours=c.response_hours, resolution_hours=c.resolution_hours,
                                     deadline_unit=c.deadline_unit, sort_order=c.sort_order, active=c.active)
                        for c in Category.select()},
            officials={o.username: dict(id=o.id, username=o.username, full_name=o.full_name, role=o.role,
                                        opd=opd_codes.get(o.opd_id), desa=desa_codes.get(o.desa_id),
                                        language=o.language, active=o.active)
                       for o in Official.select(Official.id, Official.username, Official.full_name, Official.role,
                                                Official.opd, Official.desa, Official.language, Official.active)},
            villages={code: id_ for id_, code in desa_codes.items()},
            importer_id=importer_id,
        )


class _Row:
    """One row being checked: typed values and the errors found."""

    def __init__(self, table: Table, number: int, cells: list, errors: list):
        self.table, self.number, self.cells, self.errors = table, number, cells, errors
        self.mine: list[RowError] = []

    def has(self, key: str) -> bool:
        return key in self.table.headers

    def raw(self, key: str) -> str:
        position = self.table.headers.get(key)
        if position is None or position >= len(self.cells):
            return ""
        return _text(self.cells[position])

    def error(self, key: str, message: str, **values) -> None:
        column = self.table.header_cells.get(key, "")
        found = RowError(self.table.sheet, self.table.title, self.number, column, message,
                         tuple(sorted(values.items())))
        self.mine.append(found)
        self.errors.append(found)

    def text(self, key: str, limit: int, required: bool = False) -> str:
        value = self.raw(key)
        if required and not value:
            self.error(key, "dirimport.err.required")
        elif len(value) > limit:
            self.error(key, "dirimport.err.too_long", n=limit)
        elif not is_plain(value):
            self.error(key, "dirimport.err.not_plain")
        return value[:limit]

    def flag(self, key: str, default: bool) -> bool:
        value = _norm(self.raw(key))
        if not value:
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.error(key, "dirimport.err.yes_no", value=self.raw(key)[:40])
        return default

    def whole(self, key: str, low: int, high: int, required: bool = False) -> int | None:
        value = self.raw(key)
        if not value:
            if required:
                self.error(key, "dirimport.err.required")
            return None
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            number = None
        if number is None or not number.is_integer() or not low <= number <= high:
            self.error(key, "dirimport.err.whole_number", low=low, high=high, value=value[:40])
            return None
        return int(number)


def plan(tables: dict[str, Table], current: Directory) -> Plan:
    """Check every row against the rules and the directory `current`; nothing is written."""
    errors: list[RowError] = []
    rows: dict[str, list[RowPlan]] = {}
    titles = {sheet: t.title for sheet, t in tables.items()}
    for sheet in SHEET_ORDER:
        table = tables.get(sheet)
        if table is None:
            continue
        missing = [c for c in COLUMNS[sheet] if c.required and c.key not in table.headers]
        for column in missing:
            errors.append(RowError(sheet, table.title, 1, column.header, "dirimport.err.missing_column",
                                   (("name", column.header),)))
        if missing:
            rows[sheet] = []
            continue
        rows[sheet] = _plan_sheet(sheet, table, tables, current, errors)
    return Plan(rows, errors, titles)


def _plan_sheet(sheet, table, tables, current, errors) -> list[RowPlan]:
    seen: dict[str, int] = {}
    planned = []
    file_opds = _file_keys(tables.get(OPD), "code", upper=True)
    for number, cells in table.rows:
        row = _Row(table, number, cells, errors)
        if sheet == OPD:
            key, values = _opd_values(row)
            existing = current.opds.get(key)
        elif sheet == CATEGORY:
            key, values = _category_values(row, current, file_opds)
            existing = current.categories.get(key)
        else:
            key, values = _official_values(row, current, file_opds)
            existing = current.officials.get(key)
            _check_importer(row, current, existing, values)
        if key and key in seen:
            row.error(COLUMNS[sheet][0].key, "dirimport.err.duplicate", key=key, row=seen[key])
        elif key:
            seen[key] = number
        planned.append(_compare(sheet, number, key, values, existing, row.mine))
    return planned


def _file_keys(table: Table | None, key: str, upper: bool = False) -> set[str]:
    if table is None or key not in table.headers:
        return set()
    position = table.headers[key]
    found = {_text(cells[position]) for _, cells in table.rows if position < len(cells)}
    return {k.upper() if upper else k for k in found if k}


def _code(row: _Row, key: str, limit: int, upper: bool = True) -> str:
    code = row.text(key, limit, required=True)
    code = code.upper() if upper else code
    if code and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._\-]*", code):
        row.error(key, "dirimport.err.code_chars")
    return code


def _opd_values(row: _Row) -> tuple[str, dict]:
    code = _code(row, "code", 32)
    values = {"name": row.text("name", 200, required=True)}
    if row.has("short_name"):
        values["short_name"] = row.text("short_name", 60) or values["name"][:60]
    for key, limit in (("hotline", 40), ("whatsapp", 40), ("email", 120)):
        if row.has(key):
            values[key] = row.text(key, limit)
    if values.get("email") and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", values["email"]):
        row.error("email", "dirimport.err.email", value=values["email"][:60])
    if row.has("telegram_chat_id"):
        raw = row.raw("telegram_chat_id")
        values["telegram_chat_id"] = None
        if raw:
            if re.fullmatch(r"-?\d{1,19}", raw) and abs(int(raw)) < 2 ** 63:
                values["telegram_chat_id"] = int(raw)
            else:
                row.error("telegram_chat_id", "dirimport.err.chat_id", value=raw[:40])
    if row.has("active"):
        values["active"] = row.flag("active", True)
    return code, values


def _unit(row: _Row) -> str | None:
    value = _norm(row.raw("unit"))
    for unit, words in UNITS.items():
        if value in {_norm(w) for w in words}:
            return unit
    row.error("unit", "dirimport.err.unit", value=row.raw("unit")[:40])
    return None


def _category_values(row: _Row, current: Directory, file_opds: set[str]) -> tuple[str, dict]:
    code = _code(row, "code", 40, upper=False)  # category codes are kept as written ("jalan")
    values = {"name_id": row.text("name_id", 120, required=True)}
    if row.has("name_en"):
        values["name_en"] = row.text("name_en", 120) or values["name_id"]
    for key in ("group_id", "group_en"):
        if row.has(key):
            values[key] = row.text(key, 80)
    if row.has("village_level"):
        values["village_level"] = row.flag("village_level", False)
    if row.has("opd"):
        opd = row.raw("opd").upper()
        if opd and opd not in current.opds and opd not in file_opds:
            row.error("opd", "dirimport.err.no_opd", code=opd[:40])
        values["opd"] = opd or None
        if not opd and not values.get("village_level"):
            row.error("opd", "dirimport.err.category_needs_opd")
    unit = _unit(row)
    per_unit = 24 if unit in (DEADLINE_DAYS, DEADLINE_WORKDAYS) else 1
    high = 366 if per_unit == 24 else 366 * 24
    response = row.whole("response", 1, high, required=True)
    resolution = row.whole("resolution", 1, high, required=True)
    if response is not None and resolution is not None and resolution < response:
        row.error("resolution", "dirimport.err.resolution_before_response")
    if unit:
        values["deadline_unit"] = unit
        if response is not None:
            values["response_hours"] = response * per_unit
        if resolution is not None:
            values["resolution_hours"] = resolution * per_unit
    if row.has("sort_order"):
        order = row.whole("sort_order", 0, 100000)
        if order is not None:
            values["sort_order"] = order
    if row.has("active"):
        values["active"] = row.flag("active", True)
    return code, values


def role_of(text: str) -> str | None:
    """A role from its code or its name in either language ("Kepala desa", "village head")."""
    wanted = _norm(text)
    for role in ROLES:
        names = {_norm(role), *(_norm(i18n.t(f"panel.role.{role}", lang)) for lang in i18n.LANGUAGES)}
        names |= {n.split(" (")[0] for n in names}  # "pengawas (baca saja)" -> "pengawas"
        if wanted in names:
            return role
    return None


def _official_values(row: _Row, current: Directory, file_opds: set[str]) -> tuple[str, dict]:
    username = row.raw("username").lower()
    if not username:
        row.error("username", "dirimport.err.required")
    elif not USERNAME.match(username):
        row.error("username", "dirimport.err.username", value=username[:60])
    values = {"full_name": row.text("full_name", FULL_NAME_MAX, required=True)}
    role = role_of(row.raw("role"))
    if role is None:
        row.error("role", "dirimport.err.role", value=row.raw("role")[:40], roles="")
    values["role"] = role
    opd = row.raw("opd").upper() if row.has("opd") else ""
    desa = row.raw("desa") if row.has("desa") else ""
    values["opd"] = values["desa"] = None
    if role in OPD_ROLES or (role == ROLE_MAIN_ADMIN and opd):
        if not opd:
            row.error("opd", "dirimport.err.needs_opd", role=role)
        elif opd not in current.opds and opd not in file_opds:
            row.error("opd", "dirimport.err.no_opd", code=opd[:40])
        values["opd"] = opd or None
    elif role in VILLAGE_ROLES:
        if not desa:
            row.error("desa", "dirimport.err.needs_desa", role=role)
        elif desa not in current.villages:
            row.error("desa", "dirimport.err.no_desa", code=desa[:40])
        values["desa"] = desa or None
    if row.has("language"):
        language = LANGUAGES.get(_norm(row.raw("language")) or "id")
        if language is None:
            row.error("language", "dirimport.err.language", value=row.raw("language")[:40])
        values["language"] = language or "id"
    if row.has("active"):
        values["active"] = row.flag("active", True)
    return username, values


def _check_importer(row: _Row, current: Directory, existing: dict | None, values: dict) -> None:
    """The main admin who imports cannot take away their own access (someone must keep it)."""
    if existing and current.importer_id and existing["id"] == current.importer_id:
        if values.get("role") not in (None, ROLE_MAIN_ADMIN) or values.get("active") is False:
            row.error("role", "dirimport.err.yourself")


def _compare(sheet, number, key, values, existing, errors) -> RowPlan:
    if errors:
        return RowPlan(sheet, number, key, "error", values, errors=list(errors))
    if existing is None:
        return RowPlan(sheet, number, key, "create", values)
    changes = {name: (existing.get(name), value) for name, value in values.items() if existing.get(name) != value}
    return RowPlan(sheet, number, key, "update" if changes else "unchanged", values, changes)


# --- 3. writing --------------------------------------------------------------------------------
@dataclass
class Result:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    new_officials: list[int]


class PlanHasErrors(ValueError):
    """apply() refuses a plan with errors: nothing is written."""


def unusable_password() -> str:
    return UNUSABLE_PREFIX + secrets.token_hex(16)


def has_usable_password(official: Official) -> bool:
    return not (official.password_hash or "").startswith(UNUSABLE_PREFIX)


def apply(planned: Plan) -> Result:
    """Write the plan in one transaction: OPDs first, then categories and officials that name them."""
    if not planned.ok:
        raise PlanHasErrors(f"{len(planned.errors)} errors")
    created, updated, unchanged = ({s: 0 for s in SHEET_ORDER} for _ in range(3))
    new_officials = []
    with transaction():
        for row in planned.rows.get(OPD, []):
            if row.action == "create":
                values = dict(row.values)
                values.setdefault("short_name", values["name"][:60])
                Opd.create(code=row.key, **values)
            elif row.action == "update":
                Opd.update(**{k: new for k, (_, new) in row.changes.items()}).where(Opd.code == row.key).execute()
        opd_ids = dict(Opd.select(Opd.code, Opd.id).tuples())
        desa_ids = {}
        for row in planned.rows.get(CATEGORY, []):
            if row.action in ("create", "update"):
                values = _with_ids(row.values if row.action == "create" else
                                   {k: new for k, (_, new) in row.changes.items()}, opd_ids, desa_ids)
                if row.action == "create":
                    values.setdefault("name_en", row.values["name_id"])
                    Category.create(code=row.key, **values)
                else:
                    Category.update(**values).where(Category.code == row.key).execute()
        codes = {v for r in planned.rows.get(OFFICIAL, []) for v in [r.values.get("desa")] if v}
        desa_ids = dict(Desa.select(Desa.code, Desa.id).where(Desa.code.in_(sorted(codes))).tuples()) if codes else {}
        for row in planned.rows.get(OFFICIAL, []):
            if row.action == "create":
                official = Official.create(username=row.key, password_hash=unusable_password(),
                                           **_with_ids(row.values, opd_ids, desa_ids))
                new_officials.append(official.id)
            elif row.action == "update":
                values = _with_ids({k: new for k, (_, new) in row.changes.items()}, opd_ids, desa_ids)
                Official.update(**values).where(Official.username == row.key).execute()
    for sheet, rows in planned.rows.items():
        for row in rows:
            bucket = {"create": created, "update": updated, "unchanged": unchanged}[row.action]
            bucket[sheet] += 1
    return Result(created, updated, unchanged, new_officials)


def _with_ids(values: dict, opd_ids: dict, desa_ids: dict) -> dict:
    out = dict(values)
    if "opd" in out:
        out["opd"] = opd_ids[out["opd"]] if out["opd"] else None
    if "desa" in out:
        out["desa"] = desa_ids[out["desa"]] if out["desa"] else None
    return out


# --- the template ---------------------------------------------------------------------------
def template_rows(current: Directory | None = None, lang: str = "id") -> dict[str, list[list]]:
    """The current directory as the template's rows (header first), sheet by sheet."""
    current = current or Directory.load()
    out = {sheet: [[c.header for c in COLUMNS[sheet]]] for sheet in SHEET_ORDER}
    yes, no = ("ya", "tidak") if lang == "id" else ("yes", "no")
    flag = lambda v: yes if v else no  # noqa: E731
    for o in sorted(current.opds.values(), key=lambda o: o["code"]):
        out[OPD].append([o["code"], o["name"], o["short_name"], o["hotline"], o["whatsapp"], o["email"],
                         o["telegram_chat_id"] or "", flag(o["active"])])
    for c in sorted(current.categories.values(), key=lambda c: (c["sort_order"], c["code"])):
        unit = c["deadline_unit"]
        per = 24 if unit in (DEADLINE_DAYS, DEADLINE_WORKDAYS) else 1
        response, resolution = c["response_hours"] / per, c["resolution_hours"] / per
        if not (response.is_integer() and resolution.is_integer()):  # pragma: no cover - days always whole
            unit, per, response, resolution = DEADLINE_HOURS, 1, c["response_hours"], c["resolution_hours"]
        out[CATEGORY].append([c["code"], c["name_id"], c["name_en"], c["group_id"], c["group_en"], c["opd"] or "",
                              flag(c["village_level"]), int(response), int(resolution),
                              UNIT_WORDS[lang][unit], c["sort_order"], flag(c["active"])])
    for o in sorted(current.officials.values(), key=lambda o: o["username"]):
        out[OFFICIAL].append([o["username"], o["full_name"], i18n.t(f"panel.role.{o['role']}", lang).split(" (")[0],
                              o["opd"] or "", o["desa"] or "", o["language"], flag(o["active"])])
    return out


def template_xlsx(current: Directory | None = None, lang: str = "id") -> bytes:
    """The template workbook: one sheet per table, the current directory in it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for sheet, rows in template_rows(current, lang).items():
        ws = book.create_sheet(SHEET_NAMES[sheet][0])
        for row in rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for column in ws.columns:
            width = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 50)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(current: Directory | None = None, lang: str = "id") -> bytes:
    """The same in one CSV file, a `[Sheet]` line before each table."""
    out = io.StringIO()
    writer = csv.writer(out)
    for sheet, rows in template_rows(current, lang).items():
        writer.writerow([f"[{SHEET_NAMES[sheet][0]}]"])
        writer.writerows(rows)
        writer.writerow([])
    return out.getvalue().encode("utf-8-sig")
