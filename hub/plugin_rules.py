"""The rules a plugin's settings and routes follow, checked when the hub starts.

A plugin's settings are named ``HUB_<PLUGIN>_...`` and its routes live under ``/<plugin>``,
so two plugins never read each other's variables or shadow each other's pages. Exceptions are
declared in :class:`~hub.plugin_info.PluginMetadata`. The core's plugins (``hub.*``) are exempt,
and a plugin's helper objects registered as ``<plugin>.<part>`` follow their plugin's rules.
"""

from __future__ import annotations

from typing import Any

import pluggy
from starlette.routing import BaseRoute

from hub.errors import PluginError
from hub.hookcalls import plugin_calls
from hub.plugin_info import PluginMetadata
from hub.plugins import DEFAULT_PLUGINS, declared_metadata
from hub.settings import SUPPORTED_TYPES, Setting


def owner(plugin: str) -> str:
    """The plugin a registered name belongs to: ``search.engine`` belongs to ``search``, and a
    module registered by its own name (``hub_search.plugin``, as tests do) to ``search``."""
    if plugin in DEFAULT_PLUGINS:
        return plugin
    base = plugin.partition(".")[0]
    return base.removeprefix("hub_") if "." in plugin else base


def _metadata(pm: pluggy.PluginManager) -> dict[str, PluginMetadata]:
    return {owner(name): meta for name, meta in declared_metadata(pm).items()}


def declared_settings(pm: pluggy.PluginManager) -> list[Setting[Any]]:
    """Every plugin's settings; a badly named or typed one stops start-up naming the plugin."""
    metadata = _metadata(pm)
    declared: list[Setting[Any]] = []
    for plugin, settings in plugin_calls(pm, "register_settings"):
        name = owner(plugin)
        shared = metadata.get(name, PluginMetadata()).shared_settings
        prefix = f"HUB_{name.upper()}_"
        for setting in settings:
            if not isinstance(setting, Setting):
                raise PluginError(
                    f"Plugin {plugin!r}: register_settings returned {setting!r}; "
                    "return hub.Setting(name, type, default, help) objects."
                )
            if setting.type not in SUPPORTED_TYPES:
                supported = ", ".join(kind.__name__ for kind in SUPPORTED_TYPES)
                raise PluginError(
                    f"Plugin {plugin!r} declares {setting.name} of type "
                    f"{getattr(setting.type, '__name__', setting.type)!r}; settings are one of "
                    f"{supported}."
                )
            if (
                name not in DEFAULT_PLUGINS
                and not setting.name.startswith(prefix)
                and setting.name not in shared
            ):
                raise PluginError(
                    f"Plugin {plugin!r} declares the setting {setting.name}: name it "
                    f"{prefix}..., or list it in PluginMetadata(shared_settings=...)."
                )
            declared.append(setting)
    return declared


def check_route_prefixes(pm: pluggy.PluginManager, routes: list[tuple[str, BaseRoute]]) -> None:
    """Each plugin's routes are under its own prefix, or one it declared."""
    metadata = _metadata(pm)
    for plugin, route in routes:
        name = owner(plugin)
        if name in DEFAULT_PLUGINS:
            continue
        path = str(getattr(route, "path", ""))
        prefixes = {f"/{name}", f"/{name.replace('_', '-')}"}
        prefixes.update(metadata.get(name, PluginMetadata()).route_prefixes)
        if not any(
            path == prefix or path.startswith(prefix.rstrip("/") + "/") for prefix in prefixes
        ):
            raise PluginError(
                f"Plugin {plugin!r} serves {path}, outside its prefix /{name}/: move it there, "
                "or declare the prefix in PluginMetadata(route_prefixes=...)."
            )
