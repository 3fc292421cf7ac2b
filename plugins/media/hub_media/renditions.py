"""Renditions: what size and crop a request means, and making it with Pillow."""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, features


class Fit(Enum):
    COVER = "cover"
    CONTAIN = "contain"


# Extension in the URL → (Pillow's format name, content type).
FORMATS: dict[str, tuple[str, str]] = {
    "jpg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "webp": ("WEBP", "image/webp"),
}
if features.check("avif"):
    FORMATS["avif"] = ("AVIF", "image/avif")

SAVE_OPTIONS: dict[str, dict[str, Any]] = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80, "method": 4},
    "AVIF": {"quality": 60, "speed": 6},
}
# What a rendition is by default: the original's own kind (a GIF's first frame as PNG).
DEFAULT_EXTENSION = {"image/png": "png", "image/gif": "png", "image/webp": "webp"}
ALPHA_FORMATS = {"PNG", "WEBP", "AVIF"}
# "800x0-cover.webp": width 800, height from the aspect ratio.
NAME = re.compile(r"^(?P<width>\d{1,5})x(?P<height>\d{1,5})-(?P<fit>cover|contain)\.(?P<ext>\w+)$")


class BadRendition(ValueError):
    """A rendition name that cannot be made; the message says which part is wrong."""


@dataclass(frozen=True)
class RenditionSpec:
    """The output size in pixels (after any crop), how it was fitted, and the file format."""

    width: int
    height: int
    fit: Fit
    extension: str

    @property
    def name(self) -> str:
        return f"{self.width}x{self.height}-{self.fit.value}.{self.extension}"

    @property
    def content_type(self) -> str:
        return FORMATS[self.extension][1]

    @classmethod
    def parse(cls, name: str, max_size: int) -> RenditionSpec:
        match = NAME.fullmatch(name)
        if match is None:
            raise BadRendition(
                f"{name!r} is not a rendition name such as 800x600-cover.webp "
                "(width x height - cover or contain . format)."
            )
        if match["ext"] not in FORMATS:
            raise BadRendition(
                f"The format {match['ext']!r} is not made here; one of {', '.join(FORMATS)}."
            )
        width, height = int(match["width"]), int(match["height"])
        for label, value in (("width", width), ("height", height)):
            if not 1 <= value <= max_size:
                raise BadRendition(f"The {label} must be between 1 and {max_size}, not {value}.")
        return cls(width, height, Fit(match["fit"]), match["ext"])


def planned(
    original: tuple[int, int],
    width: int | None,
    height: int | None,
    fit: Fit,
    extension: str,
    max_size: int,
) -> RenditionSpec:
    """The rendition a request for ``width`` x ``height`` gets: never larger than the original
    nor than ``max_size`` on either side (a smaller copy of the same shape instead)."""
    spec = _planned(original, width, height, fit, extension)
    shrink = min(1.0, max_size / spec.width, max_size / spec.height)
    if shrink < 1:
        size = (max(1, math.floor(spec.width * shrink)), max(1, math.floor(spec.height * shrink)))
        return RenditionSpec(*size, fit, extension)
    return spec


def _planned(
    original: tuple[int, int], width: int | None, height: int | None, fit: Fit, extension: str
) -> RenditionSpec:
    source_width, source_height = original
    if width is None and height is None:
        width = source_width
    if width is None or height is None or fit is Fit.CONTAIN:
        scales = [side / total for side, total in ((width, source_width), (height, source_height))
                  if side is not None]  # fmt: skip
        scale = min(1.0, *scales)
        size = (
            max(1, round(source_width * scale)),
            max(1, round(source_height * scale)),
        )
        return RenditionSpec(*size, fit, extension)
    shrink = min(1.0, source_width / width, source_height / height)
    return RenditionSpec(
        max(1, round(width * shrink)), max(1, round(height * shrink)), fit, extension
    )


def crop_box(
    size: tuple[int, int], spec: RenditionSpec, focal: tuple[float, float]
) -> tuple[float, float, float, float]:
    """The part of an image of ``size`` the rendition shows: all of it, or for a cover of
    another shape the largest box of the rendition's shape centred on the focal point."""
    width, height = size
    if spec.fit is Fit.CONTAIN:
        return (0, 0, width, height)
    wanted = spec.width / spec.height
    if width / height > wanted:
        box_width, box_height = height * wanted, float(height)
    else:
        box_width, box_height = float(width), width / wanted
    left = min(max(focal[0] * width - box_width / 2, 0), width - box_width)
    top = min(max(focal[1] * height - box_height / 2, 0), height - box_height)
    return (left, top, left + box_width, top + box_height)


def _draft(image: Image.Image, spec: RenditionSpec, focal: tuple[float, float]) -> None:
    """Let the JPEG decoder scale down by 1/2, 1/4 or 1/8 while decoding, keeping at least
    the pixels the rendition needs: a 24-megapixel photo for a 1200-pixel rendition is decoded
    at a quarter of its size, in a fraction of the time and memory."""
    raw_width, raw_height = image.size
    turned = image.getexif().get(0x0112) in {5, 6, 7, 8}
    shown = (raw_height, raw_width) if turned else (raw_width, raw_height)
    left, _top, right, _bottom = crop_box(shown, spec, focal)
    scale = spec.width / (right - left)
    image.draft(image.mode, (math.ceil(raw_width * scale), math.ceil(raw_height * scale)))


def render(
    original: Path, spec: RenditionSpec, focal: tuple[float, float], *, draft: bool = True
) -> bytes:
    """The rendition's file, without EXIF (no GPS position, no camera serial): the orientation
    is applied to the pixels first. CPU-bound: run it in a thread."""
    pillow_format = FORMATS[spec.extension][0]
    with Image.open(original) as opened:
        if draft and opened.format == "JPEG":
            _draft(opened, spec, focal)
        icc_profile = opened.info.get("icc_profile")
        image = ImageOps.exif_transpose(opened)
        has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
        if has_alpha and pillow_format in ALPHA_FORMATS:
            image = image.convert("RGBA")
        elif has_alpha:
            background = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, image.convert("RGBA")).convert("RGB")
        else:
            image = image.convert("RGB")
        box = crop_box(image.size, spec, focal)
        rendition = image.resize(
            (spec.width, spec.height), Image.Resampling.LANCZOS, box=box, reducing_gap=3.0
        )
    rendition.info = {}  # resize copies the original's metadata (EXIF, XMP, comments)
    out = io.BytesIO()
    options = dict(SAVE_OPTIONS[pillow_format])
    if icc_profile:
        options["icc_profile"] = icc_profile  # colours, not metadata: kept
    rendition.save(out, pillow_format, **options)
    return out.getvalue()
