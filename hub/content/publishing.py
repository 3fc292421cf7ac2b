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


async def new_publication_problems(
    pm: pluggy.PluginManager, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """``(field, message)`` for what stops ``after`` from being public that did not stop
    ``before``: an edit of a public post may not bring in a problem (a body image without alt
    text), while one it had already (from before a plugin's rule) does not block other edits.
    One call for both rows, so a plugin reads the database once."""
    found = await publication_problems(pm, [before, after])
    had = {(field, message) for index, field, message in found if index == 0}
    return [
        (field, message)
        for index, field, message in found
        if index == 1 and (field, message) not in had
    ]
