"""`GET /health`: what the process manager and the operator look at.

Besides "the panel answers", it reports the media store (MEDIA_DIR), since a full or
read-only disk is silent until someone tries to keep a photo: whether a file can be written
there now, and the free space. It answers 503 when photos cannot be stored (not writable,
or less free space than one photo upload may need), so a monitor sees it before an
official does.
"""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from services.complaints.desk import MAX_PHOTO_BYTES

MIN_FREE_BYTES = MAX_PHOTO_BYTES  # room for the largest result photo the panel accepts


def media_store(media_dir: str | Path) -> dict:
    """Whether photos can be stored under `media_dir`: writable, free bytes, and why not."""
    root = Path(media_dir)
    report = {"writable": False, "free_bytes": None, "error": ""}
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=root, prefix=".health-", suffix=".part") as probe:
            probe.write(b"\0" * 4096)  # a real block: a full disk refuses it
            probe.flush()
            os.fsync(probe.fileno())
        report["writable"] = True
    except OSError as exc:
        report["error"] = errno.errorcode.get(exc.errno or 0, type(exc).__name__)
    try:
        report["free_bytes"] = shutil.disk_usage(root).free
    except OSError:
        pass
    if report["writable"] and report["free_bytes"] is not None and report["free_bytes"] < MIN_FREE_BYTES:
        report["error"] = "low_space"
    report["ok"] = report["writable"] and not report["error"]
    return report


def init_app(app) -> None:
    @app.get("/health")
    def health():
        """Liveness probe for the process manager, with the media store's state."""
        media = media_store(app.config["WADUL"].MEDIA_DIR)
        body = {"ok": media["ok"], "media": media}
        return body, 200 if media["ok"] else 503
