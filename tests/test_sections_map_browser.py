"""The interactive map in a real browser: headless Chromium on the live hub, markers counted.

Needs Debian's chromium (``.ci/install-chromium`` installs it); without it the test is
skipped, and fails instead when ``HUB_TEST_CHROMIUM=required``.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from hub_sections_map.svg import MARKER_FILL

from tests.conftest import skip_or_fail
from tests.live_server import HUB_CLI, hub_environment, live_server

#: One Chromium at a time (`make test` runs on several workers): each takes a core and ~300 MB.
pytestmark = [pytest.mark.live, pytest.mark.xdist_group("chromium")]

WINDOW = (1000, 600)
SCREENSHOT_TIMEOUT = 90.0
DEMO_TIMEOUT = 180.0
#: Milliseconds of page time Chromium lets pass before the picture: scripts, fetches, layout.
JS_BUDGET_MS = 8000


def chromium() -> str:
    path = shutil.which("chromium")
    if path is None:
        skip_or_fail("chromium", "chromium is not installed (run .ci/install-chromium)")
    assert path is not None
    return path


def screenshot(url: str, output: Path) -> Path:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        f"--virtual-time-budget={JS_BUDGET_MS}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}",
        f"--screenshot={output}",
        url,
    ]
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=SCREENSHOT_TIMEOUT, check=False
    )
    assert output.exists(), f"chromium wrote no screenshot:\n{completed.stderr}"
    return output


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and rows of RGB(A) bytes of an 8-bit, non-interlaced PNG."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, header = 8, b""
    chunks: list[bytes] = []
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunk = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if chunk == b"IHDR":
            header = body
        elif chunk == b"IDAT":
            chunks.append(body)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8, depth
    assert colour in (2, 6), colour  # RGB or RGBA
    assert interlace == 0
    stride = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    rows: list[bytes] = []
    previous = bytearray(width * stride)
    offset = 0
    for _ in range(height):
        kind, line = raw[offset], bytearray(raw[offset + 1 : offset + 1 + width * stride])
        offset += 1 + width * stride
        for i in range(len(line)):
            left = line[i - stride] if i >= stride else 0
            up = previous[i]
            corner = previous[i - stride] if i >= stride else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                estimate = left + up - corner
                pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
                nearest = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + nearest) & 0xFF
        rows.append(bytes(line if stride == 3 else _rgb(line)))
        previous = line
    return width, height, rows


def _rgb(rgba: bytearray) -> bytearray:
    return bytearray(b for i, b in enumerate(rgba) if i % 4 != 3)


def marker_pixels(path: Path, tolerance: int = 12) -> int:
    """How many pixels have the markers' colour (and so belong to a marker or cluster)."""
    target = bytes.fromhex(MARKER_FILL.removeprefix("#"))
    _, _, rows = png_pixels(path)
    count = 0
    for row in rows:
        for i in range(0, len(row), 3):
            if all(abs(row[i + c] - target[c]) <= tolerance for c in range(3)):
                count += 1
    return count


def test_the_map_page_draws_a_marker_for_the_demo_sections(tmp_path: Path) -> None:
    chromium()
    data_dir = tmp_path / "hub"
    with live_server(data_dir) as server:
        empty = marker_pixels(screenshot(f"{server.base_url}/map", tmp_path / "empty.png"))
        demo = subprocess.run(
            [*HUB_CLI, "demo"],
            env=hub_environment(data_dir),
            capture_output=True,
            text=True,
            timeout=DEMO_TIMEOUT,
            check=False,
        )
        assert demo.returncode == 0, demo.stderr
        page = marker_pixels(screenshot(f"{server.base_url}/map", tmp_path / "map.png"))
        image = marker_pixels(
            screenshot(f"{server.base_url}/map/sections.svg", tmp_path / "svg.png")
        )
    assert empty == 0
    # Five seed sections, far enough apart to be five 18 px markers (a 14 px disc of the
    # colour inside a white ring: about 125 pixels each once anti-aliased).
    assert 5 * 80 < page < 5 * 250, page
    # The SVG has one 12 px marker per section.
    assert 5 * 40 < image < 5 * 200, image
