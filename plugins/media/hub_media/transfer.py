"""``hub media export DIR`` / ``hub media import DIR``: the library's records and files.

A folder holds ``media.json`` (each image's details and where it is shown, by post, person and
section slug: posts' featured and social images, people's photos, sections' images) and
``originals/`` (the files as uploaded). An import checks everything first (each file judged as
an upload is, every slug known) and reports every problem at once; then it stores the files and
writes the records in one transaction, forgetting the new files again if that fails: all or
nothing, like ``hub import``. Images are matched by their file's key, so importing a folder
twice changes nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import pluggy
from tortoise.transactions import in_transaction

from hub import ContentEvent, Settings, dispatch_content_events
from hub_media.images import RefusedImage, inspect_image
from hub_media.models import Asset
from hub_media.mutations import MAX_TEXT
from hub_media.placements import PLACEMENTS, Placement
from hub_media.runtime import storage
from hub_media.settings import MediaSettings

FORMAT_VERSION = 1
INDEX = "media.json"
KEY = re.compile(r"^originals/[0-9a-f]{32}\.(jpg|png|webp|gif|avif)$")
SHOWN_ON = tuple(placement.group for placement in PLACEMENTS)
DETAILS = ("original_name", "alt", "caption", "credit", "licence", "focal_x", "focal_y")


class InvalidMedia(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the media folder")
        self.problems = problems


@dataclass
class MediaReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    events: list[ContentEvent] = field(default_factory=list)


def _group(placement: Placement) -> str:
    return placement.group


async def export_media(pm: pluggy.PluginManager, settings: Settings, folder: Path) -> int:
    """Write every image's record and original into ``folder``; the number of images."""
    store = storage(pm, settings)
    rows = await Asset.all().order_by("id").values("id", "original_key", *DETAILS)
    shown: dict[int, dict[str, list[str]]] = {}
    for placement in PLACEMENTS:
        links = await placement.model.all().order_by(placement.owner_id).values_list(
            "asset_id", f"{placement.owner}__slug"
        )  # fmt: skip
        for asset_id, slug in links:
            shown.setdefault(asset_id, {}).setdefault(_group(placement), []).append(slug)
    (folder / "originals").mkdir(parents=True, exist_ok=True)

    def copy(key: str) -> None:
        with (folder / key).open("wb") as out:
            if not store.load(key, out):
                raise InvalidMedia([f"{key}: the original is missing from storage"])

    records = []
    for row in rows:
        await asyncio.to_thread(copy, row["original_key"])
        records.append({
            "key": row["original_key"],
            **{name: row[name] for name in DETAILS if not name.startswith("focal")},
            "focal_point": [row["focal_x"], row["focal_y"]],
            "shown_on": shown.get(row["id"], {}),
        })  # fmt: skip
    document = {"version": FORMAT_VERSION, "assets": records}
    (folder / INDEX).write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n")
    return len(records)


def _read_index(folder: Path) -> list[Any]:
    try:
        document = orjson.loads((folder / INDEX).read_bytes())
    except FileNotFoundError:
        raise InvalidMedia([f"{INDEX}: not found in {folder}"]) from None
    except orjson.JSONDecodeError as error:
        raise InvalidMedia([f"{INDEX}: is not valid JSON: {error}"]) from None
    if not isinstance(document, dict) or document.get("version") != FORMAT_VERSION:
        raise InvalidMedia([f"{INDEX}: must be an object with version {FORMAT_VERSION}"])
    records = document.get("assets")
    if not isinstance(records, list):
        raise InvalidMedia([f'{INDEX}: "assets" must be a list'])
    return records


def _check_record(
    raw: Any, where: str, folder: Path, media: MediaSettings, problems: list[str]
) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be an object")
        return None
    key = raw.get("key")
    if not isinstance(key, str) or not KEY.fullmatch(key):
        problems.append(f'{where}: "key" must be such as originals/<32 hex digits>.jpg')
        return None
    where = f"{where} ({key})"
    values: dict[str, Any] = {"original_key": key, "original_name": raw.get("original_name", "")}
    for name, limit in MAX_TEXT.items():
        text = raw.get(name, "")
        if not isinstance(text, str) or len(text) > limit:
            problems.append(f'{where}: "{name}" must be text of at most {limit} characters')
        values[name] = text
    point = raw.get("focal_point", [0.5, 0.5])
    if not (isinstance(point, list) and len(point) == 2
            and all(isinstance(v, (int, float)) and 0 <= v <= 1 for v in point)):  # fmt: skip
        problems.append(f'{where}: "focal_point" must be [x, y], each from 0 to 1')
        point = [0.5, 0.5]
    values["focal_x"], values["focal_y"] = float(point[0]), float(point[1])
    shown = raw.get("shown_on", {})
    if not isinstance(shown, dict) or not all(
        group in SHOWN_ON and isinstance(slugs, list) for group, slugs in shown.items()
    ):
        listed = ", ".join(SHOWN_ON)
        problems.append(f'{where}: "shown_on" must map {listed} to slug lists')
        shown = {}
    values["shown_on"] = shown
    path = folder / key
    if not path.is_file():
        problems.append(f"{where}: the file {key} is missing from the folder")
        return None
    try:
        inspected = inspect_image(path, media.max_pixels)
    except RefusedImage as refusal:
        problems.append(f"{where}: {refusal}")
        return None
    values.update(
        content_type=inspected.content_type, byte_size=path.stat().st_size,
        width=inspected.width, height=inspected.height,
        dominant_color=inspected.dominant_color, blurhash=inspected.blurhash,
    )  # fmt: skip
    return values


async def _owner_ids(
    records: list[dict[str, Any]], problems: list[str]
) -> dict[str, dict[str, int]]:
    ids: dict[str, dict[str, int]] = {}
    for placement in PLACEMENTS:
        group = _group(placement)
        wanted = {slug for r in records for slug in r["shown_on"].get(group, [])}
        found = dict(
            await placement.owner_model.filter(slug__in=sorted(wanted)).values_list("slug", "id")
        )
        ids[group] = found
        for record in records:
            for slug in record["shown_on"].get(group, []):
                if slug not in found:
                    problems.append(
                        f"{record['original_key']}: shown on {group} {slug!r}, which does not exist"
                    )
    return ids


async def import_media(pm: pluggy.PluginManager, settings: Settings, folder: Path) -> MediaReport:
    """Check the folder, then store its files and write its records: all or nothing."""
    media = MediaSettings.of(settings)
    store = storage(pm, settings)
    problems: list[str] = []
    records = []
    for number, raw in enumerate(_read_index(folder)):
        checked = await asyncio.to_thread(
            _check_record, raw, f"assets[{number}]", folder, media, problems
        )
        if checked is not None:
            records.append(checked)
    owners = await _owner_ids(records, problems)
    if problems:
        raise InvalidMedia(problems)
    existing = {
        row["original_key"]: row
        for row in await Asset.filter(original_key__in=[r["original_key"] for r in records]).values(
            "id", "original_key", *DETAILS
        )
    }
    new_keys = [r["original_key"] for r in records if r["original_key"] not in existing]

    def save(key: str, content_type: str) -> None:
        with (folder / key).open("rb") as source:
            store.save(key, source, content_type)

    report = MediaReport()
    saved: list[str] = []
    try:
        for record in records:
            if record["original_key"] in new_keys:
                await asyncio.to_thread(save, record["original_key"], record["content_type"])
                saved.append(record["original_key"])
        async with in_transaction():
            await _write(records, existing, owners, report)
    except BaseException:
        for key in saved:
            await asyncio.to_thread(store.delete, key)
        raise
    await dispatch_content_events(pm, report.events)
    return report


async def _write(
    records: list[dict[str, Any]],
    existing: Mapping[str, Mapping[str, Any]],
    owners: Mapping[str, Mapping[str, int]],
    report: MediaReport,
) -> None:
    for record in records:
        columns = {k: v for k, v in record.items() if k != "shown_on"}
        before = existing.get(record["original_key"])
        if before is None:
            asset_id = (await Asset.create(**columns)).id
            report.created += 1
        else:
            asset_id = before["id"]
            changed = {name: columns[name] for name in DETAILS if before[name] != columns[name]}
            if changed:
                await Asset.filter(id=asset_id).update(**changed)
                report.updated += 1
            else:
                report.unchanged += 1
        for placement in PLACEMENTS:
            for slug in record["shown_on"].get(_group(placement), []):
                owner_id = owners[_group(placement)][slug]
                links = placement.model.filter(**{placement.owner_id: owner_id})
                current: list[Any] = list(await links.values_list("asset_id", flat=True))
                if current == [asset_id]:
                    continue
                if current:
                    await links.update(asset_id=asset_id)
                else:
                    link = placement.model(**{placement.owner_id: owner_id, "asset_id": asset_id})
                    await link.save()
                report.events.append(ContentEvent(
                    placement.event, placement.type_name, owner_id, slug,
                    {placement.field: f"Image:{asset_id}"},
                ))  # fmt: skip
