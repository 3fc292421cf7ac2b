"""The plugin manager: hookspecs, the default (core) plugins and plugins from entry points."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from typing import Any

import pluggy

from hub import hookspecs
from hub.errors import PluginError
from hub.settings import SettingsError

PROJECT_NAME = "hub"
ENTRY_POINT_GROUP = "hub.plugins"

#: Core features, registered exactly like third-party plugins (the way Datasette does it).
DEFAULT_PLUGINS: tuple[str, ...] = (
    "hub.graphql.defaults",
    "hub.content.plugin",
    # Before access control: its middleware answers probes and scrapers ahead of every other.
    "hub.ops.plugin",
    "hub.access.plugin",
)


@dataclass(frozen=True)
class PluginInfo:
    name: str
    version: str | None
    module: str
    hooks: tuple[str, ...]
    is_default: bool


def get_plugin_manager(
    disabled: Iterable[str] = (),
    extra_plugins: Iterable[object] = (),
    load_entry_points: bool = True,
) -> pluggy.PluginManager:
    """A fresh plugin manager: no global state, so tests and apps never share plugins.

    ``extra_plugins`` are registered after the defaults (tests and embedders use it).
    """
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(hookspecs)
    # Historic: every plugin, whenever it registers, may publish hookspecs of its own.
    pm.hook.add_hookspecs.call_historic(kwargs={"plugin_manager": pm})
    disabled = set(disabled)
    for name in disabled:
        pm.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        pm.register(importlib.import_module(module_name), name=module_name)
    if load_entry_points:
        _load_entry_points(pm, disabled)
    known = {*DEFAULT_PLUGINS, *(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))}
    for plugin in extra_plugins:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        known.add(name)
        if name not in disabled:
            _register(pm, plugin, name)
    _check_disabled_exist(disabled, known)
    _check_implementations(pm)
    return pm


def _check_disabled_exist(disabled: set[str], known: set[str]) -> None:
    """A misspelt name would leave the plugin running while its owner thinks it is off."""
    unknown = sorted(disabled - known)
    if unknown:
        raise SettingsError(
            f"HUB_PLUGINS_DISABLED names {', '.join(map(repr, unknown))}, which "
            f"{'is not a plugin' if len(unknown) == 1 else 'are not plugins'}; the plugins are: "
            f"{', '.join(sorted(known))}"
        )


def _load_entry_points(pm: pluggy.PluginManager, disabled: set[str]) -> None:
    # Sorted by name: the schema's field order, and so the published SDL, must not depend on
    # the order in which the installer happened to record distributions.
    entry_points = sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name)
    for entry_point in entry_points:
        if entry_point.name in disabled or pm.get_plugin(entry_point.name) is not None:
            continue
        try:
            plugin = entry_point.load()
        except Exception as error:
            raise PluginError(
                f"Plugin {entry_point.name!r} ({entry_point.value}) could not be imported: "
                f"{type(error).__name__}: {error}"
            ) from error
        _register(pm, plugin, entry_point.name)


def _register(pm: pluggy.PluginManager, plugin: object, name: str) -> None:
    try:
        pm.register(plugin, name=name)
    except pluggy.PluginValidationError as error:
        raise PluginError(f"Plugin {name!r} is not valid: {_one_line(error)}") from None


def _check_implementations(pm: pluggy.PluginManager) -> None:
    """A misspelt hook name would otherwise be silently ignored: fail loudly instead."""
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as error:
        name = pm.get_name(error.plugin) or repr(error.plugin)
        raise PluginError(f"Plugin {name!r} is not valid: {_one_line(error)}") from None


def _one_line(error: Exception) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def iter_results(
    pm: pluggy.PluginManager, hook_name: str, **kwargs: Any
) -> Iterator[tuple[str, Any]]:
    """Call ``hook_name`` on each plugin in registration order, yielding (plugin name, result).

    Unlike ``pm.hook.X()``, a failure names the plugin that raised it.
    """
    hook = getattr(pm.hook, hook_name)
    for impl in hook.get_hookimpls():  # registration order: core first, then plugins
        args = [kwargs[arg] for arg in impl.argnames]
        try:
            result = impl.function(*args)
        except PluginError:
            raise
        except Exception as error:
            raise PluginError(
                f"Plugin {impl.plugin_name!r} failed in hook {hook_name}: "
                f"{type(error).__name__}: {error}"
            ) from error
        if result is not None:
            yield impl.plugin_name, result


async def call_each_async(pm: pluggy.PluginManager, hook_name: str, **kwargs: Any) -> list[str]:
    """Call ``hook_name`` on every plugin, awaiting the answers that are awaitable.

    Returns the names of the plugins that were called; a failure, sync or async, is a
    :class:`PluginError` naming the plugin.
    """
    called = []
    for plugin, result in iter_results(pm, hook_name, **kwargs):
        if inspect.isawaitable(result):
            try:
                await result
            except Exception as error:
                raise PluginError(
                    f"Plugin {plugin!r} failed in hook {hook_name}: {type(error).__name__}: {error}"
                ) from error
        called.append(plugin)
    return called


def describe_plugins(pm: pluggy.PluginManager) -> list[PluginInfo]:
    versions = {
        entry_point.name: entry_point.dist.version
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP)
        if entry_point.dist is not None
    }
    core_version = metadata.version("hub")
    infos = []
    for plugin in pm.get_plugins():
        name = pm.get_name(plugin) or repr(plugin)
        hooks = tuple(sorted(caller.name for caller in pm.get_hookcallers(plugin) or []))
        module = getattr(plugin, "__name__", type(plugin).__module__)
        infos.append(
            PluginInfo(
                name=name,
                version=core_version if name in DEFAULT_PLUGINS else versions.get(name),
                module=module,
                hooks=hooks,
                is_default=name in DEFAULT_PLUGINS,
            )
        )
    return infos
