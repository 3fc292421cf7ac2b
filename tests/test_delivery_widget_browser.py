"""The ``<hub-posts>`` widget in a real browser, on a partner page of another origin.

The partner page (``http://localhost:<port>``) is hostile on purpose: its stylesheet hides
and recolours every list item and link, and its Content-Security-Policy allows scripts and
fetches from the hub's origin only (``http://127.0.0.1:<port>``), and styles from itself only.
Headless Chromium is driven over the DevTools protocol, so the test reads the shadow DOM,
computed styles, focus and the network requests the widget made.

Needs Debian's chromium (``.ci/install-chromium`` installs it); without it the test is
skipped, and fails instead when ``HUB_TEST_CHROMIUM=required``.
"""

from __future__ import annotations

import json
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from hub_delivery.widget import OPERATION_HASH, OPERATION_NAME

from tests.browser import browser, chromium
from tests.live_server import HUB_CLI, hub_environment, live_server, migrate

#: One Chromium at a time (`make test` runs on several workers): each takes a core and ~300 MB.
pytestmark = [pytest.mark.live, pytest.mark.xdist_group("chromium")]

DEMO_TIMEOUT = 120.0
POST_URL = "https://example.org/news/{slug}"
LIMIT = 4

PARTNER_CSS = """
li, a, p, article, time { color: rgb(255, 0, 0) !important; display: none !important; }
body { color: rgb(255, 0, 0); font-family: serif; }
.partner-note { text-decoration: none; margin: 7px; }
"""

PARTNER_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>A partner's page</title>
<link rel="stylesheet" href="/partner.css">
<script src="{hub}/embed/hub-posts.js" defer></script>
</head>
<body>
<p class="partner-note">Our partner's latest news:</p>
<hub-posts theme="{theme}" limit="{limit}" label="News from the hub"></hub-posts>
<hub-posts id="misconfigured" limit="50"></hub-posts>
<hub-posts id="misconfigured-fr" lang="fr-CH" limit="50"></hub-posts>
<hub-posts id="misconfigured-de" lang="de" theme="Not A Slug"></hub-posts>
<hub-posts id="misconfigured-ja" lang="ja" limit="50"></hub-posts>
<ul class="partner-list"><li>Partner item</li></ul>
</body>
</html>
"""

#: Everything the page learns about the widgets, read in one evaluation.
INSPECT = """(() => {
  const widget = document.querySelector('hub-posts');
  const root = widget.shadowRoot;
  const region = root.querySelector('section');
  const style = (element) => {
    const computed = getComputedStyle(element);
    return {display: computed.display, color: computed.color,
            decoration: computed.textDecorationLine, margin: computed.marginTop};
  };
  const alert = document.querySelector('#misconfigured').shadowRoot.querySelector('[role=alert]');
  return {
    titles: [...root.querySelectorAll('article a')].map((a) => a.textContent),
    hrefs: [...root.querySelectorAll('article a')].map((a) => a.href),
    datetimes: [...root.querySelectorAll('article time')].map((t) => t.getAttribute('datetime')),
    labelled: [...root.querySelectorAll('article')].every(
      (a) => root.getElementById(a.getAttribute('aria-labelledby'))?.textContent.length > 0),
    items: root.querySelectorAll('ul > li > article').length,
    regionLabel: region.getAttribute('aria-label'),
    regionBusy: region.getAttribute('aria-busy'),
    itemStyle: style(root.querySelector('li')),
    linkStyle: style(root.querySelector('article a')),
    regionColor: getComputedStyle(region).color,
    partnerNote: style(document.querySelector('.partner-note')),
    partnerItem: style(document.querySelector('.partner-list li')),
    documentStyles: document.styleSheets.length,
    alert: alert ? alert.textContent : null,
    // The widget's own messages in its lang (fr-CH reads French), English where none ships.
    messages: Object.fromEntries([...document.querySelectorAll('hub-posts[id^=misconfigured-]')]
      .map((w) => w.shadowRoot.querySelector('[role=alert]'))
      .map((p, n) => [['fr', 'de', 'ja'][n], [p.lang, p.textContent]])),
    violations: window.hubViolations,
  };
})()"""

READY = """(() => {
  const regions = [...document.querySelectorAll('hub-posts')]
    .map((w) => w.shadowRoot && w.shadowRoot.querySelector('section'));
  return regions.length > 0 && regions.every((r) => r && r.getAttribute('aria-busy') === 'false');
})()"""

FOCUSED = """(() => {
  const active = document.activeElement;
  const inner = active && active.shadowRoot ? active.shadowRoot.activeElement : null;
  return {host: active ? active.localName : null,
          inner: inner ? inner.localName : null, text: inner ? inner.textContent : null};
})()"""

EMBED_PAGE = """(() => {
  const root = document.querySelector('hub-posts').shadowRoot;
  return {titles: [...root.querySelectorAll('article a')].map((a) => a.textContent),
          listLang: root.querySelector('ul').lang,
          articleLangs: [...root.querySelectorAll('article')].map((a) => a.lang),
          linkColor: getComputedStyle(root.querySelector('article a')).color,
          label: root.querySelector('section').getAttribute('aria-label'),
          violations: window.hubViolations};
})()"""

EMPTY_PAGE = """(() => {
  const region = document.querySelector('hub-posts').shadowRoot.querySelector('section');
  const message = region.querySelector('p');
  return [region.getAttribute('aria-label'), message.lang, message.textContent];
})()"""

WIDGETS = """[...document.querySelectorAll('hub-posts')].map((w) =>
  w.shadowRoot ? w.shadowRoot.innerHTML : 'no shadow root').concat(window.hubViolations)"""


class PartnerSite:
    """The partner's page on ``http://localhost:<port>``: another origin than the hub's."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.policy = "default-src 'none'"
        site = self

        class Handler(SimpleHTTPRequestHandler):
            def end_headers(self) -> None:
                self.send_header("Content-Security-Policy", site.policy)
                super().end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=str(folder)))
        self.url = f"http://localhost:{self.server.server_address[1]}"

    def embed_from(self, hub_url: str, theme: str) -> None:
        """The page and its policy, which allows scripts and fetches from the hub only."""
        (self.folder / "index.html").write_text(
            PARTNER_PAGE.format(hub=hub_url, theme=theme, limit=LIMIT), encoding="utf-8"
        )
        (self.folder / "partner.css").write_text(PARTNER_CSS, encoding="utf-8")
        self.policy = (
            f"default-src 'none'; script-src {hub_url}; connect-src {hub_url}; style-src 'self'"
        )

    @contextmanager
    def serving(self) -> Iterator[PartnerSite]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def graphql(server_url: str, query: str, **variables: Any) -> Any:
    """An ordinary (non-persisted) query, to compare the widget with."""
    answer = httpx.post(f"{server_url}/graphql", json={"query": query, "variables": variables})
    return answer.json()["data"]


def busiest_theme(server_url: str) -> str:
    themes = graphql(server_url, "{ themes { slug posts(first: 1) { totalCount } } }")["themes"]
    busiest = max(themes, key=lambda theme: theme["posts"]["totalCount"])
    assert busiest["posts"]["totalCount"] > LIMIT
    slug: str = busiest["slug"]
    return slug


def latest_titles(server_url: str, theme: str) -> list[str]:
    query = """query($first: Int!, $theme: String!) {
      posts(first: $first, filter: {theme: $theme}) { edges { node { title } } }
    }"""
    edges = graphql(server_url, query, first=LIMIT, theme=theme)["posts"]["edges"]
    return [edge["node"]["title"] for edge in edges]


def test_widget_renders_isolated_accessible_posts_on_a_partner_page(tmp_path: Path) -> None:
    chromium()
    data_dir = tmp_path / "hub"
    partner_dir = tmp_path / "partner"
    partner_dir.mkdir()
    demo_env = hub_environment(data_dir)
    data_dir.mkdir()
    migrate(demo_env)
    demo = subprocess.run(
        [*HUB_CLI, "demo", "--posts", "60"],
        env=demo_env,
        capture_output=True,
        text=True,
        timeout=DEMO_TIMEOUT,
        check=False,
    )
    assert demo.returncode == 0, demo.stderr
    with PartnerSite(partner_dir).serving() as partner:
        # No CORS setting: public reads may be made from any origin by default.
        settings = {"HUB_DELIVERY_POST_URL": POST_URL}
        with live_server(data_dir, settings) as server, browser() as tools:
            theme = busiest_theme(server.base_url)
            partner.embed_from(server.base_url, theme)
            expected = latest_titles(server.base_url, theme)
            tools.send("Page.navigate", url=f"{partner.url}/index.html")
            tools.wait_for(READY, WIDGETS)
            seen = tools.evaluate(INSPECT)
            tools.press_tab()
            focused = tools.evaluate(FOCUSED)
            graphql_requests = tools.requests_to("/graphql")
            graphql_responses = tools.responses_to("/graphql")
            # The same widget as the hub's own iframe-able page, under the hub's strict CSP, in
            # French: the demo's posts are English, served as the French chain's fallback.
            tools.send(
                "Page.navigate", url=f"{server.base_url}/embed/posts?theme={theme}&limit=2&lang=fr"
            )
            tools.wait_for(READY, WIDGETS)
            framed = tools.evaluate(EMBED_PAGE)
            # An author with no posts: the empty list says so in Austrian German's chain (de).
            tools.send(
                "Page.navigate", url=f"{server.base_url}/embed/posts?author=nobody-here&lang=de-AT"
            )
            tools.wait_for(READY, WIDGETS)
            empty = tools.evaluate(EMPTY_PAGE)
            log = server.log()
    assert len(expected) == LIMIT
    assert seen["titles"] == expected, log
    assert seen["items"] == LIMIT
    assert all(href.startswith("https://example.org/news/") for href in seen["hrefs"])
    assert all(len(value) >= 20 and value[4] == "-" for value in seen["datetimes"])
    assert seen["labelled"] is True
    assert seen["regionLabel"] == "News from the hub"
    assert seen["regionBusy"] == "false"
    # The partner's `li { display: none !important; color: red !important }` stayed outside...
    assert seen["itemStyle"]["display"] == "block"
    assert seen["linkStyle"]["color"] == "rgb(11, 92, 173)"
    assert seen["regionColor"] == "rgb(26, 26, 26)"
    # ...and the widget's styles stayed inside: the partner's own elements look as it said.
    assert seen["partnerItem"]["display"] == "none"
    assert seen["partnerNote"] == {
        "display": "none",
        "color": "rgb(255, 0, 0)",
        "decoration": "none",
        "margin": "7px",
    }
    assert seen["documentStyles"] == 1
    assert seen["alert"] == 'limit="50" must be a whole number from 1 to 20.'
    assert empty == ["Neueste Beiträge", "de", "Noch keine Beiträge."]
    assert seen["messages"] == {
        "fr": ["fr", 'limit="50" doit être un nombre entier de 1 à 20.'],
        "de": ["de", 'theme="Not A Slug" ist kein Slug: Kleinbuchstaben, Ziffern und einfache '
                     "Bindestriche."],
        "ja": ["en", 'limit="50" must be a whole number from 1 to 20.'],
    }  # fmt: skip
    # Nothing was blocked by the partner's policy: no inline style, no third-party request.
    assert seen["violations"] == []
    # The first Tab lands on the first post's link, inside the shadow root.
    assert focused == {"host": "hub-posts", "inner": "a", "text": expected[0]}
    # One request for the valid widget: a GET naming the operation by hash, with no document.
    assert len(graphql_requests) == 1
    request = graphql_requests[0]
    assert request["method"] == "GET"
    params = parse_qs(urlsplit(request["url"]).query)
    assert "query" not in params
    assert params["operationName"] == [OPERATION_NAME]
    extensions = json.loads(params["extensions"][0])
    assert extensions == {"persistedQuery": {"version": 1, "sha256Hash": OPERATION_HASH}}
    assert json.loads(params["variables"][0]) == {"first": LIMIT, "filter": {"theme": theme}}
    # Read from another origin with the hub's default settings: an anonymous read is public.
    assert [
        response["headers"].get("access-control-allow-origin") for response in graphql_responses
    ] == ["*"]
    # The embed page: its styles applied (the link colour is the widget's) and nothing blocked.
    assert framed == {
        "titles": expected[:2],
        # The list is in the language asked for; each fallback post says its own.
        "listLang": "fr",
        "articleLangs": ["en", "en"],
        "linkColor": "rgb(11, 92, 173)",
        # What screen readers announce, in the widget's French catalogue.
        "label": "Derniers articles",
        "violations": [],
    }
