"""The table of the petitions test plugin (tests/petitions_editing_plugin.py), built from its
declaration: Tortoise finds the model here by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from hub import model_for
from tests.petitions_editing_plugin import PETITION

if TYPE_CHECKING:
    from tortoise.models import Model as Petition
else:
    Petition = model_for(PETITION, app="petitions")
