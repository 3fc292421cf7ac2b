"""What an importer hands the media library through the ``import_media`` hook.

The core knows no media plugin: an importer describes each file it found, and whichever plugin
keeps media adds it (matching what it has already, so a second import adds nothing).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ImportedMedia:
    """One file to add to the media library, and the posts (by slug) it is the featured image of."""

    #: Names the item in reports, such as "attachment 12" (its id in the source site).
    source: str
    file: Path
    url: str = ""
    title: str = ""
    alt: str = ""
    caption: str = ""
    featured_on: tuple[str, ...] = ()
