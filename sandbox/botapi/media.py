"""Files held by the fake server: ids that look like Telegram's, photo size ladders, payloads.

Everything stays in memory: a test run sends few and small files, and getFile + download
must work for every file a simulated user or the bot sent.
"""
from __future__ import annotations

import base64
import io
import itertools
import os
import struct
import threading
from dataclasses import dataclass

from sandbox.botapi.errors import bad_request

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile refuses bigger files ("file is too big")
# Telegram keeps several JPEG sizes of every photo, longest side at most these many pixels.
PHOTO_SIDES = (90, 320, 800, 1280, 2560)
# The first bytes of real file_ids encode the file type; keeping them makes ids look right.
_ID_PREFIX = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI", "sticker": "CAACAgIAAxkBAAI",
              "voice": "AwACAgIAAxkBAAI", "video": "BAACAgIAAxkBAAI", "audio": "CQACAgIAAxkBAAI",
              "animation": "CgACAgIAAxkBAAI", "video_note": "DQACAgIAAxkBAAI"}
_FOLDER = {"photo": "photos", "document": "documents", "sticker": "stickers", "voice": "voice",
           "video": "videos", "audio": "music", "animation": "animations", "video_note": "video_notes"}
_EXTENSION = {"photo": ".jpg", "sticker": ".webp", "voice": ".oga", "video": ".mp4", "audio": ".mp3",
              "animation": ".mp4", "video_note": ".mp4"}


@dataclass
class StoredFile:
    kind: str
    file_id: str
    file_unique_id: str
    data: bytes
    size: int
    file_path: str
    width: int | None = None
    height: int | None = None
    mime_type: str | None = None
    file_name: str | None = None
    duration: int | None = None

    def photo_size(self) -> dict:
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.size,
                "width": self.width, "height": self.height}

    def as_file(self) -> dict:
        """The File object getFile returns."""
        return {"file_id": self.file_id, "file_unique_id": self.file_unique_id, "file_size": self.size,
                "file_path": self.file_path}


class FileStore:
    """Thread-safe registry of files by file_id and by download path."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count()
        self.photo_groups: dict[str, list[StoredFile]] = {}

    def add(self, kind: str, data: bytes, *, declared_size: int | None = None, file_name: str | None = None,
            mime_type: str | None = None, width: int | None = None, height: int | None = None,
            duration: int | None = None) -> StoredFile:
        with self._lock:
            number = next(self._numbers)
        extension = os.path.splitext(file_name or "")[1].lower() or _EXTENSION.get(kind, "")
        stored = StoredFile(kind, _file_id(kind, number), _unique_id(kind, number), data,
                            declared_size or len(data), f"{_FOLDER.get(kind, kind)}/file_{number}{extension}",
                            width, height, mime_type, file_name, duration)
        with self._lock:
            self._by_id[stored.file_id] = stored
            self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        with self._lock:
            return self._by_id.get(file_id)

    def by_path(self, path: str) -> StoredFile | None:
        with self._lock:
            return self._by_path.get(path)

    def add_photo(self, data: bytes) -> list[StoredFile]:
        """Store a photo as Telegram does: a ladder of sizes, the largest being the original."""
        sizes = [self.add("photo", blob, width=w, height=h) for blob, w, h in photo_ladder(data)]
        with self._lock:
            for size in sizes:
                self.photo_groups[size.file_id] = sizes
        return sizes

    def photo_sizes_for(self, file_id: str) -> list[StoredFile] | None:
        with self._lock:
            return self.photo_groups.get(file_id)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _file_id(kind: str, number: int) -> str:
    return _ID_PREFIX.get(kind, "BQACAgIAAxkBAAI") + _b64(struct.pack(">I", number) + os.urandom(41))


def _unique_id(kind: str, number: int) -> str:
    return ("AQAD" if kind == "photo" else "AgAD") + _b64(struct.pack(">H", number % 65536) + os.urandom(7))


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of an image, or None when the bytes are not one."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - any undecodable payload simply is not an image
        return None


def photo_ladder(data: bytes) -> list[tuple[bytes, int, int]]:
    """Resized JPEG copies for each standard side, ending with the original bytes at full size."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image.load()
        width, height = image.size
        ladder = []
        for side in PHOTO_SIDES:
            if max(width, height) <= side:
                break
            scale = side / max(width, height)
            small = image.convert("RGB").resize((max(1, round(width * scale)), max(1, round(height * scale))))
            ladder.append((_jpeg(small), small.width, small.height))
    ladder.append((data, width, height))
    return ladder


def _jpeg(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def check_photo_upload(data: bytes) -> None:
    """The checks Telegram applies to a photo the bot uploads."""
    if not data:
        raise bad_request("file must be non-empty")
    size = image_size(data)
    if size is None:
        raise bad_request("IMAGE_PROCESS_FAILED")
    width, height = size
    if width + height > 10000 or max(width, height) > 20 * min(width, height):
        raise bad_request("PHOTO_INVALID_DIMENSIONS")


def sample_jpeg(width: int = 640, height: int = 480, color: tuple[int, int, int] = (200, 60, 40)) -> bytes:
    """A real JPEG image, for tests and the sandbox (users can only send real photos)."""
    from PIL import Image

    return _jpeg(Image.new("RGB", (width, height), color))


def sample_payload(kind: str) -> bytes:
    """Tiny stand-in bytes with the right magic numbers for stickers, voice notes and videos."""
    if kind == "sticker":
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGBA", (512, 512), (255, 200, 0, 255)).save(buffer, "WEBP")
        return buffer.getvalue()
    if kind == "voice":
        return b"OggS\x00\x02" + bytes(58)
    return b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(40)


_DEFAULT_MIME = {"voice": "audio/ogg", "video": "video/mp4", "audio": "audio/mpeg", "animation": "video/mp4",
                 "document": "application/octet-stream"}


def media_object(stored: StoredFile) -> dict:
    """The Telegram object (Document, Video, Voice, Sticker...) describing a stored file."""
    ids = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.size}
    if stored.kind == "sticker":
        return {"width": stored.width or 512, "height": stored.height or 512, "emoji": "\U0001F44D",
                "is_animated": False, "is_video": False, "type": "regular", **ids}
    if stored.kind == "video_note":
        return {"duration": stored.duration or 1, "length": stored.width or 240, **ids}
    head: dict = {}
    if stored.kind in ("video", "animation"):
        head.update(duration=stored.duration or 1, width=stored.width or 640, height=stored.height or 360)
    elif stored.kind in ("voice", "audio"):
        head["duration"] = stored.duration or 1
    if stored.file_name and stored.kind != "voice":
        head["file_name"] = stored.file_name
    head["mime_type"] = stored.mime_type or _DEFAULT_MIME.get(stored.kind, "application/octet-stream")
    return {**head, **ids}
