"""Purging the HTTP caches in front of the hub by surrogate key: Varnish, Fastly, Cloudflare.

Each is a ``purge_cache`` implementation configured by settings, registered on the plugin
manager only when its settings are given. A shared cache is purged once per change, by the
process that committed it: remote purges (``remote=True``, a change another process
committed) are ignored, as that process purged already.

- Varnish with the project's VCL (``deploy/varnish/hub.vcl``): ``PURGE`` with an
  ``xkey-purge`` header listing the keys, which the vmod xkey invalidates.
- Fastly: ``POST /service/{id}/purge`` with ``{"surrogate_keys": [...]}`` (at most 256 keys a
  call) and the ``Fastly-Key`` header; Fastly reads the hub's ``Surrogate-Key`` itself.
- Cloudflare: ``POST /zones/{zone}/purge_cache`` with ``{"tags": [...]}`` (at most 30 a call)
  and a bearer token; Cloudflare reads tags from ``Cache-Tag``, so the hub's ``Surrogate-Key``
  must be copied there (a Transform Rule), with its spaces turned into commas.

Fastly and Cloudflare are tested against a local HTTP server that records what they would
receive; their services cannot be reached from the test machines.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from hub import Settings, hookimpl
from hub_delivery import settings as delivery_settings

logger = logging.getLogger("hub.delivery")

TIMEOUT = httpx.Timeout(5.0)


def _batches(keys: Sequence[str], size: int) -> list[list[str]]:
    return [list(keys[start : start + size]) for start in range(0, len(keys), size)]


async def _send(request: httpx.Request, what: str) -> None:
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        response = await client.send(request)
    if response.status_code >= 300:
        raise RuntimeError(f"{what} answered {response.status_code}: {response.text[:300]}")


@dataclass(frozen=True)
class VarnishPurge:
    url: str

    @hookimpl
    async def purge_cache(self, keys: Sequence[str], remote: bool) -> None:
        if remote or not keys:
            return
        request = httpx.Request("PURGE", self.url, headers={"xkey-purge": " ".join(keys)})
        await _send(request, f"Varnish at {self.url}")


@dataclass(frozen=True)
class FastlyPurge:
    service_id: str
    api_token: str
    api_base: str

    @hookimpl
    async def purge_cache(self, keys: Sequence[str], remote: bool) -> None:
        if remote:
            return
        for batch in _batches(keys, 256):
            request = httpx.Request(
                "POST",
                f"{self.api_base.rstrip('/')}/service/{self.service_id}/purge",
                headers={"Fastly-Key": self.api_token, "Accept": "application/json"},
                json={"surrogate_keys": batch},
            )
            await _send(request, "Fastly")


@dataclass(frozen=True)
class CloudflarePurge:
    zone_id: str
    api_token: str
    api_base: str

    @hookimpl
    async def purge_cache(self, keys: Sequence[str], remote: bool) -> None:
        if remote:
            return
        for batch in _batches(keys, 30):
            request = httpx.Request(
                "POST",
                f"{self.api_base.rstrip('/')}/zones/{self.zone_id}/purge_cache",
                headers={"Authorization": f"Bearer {self.api_token}"},
                json={"tags": batch},
            )
            await _send(request, "Cloudflare")


def configured(settings: Settings) -> list[object]:
    """The shared caches the settings name, as plugins implementing ``purge_cache``."""
    purgers: list[object] = []
    varnish = delivery_settings.varnish_url(settings)
    if varnish:
        purgers.append(VarnishPurge(varnish))
    fastly = delivery_settings.fastly(settings)
    if fastly is not None:
        purgers.append(FastlyPurge(*fastly))
    cloudflare = delivery_settings.cloudflare(settings)
    if cloudflare is not None:
        purgers.append(CloudflarePurge(*cloudflare))
    return purgers
