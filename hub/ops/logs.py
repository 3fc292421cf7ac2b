"""Log lines as text or JSON, without the probes' and scrapers' access lines.

``hub serve`` hands :func:`logging_config` to uvicorn; under another server, name
``hub.ops.logs.JSONFormatter`` and ``hub.ops.logs.QuietProbes`` in its logging config.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import orjson

#: Requested every few seconds by orchestrators and scrapers: their access lines are noise.
QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})

#: What every ``LogRecord`` has; anything else was passed with ``extra=`` and is kept.
_RECORD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", None, None)).keys() | {"message", "asctime"}
)


class QuietProbes(logging.Filter):
    """Drops uvicorn's access lines for the probe and metrics paths."""

    def filter(self, record: logging.LogRecord) -> bool:
        # uvicorn.access: (client address, method, path with query, HTTP version, status)
        args = record.args
        if isinstance(args, tuple) and len(args) == 5:
            path = str(args[2]).partition("?")[0]
            return path not in QUIET_PATHS
        return True


class JSONFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, then ``extra=`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _RECORD_ATTRIBUTES and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return orjson.dumps(entry, default=str).decode()


def logging_config(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` for the hub and uvicorn, in ``log_format``."""
    if log_format == "json":
        formatters: dict[str, Any] = {"default": {"()": JSONFormatter}}
        access = "default"
    else:
        formatters = {
            "default": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(levelprefix)s %(name)s: %(message)s",
            },
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '%(levelprefix)s %(client_addr)s - "%(request_line)s" %(status_code)s',
            },
        }
        access = "access"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"quiet_probes": {"()": QuietProbes}},
        "formatters": formatters,
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            },
            "access": {
                "class": "logging.StreamHandler",
                "formatter": access,
                "filters": ["quiet_probes"],
                "stream": "ext://sys.stdout",
            },
        },
        "loggers": {
            "": {"handlers": ["default"], "level": level},
            "uvicorn": {"level": level},
            "uvicorn.error": {"level": level},
            "uvicorn.access": {"handlers": ["access"], "level": level, "propagate": False},
        },
    }
