"""What plugins say stops a post from becoming public (``publication_problems``)."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from typing import Any

import pluggy

from hub.hookcalls import plugin_calls


async def publication_problems(
    pm: pluggy.PluginManager, posts: Sequence[Mapping[str, Any]]
) -> list[tuple[int, str, str]]:
    """Every plugin's ``(index, field, message)`` for ``posts``, in plugin order."""
    if not posts:
        return []
    found: list[tuple[int, str, str]] = []
    for _plugin, answer in plugin_calls(pm, "publication_problems", posts=posts):
        found.extend(await answer if inspect.isawaitable(answer) else answer)
    return found
