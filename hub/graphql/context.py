"""The per-request context every resolver receives as ``info.context``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info as StrawberryInfo

if TYPE_CHECKING:
    import pluggy
    from starlette.requests import Request
    from starlette.responses import Response

    from hub.settings import Settings


class Actor(Protocol):
    """Who is asking. The access-control plugin provides real actors; anonymous is ``None``."""

    def has_scope(self, scope: str) -> bool: ...


T = TypeVar("T")

LoaderFactory = Callable[["Context"], DataLoader[Any, Any]]


class Loaders:
    """The request's DataLoaders, created on first use from every plugin's factories.

    One instance per request, so batching and caching never leak between requests or users.
    """

    def __init__(self, factories: Mapping[str, LoaderFactory], context: Context) -> None:
        self._factories = factories
        self._context = context
        self._loaders: dict[str, DataLoader[Any, Any]] = {}
        self._shared: dict[str, Any] = {}

    def __getitem__(self, name: str) -> DataLoader[Any, Any]:
        loader = self._loaders.get(name)
        if loader is None:
            try:
                factory = self._factories[name]
            except KeyError:
                raise KeyError(f"no plugin registered a DataLoader named {name!r}") from None
            loader = self._loaders[name] = factory(self._context)
        return loader

    def clear(self) -> None:
        """Drop every loader and what it cached; later uses start afresh.

        The view calls it once a request's response is sent. The context and its loaders refer
        to each other, so without it a page's loaders, futures and objects (~270 of them for a
        front page) would wait for the garbage collector instead of going at once.
        """
        self._loaders.clear()
        self._shared.clear()

    def shared(self, name: str, make: Callable[[], T]) -> T:
        """The request's object named ``name``, made on first use, for loaders to share.

        Loaders whose batch functions read one statement together (a
        :class:`hub.graphql.combined.CombinedCalls`) meet here. Name it after your plugin.
        """
        if name not in self._shared:
            self._shared[name] = make()
        value: T = self._shared[name]
        return value


@dataclass
class Context:
    """What every resolver gets as ``info.context``: settings, plugins, actor, loaders."""

    settings: Settings
    plugin_manager: pluggy.PluginManager
    loader_factories: Mapping[str, LoaderFactory]
    request: Request | None = None
    response: Response | None = None
    actor: Actor | None = None
    #: The moment the request started: every visibility check in one request uses the same "now".
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.loader_factories, self)

    def has_scope(self, scope: str) -> bool:
        return self.actor is not None and self.actor.has_scope(scope)

    @property
    def can_read_drafts(self) -> bool:
        return self.has_scope("content:read-drafts")


Info = StrawberryInfo[Context, None]
