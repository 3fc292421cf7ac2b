"""The media plugin's hook implementations: everything it adds to the hub."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pluggy

from hub import Setting, Settings, hookimpl
from hub_media import hookspecs, settings
from hub_media.runtime import default_storage
from hub_media.storage import MediaStorage


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    plugin_manager.add_hookspecs(hookspecs)


@hookimpl
def register_settings() -> Sequence[Setting[Any]]:
    return settings.DECLARED


@hookimpl(trylast=True)
def media_storage(settings: Settings) -> MediaStorage:
    return default_storage(settings)
