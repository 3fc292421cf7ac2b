"""GraphiQL in a real browser that cannot reach any other host.

Chromium resolves no name but 127.0.0.1 (as on an air-gapped intranet, or behind a CDN outage):
the page must load everything from the hub, under its own Content-Security-Policy, fetch the
schema, and run a query typed into the address. Needs Debian's chromium (see
``tests/browser.py``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from tests.browser import OFFLINE, browser, chromium
from tests.live_server import hub_environment, live_server, migrate

#: One Chromium at a time (`make test` runs on several workers): each takes a core and ~300 MB.
pytestmark = [pytest.mark.live, pytest.mark.xdist_group("chromium")]

QUERY = "{ __typename posts(first: 1) { totalCount } }"
SUBSCRIPTION = 'subscription { campaignProgress(slug: "no-such-campaign") { percent } }'

#: The editor is drawn and the schema arrived (the query editor knows the root type).
EDITOR_READY = """(() => {
  const editor = document.querySelector('.graphiql-container .graphiql-query-editor .CodeMirror');
  const run = document.querySelector('.graphiql-execute-button');
  return Boolean(editor && run && !run.disabled);
})()"""

RUN_QUERY = "document.querySelector('.graphiql-execute-button').click()"

RESPONSE = """(() => {
  const response = document.querySelector('.graphiql-response .CodeMirror');
  return response ? response.CodeMirror.getValue() : '';
})()"""

QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror"

INSPECT = f"""(() => ({{
  query: {QUERY_EDITOR}.getValue(),
  editorTabs: [...document.querySelectorAll('.graphiql-editor-tools button')]
    .map((button) => button.textContent.trim()).filter(Boolean),
  explorer: Boolean(document.querySelector('[aria-label="Show GraphiQL Explorer"]')),
  violations: window.hubViolations,
}}))()"""

OPEN_SETTINGS = """(() => {
  document.querySelector('[aria-label="Open settings dialog"]').click();
})()"""
SETTINGS_SHOWN = "Boolean(document.querySelector('[role=dialog]'))"


def test_graphiql_runs_a_query_offline_with_nothing_from_another_host(tmp_path: Path) -> None:
    chromium()
    data_dir = tmp_path / "hub"
    data_dir.mkdir()
    migrate(hub_environment(data_dir))
    with live_server(data_dir) as server, browser(OFFLINE) as tools:
        tools.send("Page.navigate", url=f"{server.graphql_url}?q={quote(QUERY)}")
        tools.wait_for(EDITOR_READY)
        seen = tools.evaluate(INSPECT)
        tools.evaluate(RUN_QUERY)
        tools.wait_for(f"{RESPONSE}.includes('totalCount')")
        response = tools.evaluate(RESPONSE)
        # A subscription, over a WebSocket to the hub (graphql-transport-ws).
        tools.send("Page.navigate", url=f"{server.graphql_url}?q={quote(SUBSCRIPTION)}")
        tools.wait_for(EDITOR_READY)
        tools.evaluate(RUN_QUERY)
        tools.wait_for(f"{RESPONSE}.includes('no-such-campaign')")
        subscription_response = tools.evaluate(RESPONSE)
        tools.evaluate(OPEN_SETTINGS)
        tools.wait_for(SETTINGS_SHOWN)
        violations = tools.evaluate("window.hubViolations")
        requested = [
            event["params"]["request"]["url"]
            for event in tools.events
            if event["method"] == "Network.requestWillBeSent"
        ]
        failed = [
            event["params"] for event in tools.events if event["method"] == "Network.loadingFailed"
        ]
        handshakes = [
            event["params"]["response"]
            for event in tools.events
            if event["method"] == "Network.webSocketHandshakeResponseReceived"
        ]
    assert seen["query"] == QUERY
    assert seen["editorTabs"][:2] == ["Variables", "Headers"]
    assert seen["explorer"] is True
    assert '"__typename": "Query"' in response
    assert '"totalCount": 0' in response
    assert "No campaign has the slug 'no-such-campaign'." in subscription_response
    assert [
        (answer["status"], answer["headers"]["Sec-WebSocket-Protocol"]) for answer in handshakes
    ] == [(101, "graphql-transport-ws")]
    assert seen["violations"] == []
    # GraphiQL's dialogs add an inline <style> to lock the page's scrolling; the policy refuses
    # it, with no visible effect (the page never scrolls), and that is the only thing refused.
    assert violations == ["style-src-elem inline"]
    hub = urlsplit(server.base_url)
    elsewhere = [
        url
        for url in requested
        if not url.startswith("data:") and urlsplit(url).netloc != hub.netloc
    ]
    assert elsewhere == []
    assert failed == []
    # The page twice, its 8 files (the second time from the browser's cache), the schema's
    # introspection and the query.
    assert len([url for url in requested if "/graphiql/" in url]) == 16
    assert len([url for url in requested if urlsplit(url).path == "/graphql"]) >= 4
