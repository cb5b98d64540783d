"""Bad input to the operator commands (`flask --app panel ...`), as a careless or hostile
operator script would give it: each gets a clear answer naming what is wrong, exits non-zero
without a traceback, stores nothing, and never prints the refused password back.
Runs on SQLite and on PostgreSQL (which refuses NUL characters outright)."""
import pytest

from models import Desa, LinkCode, Official
from panel import create_app
from services import auth
from tests.factories import PASSWORD, make_official

GOOD = "kata-sandi-panjang"  # passes the password rule


@pytest.fixture
def runner(seeded):
    return create_app(seeded).test_cli_runner()


def refused(runner, args, words, *, input=None, secret=None):
    """Run a command that must be refused: clear words, exit 1 or 2, no crash, no echo."""
    before = Official.select().count(), LinkCode.select().count()
    result = runner.invoke(args=args, input=input)
    assert result.exit_code in (1, 2), (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # an answer, not a crash
    assert "Traceback" not in result.output
    for word in [words] if isinstance(words, str) else words:
        assert word in result.output, (word, result.output)
    if secret:
        assert secret not in result.output
    assert (Official.select().count(), LinkCode.select().count()) == before  # nothing stored
    return result


# --- weak or unusable passwords ----------------------------------------------------------
@pytest.mark.parametrize("password,words", [
    ("12345678", ["Kata sandi minimal 12 karakter.", "The password needs at least 12 characters."]),
    ("", "at least 12 characters"),
    ("123456789012", ["mudah ditebak", "easy to guess"]),
    ("password1234", ["paling sering dipakai", "most commonly used"]),
    ("qwertyuiop12", "easy to guess"),
    ("aaaaaaaaaaaaaaaa", "easy to guess"),
    ("1qaz2wsx3edc", "easy to guess"),
    ("abcdefghijkl", "easy to guess"),
    ("ketapang2026", ["nama aplikasi/daerah", "regency's name"]),
    ("x" * 201, ["paling panjang 200 karakter", "at most 200 characters"]),
    ("kata-sandi\tpanjang", "cannot be typed"),
])
def test_weak_passwords_are_refused_with_the_reason_in_both_languages(runner, password, words):
    refused(runner, ["create-user", "--username", "budi", "--role", "oversight", "--password", password], words,
            secret=password if len(password) >= 8 else None)


def test_a_password_made_of_the_username_or_name_is_refused(runner):
    refused(runner, ["create-user", "--username", "budi.santoso", "--role", "oversight",
                     "--password", "budi.santoso2026"], "dari nama pengguna")
    refused(runner, ["create-user", "--username", "kasi.umum", "--role", "oversight", "--name", "Hendrawan Prakoso",
                     "--password", "hendrawan-prakoso"], "from the username, the name")


@pytest.mark.parametrize("line", [b"\n", b"12345678\n", b"kata-sandi\xff\xfe-panjang\n", b"kata-sandi\x00panjang\n"])
def test_bad_passwords_on_standard_input_are_refused_not_crashed_on(runner, line):
    refused(runner, ["create-user", "--username", "budi", "--role", "oversight"],
            ["Kata sandi", "The password"], input=line)


def test_a_windows_line_ending_on_standard_input_is_not_part_of_the_password(runner):
    result = runner.invoke(args=["create-user", "--username", "budi", "--role", "oversight"], input=GOOD + "\r\n")
    assert result.exit_code == 0, result.output
    assert auth.verify_password(Official.get(Official.username == "budi").password_hash, GOOD)


# --- usernames, names, offices -------------------------------------------------------------
@pytest.mark.parametrize("username", [
    "x' OR '1'='1", "<script>alert(1)</script>", "admin; DROP TABLE official;--", "a" * 61, "x",
    "budi\u200b", "budi\x00", "../../etc/passwd", "b\udcffudi", "",
])
def test_usernames_outside_the_rule_are_refused(runner, username):
    refused(runner, ["create-user", "--username", username, "--role", "oversight", "--password", GOOD],
            "username must be 2 to 60 of: lower-case letters a-z, digits")


def test_a_taken_username_in_other_letters_changes_nothing_of_the_existing_account(runner):
    first = make_official(username="putr.kasi")
    refused(runner, ["create-user", "--username", " PUTR.Kasi ", "--role", "main_admin", "--opd", "DISKOMINFO",
                     "--password", GOOD], "username 'putr.kasi' is taken")
    kept = Official.get_by_id(first.id)
    assert kept.role == first.role and auth.verify_password(kept.password_hash, PASSWORD)


@pytest.mark.parametrize("name", ["x" * 121, "Budi\x00Santoso", "Budi\nRole: main_admin"])
def test_names_too_long_or_with_control_characters_are_refused(runner, name):
    refused(runner, ["create-user", "--username", "budi", "--role", "oversight", "--name", name, "--password", GOOD],
            "name must be at most 120 characters of plain text")


@pytest.mark.parametrize("args,words", [
    (["--role", "opd_staff", "--opd", "DLH' OR 1=1 --"], "no OPD with code"),
    (["--role", "opd_staff", "--opd", "DLH\x00"], "no OPD with code"),
    (["--role", "opd_staff"], "needs --opd"),
    (["--role", "village_head", "--desa", "../../etc/passwd"], "no village with code"),
    (["--role", "village_head", "--desa", "61.04.01.2011\x00"], "no village with code"),
    (["--role", "superadmin"], "Invalid value for '--role'"),
    (["--role", "oversight", "--language", "jv"], "Invalid value for '--language'"),
])
def test_roles_and_offices_that_do_not_exist_are_refused(runner, args, words):
    refused(runner, ["create-user", "--username", "budi", "--password", GOOD] + args, words)


# --- other commands ----------------------------------------------------------------------------
@pytest.mark.parametrize("username", ["nobody'; DROP TABLE official;--", "budi\x00", "x" * 5000, "   "])
def test_link_code_for_no_such_official(runner, username):
    make_official(username="budi")
    result = refused(runner, ["link-code", username], "no official with username")
    assert len(result.output) < 200  # a huge argument is not printed back whole
    assert Official.select().where(Official.username == "budi").exists()


@pytest.mark.parametrize("hours", ["0", "100000", "-5", "dua"])
def test_link_code_hours_out_of_range(runner, hours):
    official = make_official(username="budi")
    refused(runner, ["link-code", official.username, "--hours", hours], "Invalid value for '--hours'")


@pytest.mark.parametrize("lat,lon", [("nan", "nan"), ("inf", "-inf"), ("1e308", "-1e308"), ("-91", "400")])
def test_locate_points_that_are_no_place(runner, lat, lon):
    result = refused(runner, ["locate", lat, lon], "is outside every loaded village")
    assert result.exit_code == 1


def test_load_regions_refuses_files_that_are_no_geojson(runner, tmp_path):
    villages = Desa.select().count()
    junk = tmp_path / "junk.geojson"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    refused(runner, ["load-regions", str(junk)], "Error")
    refused(runner, ["load-regions", str(tmp_path)], "Error")  # a folder
    assert Desa.select().count() == villages
