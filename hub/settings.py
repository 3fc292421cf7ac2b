"""Settings read from the environment, with documented defaults.

Core settings are typed attributes of :class:`Settings`. Plugins declare theirs with
:class:`Setting` through the ``register_settings`` hook; their values live in ``Settings.extra``.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")


class SettingsError(ValueError):
    """A setting has a value that cannot be used; the message names the variable."""


def parse_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected a boolean (1/0, true/false, yes/no, on/off), got {raw!r}")


def parse_list(raw: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in raw.split(",") if item.strip())


_PARSERS: dict[Any, Callable[[str], Any]] = {
    bool: parse_bool,
    int: int,
    float: float,
    str: str,
    tuple: parse_list,
}

#: The types a :class:`Setting` may have.
SUPPORTED_TYPES: tuple[type, ...] = tuple(_PARSERS)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One environment variable a plugin (or the core) reads.

    ``type`` is one of ``str``, ``int``, ``float``, ``bool`` or ``tuple`` (a comma-separated list);
    ``validate`` may raise ``ValueError`` with a message for the user.
    """

    name: str
    type: type[T]
    default: T
    help: str
    validate: Callable[[T], None] | None = None

    def read(self, environ: Mapping[str, str]) -> T:
        raw = environ.get(self.name)
        if raw is None:
            return self.default
        parser = _PARSERS.get(self.type)
        if parser is None:
            raise SettingsError(f"{self.name}: unsupported setting type {self.type!r}")
        try:
            value: T = parser(raw)
            if self.validate is not None:
                self.validate(value)
        except ValueError as error:
            raise SettingsError(f"{self.name}={raw!r} is not valid: {error}") from None
        return value


def _positive(value: int) -> None:
    if value <= 0:
        raise ValueError("must be a positive whole number")


def _port(value: int) -> None:
    if not 0 < value < 65536:
        raise ValueError("must be between 1 and 65535")


def _database_url(value: str) -> None:
    if not value.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise ValueError("must start with sqlite:// or postgres://")


DEFAULT_MAX_QUERY_COST = 50_000
DEFAULT_MAX_RESPONSE_BYTES = 16 * 1_048_576


def _not_negative(value: float) -> None:
    if value < 0:
        raise ValueError("must be 0 or more (seconds)")


def _origins(values: tuple[str, ...]) -> None:
    # The CORS policy compares origins as browsers send them: anything else never matches.
    for origin in values:
        parts = urlsplit(origin)
        shape_ok = (
            parts.scheme in ("http", "https")
            and parts.hostname
            and not (parts.path or parts.query or parts.fragment or parts.username)
        )
        try:
            port = parts.port if shape_ok else None
        except ValueError:
            shape_ok = False
        if not shape_ok:
            raise ValueError(
                f"{origin!r} is not an origin: give scheme://host[:port] such as "
                "https://www.example.org (no path, not even a trailing slash)"
            )
        default_port = {"http": 80, "https": 443}[parts.scheme]
        exact = f"{parts.scheme}://{parts.hostname}" + (
            f":{port}" if port not in (None, default_port) else ""
        )
        if origin != exact:
            raise ValueError(f"{origin!r} is written differently by browsers: use {exact!r}")


def _redis_url(value: str) -> None:
    if value and not value.startswith(("redis://", "rediss://", "unix://")):
        raise ValueError("must be a Redis URL such as redis://127.0.0.1:6379/0")


EVENTS_TRANSPORTS = ("auto", "redis", "postgres", "off")


def _events_transport(value: str) -> None:
    if value not in EVENTS_TRANSPORTS:
        raise ValueError(f"must be one of {', '.join(EVENTS_TRANSPORTS)}")


def default_data_dir() -> Path:
    return Path(os.environ.get("HUB_DATA_DIR", "data"))


def _language_tag(value: str) -> None:
    from hub.content.validation import check_language_tag  # langcodes: only when set

    check_language_tag(value)


CORE_SETTINGS: tuple[Setting[Any], ...] = (
    Setting("HUB_DATA_DIR", str, "data", "Folder for the embedded SQLite database."),
    Setting(
        "HUB_DATABASE_URL",
        str,
        "",
        "Database URL: sqlite:///path/hub.sqlite3 or postgres://user@host:5432/db "
        "(default: a SQLite file in HUB_DATA_DIR).",
        _database_url,
    ),
    Setting(
        "HUB_SQLITE_BUSY_TIMEOUT",
        float,
        5.0,
        "Seconds a SQLite write waits for another process's write (an import) to finish "
        "before giving up with a 'database is busy, retry' error.",
        _not_negative,
    ),
    Setting("HUB_HOST", str, "127.0.0.1", "Address `hub serve` listens on."),
    Setting("HUB_PORT", int, 8000, "Port `hub serve` listens on.", _port),
    Setting(
        "HUB_DEBUG",
        bool,
        False,
        "Show unmasked errors and tracebacks, and each response's SQL statement count in "
        "X-Hub-SQL-Statements (never in production).",
    ),
    Setting(
        "HUB_PLUGINS_DISABLED", tuple, (), "Comma-separated plugin names not to load (e.g. search)."
    ),
    Setting("HUB_MAX_QUERY_DEPTH", int, 10, "Deepest selection a query may nest.", _positive),
    Setting("HUB_MAX_ALIASES", int, 15, "Most aliases one operation may use.", _positive),
    Setting("HUB_MAX_TOKENS", int, 2000, "Most lexical tokens one document may have.", _positive),
    Setting(
        "HUB_MAX_QUERY_COST",
        int,
        DEFAULT_MAX_QUERY_COST,
        "Highest cost of one operation (fields, times the items of the lists above them) for "
        "requests without a budget of their own: anonymous clients and staff tokens.",
        _positive,
    ),
    Setting("HUB_MAX_BODY_BYTES", int, 1_048_576, "Largest request body accepted.", _positive),
    Setting(
        "HUB_MAX_RESPONSE_BYTES",
        int,
        DEFAULT_MAX_RESPONSE_BYTES,
        "Largest GraphQL answer sent over HTTP; a larger one is replaced by an error.",
        _positive,
    ),
    Setting(
        "HUB_CORS_ORIGINS",
        tuple,
        (),
        "Comma-separated origins allowed by CORS (empty: none).",
        _origins,
    ),
    Setting(
        "HUB_CORS_PUBLIC_READS",
        bool,
        True,
        "Any web page may read public content: anonymous GETs and anonymous queries over POST "
        "answer Access-Control-Allow-Origin: * (requests with a token or cookies never do).",
    ),
    Setting("HUB_GRAPHIQL", bool, True, "Serve GraphiQL at /graphql to browsers."),
    Setting(
        "HUB_INTROSPECTION",
        bool,
        True,
        "Answer introspection (__schema, __type) and suggest names in validation errors "
        "(GraphiQL needs it).",
    ),
    Setting(
        "HUB_COMPILED_EXECUTION",
        bool,
        True,
        "Run query documents from a plan made once per document instead of graphql-core's "
        "field-by-field walk (the answers are the same; off for comparison).",
    ),
    Setting(
        "HUB_REDIS_URL",
        str,
        "",
        "Redis URL (redis://host:6379/0) shared by every server process: content events, "
        "and the plugins' shared state (rate limits, persisted queries, donation progress).",
        _redis_url,
    ),
    Setting(
        "HUB_EVENTS_TRANSPORT",
        str,
        "auto",
        "How content events reach the other processes: redis, postgres (LISTEN/NOTIFY), off, "
        "or auto (Redis when HUB_REDIS_URL is set, else PostgreSQL when the database is).",
        _events_transport,
    ),
    Setting(
        "HUB_DEFAULT_LANGUAGE",
        str,
        "en",
        "BCP 47 tag of the organisation's language: the one content is written in, and the "
        "last of every fallback chain (fr-CH, then fr, then this).",
        _language_tag,
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything the hub reads from its environment, resolved once at start-up."""

    data_dir: Path = Path("data")
    database_url: str = ""
    sqlite_busy_timeout: float = 5.0
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    plugins_disabled: tuple[str, ...] = ()
    max_query_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_query_cost: int = DEFAULT_MAX_QUERY_COST
    max_body_bytes: int = 1_048_576
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    cors_origins: tuple[str, ...] = ()
    cors_public_reads: bool = True
    graphiql: bool = True
    introspection: bool = True
    compiled_execution: bool = True
    redis_url: str = ""
    events_transport: str = "auto"
    default_language: str = "en"
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.database_url:
            url = f"sqlite://{Path(self.data_dir) / 'hub.sqlite3'}"
            object.__setattr__(self, "database_url", url)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        declared: Iterable[Setting[Any]] = (),
    ) -> Settings:
        """Read core settings and the plugin settings in ``declared`` from ``environ``."""
        env = os.environ if environ is None else environ
        core = {
            setting.name.removeprefix("HUB_").lower(): setting.read(env)
            for setting in CORE_SETTINGS
        }
        core["data_dir"] = Path(core["data_dir"])
        extra = {setting.name: setting.read(env) for setting in declared}
        return cls(**core, extra=extra)

    def with_plugin_settings(
        self, declared: Iterable[Setting[Any]], environ: Mapping[str, str] | None = None
    ) -> Settings:
        env = os.environ if environ is None else environ
        extra = dict(self.extra)
        for setting in declared:
            if setting.name not in extra:
                extra[setting.name] = setting.read(env)
        return replace(self, extra=extra)

    def get(self, name: str) -> Any:
        """The value of a plugin setting, by its environment variable name."""
        try:
            return self.extra[name]
        except KeyError:
            raise KeyError(f"setting {name} was not declared by any loaded plugin") from None

    def value(self, setting: Setting[T]) -> T:
        """The value of a plugin's declared setting, typed as its declaration:
        ``settings.value(GREETING)`` is a ``str`` when ``GREETING`` is a ``Setting[str]``."""
        value: T = self.get(setting.name)
        return value

    @property
    def shared_namespace(self) -> str:
        """Names this hub's channels and keys in a Redis that other hubs may share.

        The processes of one hub share its database, so its URL is what they have in common:
        give them the same ``HUB_DATABASE_URL``, written the same way.
        """
        return hashlib.sha256(self.database_url.encode()).hexdigest()[:16]

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite://")

    def describe(self) -> list[tuple[str, Any]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if f.name != "extra"]
