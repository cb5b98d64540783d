"""Files that only Wadul's own user may read: the SQLite database (password hashes, reporters'
names and Telegram ids, complaints) with its -wal and -shm files, the instance/ folder, the
generated SECRET_KEY and the media folder (reporters' photos).

They are created owner-only (0600 files, 0700 folders) whatever the process's umask, and one
found readable by others at start is made owner-only, with one log line saying so. SQLite
gives the -wal and -shm files it creates the database file's mode, so an owner-only database
keeps them owner-only too.
"""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
log = logging.getLogger("wadul.files")


def private_dir(path: str | Path, *, fix: bool = True) -> Path:
    """Create `path` (and missing parents) as owner-only folders; with `fix`, make an
    existing one owner-only."""
    path = Path(path)
    missing = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=DIR_MODE)
        except FileExistsError:
            pass  # made by another process at the same moment
        folder.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask; this is not
    if fix and path not in missing:
        _restrict(path, DIR_MODE)
    return path


def private_file(path: str | Path, *, create: bool = False) -> Path:
    """Make an existing file owner-only; with `create`, create a missing one empty and owner-only."""
    path = Path(path)
    if create:
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
            path.chmod(FILE_MODE)
            return path
        except FileExistsError:
            pass
    if path.exists():
        _restrict(path, FILE_MODE)
    return path


def write_private(path: str | Path, text: str) -> None:
    """Write a new owner-only file; it is never readable by others, not even for a moment."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    os.chmod(path, FILE_MODE)


def secure_sqlite(path: str | Path) -> None:
    """Before SQLite opens `path`: its folder exists, the database file exists owner-only (an
    empty file is a new database to SQLite), and leftover -wal/-shm files are owner-only."""
    path = Path(path)
    private_dir(path.parent, fix=False)  # a folder the operator chose (e.g. /var/lib) is theirs to set
    private_file(path, create=True)
    for suffix in ("-wal", "-shm", "-journal"):
        private_file(path.with_name(path.name + suffix))


def _restrict(path: Path, wanted: int) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return
    try:
        path.chmod(mode & wanted)
    except OSError as exc:
        log.error("%s is readable by other users (%o) and cannot be made owner-only: %s", path, mode, exc)
        return
    log.warning("%s was readable by other users (%o); made it owner-only (%o)", path, mode, mode & wanted)
