"""Photos from Telegram: downloaded through getFile, kept on disk as a cleaned copy.

The copy officials and the public see is re-encoded from the pixels only: no EXIF (GPS
position, camera, owner), no comments, no ICC or XMP blocks; the camera's orientation is
applied first so the picture still stands upright. The original bytes are not kept; their
sha256 and size are, and name the file (`MEDIA_DIR/<yyyy>/<folder>/<sha256[:16]>.jpg`).

Memory is bounded before anything is decoded: the bytes by MAX_DOWNLOAD_BYTES (checked on
Telegram's declared size, then on what arrived), the pixels by the header's dimensions. A
17 KB PNG can declare 144 million pixels (~600 MB once decoded, a gigabyte with the
conversions), so a picture is refused unless what would be decoded fits: JPEGs are decoded
scaled down by libjpeg itself (`Image.draft`, 1/2 to 1/8 while still at least MAX_SIDE), so a
48-108 Mpx phone photo costs little and the cap is MAX_JPEG_PIXELS; any other format is
decoded whole and must stay within MAX_DECODED_PIXELS.
"""
from __future__ import annotations

import asyncio
import errno as errnos
import hashlib
import io
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # Bot API getFile refuses bigger files
MAX_SIDE = 2560                        # longest side of the kept copy (Telegram's own largest size)
MAX_JPEG_PIXELS = 120_000_000          # the largest phone cameras (108 Mpx); below Pillow's own bomb limit
MAX_DECODED_PIXELS = 24_000_000        # what is decoded whole: 96 MB as RGBA (6000 x 4000 fits)
JPEG_QUALITY = 85
# Documents accepted as photos: what phones send when "send as file" is chosen.
IMAGE_MIME_TYPES = frozenset({"image/jpeg", "image/png"})


class MediaError(Exception):
    """A file that cannot become a complaint photo; `code` is "too_big", "too_many_pixels" or "not_image"."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


class StorageError(OSError):
    """MEDIA_DIR could not take the photo (full disk, read-only, missing permission): a
    problem on the operator's side, not the sender's. Nothing is left half-written.

    `str()` is the one log line an operator acts on: the path, the errno and its name."""

    def __init__(self, path: str | Path, error: OSError):
        super().__init__(error.errno, error.strerror, str(path))
        self.path = str(path)
        self.errno_name = errnos.errorcode.get(error.errno or 0, "?")

    def __str__(self) -> str:
        return (f"photo not stored in MEDIA_DIR: cannot write {self.path}: [Errno {self.errno} {self.errno_name}] "
                f"{self.strerror} (free space, or give this process write access)")


@dataclass
class SavedPhoto:
    """A photo on disk, ready to become a Photo row (path relative to MEDIA_DIR)."""

    file_id: str
    file_unique_id: str
    path: str
    sha256: str
    size: int
    width: int
    height: int
    mime_type: str = "image/jpeg"

    def as_dict(self) -> dict:
        return asdict(self)


def clean_image(data: bytes, max_side: int = MAX_SIDE) -> tuple[bytes, int, int]:
    """Re-encode an image as a metadata-free JPEG, upright, at most `max_side` pixels long."""
    try:
        with Image.open(io.BytesIO(data)) as source:  # reads the header only
            _check_pixels(source, max_side)
            source.thumbnail((max_side, max_side))  # decoded once and shrunk before any copy is made
            image = ImageOps.exif_transpose(source)
            image = _flatten(image)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
        raise MediaError("not_image", str(exc)) from None
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only, no info dict
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), clean.width, clean.height


def _check_pixels(source: Image.Image, max_side: int) -> None:
    """Refuse (MediaError "too_many_pixels") before decoding what would not fit in memory;
    a JPEG is set to decode at the smallest scale that still gives `max_side`."""
    width, height = source.size
    if width <= 0 or height <= 0:
        raise MediaError("not_image", "no dimensions")
    pixels = width * height
    if source.format in ("JPEG", "MPO"):
        if pixels > MAX_JPEG_PIXELS:
            raise MediaError("too_many_pixels", f"{width}x{height}")
        source.draft("RGB", (max_side, max_side))
        width, height = source.size
        pixels = width * height
    if pixels > MAX_DECODED_PIXELS:
        raise MediaError("too_many_pixels", f"{width}x{height}")


def _flatten(image: Image.Image) -> Image.Image:
    """RGB pixels; transparent parts (PNG) become white rather than black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def store_photo(data: bytes, media_dir: str | Path, folder: str, *, file_id: str = "", file_unique_id: str = "",
                now: datetime | None = None) -> SavedPhoto:
    """Write the cleaned copy of `data` under MEDIA_DIR/<yyyy>/<folder>/ and describe it."""
    digest = hashlib.sha256(data).hexdigest()
    cleaned, width, height = clean_image(data)
    relative = Path(f"{(now or datetime.now()):%Y}") / _safe(folder) / f"{digest[:16]}.jpg"
    target = Path(media_dir) / relative
    try:
        _write_atomically(target, cleaned)
    except OSError as exc:
        raise StorageError(exc.filename or target, exc) from exc
    return SavedPhoto(file_id, file_unique_id, relative.as_posix(), digest, len(data), width, height)


def _safe(folder: str) -> str:
    name = "".join(ch for ch in folder if ch.isalnum() or ch in "-_")
    if not name:
        raise ValueError(f"unusable media folder name {folder!r}")
    return name


def _write_atomically(target: Path, data: bytes) -> None:
    """Readers never see half a file: write beside it, then rename."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


async def download_photo(bot, *, file_id: str, file_unique_id: str, file_size: int | None,
                         media_dir: str | Path, folder: str) -> SavedPhoto:
    """Fetch a Telegram file with getFile and store its cleaned copy; MediaError when unusable."""
    from telegram.error import BadRequest

    if file_size and file_size > MAX_DOWNLOAD_BYTES:
        raise MediaError("too_big", f"{file_size} bytes")
    try:
        telegram_file = await bot.get_file(file_id)
    except BadRequest as exc:
        if "too big" in exc.message.lower():
            raise MediaError("too_big", exc.message) from None
        raise
    if telegram_file.file_size and telegram_file.file_size > MAX_DOWNLOAD_BYTES:
        raise MediaError("too_big", f"{telegram_file.file_size} bytes")
    data = bytes(await telegram_file.download_as_bytearray())
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise MediaError("too_big", f"{len(data)} bytes")
    return await asyncio.to_thread(store_photo, data, media_dir, folder, file_id=file_id,
                                   file_unique_id=file_unique_id)


def remove_files(media_dir: str | Path, paths: list[str]) -> None:
    """Delete stored copies (a cancelled draft's photos) and the folders they leave empty."""
    root = Path(media_dir).resolve()
    for relative in paths:
        target = (root / relative).resolve()
        if root not in target.parents:
            continue  # never follow a path out of MEDIA_DIR
        target.unlink(missing_ok=True)
        folder = target.parent
        if folder != root and folder.exists() and not any(folder.iterdir()):
            shutil.rmtree(folder, ignore_errors=True)
