"""The GraphiQL page and its files, as the hub serves them (no CDN; see ``hub/graphiql``)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from hub.graphiql import GraphiQLPage
from hub.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
BROWSER = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    return {}


@pytest.fixture
def settings(settings: Settings, settings_overrides: dict[str, Any]) -> Settings:
    return replace(settings, **settings_overrides)


def referenced(page: str) -> list[tuple[str, str]]:
    """(URL, integrity) of every script and stylesheet on the page."""
    return re.findall(r'(?:src|href)="(/graphiql/[^"]+)" integrity="([^"]+)"', page)


async def test_browsers_get_graphiql_with_a_strict_content_security_policy(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers=BROWSER)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe" not in response.headers["content-security-policy"]
    page = response.text
    # Nothing from another host, and no inline script or style to allow.
    assert "https://" not in page
    assert "http://" not in page
    assert re.findall(r"<script[^>]*>([^<]*)</script>", page) == [""] * 5
    assert "<style" not in page
    assert "style=" not in page
    assert len(referenced(page)) == 8


async def test_graphiql_files_match_their_integrity_and_are_cached_for_a_year(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers=BROWSER)).text
    for url, integrity in referenced(page):
        response = await client.get(url, headers={"accept-encoding": "identity"})
        assert response.status_code == 200, url
        digest = base64.b64encode(hashlib.sha384(response.content).digest()).decode()
        assert integrity == f"sha384-{digest}"
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["content-type"].startswith(("text/javascript", "text/css"))
        assert response.headers["x-content-type-options"] == "nosniff"
        again = await client.get(url, headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304


async def test_graphiql_files_are_gzipped_for_browsers_that_accept_it(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers=BROWSER)).text
    bundle = next(url for url, _ in referenced(page) if url.endswith("/graphiql.min.js"))
    plain = await client.get(bundle, headers={"accept-encoding": "identity"})
    async with client.stream("GET", bundle, headers={"accept-encoding": "gzip"}) as zipped:
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["vary"] == "Accept-Encoding"
        compressed = b"".join([chunk async for chunk in zipped.aiter_raw()])
    assert gzip.decompress(compressed) == plain.content
    assert len(compressed) < len(plain.content) / 3


async def test_an_unknown_or_outdated_graphiql_file_is_a_404(client: httpx.AsyncClient) -> None:
    page = (await client.get("/graphql", headers=BROWSER)).text
    url, _ = referenced(page)[0]
    name = url.rsplit("/", 1)[1]
    assert (await client.get(f"/graphiql/0000000000000000/{name}")).status_code == 404
    assert (await client.get(url.replace(name, "nope.js"))).status_code == 404


@pytest.mark.parametrize("settings_overrides", [{"graphiql": False}], ids=["graphiql-off"])
async def test_graphiql_can_be_switched_off(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers=BROWSER)
    assert response.status_code == 404
    assert "HUB_GRAPHIQL=0" in response.json()["errors"][0]["message"]
    served = GraphiQLPage().assets["graphiql.min.js"]
    assert (await client.get(served.url)).status_code == 404
    # The API itself is unchanged.
    query = await client.get("/graphql", params={"query": "{ __typename }"})
    assert query.json() == {"data": {"__typename": "Query"}}


def test_vendored_graphiql_is_the_version_pinned_in_the_npm_lock() -> None:
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]
    served = GraphiQLPage().versions
    assert set(served) == {"graphiql", "@graphiql/plugin-explorer", "react", "react-dom"}
    for package, version in served.items():
        # Exact pins, so `npm ci` and tools/vendor_graphiql.py see the same files.
        assert manifest["devDependencies"][package] == version
        assert lock[f"node_modules/{package}"]["version"] == version
    licences = (ROOT / "hub" / "graphiql" / "vendor" / "LICENSES.txt").read_text("utf-8")
    for package, version in served.items():
        assert f"{package} {version}\n" in licences
