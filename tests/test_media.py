"""Photos: the cleaned copy on disk, and downloads through the fake Bot API's getFile."""
import asyncio
import hashlib
import io
from pathlib import Path

import pytest
from PIL import Image
from telegram import Bot

from sandbox.botapi import sample_jpeg
from services import media

GPS_IFD = 0x8825


def jpeg_with_exif(width=400, height=200, orientation=6) -> bytes:
    """A camera-like JPEG: GPS position, camera make/model, and an orientation tag."""
    image = Image.new("RGB", (width, height), (10, 200, 30))
    image.putpixel((0, 0), (255, 0, 0))  # a marker in the top-left corner as stored
    exif = Image.Exif()
    exif[0x010F] = "KameraHP"      # Make
    exif[0x0110] = "Model X"       # Model
    exif[0x0112] = orientation     # Orientation: 6 = rotate 90° clockwise to display
    exif.get_ifd(GPS_IFD).update({1: "S", 2: (1.0, 50.0, 0.0), 3: "E", 4: (110.0, 0.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"secret comment")
    return out.getvalue()


def test_clean_copy_has_no_exif_and_stands_upright():
    original = jpeg_with_exif()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the input really carries GPS
    cleaned, width, height = media.clean_image(original)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info and "icc_profile" not in image.info
        assert (image.width, image.height) == (width, height) == (200, 400)  # orientation applied
    assert b"KameraHP" not in cleaned and b"secret comment" not in cleaned


def test_transparent_png_becomes_white_not_black_and_big_images_shrink():
    png = io.BytesIO()
    Image.new("RGBA", (6000, 3000), (0, 0, 0, 0)).save(png, "PNG")
    cleaned, width, height = media.clean_image(png.getvalue())
    assert (width, height) == (media.MAX_SIDE, media.MAX_SIDE // 2)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.getpixel((10, 10))[0] > 240


@pytest.mark.parametrize("payload", [b"%PDF-1.7 not an image", b"", b"\x00" * 100])
def test_non_images_are_refused(payload):
    with pytest.raises(media.MediaError) as caught:
        media.clean_image(payload)
    assert caught.value.code == "not_image"


def test_store_photo_names_the_file_by_the_originals_hash(tmp_path):
    original = jpeg_with_exif()
    saved = media.store_photo(original, tmp_path, "abc123", file_id="F", file_unique_id="U")
    digest = hashlib.sha256(original).hexdigest()
    assert saved.sha256 == digest and saved.size == len(original)
    assert saved.path.endswith(f"/abc123/{digest[:16]}.jpg") and not saved.path.startswith("/")
    assert (tmp_path / saved.path).is_file()
    assert (saved.width, saved.height) == (200, 400)
    assert list((tmp_path / saved.path).parent.iterdir()) == [tmp_path / saved.path]  # no leftover .part
    with pytest.raises(ValueError):
        media.store_photo(original, tmp_path, "../..")


def test_remove_files_stays_inside_media_dir(tmp_path):
    media_dir = tmp_path / "media"
    saved = media.store_photo(sample_jpeg(), media_dir, "draft1")
    outside = tmp_path / "precious.txt"
    outside.write_text("keep")
    media.remove_files(media_dir, [saved.path, "../precious.txt"])
    assert not (media_dir / saved.path).exists()
    assert not (media_dir / saved.path).parent.exists()  # the empty draft folder went too
    assert outside.read_text() == "keep"


def _download(api, stored_id, unique_id, size, media_dir):
    async def run():
        async with Bot(api.token, base_url=f"{api.url}/bot", base_file_url=f"{api.url}/file/bot") as bot:
            return await media.download_photo(bot, file_id=stored_id, file_unique_id=unique_id, file_size=size,
                                              media_dir=media_dir, folder="tok")
    return asyncio.run(run())


def _sent_document(api, user, data, name, mime, declared_size=None):
    api.send_document(user, data, name, mime, declared_size=declared_size)
    return api._state.pending(100)[-1]["message"]["document"]


def _file_calls(api):
    return [c for c in api.calls if c["method"] == "getFile"]


def test_download_through_getfile(botapi, tmp_path):
    user = botapi.user()
    original = jpeg_with_exif()
    doc = _sent_document(botapi, user, original, "IMG_1.jpg", "image/jpeg")
    saved = _download(botapi, doc["file_id"], doc["file_unique_id"], doc["file_size"], tmp_path)
    assert saved.file_id == doc["file_id"] and saved.sha256 == hashlib.sha256(original).hexdigest()
    assert Path(tmp_path / saved.path).is_file()
    assert [c["method"] for c in botapi.calls if c["method"] != "getMe"] == ["getFile"]
    assert botapi.rejected_calls() == []


def test_oversize_is_refused_before_getfile_and_by_the_server(botapi, tmp_path):
    user = botapi.user()
    doc = _sent_document(botapi, user, sample_jpeg(), "big.jpg", "image/jpeg", declared_size=25 * 1024 * 1024)
    with pytest.raises(media.MediaError) as caught:
        _download(botapi, doc["file_id"], doc["file_unique_id"], doc["file_size"], tmp_path)
    assert caught.value.code == "too_big" and _file_calls(botapi) == []
    # Without a size in the message, Telegram's own refusal is understood the same way.
    with pytest.raises(media.MediaError) as caught:
        _download(botapi, doc["file_id"], doc["file_unique_id"], None, tmp_path)
    assert caught.value.code == "too_big"
    assert [c["description"] for c in _file_calls(botapi)] == ["Bad Request: file is too big"]
    assert botapi.rejected_calls() == []


def test_a_file_that_is_not_an_image_is_refused_after_download(botapi, tmp_path):
    user = botapi.user()
    doc = _sent_document(botapi, user, b"%PDF-1.7 fake", "foto.jpg", "image/jpeg")
    with pytest.raises(media.MediaError) as caught:
        _download(botapi, doc["file_id"], doc["file_unique_id"], doc["file_size"], tmp_path)
    assert caught.value.code == "not_image"
    assert not any(tmp_path.rglob("*.jpg"))
