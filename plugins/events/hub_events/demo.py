"""Demo content: the IPB World Peace Congress in Barcelona, with the sections that went.

The seed names it "IPB Congress Barcelona". The IPB's congress in Barcelona was its Second World
Peace Congress, "(Re)Imagine our World: Action for Peace and Justice", held on 15-17 October 2021,
mostly at the CCCB (its 2016 congress was in Berlin). The hours are not in the seed, so it is an
all-day event over the three days in Barcelona's time zone.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from hub_events.core import section_ids_by_slug
from hub_events.models import Event, EventParticipant

BARCELONA = ZoneInfo("Europe/Madrid")

IPB_CONGRESS_SLUG = "ipb-world-peace-congress-barcelona-2021"
IPB_CONGRESS = {
    "title": "IPB World Peace Congress, Barcelona",
    "description": (
        "The International Peace Bureau's second World Peace Congress, "
        '"(Re)Imagine our World: Action for Peace and Justice": three days of plenaries, '
        "workshops and youth events, in person in Barcelona and online."
    ),
    "starts_at": datetime(2021, 10, 15, tzinfo=BARCELONA),
    "ends_at": datetime(2021, 10, 18, tzinfo=BARCELONA),  # midnight after the last day
    "timezone": BARCELONA.key,
    "all_day": True,
    "venue": "CCCB (Centre de Cultura Contemporània de Barcelona)",
    "city": "Barcelona",
    "country_code": "ES",
    "url": "https://www.ipb2021.barcelona/",
}
# In the seed's order: (section slug or None, name shown when there is no such section).
IPB_CONGRESS_PARTICIPANTS: tuple[tuple[str | None, str], ...] = (
    ("wilpf-germany", "WILPF Germany"),
    (None, "Young WILPF network"),
    ("wilpf-spain", "WILPF Spain"),
    (None, "MENA Regional Representative"),
)


async def load_demo_events() -> None:
    """Create or refresh the demo event; running it again changes nothing."""
    slugs = [slug for slug, _ in IPB_CONGRESS_PARTICIPANTS if slug is not None]
    async with in_transaction():
        sections = await section_ids_by_slug(slugs)
        event, _ = await Event.update_or_create(defaults=IPB_CONGRESS, slug=IPB_CONGRESS_SLUG)
        await EventParticipant.filter(event_id=event.id).delete()
        for position, (slug, name) in enumerate(IPB_CONGRESS_PARTICIPANTS):
            # Without the core demo's sections, a section is still listed by its name.
            section_id = sections.get(slug) if slug is not None else None
            await EventParticipant.create(
                event_id=event.id,
                section_id=section_id,
                name="" if section_id is not None else name,
                position=position,
            )
