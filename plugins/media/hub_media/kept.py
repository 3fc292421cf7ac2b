"""Serving a rendition already in storage without asking the database.

A rendition made once is a file, and serving it should cost what serving a file costs. The
slow way checks the URL's signature, asks the database for the image's original key (where
its renditions are kept) and version, and reads the file through a worker thread: two thread
hops that made it cost three times the front page's cached answer. Once a URL has been
checked and found current, a process remembers where its file is and, for files under
``HUB_DATA_DIR``, reads a small one on the event loop.

Remembering is safe because storage holds a rendition only while its image and version are
current: deleting an image deletes its renditions, and moving its focal point deletes the old
version's (``updateImage``). A remembered URL whose file is gone is forgotten and goes the
slow way, which answers the redirect to the current version or the 404.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from starlette.responses import FileResponse, Response

from hub_media.storage import FileStorage, MediaStorage

#: Renditions up to this size are read on the event loop: from the page cache that takes
#: microseconds, less than a thread hop. Larger ones stream in chunks from a thread.
INLINE_BYTES = 512 * 1024
#: URLs whose rendition a process remembers; forgotten all at once past it.
REMEMBERED = 50_000


@dataclass(frozen=True)
class Kept:
    """Where a rendition is kept, and what it is served with."""

    key: str
    content_type: str
    headers: Mapping[str, str]
    #: The file, for storage under HUB_DATA_DIR; None for other storage (S3).
    path: Path | None = None

    @property
    def etag(self) -> str:
        return self.headers["etag"]


class KeptRenditions:
    """URL path → its rendition, for the URLs this process has checked and found current."""

    def __init__(self, limit: int = REMEMBERED) -> None:
        self.limit = limit
        self._kept: dict[str, Kept] = {}

    def get(self, url_path: str) -> Kept | None:
        return self._kept.get(url_path)

    def remember(self, url_path: str, kept: Kept) -> None:
        if len(self._kept) >= self.limit:
            self._kept.clear()
        self._kept[url_path] = kept

    def forget(self, url_path: str) -> None:
        self._kept.pop(url_path, None)


def kept(store: MediaStorage, key: str, content_type: str, headers: Mapping[str, str]) -> Kept:
    local = store.path_of(key) if isinstance(store, FileStorage) else None
    return Kept(key, content_type, headers, local)


async def kept_response(store: MediaStorage, rendition: Kept) -> Response | None:
    """The rendition from storage, or None when storage has no such file."""
    headers = dict(rendition.headers)
    if rendition.path is not None:
        try:
            found = rendition.path.stat()
            if found.st_size > INLINE_BYTES:
                return FileResponse(
                    rendition.path,
                    headers=headers,
                    media_type=rendition.content_type,
                    stat_result=found,
                )
            with rendition.path.open("rb") as file:
                body = file.read()
        except FileNotFoundError:
            return None
        return Response(body, media_type=rendition.content_type, headers=headers)
    loaded = io.BytesIO()
    if not await asyncio.to_thread(store.load, rendition.key, loaded):
        return None
    return Response(loaded.getvalue(), media_type=rendition.content_type, headers=headers)
