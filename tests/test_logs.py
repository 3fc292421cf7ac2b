"""`hub serve` logs: JSON lines with HUB_LOG_FORMAT=json, and no access lines for probes."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from hub.ops.logs import JSONFormatter, QuietProbes
from hub.ops.settings import log_format_from
from hub.settings import SettingsError
from tests.live_server import live_server


@pytest.mark.live
def test_served_hub_logs_json_lines_without_probe_noise(tmp_path: Path) -> None:
    settings = {"HUB_LOG_FORMAT": "json", "HUB_METRICS": "on"}
    with live_server(tmp_path / "hub", settings) as server:
        for _ in range(3):
            assert httpx.get(f"{server.base_url}/healthz").status_code == 200
        ready = httpx.get(f"{server.base_url}/readyz")
        assert ready.status_code == 200, ready.text  # `hub migrate` ran: every plugin's tables
        assert httpx.get(f"{server.base_url}/metrics").status_code == 200
        assert httpx.get(f"{server.graphql_url}?query=%7B__typename%7D").status_code == 200
    lines = [line for line in server.log().splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert {"time", "level", "logger", "message"} <= set(entries[0])
    access = [entry["message"] for entry in entries if entry["logger"] == "uvicorn.access"]
    assert any("/graphql?query=" in message for message in access)
    assert not [m for m in access if "/healthz" in m or "/readyz" in m or "/metrics" in m]


def test_json_lines_carry_extra_fields_and_exceptions() -> None:
    logger = logging.getLogger("hub.test_logs")
    try:
        raise ValueError("broken")
    except ValueError as error:
        record = logger.makeRecord(
            "hub.test_logs", logging.ERROR, __file__, 1, "failed %s", ("twice",),
            (type(error), error, error.__traceback__), extra={"delivery_id": 7},
        )  # fmt: skip
    entry = json.loads(JSONFormatter().format(record))
    assert entry["message"] == "failed twice"
    assert entry["level"] == "error"
    assert entry["delivery_id"] == 7
    assert "ValueError: broken" in entry["exception"]


def test_probe_access_lines_are_dropped_and_others_kept() -> None:
    def access_line(path: str) -> logging.LogRecord:
        args = ("127.0.0.1:5000", "GET", path, "1.1", 200)
        return logging.LogRecord("uvicorn.access", 20, "", 0, '%s - "%s %s HTTP/%s" %d', args, None)

    quiet = QuietProbes()
    assert not quiet.filter(access_line("/healthz"))
    assert not quiet.filter(access_line("/metrics?x=1"))
    assert quiet.filter(access_line("/graphql"))


def test_an_unknown_log_format_is_named() -> None:
    with pytest.raises(SettingsError, match="HUB_LOG_FORMAT='xml'"):
        log_format_from({"HUB_LOG_FORMAT": "xml"})
