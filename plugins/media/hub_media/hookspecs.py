# mypy: disable-error-code="empty-body"
"""Hooks the media plugin publishes (through ``add_hookspecs``) for storage plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from hub import Settings
    from hub_media.storage import MediaStorage

hookspec = pluggy.HookspecMarker("hub")


@hookspec(firstresult=True)
def media_storage(settings: Settings) -> MediaStorage | None:
    """Where originals and renditions are kept: an object with ``save``, ``load``, ``delete``.

    ``save(key, source, content_type)`` writes a binary file object under ``key`` (replacing
    what was there), ``load(key, into)`` copies the object into a binary file object and returns
    ``False`` when there is none, ``delete(key)`` forgets it (no error when absent) and
    ``delete_all(prefix)`` every key under the folder ``prefix``. The methods are synchronous
    and called in a worker thread. The first answer that is not ``None`` wins;
    the media plugin's own answer comes last: S3 when ``HUB_MEDIA_S3_BUCKET`` is set, else
    files under ``HUB_DATA_DIR/media``. Mark the implementation ``@hookimpl(optionalhook=True)``
    so your plugin still loads without the media plugin.
    """
