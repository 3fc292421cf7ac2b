"""Campaigns in the delivery plugin's oEmbed provider, through ``register_oembed_resources``.

The donations plugin offers its campaign pages without importing the delivery plugin; the
provider sanitises whatever HTML a plugin gives, and either plugin loads without the other.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import httpx
import hub_delivery.plugin
import hub_donations.plugin
import pytest
from asgi_lifespan import LifespanManager
from hub_delivery.settings import POST_URL
from hub_donations.models import Campaign, CampaignStatus, CampaignTotals
from hub_donations.settings import CAMPAIGN_URL
from starlette.requests import Request

from hub.app import create_app
from hub.errors import PluginError
from hub.hookimpl import hookimpl
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests import factories

CAMPAIGN_PAGE = "https://example.org/give/{slug}"


class HostileEmbeds:
    """A third-party plugin whose embed HTML tries to run a script."""

    __name__ = "hostile-embeds"
    url_pattern = "https://example.org/hostile"

    @hookimpl(optionalhook=True)
    def register_oembed_resources(self, settings: Settings) -> list[object]:
        return [self]

    async def embed(
        self, slug: str, request: Request, max_width: int | None, max_height: int | None
    ) -> Mapping[str, Any]:
        return {
            "title": "Hostile",
            "html": '<p onclick="steal()">Hi<script>steal()</script></p>'
            '<a href="javascript:steal()">x</a><style>*{}</style>',
            "width": 900,
            "height": 90,
            "author_name": "Someone",
        }


@pytest.fixture
def extra_plugins() -> list[object]:
    return [hub_delivery.plugin, hub_donations.plugin, HostileEmbeds()]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path,
        database_url=database_url,
        extra={CAMPAIGN_URL: CAMPAIGN_PAGE, POST_URL: "https://example.org/news/{slug}"},
    )


async def campaign(slug: str, status: CampaignStatus = CampaignStatus.ACTIVE) -> Campaign:
    created = await Campaign.create(
        slug=slug, title="Rebuild <Kyiv> & more", goal=100_000, currency="EUR", status=status
    )
    await CampaignTotals.filter(campaign_id=created.id).update(raised=25_000, donation_count=3)
    return created


async def test_campaign_page_embeds_its_progress_bar_as_json(client: httpx.AsyncClient) -> None:
    created = await campaign("rebuild")
    response = await client.get("/oembed", params={"url": "https://example.org/give/rebuild/"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["type"] == "rich"
    assert answer["title"] == "Rebuild <Kyiv> & more"
    assert (answer["width"], answer["height"]) == (400, 64)
    assert answer["html"] == (
        '<figure class="hub-campaign-embed"><a href="https://example.org/give/rebuild">'
        '<img src="http://hub.test/donations/campaigns/rebuild/progress.svg" '
        'alt="Rebuild &lt;Kyiv&gt; &amp; more: €250.00 raised of €1,000.00 (25%), 0 donors" '
        'width="400" height="64"></a></figure>'
    )
    assert response.headers["surrogate-key"] == f"Campaign Campaign:{created.id}"
    image = await client.get("/donations/campaigns/rebuild/progress.svg")
    assert image.status_code == 200


async def test_campaign_embed_as_xml_scales_within_maxwidth(client: httpx.AsyncClient) -> None:
    await campaign("rebuild")
    response = await client.get(
        "/oembed",
        params={"url": "https://example.org/give/rebuild", "format": "xml", "maxwidth": "200"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    fields = {child.tag: child.text for child in ET.fromstring(response.content)}
    assert fields["title"] == "Rebuild <Kyiv> & more"
    assert (fields["width"], fields["height"]) == ("200", "32")
    assert fields["html"] is not None
    assert 'width="200" height="32"' in fields["html"]


@pytest.mark.parametrize(
    "url",
    ["https://example.org/give/no-such-campaign", "https://example.org/give/a-draft"],
)
async def test_unknown_and_draft_campaigns_are_404(client: httpx.AsyncClient, url: str) -> None:
    await campaign("a-draft", status=CampaignStatus.DRAFT)
    for response_format in ("json", "xml"):
        response = await client.get("/oembed", params={"url": url, "format": response_format})
        assert response.status_code == 404
        assert response.text.startswith("no embeddable content is known at")


async def test_posts_still_embed_next_to_campaigns(client: httpx.AsyncClient) -> None:
    await factories.post("hello", title="Hello")
    response = await client.get("/oembed", params={"url": "https://example.org/news/hello"})
    assert response.status_code == 200
    assert response.json()["html"].startswith('<blockquote class="hub-post-embed"')


async def test_any_plugins_embed_html_is_sanitised(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/oembed", params={"url": "https://example.org/hostile", "maxwidth": "600"}
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer["html"] == "<p>Hi</p><a>x</a>"
    assert (answer["width"], answer["height"]) == (600, 90)
    assert answer["author_name"] == "Someone"


def test_donations_loads_without_the_delivery_plugin() -> None:
    pm = get_plugin_manager(extra_plugins=[hub_donations.plugin], load_entry_points=False)
    assert pm.get_plugin("hub_donations.plugin") is not None
    assert pm.hook.register_oembed_resources.spec is None


def test_delivery_verifies_implementations_registered_before_it() -> None:
    pm = get_plugin_manager(
        extra_plugins=[hub_donations.plugin, hub_delivery.plugin], load_entry_points=False
    )
    assert pm.hook.register_oembed_resources.spec is not None
    names = [impl.plugin_name for impl in pm.hook.register_oembed_resources.get_hookimpls()]
    assert names == ["hub_donations.plugin", "hub_delivery.plugin"]


class BadPattern:
    __name__ = "bad-pattern"
    url_pattern = "/relative/{slug}"

    @hookimpl(optionalhook=True)
    def register_oembed_resources(self, settings: Settings) -> list[object]:
        return [self]


async def test_a_resource_with_an_unusable_pattern_stops_start_up(
    settings: Settings,
) -> None:
    pm = get_plugin_manager(
        extra_plugins=[hub_delivery.plugin, BadPattern()], load_entry_points=False
    )
    with pytest.raises(PluginError, match="'bad-pattern' offers an oEmbed resource whose"):
        async with LifespanManager(create_app(settings, pm)):
            pass
