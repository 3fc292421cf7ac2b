"""Taking an image in: spooled to a temporary file in chunks, judged, stored, then recorded."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tortoise.transactions import in_transaction

from hub_media.images import RefusedImage, inspect_image
from hub_media.models import Asset
from hub_media.settings import MediaSettings
from hub_media.storage import MediaStorage

CHUNK_BYTES = 256 * 1024


class AsyncReadable(Protocol):
    """What Starlette's ``UploadFile`` (the runtime value of Strawberry's ``Upload``) offers."""

    async def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class ImageDetails:
    alt: str = ""
    caption: str = ""
    credit: str = ""
    licence: str = ""
    focal_x: float = 0.5
    focal_y: float = 0.5


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def too_large(size: int, limit: int) -> RefusedImage:
    return RefusedImage(
        f"The file is larger than {_megabytes(limit)} (HUB_MEDIA_MAX_UPLOAD_BYTES); "
        f"{'it is ' + _megabytes(size) if size else 'the upload was stopped there'}."
    )


@asynccontextmanager
async def spooled(upload: AsyncReadable, limit: int) -> AsyncIterator[Path]:
    """The upload in a temporary file, read in chunks and never whole: refused past ``limit``."""
    with tempfile.TemporaryDirectory(prefix="hub-media-") as folder:
        path = Path(folder) / "upload"
        received = 0
        with path.open("wb") as out:
            while chunk := await upload.read(CHUNK_BYTES):
                received += len(chunk)
                if received > limit:
                    raise too_large(0, limit)
                out.write(chunk)
        yield path


async def ingest(
    path: Path,
    original_name: str,
    details: ImageDetails,
    store: MediaStorage,
    media: MediaSettings,
) -> Asset:
    """Check the file, keep the original, record the asset. A refusal stores nothing; a failed
    database write forgets the stored original again."""
    size = (await asyncio.to_thread(path.stat)).st_size
    if size > media.max_upload_bytes:
        raise too_large(size, media.max_upload_bytes)
    if size == 0:
        raise RefusedImage("The file is empty.")
    inspected = await asyncio.to_thread(inspect_image, path, media.max_pixels)
    key = f"originals/{uuid.uuid4().hex}.{inspected.extension}"

    def save() -> None:
        with path.open("rb") as source:
            store.save(key, source, inspected.content_type)

    await asyncio.to_thread(save)
    try:
        async with in_transaction():
            return await Asset.create(
                original_key=key,
                original_name=original_name[:255],
                content_type=inspected.content_type,
                byte_size=size,
                width=inspected.width,
                height=inspected.height,
                alt=details.alt,
                caption=details.caption,
                credit=details.credit,
                licence=details.licence,
                focal_x=details.focal_x,
                focal_y=details.focal_y,
                dominant_color=inspected.dominant_color,
                blurhash=inspected.blurhash,
            )
    except BaseException:
        await asyncio.to_thread(store.delete, key)
        raise
