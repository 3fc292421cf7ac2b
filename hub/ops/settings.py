"""The operations settings: who may read ``/metrics``, and the log format."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hub.settings import Setting, Settings

METRICS = "HUB_METRICS"
LOG_FORMAT = "HUB_LOG_FORMAT"

LOG_FORMATS = ("text", "json")


def _log_format(value: str) -> None:
    if value not in LOG_FORMATS:
        raise ValueError(f"must be one of {', '.join(LOG_FORMATS)}")


DECLARED: tuple[Setting[Any], ...] = (
    Setting(
        METRICS,
        str,
        "off",
        "Prometheus metrics at /metrics: off (not served), on (served to anyone), or a token "
        "that scrapers must send as `Authorization: Bearer <token>`.",
    ),
    Setting(
        LOG_FORMAT,
        str,
        "text",
        "Log lines as text, or json (one object a line: time, level, logger, message, ...).",
        _log_format,
    ),
)


@dataclass(frozen=True)
class MetricsAccess:
    """Whether ``/metrics`` is served, and the bearer token it asks for (``None``: anyone)."""

    enabled: bool
    token: str | None = None


def metrics_access(settings: Settings) -> MetricsAccess:
    # The default when undeclared: the schema alone is built from settings without plugins'.
    value = str(settings.extra.get(METRICS, "off")).strip()
    if value.lower() in {"", "off", "0", "false", "no"}:
        return MetricsAccess(enabled=False)
    if value.lower() in {"on", "1", "true", "yes"}:
        return MetricsAccess(enabled=True)
    return MetricsAccess(enabled=True, token=value)


def log_format_from(environ: Mapping[str, str]) -> str:
    """``HUB_LOG_FORMAT``, read before any app exists (the server configures logging first)."""
    setting = next(setting for setting in DECLARED if setting.name == LOG_FORMAT)
    value: str = setting.read(environ)
    return value
