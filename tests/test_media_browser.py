"""The media library in a real browser: a body image's srcset loads the rendition that fits
the viewport, and the ``<hub-posts>`` widget shows featured images.

Needs Debian's chromium (``.ci/install-chromium``); skipped without it, failing instead when
``HUB_TEST_CHROMIUM=required``.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.browser import browser, chromium
from tests.live_server import HUB_CLI, hub_environment, live_server, migrate
from tests.media_support import image_bytes

pytestmark = pytest.mark.live

BODY_QUERY = '{ post(slug: "march") { bodyWithImages(widths: [400, 800, 1200]) } }'
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><base href="{hub}/">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body {{ margin: 0; }} img {{ max-width: 100%; height: auto; }}</style>
</head><body>{body}</body></html>
"""
LOADED = """(() => { const i = document.querySelector('img');
  return !!i && i.complete && i.naturalWidth > 0; })()"""
SHOWN = """(() => { const i = document.querySelector('img');
  return {current: i.currentSrc, natural: i.naturalWidth, alt: i.alt}; })()"""
WIDGET_READY = """(() => { const w = document.querySelector('hub-posts');
  const imgs = w && w.shadowRoot ? [...w.shadowRoot.querySelectorAll('article img')] : [];
  return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0); })()"""
WIDGET = """(() => { const root = document.querySelector('hub-posts').shadowRoot;
  return [...root.querySelectorAll('article')].map((a) => {
    const img = a.querySelector('img');
    return {slug: a.dataset.slug, alt: img ? img.alt : null,
            natural: img ? img.naturalWidth : 0, shownWidth: img ? img.clientWidth : 0};
  }); })()"""


def run_cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [*HUB_CLI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stderr + done.stdout


def prepare(data_dir: Path) -> None:
    """A library photo (1600 px wide), in a published post's body and as its featured image."""
    env = hub_environment(data_dir, {"HUB_SECRET_KEY": "b" * 40})
    data_dir.mkdir()
    migrate(env)
    photo = data_dir / "march.jpg"
    photo.write_bytes(image_bytes(1600, 1000))
    assert "Added 1 image(s) (ids: 1)." in run_cli(
        env, "media", "add", str(photo), "--alt", "Women marching"
    )
    post = {
        "slug": "march", "title": "The march", "status": "published",
        "published_at": "2026-03-08T10:00:00Z", "body": '<p>We marched.</p><img src="/media/1">',
    }  # fmt: skip
    content = data_dir / "content.json"
    content.write_text(json.dumps({"version": 1, "posts": [post]}))
    run_cli(env, "import", str(content))
    # The featured image, as setFeaturedImage would link it.
    with sqlite3.connect(data_dir / "hub.sqlite3") as database:
        database.execute("INSERT INTO media_post_image (post_id, asset_id) VALUES (1, 1)")


def rendition_width(url: str) -> int:
    return int(urlsplit(url).path.rsplit("/", 1)[1].split("x")[0])


def test_srcset_loads_the_rendition_for_the_viewport_and_the_widget_shows_images(
    tmp_path: Path,
) -> None:
    chromium()
    data_dir = tmp_path / "hub"
    prepare(data_dir)
    settings = {"HUB_SECRET_KEY": "b" * 40, "HUB_DELIVERY_POST_URL": "https://example.org/{slug}"}
    seen: dict[int, Any] = {}
    with live_server(data_dir, settings) as server, browser() as tools:
        answer = httpx.post(server.graphql_url, json={"query": BODY_QUERY}).json()
        body = answer["data"]["post"]["bodyWithImages"]
        (data_dir / "page.html").write_text(
            PAGE.format(hub=server.base_url, body=body), encoding="utf-8"
        )
        # A page of another site (a file), its relative rendition URLs resolved on the hub.
        page = (data_dir / "page.html").as_uri()
        for width in (400, 1280):
            tools.send(
                "Emulation.setDeviceMetricsOverride",
                width=width, height=800, deviceScaleFactor=1, mobile=False,
            )  # fmt: skip
            tools.send("Page.navigate", url=page)
            tools.wait_for(LOADED)
            seen[width] = tools.evaluate(SHOWN)
        tools.send("Page.navigate", url=f"{server.base_url}/embed/posts?limit=2")
        tools.wait_for(WIDGET_READY)
        widget = tools.evaluate(WIDGET)
        log = server.log()
    # sizes="(max-width: 800px) 100vw, 800px": 400 CSS pixels want the 400w rendition, a wide
    # window's 800-pixel column the 800w one.
    assert rendition_width(seen[400]["current"]) == 400, log
    assert seen[400]["natural"] == 400
    assert rendition_width(seen[1280]["current"]) == 800
    assert seen[1280]["natural"] == 800
    assert seen[400]["alt"] == "Women marching"
    assert widget[0]["slug"] == "march"
    assert widget[0]["alt"] == "Women marching"
    assert widget[0]["natural"] == 1200  # the card rendition
    assert 0 < widget[0]["shownWidth"] <= 1280
