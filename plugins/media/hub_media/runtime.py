"""The storage a hub uses, chosen once per plugin manager through the ``media_storage`` hook."""

from __future__ import annotations

import weakref
from typing import cast

import pluggy

from hub import PluginError, Settings
from hub_media.s3 import S3Storage
from hub_media.settings import MediaSettings
from hub_media.storage import FileStorage, MediaStorage

_chosen: weakref.WeakKeyDictionary[pluggy.PluginManager, MediaStorage] = weakref.WeakKeyDictionary()


def default_storage(settings: Settings) -> MediaStorage:
    media = MediaSettings.of(settings)
    if media.s3_bucket:
        return S3Storage.from_settings(media)
    return FileStorage(media.media_dir)


def storage(pm: pluggy.PluginManager, settings: Settings) -> MediaStorage:
    chosen = _chosen.get(pm)
    if chosen is None:
        answer = pm.hook.media_storage(settings=settings)
        if answer is None:
            raise PluginError("No plugin answered media_storage: is the media plugin loaded?")
        chosen = _chosen[pm] = cast(MediaStorage, answer)
    return chosen
