"""The language a query asks for, and the chain it falls back along.

``posts(language: "fr-CH")`` asks for Swiss French: what is not in ``fr-CH`` is served in
``fr``, then in the organisation's default language (``HUB_DEFAULT_LANGUAGE``, ``en`` unless
set), in which the objects' own fields are written. Tags are compared in their canonical case
(``pt-BR``, ``zh-Hant``, ``es-419``), whatever case a client sends.

The language is the operation's: the ``language`` argument of a list or lookup applies to every
translated field of its answer, nested objects included (a post's sections, a section's
people), because those are loaded in batches shared by the whole operation. Two different
``language`` arguments in one operation are refused with ``BAD_USER_INPUT``.
"""

from __future__ import annotations

from dataclasses import dataclass

from hub.content.validation import check_language_tag
from hub.errors import UserError
from hub.graphql.arguments import checked_argument
from hub.graphql.context import Context

#: Where the operation's language is kept (``Loaders.shared``): one per request.
_SHARED_KEY = "hub_language"


def canonical(tag: str) -> str:
    """``pt-br`` → ``pt-BR``, ``ZH-hant`` → ``zh-Hant``: BCP 47's canonical case."""
    # The tag check (langcodes) accepts ``fr_CH`` as ``fr-CH``: read it the same way here, or
    # it would match no chain.
    head, *rest = tag.strip().replace("_", "-").split("-")
    parts = [head.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())  # a region
        elif len(part) == 4 and part.isalpha():
            parts.append(part.capitalize())  # a script
        else:
            parts.append(part.lower())
    return "-".join(parts)


def narrower_to_wider(tag: str) -> tuple[str, ...]:
    """``zh-Hant-TW`` → ``(zh-Hant-TW, zh-Hant, zh)``: the tag, then each shorter prefix."""
    parts = canonical(tag).split("-")
    return tuple("-".join(parts[:end]) for end in range(len(parts), 0, -1))


def fallback_chain(tag: str, default: str) -> tuple[str, ...]:
    """The languages to try for ``tag``, best first, ending with the default language."""
    chain = narrower_to_wider(tag)
    default = canonical(default)
    return chain if default in chain else (*chain, default)


@dataclass
class OperationLanguage:
    """The language of one operation, set by the first ``language`` argument met."""

    argument: str | None = None
    chain: tuple[str, ...] = ()


def _state(context: Context) -> OperationLanguage:
    return context.loaders.shared(_SHARED_KEY, OperationLanguage)


def default_language(context: Context) -> str:
    return canonical(context.settings.default_language)


def ask_language(context: Context, language: str | None, argument: str = "language") -> None:
    """Make ``language`` (a list's or lookup's argument, checked) the operation's language."""
    if language is None:
        return
    checked_argument(argument, language, check_language_tag)
    state = _state(context)
    tag = canonical(language)
    if state.argument is not None and state.argument != tag:
        raise UserError(
            f"{argument}: this operation already asks for {state.argument!r}; one operation is "
            f"served in one language (send {tag!r} in an operation of its own)",
            argument=argument,
        )
    state.argument = tag
    state.chain = fallback_chain(tag, default_language(context))


def language_chain(context: Context) -> tuple[str, ...]:
    """The operation's fallback chain; empty when no language was asked for (the objects'
    own values are served)."""
    return _state(context).chain
