"""Build throwaway plugins in tests, the way a third party writes them: functions in a module."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

from hub import hookimpl


def make_plugin(name: str, **hooks: Callable[..., Any]) -> types.ModuleType:
    """A module named ``name`` whose functions are hook implementations."""
    module = types.ModuleType(name)
    for hook_name, function in hooks.items():
        function.__name__ = hook_name
        setattr(module, hook_name, hookimpl(function))
    return module
