"""Calling hooks through pluggy so that every answer, and every failure, names its plugin.

``pm.hook.X(**kwargs)`` returns a flat list of answers: the host cannot say which plugin gave
which (a collision message needs both names), and a failure surfaces as a bare traceback. Here
each plugin's implementation is called through ``pm.subset_hook_caller``: still pluggy's call,
so argument selection, ``tryfirst``/``trylast``, wrappers (``wrapper=True``, kept around every
call), tracing and hook-call monitoring behave as they do for ``pm.hook.X``. Answers come in
registration order (the core's first), except that ``tryfirst`` implementations come before
the others and ``trylast`` ones after them.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pluggy

from hub.errors import PluginError

logger = logging.getLogger("hub.plugins")


def _call_order(hook: pluggy.HookCaller) -> list[pluggy.HookImpl]:
    # get_hookimpls() is pluggy's own order: trylast, plain, tryfirst, each in registration
    # order (pluggy calls it from the end). Answers read best in registration order.
    plain = [impl for impl in hook.get_hookimpls() if not (impl.wrapper or impl.hookwrapper)]
    first = [impl for impl in plain if impl.tryfirst]
    last = [impl for impl in plain if impl.trylast]
    middle = [impl for impl in plain if not (impl.tryfirst or impl.trylast)]
    return first + middle + last


def _caller_for(
    pm: pluggy.PluginManager, hook_name: str, impl: pluggy.HookImpl, others: Sequence[object]
) -> Any:
    hook: pluggy.HookCaller = getattr(pm.hook, hook_name)
    wrappers = {
        id(other.plugin) for other in hook.get_hookimpls() if other.wrapper or other.hookwrapper
    }
    remove = [
        plugin for plugin in others if plugin is not impl.plugin and id(plugin) not in wrappers
    ]
    return pm.subset_hook_caller(hook_name, remove_plugins=remove)


def implementations(pm: pluggy.PluginManager, hook_name: str) -> list[pluggy.HookImpl]:
    """The plugins implementing ``hook_name``, in the order their answers are read."""
    return _call_order(getattr(pm.hook, hook_name))


def call_plugin(
    pm: pluggy.PluginManager, hook_name: str, impl: pluggy.HookImpl, **kwargs: Any
) -> Any:
    """Call one plugin's implementation of ``hook_name`` through pluggy; its answer or None.

    An exception is re-raised as a :class:`PluginError` naming the plugin and the hook.
    """
    hook: pluggy.HookCaller = getattr(pm.hook, hook_name)
    caller = _caller_for(pm, hook_name, impl, list(pm.get_plugins()))
    try:
        answers = caller(**kwargs)
    except PluginError:
        raise
    except Exception as error:
        raise PluginError(
            f"Plugin {impl.plugin_name!r} failed in hook {hook_name}: "
            f"{type(error).__name__}: {error}"
        ) from error
    # A firstresult hook answers with the value itself.
    answer = (answers[0] if answers else None) if isinstance(answers, list) else answers
    if answer is not None and hook.spec is not None:
        check_answer(
            impl.plugin_name,
            hook_name,
            str(hook.spec.function.__annotations__.get("return")),
            answer,
        )
    return answer


def _described(value: object) -> str:
    if isinstance(value, type):
        return f"the class {value.__qualname__}"
    return f"{type(value).__name__} {value!r:.60}"


def check_answer(plugin: str, hook_name: str, returns: str, answer: object) -> None:
    """The answer has the shape the hookspec's return annotation promises, or a
    :class:`PluginError` says what was wrong (a class instead of a list, an instance where a
    class belongs)."""
    where = f"Plugin {plugin!r}: {hook_name}"
    classes: list[object] = []
    if returns.startswith("Sequence["):
        if isinstance(answer, (str, bytes)) or not isinstance(answer, (list, tuple)):
            raise PluginError(f"{where} must return a list, got {_described(answer)}.")
        if returns == "Sequence[type]":
            classes = list(answer)
    elif returns.startswith("Mapping["):
        if not isinstance(answer, Mapping):
            raise PluginError(f"{where} must return a dict, got {_described(answer)}.")
        if returns.endswith("Sequence[type]]"):
            for key, values in answer.items():
                if not isinstance(values, (list, tuple)):
                    raise PluginError(
                        f"{where} must map {key!r} to a list, got {_described(values)}."
                    )
                classes.extend(values)
    for item in classes:
        if not isinstance(item, type):
            raise PluginError(
                f"{where} returned an instance of {type(item).__qualname__} where a class "
                f"belongs: return {type(item).__qualname__}, not {type(item).__qualname__}()."
            )


def plugin_calls(
    pm: pluggy.PluginManager, hook_name: str, **kwargs: Any
) -> Iterator[tuple[str, Any]]:
    """Call ``hook_name`` on each plugin, yielding (plugin name, answer) for answers not None.

    An exception is re-raised as a :class:`PluginError` naming the plugin and the hook.
    """
    for impl in implementations(pm, hook_name):
        answer = call_plugin(pm, hook_name, impl, **kwargs)
        if answer is not None:
            yield impl.plugin_name, answer


async def call_each_async(
    pm: pluggy.PluginManager, hook_name: str, *, isolate: bool = False, **kwargs: Any
) -> list[str]:
    """Call ``hook_name`` on every plugin, awaiting the answers that are awaitable.

    Returns the names of the plugins that were called. A failure, sync or async, is a
    :class:`PluginError` naming the plugin; with ``isolate=True`` it is logged instead, with the
    plugin's name, and the other plugins are still called (for work already committed).
    """
    called = []
    for impl in implementations(pm, hook_name):
        try:
            answer = call_plugin(pm, hook_name, impl, **kwargs)
            if inspect.isawaitable(answer):
                try:
                    await answer
                except Exception as error:
                    raise PluginError(
                        f"Plugin {impl.plugin_name!r} failed in hook {hook_name}: "
                        f"{type(error).__name__}: {error}"
                    ) from error
        except PluginError:
            if not isolate:
                raise
            logger.exception("plugin %r failed in hook %s", impl.plugin_name, hook_name)
            continue
        called.append(impl.plugin_name)
    return called
