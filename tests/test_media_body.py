"""Images placed in a post body: served with srcset, sizes, width, height and alt text."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import hub_media.plugin
import nh3
import pytest
from hub_media.models import Asset
from PIL import Image
from starlette.applications import Starlette

from hub import Settings
from hub.content.sanitize import ARTICLE_ATTRIBUTES, ARTICLE_TAGS
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.media_support import add_image, image_bytes, s3_extra, s3_server

PAGE = "{ posts(first: 20) { edges { node { slug body bodyWithImages } } } }"


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


@pytest.fixture
def compiled(request: pytest.FixtureRequest) -> bool:
    return bool(getattr(request, "param", True))


@pytest.fixture(params=["files", "s3"])
def settings(
    database_url: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    s3_endpoint: str,
    compiled: bool,
) -> Settings:
    extra = s3_extra(s3_endpoint) if request.param == "s3" else {}
    extra["HUB_SECRET_KEY"] = "k" * 40
    base = Settings(data_dir=tmp_path, database_url=database_url, extra=extra)
    return replace(base, compiled_execution=compiled)


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_media.plugin]


def tags(markup: str) -> list[dict[str, str]]:
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', tag)) for tag in re.findall(r"<img\b[^>]*>", markup)
    ]


async def test_body_images_get_renditions_and_the_library_alt_text(
    app: Starlette, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    march = await add_image(app, image_bytes(1600, 1000), alt="Women marching")
    small = await add_image(app, image_bytes(500, 500), alt="A banner")
    gone = await add_image(app, image_bytes(100, 100))
    await Asset.filter(id=gone).delete()
    body = (
        f'<p>Before</p><figure><img src="/media/{march}"><figcaption>March</figcaption></figure>'
        f'<img src="/media/{small}" alt="Our banner" title="2026">'
        '<img src="https://example.org/x.png" alt="Elsewhere">'
        f'<img src="/media/{gone}" alt="Deleted">'
    )
    post = await factories.post(body=body)

    [node] = [edge["node"] for edge in (await gql.data(PAGE))["posts"]["edges"]]

    assert node["body"] == body  # the stored body answers as it was written
    rendered = node["bodyWithImages"]
    first, second, elsewhere, deleted = tags(rendered)
    assert first["alt"] == "Women marching"
    assert (first["width"], first["height"]) == ("1200", "750")
    assert first["sizes"] == "(max-width: 800px) 100vw, 800px"
    assert [c.split()[-1] for c in first["srcset"].split(", ")] == ["400w", "800w", "1200w"]
    assert first["src"] == first["srcset"].split(", ")[-1].split()[0]
    assert (first["loading"], first["decoding"]) == ("lazy", "async")
    # Widths past the original collapse into its own size; the body's alt text wins.
    assert second["srcset"].endswith(" 500w")
    assert second["srcset"].count("w") == 2
    assert (second["alt"], second["title"]) == ("Our banner", "2026")
    assert elsewhere == {"src": "https://example.org/x.png", "alt": "Elsewhere"}
    assert deleted == {"src": f"/media/{gone}", "alt": "Deleted"}
    assert "<figcaption>March</figcaption>" in rendered
    # Still sanitised HTML: the allow-list plus the img attributes a srcset needs.
    allowed = {**ARTICLE_ATTRIBUTES, "img": ARTICLE_ATTRIBUTES["img"] | {
        "srcset", "sizes", "loading", "decoding"}}  # fmt: skip
    cleaner = nh3.Cleaner(tags=set(ARTICLE_TAGS), attributes=allowed, link_rel=None)
    assert cleaner.clean(rendered) == rendered

    for candidate in first["srcset"].split(", "):
        url, width = candidate.split()
        response = await client.get(url)
        assert response.status_code == 200
        assert Image.open(io.BytesIO(response.content)).size[0] == int(width[:-1])
    assert post.slug


async def test_the_plain_address_of_an_image_redirects_to_its_rendition(
    app: Starlette, client: httpx.AsyncClient
) -> None:
    pk = await add_image(app, image_bytes(640, 480, "PNG"))
    found = await client.get(f"/media/{pk}")
    assert found.status_code == 302
    assert re.fullmatch(rf"/media/{pk}/1/[\w-]{{22}}/640x480-cover\.png", found.headers["location"])
    image = await client.get(found.headers["location"])
    assert Image.open(io.BytesIO(image.content)).size == (640, 480)
    missing = await client.get("/media/999999")
    assert missing.status_code == 404
    assert "There is no image 999999" in missing.json()["error"]


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "graphql-core"], indirect=True)
async def test_a_page_of_bodies_reads_its_images_in_one_statement(
    app: Starlette, gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    images = [await add_image(app, image_bytes(800, 600), alt=f"Picture {n}") for n in range(4)]
    for n in range(12):
        await factories.post(body=f'<p>{n}</p><img src="/media/{images[n % 4]}">')
    await factories.post(body="<p>No image</p>")
    sql_counter.reset()
    without = await gql.data("{ posts(first: 20) { edges { node { slug body } } } }")
    plain = sql_counter.count
    sql_counter.reset()
    data = await gql.data(PAGE)
    assert len(data["posts"]["edges"]) == len(without["posts"]["edges"]) == 13
    rendered = [edge["node"]["bodyWithImages"] for edge in data["posts"]["edges"]]
    assert sum("srcset=" in body for body in rendered) == 12
    assert sql_counter.count == plain + 1, sql_counter.statements


async def test_bad_widths_and_sizes_are_refused(app: Starlette, gql: GraphQLClient) -> None:
    await factories.post(body="<p>x</p>")
    answer = await gql.query(
        "{ posts(first: 1) { edges { node { bodyWithImages(widths: [0]) } } } }"
    )
    [error] = answer["errors"]
    assert error["extensions"]["argument"] == "widths"
    long = "x" * 301
    answer = await gql.query(
        f'{{ posts(first: 1) {{ edges {{ node {{ bodyWithImages(sizes: "{long}") }} }} }} }}'
    )
    assert answer["errors"][0]["extensions"]["argument"] == "sizes"
