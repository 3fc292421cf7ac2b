"""A campaign as an oEmbed rich embed: its progress bar, linking to the campaign's page.

Offered to the delivery plugin's oEmbed provider through its ``register_oembed_resources``
hook, without importing it: the provider only needs an object with ``url_pattern`` and
``embed``. The HTML is built from escaped text in a fixed structure; the image is the
``progress.svg`` this plugin serves, which names its figures itself.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from hub import Settings
from hub_donations.progress import load_progress, public_campaign_id
from hub_donations.settings import display_locale
from hub_donations.svg import HEIGHT, WIDTH, summary

SVG_ROUTE = "donations_progress_svg"


def progress_figure(page_url: str, image_url: str, alt: str, width: int, height: int) -> str:
    figure = ET.Element("figure", {"class": "hub-campaign-embed"})
    link = ET.SubElement(figure, "a", {"href": page_url})
    ET.SubElement(
        link,
        "img",
        {"src": image_url, "alt": alt, "width": str(width), "height": str(height)},
    )
    return ET.tostring(figure, encoding="unicode", method="html")


def scaled(max_width: int | None, max_height: int | None) -> tuple[int, int]:
    """The image's size within the maximums, keeping its proportions."""
    scale = min(1.0, (max_width or WIDTH) / WIDTH, (max_height or HEIGHT) / HEIGHT)
    return max(1, round(WIDTH * scale)), max(1, round(HEIGHT * scale))


@dataclass(frozen=True)
class CampaignEmbed:
    url_pattern: str
    settings: Settings

    async def embed(
        self, slug: str, request: Request, max_width: int | None, max_height: int | None
    ) -> Mapping[str, Any] | None:
        campaign_id = await public_campaign_id(slug)
        progress = await load_progress(campaign_id) if campaign_id is not None else None
        if campaign_id is None or progress is None:
            return None
        width, height = scaled(max_width, max_height)
        page_url = self.url_pattern.replace("{slug}", slug)
        image_url = str(request.url_for(SVG_ROUTE, slug=slug))
        alt = f"{progress.title}: {summary(progress, display_locale(self.settings))}"
        return {
            "title": progress.title,
            "html": progress_figure(page_url, image_url, alt, width, height),
            "width": width,
            "height": height,
            "cache_keys": ["Campaign", f"Campaign:{campaign_id}"],
        }
