"""The dependency lock: requirements.lock pins every package the project installs, transitive
ones included, each with the hashes pip checks (scripts/setup.sh installs it with
--require-hashes), and it matches requirements.txt (scripts/check_lock.py, run by CI)."""
import importlib.metadata as metadata
import re
import sys
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import check_lock  # noqa: E402

REQUIREMENTS = (ROOT / "requirements.txt").read_text()
LOCK = (ROOT / "requirements.lock").read_text()


def lock_entries() -> list[tuple[str, str, str, int]]:
    """(name, version, marker, number of hashes) for each entry of the lock."""
    entries = []
    for block in re.split(r"\n(?=[A-Za-z0-9])", LOCK):
        first = block.splitlines()[0]
        match = re.match(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+))?", first)
        if match:
            entries.append((canonicalize_name(match.group(1)), match.group(2), (match.group(3) or "").strip(),
                            block.count("--hash=sha256:")))
    return entries


def applies(marker: str) -> bool:
    return not marker or Marker(marker).evaluate()


def test_the_committed_lock_matches_requirements_txt_and_every_entry_has_hashes():
    assert check_lock.problems(REQUIREMENTS, LOCK) == []
    entries = lock_entries()
    assert len(entries) > 60  # the closure, not just the ~30 direct dependencies
    assert all(hashes >= 1 for _, _, _, hashes in entries), [e for e in entries if e[3] == 0]
    names = {name for name, *_ in entries}
    assert {"flask", "werkzeug", "jinja2", "pip", "zxcvbn", "bandit", "pip-audit"} <= names


def test_the_lock_check_notices_a_changed_a_missing_and_a_removed_dependency():
    changed = REQUIREMENTS.replace("Flask==3.1.3", "Flask==3.1.2")
    assert check_lock.problems(changed, LOCK) == ["flask: requirements.txt pins 3.1.2, requirements.lock has 3.1.3"]
    added = REQUIREMENTS + "\nleaflet-extra==1.0\n"
    assert check_lock.problems(added, LOCK) == ["leaflet-extra: requirements.txt pins 1.0, requirements.lock has nothing"]
    removed = REQUIREMENTS.replace("zxcvbn==4.5.0\n", "")
    assert check_lock.problems(removed, LOCK) == [
        "zxcvbn is locked as a direct dependency but is no longer in requirements.txt"]
    loose = REQUIREMENTS.replace("honcho==2.0.0", "honcho>=2")
    assert check_lock.problems(loose, LOCK) == ["honcho has no exact version (==) in requirements.txt"]


def test_this_environment_is_the_lock_and_the_lock_holds_what_it_needs():
    """Each locked package for this platform is installed at its locked version, and each of
    their own requirements (without extras) is locked too: the lock is closed."""
    entries = [(name, version) for name, version, marker, _ in lock_entries() if applies(marker)]
    locked = dict(entries)
    wrong, unlocked = [], []
    for name, version in entries:
        installed = metadata.version(name)
        if installed != version:
            wrong.append(f"{name} {installed} installed, {version} locked")
        for raw in metadata.requires(name) or []:
            need = Requirement(raw)
            if need.marker is not None and not need.marker.evaluate({"extra": ""}):
                continue
            if canonicalize_name(need.name) not in locked:
                unlocked.append(f"{name} needs {need.name}")
    assert not wrong, f"run scripts/setup.sh's ensure_venv (pip install --require-hashes -r requirements.lock): {wrong}"
    assert not unlocked
