"""``GET /media/...``: a signed rendition, made on its first request and kept in storage."""

from __future__ import annotations

import asyncio
import io
import tempfile
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from hub import Settings
from hub_media.kept import KeptRenditions, kept, kept_response
from hub_media.models import Asset
from hub_media.renditions import (
    DEFAULT_EXTENSION,
    BadRendition,
    Fit,
    RenditionSpec,
    planned,
    render,
)
from hub_media.runtime import storage
from hub_media.settings import MediaSettings
from hub_media.signing import verify
from hub_media.storage import MediaStorage
from hub_media.urls import PREFIX, rendition_key, rendition_url, signed_part

FOREVER = "public, max-age=31536000, immutable"


def refusal(status: int, message: str) -> Response:
    # Not cached for long: a refused URL may be a typo, or an image not yet uploaded.
    return JSONResponse({"error": message}, status, headers={"cache-control": "no-store"})


def rendition_routes(settings: Settings) -> list[BaseRoute]:
    media = MediaSettings.of(settings)
    # The URLs checked and found current, so that serving them again needs no SQL (kept.py).
    remembered = KeptRenditions()

    async def rendition(request: Request) -> Response:
        store = storage(request.app.state.hub.plugin_manager, settings)
        url_path: str = request.scope["path"]
        known = remembered.get(url_path)
        if known is not None:
            if known.etag in request.headers.get("if-none-match", ""):
                return Response(status_code=304, headers=dict(known.headers))
            answer = await kept_response(store, known)
            if answer is not None:
                return answer
            remembered.forget(url_path)  # deleted, or an old version: ask the database
        asset_id: int = request.path_params["asset_id"]
        version: int = request.path_params["version"]
        signature: str = request.path_params["signature"]
        try:
            spec = RenditionSpec.parse(request.path_params["name"], media.max_rendition_size)
        except BadRendition as error:
            return refusal(400, str(error))
        if not verify(settings, signed_part(asset_id, version, spec), signature):
            return refusal(
                403,
                "This rendition URL is not signed by this hub: ask the GraphQL API for image "
                "URLs (Image.url, Image.srcset) instead of writing them by hand.",
            )
        etag = f'"{signature}"'
        headers = {"cache-control": FOREVER, "etag": etag}
        if etag in request.headers.get("if-none-match", ""):
            return Response(status_code=304, headers=headers)
        rows = await Asset.filter(id=asset_id).values(
            "version", "original_key", "focal_x", "focal_y"
        )
        if not rows:
            return refusal(404, f"There is no image {asset_id}: it may have been deleted.")
        asset = rows[0]
        if asset["version"] != version:
            # The focal point moved since this URL was handed out: the current crop instead.
            current = rendition_url(settings, asset_id, asset["version"], spec)
            return RedirectResponse(current, 302, headers={"cache-control": "no-store"})
        found = kept(store, rendition_key(asset["original_key"], version, spec),
                     spec.content_type, headers)  # fmt: skip
        answer = await kept_response(store, found)
        if answer is None:
            focal = (asset["focal_x"], asset["focal_y"])
            made = await make(store, asset["original_key"], spec, focal)
            if made is None:
                return refusal(404, f"The original of image {asset_id} is missing from storage.")
            await asyncio.to_thread(store.save, found.key, io.BytesIO(made), spec.content_type)
            answer = Response(made, media_type=spec.content_type, headers=headers)
        remembered.remember(url_path, found)
        return answer

    async def image(request: Request) -> Response:
        # What a post body's <img src="/media/12"> shows where nothing added a srcset.
        asset_id: int = request.path_params["asset_id"]
        rows = await Asset.filter(id=asset_id).values("width", "height", "content_type", "version")
        if not rows:
            return refusal(404, f"There is no image {asset_id}: it may have been deleted.")
        row = rows[0]
        spec = planned(
            (row["width"], row["height"]), None, None, Fit.COVER,
            DEFAULT_EXTENSION.get(row["content_type"], "jpg"), media.max_rendition_size,
        )  # fmt: skip
        current = rendition_url(settings, asset_id, row["version"], spec)
        return RedirectResponse(current, 302, headers={"cache-control": "public, max-age=300"})

    return [
        Route(f"{PREFIX}/{{asset_id:int}}", image, methods=["GET", "HEAD"]),
        Route(
            f"{PREFIX}/{{asset_id:int}}/{{version:int}}/{{signature}}/{{name}}",
            rendition,
            methods=["GET", "HEAD"],
        ),
    ]


async def make(
    store: MediaStorage, original_key: str, spec: RenditionSpec, focal: tuple[float, float]
) -> bytes | None:
    """The rendition's bytes, None when the original is gone. Originals are copied to a
    temporary file: Pillow reads only what it needs (the header, a draft) from a real file."""
    with tempfile.TemporaryDirectory(prefix="hub-media-") as folder:
        path = Path(folder) / "original"

        def fetch() -> bool:
            with path.open("wb") as out:
                return store.load(original_key, out)

        if not await asyncio.to_thread(fetch):
            return None
        return await asyncio.to_thread(render, path, spec, focal)
