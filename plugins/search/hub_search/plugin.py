"""The search plugin's entry point.

Most of what search adds depends on which types are searchable, which other plugins declare
through the ``register_searchable_types`` hook this plugin publishes. Asking that hook needs
the plugin manager, which only ``add_hookspecs`` receives; so this module publishes the hook
and registers a :class:`~hub_search.engine.SearchEngine` bound to that plugin manager, which
implements everything else. Each plugin manager (each app, each test) gets its own engine.
"""

from __future__ import annotations

import pluggy

from hub import hookimpl
from hub_search import hookspecs
from hub_search.engine import ENGINE_NAME, SearchEngine


@hookimpl
def add_hookspecs(plugin_manager: pluggy.PluginManager) -> None:
    plugin_manager.add_hookspecs(hookspecs)
    if plugin_manager.get_plugin(ENGINE_NAME) is None:
        plugin_manager.register(SearchEngine(plugin_manager), name=ENGINE_NAME)
