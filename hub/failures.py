"""Why a command failed, in one line for the person who ran it: the problem and the fix.

``hub``'s ``main`` passes every exception a command lets out through :func:`reason_for`; what it
recognises is printed as ``error: ...`` with a non-zero exit code, anything else is a bug and
keeps its traceback. Commands (the core's and plugins') raise :class:`hub.CommandError` for
problems of their own instead of printing and exiting themselves.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from tortoise.exceptions import OperationalError

from hub.errors import CommandError, PluginError
from hub.settings import Settings, SettingsError
from hub.sqlite import is_busy

#: Exit codes: a setting or a plugin that cannot be used; anything else the user can fix.
CONFIGURATION_EXIT_CODE = 2
COMMAND_EXIT_CODE = 1


def reason_for(error: BaseException) -> tuple[str, int] | None:
    """The one-line message and exit code for ``error``, or ``None`` when it is a bug."""
    if isinstance(error, (SettingsError, PluginError)):
        return str(error), CONFIGURATION_EXIT_CODE
    if isinstance(error, CommandError):
        return str(error), COMMAND_EXIT_CODE
    if isinstance(error, OperationalError) and is_busy(error):
        return busy_reason(), COMMAND_EXIT_CODE
    return None


def busy_reason() -> str:
    try:
        waited = f"{Settings.from_env().sqlite_busy_timeout:g} s"
    except SettingsError:
        waited = "the busy timeout"
    return (
        f"the database is busy: another process (a server or another command) kept writing for "
        f"longer than {waited} (HUB_SQLITE_BUSY_TIMEOUT); nothing was changed. Run the command "
        "again when that write is done, or raise HUB_SQLITE_BUSY_TIMEOUT."
    )


def without_password(url: str) -> str:
    """``url`` as it can be shown: the password, if any, replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def root_cause(error: BaseException) -> BaseException:
    """The innermost exception of ``error``'s chain (the driver's, not the ORM's wrapper)."""
    seen = {id(error)}
    while (cause := error.__cause__ or error.__context__) is not None and id(cause) not in seen:
        seen.add(id(cause))
        error = cause
    return error


def describe(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


class DatabaseUnavailable(CommandError):
    """The database cannot be opened: the message names it, the driver's reason and the fix."""

    @classmethod
    def from_error(cls, url: str, error: BaseException) -> DatabaseUnavailable:
        cause = root_cause(error)
        if url.startswith("sqlite://"):
            fix = "HUB_DATA_DIR (or HUB_DATABASE_URL) must name a folder this user can write to"
        elif type(cause).__name__ == "InvalidCatalogNameError":
            name = urlsplit(url).path.lstrip("/")
            fix = f"create it (`createdb {name}`) or point HUB_DATABASE_URL at one that exists"
        else:
            fix = "check HUB_DATABASE_URL and that the server is running and accepts this user"
        return cls(f"cannot open the database {without_password(url)}: {describe(cause)}; {fix}")
