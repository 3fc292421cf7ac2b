"""A declared type's lists of another type's objects (a post's authors, its themes), stored in
link tables: which table, which columns, which reverse relations."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.models import Model


@dataclass(frozen=True)
class Link:
    """A list of another declared type's objects, stored in a link table ``(post_id, x_id)``."""

    target: str
    #: A hand-written link model; left out, ``link_models`` builds it (``model_building``).
    through_class: type[Model] | None = None
    #: Authors are credited in order (a ``position`` column); themes have no order.
    ordered: bool = False
    description: str = ""
    #: The per-request DataLoader serving the list (``post_authors``).
    loader: str = ""
    #: The built link model's class name; default ``<Owner><Target>`` (``PostTheme``).
    model_name: str = ""
    #: Its table; default ``<owner's table>_<target, lowercase>`` (``hub_post_theme``).
    table: str = ""
    #: The reverse relations on the owner's and the target's models; default
    #: ``<model name without the owner>_links`` (``theme_links``) and ``<owner>_links``.
    related_name: str = ""
    target_related_name: str = ""
    #: The link table's comment in the database.
    table_description: str = ""
    name: str = ""
    #: The declaring type's name, filled in by :class:`ContentType`.
    owner: str = ""

    @property
    def through(self) -> type[Model]:
        """The link table's model (built from the declaration unless written by hand)."""
        if self.through_class is None:
            raise LookupError(
                f"{self.owner}.{self.name}: the link model is not built yet; "
                "build it with hub.model_for (hub.content.model_building)"
            )
        return self.through_class

    @property
    def column(self) -> str:
        """The link table's column holding the target's id: ``person_id`` for ``Person``."""
        return f"{self.target.lower()}_id"

    @property
    def owner_column(self) -> str:
        """The link table's column holding the declaring object's id (``campaign_id``)."""
        return f"{self.owner.lower()}_id"
