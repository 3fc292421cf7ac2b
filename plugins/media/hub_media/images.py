"""What an uploaded file is, judged by its content: accepted formats, limits, the placeholder."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import blurhash
from PIL import Image, ImageOps, UnidentifiedImageError, features

# Pillow's name for a format → (content type, file extension). AVIF only where this Pillow
# was built with it.
ACCEPTED: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "GIF": ("image/gif", "gif"),
}
if features.check("avif"):
    ACCEPTED["AVIF"] = ("image/avif", "avif")

ACCEPTED_NAMES = ", ".join(ACCEPTED)
#: EXIF orientations (5-8) that turn the picture a quarter: width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}
ORIENTATION_TAG = 0x0112
PLACEHOLDER_SIZE = 32


class RefusedImage(ValueError):
    """An upload the hub will not keep; the message says why, for the person uploading it."""


@dataclass(frozen=True)
class InspectedImage:
    format: str
    content_type: str
    extension: str
    #: As shown, after the EXIF orientation is applied.
    width: int
    height: int
    dominant_color: str
    blurhash: str


def _looks_like_svg(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in text[:1024]


def oriented_size(image: Image.Image) -> tuple[int, int]:
    width, height = image.size
    if image.getexif().get(ORIENTATION_TAG) in QUARTER_TURNS:
        return height, width
    return width, height


def _dominant_color(thumbnail: Image.Image) -> str:
    palette_image = thumbnail.quantize(colors=6, method=Image.Quantize.MEDIANCUT)
    _count, index = max(palette_image.getcolors() or [(1, 0)])
    palette = palette_image.getpalette() or [0, 0, 0]
    start = int(index) * 3  # type: ignore[call-overload]  # a palette image's colours are indexes
    red, green, blue = palette[start : start + 3]
    return f"#{red:02x}{green:02x}{blue:02x}"


def _blurhash(thumbnail: Image.Image) -> str:
    with warnings.catch_warnings():
        # blurhash-python reads pixels with Image.getdata, deprecated for Pillow 14 (the range
        # in pyproject stops before it).
        warnings.simplefilter("ignore", DeprecationWarning)
        encoded: str = blurhash.encode(thumbnail, x_components=4, y_components=3)
    return encoded


def inspect_image(path: Path, max_pixels: int) -> InspectedImage:
    """Decode the whole file once (refusing what is not a complete, accepted image within the
    pixel limit) and compute its placeholder. Pure CPU and file work: run it in a thread."""
    with path.open("rb") as file:
        if _looks_like_svg(file.read(2048)):
            raise RefusedImage(
                "SVG images are not accepted (they can carry scripts): export it as PNG or WebP."
            )
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse instead.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path, formats=list(ACCEPTED)) as image:
                pixels = image.width * image.height
                if pixels > max_pixels:
                    raise RefusedImage(_too_many_pixels(image.width, image.height, max_pixels))
                width, height = oriented_size(image)
                # Decoding a JPEG at 1/8 scale still reads every byte: truncation is caught.
                image.draft("RGB", (PLACEHOLDER_SIZE * 4, PLACEHOLDER_SIZE * 4))
                image.load()
                thumbnail = ImageOps.exif_transpose(image).convert("RGB")
                thumbnail.thumbnail((PLACEHOLDER_SIZE, PLACEHOLDER_SIZE))
                content_type, extension = ACCEPTED[str(image.format)]
                return InspectedImage(
                    format=str(image.format),
                    content_type=content_type,
                    extension=extension,
                    width=width,
                    height=height,
                    dominant_color=_dominant_color(thumbnail),
                    blurhash=_blurhash(thumbnail),
                )
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise RefusedImage(
            f"The image has too many pixels: at most {max_pixels:,} are accepted "
            "(HUB_MEDIA_MAX_PIXELS)."
        ) from error
    except UnidentifiedImageError as error:
        raise RefusedImage(
            f"The file is not an image in an accepted format ({ACCEPTED_NAMES}), "
            "whatever its name says."
        ) from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        if isinstance(error, RefusedImage):
            raise
        raise RefusedImage(f"The image is damaged or truncated: {error}.") from error


def _too_many_pixels(width: int, height: int, max_pixels: int) -> str:
    return (
        f"The image is {width}x{height} ({width * height:,} pixels): at most {max_pixels:,} "
        "are accepted (HUB_MEDIA_MAX_PIXELS)."
    )
