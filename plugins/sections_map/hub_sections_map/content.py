"""What the map stores, declared once: a section's location, part of the section.

Declared, a location is written like any content (imports and exports carry it, keyed by its
section's slug, and the editing layer checks it with the same rules), and its changes are told
as ``section_location.changed``/``.deleted`` events about its section, so caches forget the
answers that showed the section. The core knows nothing of it: the registry does.

``Editing`` gives it ``setSectionLocation(input: {section, lat, lng, city, region})`` under the
scope ``sections-map:write`` (``hub.part_mutations``): checked by the same rules, audited under
the section, and told as ``section_location.changed`` after the commit.
"""

from __future__ import annotations

from hub import ContentType, Editing, declare
from hub_sections_map import models

#: Who may place sections on the map (``hub_sections_map.plugin.register_scopes``).
WRITE = "sections-map:write"

SECTION_LOCATION = ContentType(
    "SectionLocation",
    models.SectionLocation,
    plural="section_locations",
    description="Where a section is (WGS 84 degrees).",
    fields={
        # One location per section: records are named by their section's slug.
        "section": declare.foreign_key(
            "Section",
            required=True,
            nullable=False,
            default=declare.NO_DEFAULT,
            unique=True,
            on_type=False,
        ),
        "lat": declare.decimal(
            required=True,
            minimum=-90,
            maximum=90,
            description="Latitude, degrees north, in [-90, 90].",
        ),
        "lng": declare.decimal(
            required=True,
            minimum=-180,
            maximum=180,
            description="Longitude, degrees east, in [-180, 180].",
        ),
        "city": declare.short_text(
            200, blank_as_null=True, description="The city the section works from, if known."
        ),
        # The organisation's own grouping ("Africa", "MENA", "South Asia"), not a UN region.
        "region": declare.short_text(
            100,
            indexed=True,
            filterable=True,
            on_type=False,
            description='The organisation\'s region, such as "Africa" or "MENA".',
        ),
        "updated_at": declare.datetime_field(read_only=True, on_type=False),
    },
    part_of="section",
    editing=Editing(scopes=(WRITE,)),
)
