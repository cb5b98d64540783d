"""Decompression bombs: pixels and bytes are capped before anything is decoded
(services.media._check_pixels). The process's peak memory is measured in a subprocess."""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image

from services import media

ROOT = Path(__file__).resolve().parents[2]


def png_bomb(width: int, height: int) -> bytes:
    """A 1-bit black PNG: 12000 x 12000 (144 Mpx) is about 17 KB, as in issue 14."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    data = zlib.compress(row * height, 9)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def peak_memory_of_cleaning(path: Path) -> dict:
    """Clean the file in a fresh process; its outcome and the growth of its peak memory (MB)."""
    code = f"""
import json, resource
from services import media
data = open({str(path)!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    _, w, h = media.clean_image(data)
    outcome = f"{{w}}x{{h}}"
except media.MediaError as exc:
    outcome = exc.code
print(json.dumps({{"outcome": outcome,
                  "grew_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024}}))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_17_kb_png_of_144_megapixels_is_refused_without_being_decoded(tmp_path):
    bomb = png_bomb(12000, 12000)
    assert len(bomb) < 40_000
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    result = peak_memory_of_cleaning(path)
    assert result["outcome"] == "too_many_pixels"
    assert result["grew_mb"] < 50, result  # decoding it would take ~430 MB (RGB), more with copies


def test_a_phone_sized_jpeg_is_decoded_scaled_down(tmp_path):
    image = Image.new("RGB", (8000, 6000), (120, 80, 40))  # 48 Mpx, a phone's full-resolution mode
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    path = tmp_path / "phone.jpg"
    path.write_bytes(out.getvalue())
    result = peak_memory_of_cleaning(path)
    assert result["outcome"] == "2560x1920"
    assert result["grew_mb"] < 120, result  # decoded at 1/2 scale by libjpeg, not 144 MB whole


@pytest.mark.parametrize("size", [(6001, 4000), (24_000_001, 1), (1, 24_000_001)])
def test_other_formats_beyond_the_decoded_pixel_cap_are_refused(size):
    with pytest.raises(media.MediaError) as refused:
        media.clean_image(png_bomb(*size))
    assert refused.value.code == "too_many_pixels"


def test_a_jpeg_beyond_the_jpeg_cap_is_refused_from_its_header():
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, "JPEG")
    data = bytearray(out.getvalue())
    marker = data.index(b"\xff\xc0")  # baseline frame header: precision, height, width
    data[marker + 5:marker + 9] = struct.pack(">HH", 12000, 12000)  # claims 144 Mpx
    with pytest.raises(media.MediaError) as refused:
        media.clean_image(bytes(data))
    assert refused.value.code == "too_many_pixels"
