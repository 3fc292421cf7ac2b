"""The embeddable widget's routes: the script, its built-in persisted query, the embed page.

The widget itself runs in a browser in tests/test_delivery_widget_browser.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import hub_delivery.plugin
import pytest
from hub_delivery.persisted import PersistedQueries
from hub_delivery.settings import ALLOWLIST, POST_URL
from hub_delivery.widget import OPERATION, OPERATION_HASH, OPERATION_NAME, PAGE_CSP

from hub.settings import Settings
from tests import factories

POST_PAGE = "https://example.org/news/{slug}"


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path, database_url=database_url, extra={POST_URL: POST_PAGE, ALLOWLIST: True}
    )


def widget_params(**variables: object) -> dict[str, str]:
    """What the script sends: the operation by hash, never its text."""
    return {
        "operationName": OPERATION_NAME,
        "variables": json.dumps(variables),
        "extensions": json.dumps({"persistedQuery": {"version": 1, "sha256Hash": OPERATION_HASH}}),
    }


async def test_script_is_served_with_its_settings_and_revalidates(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/embed/hub-posts.js")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/javascript; charset=utf-8"
    assert response.headers["cache-control"] == "public, max-age=300"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert f'"queryHash":"{OPERATION_HASH}"' in response.text
    assert f'"postUrl":"{POST_PAGE}"' in response.text
    assert "customElements.define(ELEMENT, HubPosts)" in response.text
    assert "hub-posts config" not in response.text
    again = await client.get(
        "/embed/hub-posts.js", headers={"If-None-Match": response.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.content == b""


async def test_widget_query_runs_by_hash_where_only_registered_operations_may(
    client: httpx.AsyncClient,
) -> None:
    peace = await factories.theme("peace")
    await factories.post("older", title="Older", themes=[peace])
    await factories.post("newer", title="Newer <b>", themes=[peace])
    await factories.post("elsewhere", title="Elsewhere")
    response = await client.get(
        "/graphql", params=widget_params(first=5, filter={"theme": "peace"})
    )
    assert response.status_code == 200, response.text
    titles = [e["node"]["title"] for e in response.json()["data"]["posts"]["edges"]]
    assert titles == ["Newer <b>", "Older"]
    assert response.headers["cache-control"].startswith("public, max-age=")
    # Any other document is still refused for anonymous clients: the allow-list is on.
    other = await client.get("/graphql", params={"query": "{ posts { totalCount } }"})
    assert other.json()["errors"][0]["extensions"]["code"] == "OPERATION_NOT_REGISTERED"


async def test_builtin_operations_must_be_stored_under_their_hash() -> None:
    assert await PersistedQueries(10, {OPERATION_HASH: OPERATION}).lookup(OPERATION_HASH)
    with pytest.raises(ValueError, match="is not stored under its SHA-256"):
        PersistedQueries(10, {"0" * 64: OPERATION})


async def test_embed_page_carries_a_strict_policy_and_escaped_attributes(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get(
        "/embed/posts",
        params={"theme": "peace", "limit": "3", "label": '"><script>alert(1)</script>'},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-security-policy"] == PAGE_CSP
    assert "default-src 'none'" in PAGE_CSP
    assert "frame-ancestors *" in PAGE_CSP
    assert "<script>alert" not in response.text
    assert (
        '<hub-posts theme="peace" limit="3" label="&quot;&gt;&lt;script&gt;alert(1)'
        '&lt;/script&gt;"></hub-posts>'
    ) in response.text
    assert '<script src="/embed/hub-posts.js" defer></script>' in response.text


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"limit": "21"}, "limit='21' must be a whole number from 1 to 20"),
        ({"limit": "0"}, "limit='0' must be a whole number from 1 to 20"),
        ({"limit": "five"}, "limit='five' must be a whole number from 1 to 20"),
        ({"theme": "Not A Slug"}, "theme='Not A Slug' is not a slug"),
        ({"section": "x_y"}, "section='x_y' is not a slug"),
        ({"lang": "english!"}, "lang: 'english!' is not a BCP 47 language tag"),
    ],
)
async def test_embed_page_names_a_bad_attribute(
    client: httpx.AsyncClient, params: dict[str, str], message: str
) -> None:
    response = await client.get("/embed/posts", params=params)
    assert response.status_code == 400
    assert response.text.startswith(message)
