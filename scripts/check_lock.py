"""Check that requirements.lock was made from the requirements.txt beside it (scripts/lock.sh).

Every package pinned in requirements.txt must be locked at that version, and every package the
lock names as a direct dependency ("via -r requirements.txt") must still be in requirements.txt.
What the lock misses below the direct dependencies, pip's --require-hashes install refuses.
Exit status 1 with the differences, 0 when they agree.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def direct_pins(text: str) -> dict[str, str]:
    pins = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        versions = [s.version for s in req.specifier if s.operator == "=="]
        pins[canonicalize_name(req.name)] = versions[0] if versions else ""
    return pins


def locked(text: str) -> tuple[dict[str, set[str]], set[str]]:
    """{name: versions} of the lock, and the names it says requirements.txt asked for."""
    versions: dict[str, set[str]] = {}
    direct: set[str] = set()
    current = None
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            versions.setdefault(current, set()).add(match.group(2))
        elif current and re.search(r"(via|^\s*#)\s+-r requirements\.txt", line):
            direct.add(current)
    return versions, direct


def problems(requirements: str, lock: str) -> list[str]:
    wanted = direct_pins(requirements)
    versions, direct = locked(lock)
    found = []
    for name, version in sorted(wanted.items()):
        if not version:
            found.append(f"{name} has no exact version (==) in requirements.txt")
        elif version not in versions.get(name, set()):
            have = ", ".join(sorted(versions.get(name, set()))) or "nothing"
            found.append(f"{name}: requirements.txt pins {version}, requirements.lock has {have}")
    for name in sorted(direct - set(wanted)):
        found.append(f"{name} is locked as a direct dependency but is no longer in requirements.txt")
    return found


def main() -> int:
    found = problems((ROOT / "requirements.txt").read_text(), (ROOT / "requirements.lock").read_text())
    if found:
        print("requirements.lock does not match requirements.txt: run scripts/lock.sh and commit both.")
        print("\n".join(f"  - {line}" for line in found))
        return 1
    print("requirements.lock matches requirements.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
