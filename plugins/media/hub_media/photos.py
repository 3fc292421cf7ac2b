"""Bringing people's old photo URLs (``Person.photoUrl``) into the media library."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx
import pluggy
from tortoise.transactions import in_transaction

from hub import ContentEvent, Person, Settings, dispatch_content_events
from hub_media.images import RefusedImage
from hub_media.models import PersonPhoto
from hub_media.placements import PERSON
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
from hub_media.upload import CHUNK_BYTES, ImageDetails, ingest, too_large


@dataclass
class PhotoReport:
    imported: list[str] = field(default_factory=list)  # slugs
    failed: list[str] = field(default_factory=list)  # 'slug (url): reason'


class Unfetchable(Exception):
    """The URL gave no file: the reason, in words."""


async def _download(client: httpx.AsyncClient, url: str, into: Path, limit: int) -> None:
    if urlsplit(url).scheme not in {"http", "https"}:
        raise Unfetchable("not an http(s) URL")
    try:
        async with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise Unfetchable(f"the server answered HTTP {response.status_code}")
            received = 0
            with into.open("wb") as out:
                async for chunk in response.aiter_bytes(CHUNK_BYTES):
                    received += len(chunk)
                    if received > limit:
                        raise Unfetchable(str(too_large(0, limit)))
                    out.write(chunk)
    except httpx.HTTPError as error:
        raise Unfetchable(f"{type(error).__name__}: {error}".rstrip(": ")) from None


async def import_photo_urls(
    pm: pluggy.PluginManager, settings: Settings, *, seconds_per_server: float = 10.0
) -> PhotoReport:
    """Fetch the photo URL of each person without a library photo, add it to the library
    (alt text: the person's name) and show it as their photo. The database must be open.
    A URL shared by several people is fetched once; a failure leaves that person as they were."""
    media = MediaSettings.of(settings)
    store = storage(pm, settings)
    report = PhotoReport()
    placed = set(await PersonPhoto.all().values_list("person_id", flat=True))
    people = [
        person
        for person in await Person.exclude(photo_url="")
        .order_by("id")
        .values("id", "slug", "name", "photo_url")
        if person["id"] not in placed
    ]
    fetched: dict[str, int] = {}
    events: list[ContentEvent] = []
    async with httpx.AsyncClient(timeout=seconds_per_server, follow_redirects=True) as client:
        for person in people:
            url = person["photo_url"].strip()
            try:
                if url not in fetched:
                    with tempfile.TemporaryDirectory(prefix="hub-media-") as folder:
                        path = Path(folder) / "photo"
                        await _download(client, url, path, media.max_upload_bytes)
                        name = PurePosixPath(urlsplit(url).path).name or "photo"
                        asset = await ingest(
                            path, name, ImageDetails(alt=person["name"]), store, media
                        )
                    fetched[url] = asset.id
            except (Unfetchable, RefusedImage) as reason:
                report.failed.append(f"{person['slug']} ({url}): {reason}")
                continue
            async with in_transaction():
                await PersonPhoto.create(person_id=person["id"], asset_id=fetched[url])
            report.imported.append(person["slug"])
            change = {PERSON.field: f"Image:{fetched[url]}"}
            events.append(
                ContentEvent(PERSON.event, "Person", person["id"], person["slug"], change)
            )
    await dispatch_content_events(pm, events)
    return report
