"""How searchable objects reach a theme or a section, for the ``theme``/``section`` filters and
facets, read from the declarations: a ``links("Theme", ...)`` list reaches themes through its
link table, a ``foreign_key("Section")`` through the type's own column. Table and column names
come from the declared models, so no type or plugin is named here; a third party's type that
links to sections is filtered and counted by section like a post.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

from hub import ColumnKind, ContentType, ContentTypes


@dataclass(frozen=True)
class Reach:
    """Objects of ``type_name`` whose id is in ``table.owner_column`` reach the target whose
    id is in ``table.target_column`` (a link table, or the type's own table)."""

    type_name: str
    table: str
    owner_column: str
    target_column: str


@dataclass(frozen=True)
class Facet:
    """Everything that reaches one target type (themes, or sections), and its table."""

    target_table: str = ""
    reaches: tuple[Reach, ...] = ()

    def condition(self, placeholder: str) -> tuple[str, int]:
        """SQL over ``d`` (a search document): it reaches the target whose slug is
        ``placeholder``; and how many times the placeholder is used (SQLite's ``?`` needs its
        value once per use)."""
        if not self.reaches:
            return "1 = 0", 0
        clauses = [
            f"(d.type = '{reach.type_name}' AND d.object_id IN (SELECT r.{reach.owner_column} "
            f"FROM {reach.table} r JOIN {self.target_table} t ON t.id = r.{reach.target_column} "
            f"WHERE t.slug = {placeholder}))"
            for reach in self.reaches
        ]
        return f"({' OR '.join(clauses)})", len(clauses)

    def linked_rows(self) -> str:
        """``SELECT target_id`` for every hit (in the CTE ``hits``) and target it reaches."""
        if not self.reaches:
            return "SELECT CAST(NULL AS INTEGER) AS target_id WHERE 1 = 0"
        return " UNION ALL ".join(
            f"SELECT r.{reach.target_column} AS target_id FROM hits "
            f"JOIN {reach.table} r ON r.{reach.owner_column} = hits.object_id "
            f"WHERE hits.type = '{reach.type_name}'"
            for reach in self.reaches
        )

    def counts(self, facet: str, extra: str) -> str:
        """Rows ``(facet, slug, name, n)``: hits per target, labelled once per target."""
        if not self.target_table:
            return f"SELECT '{facet}', '', '', 0{extra} WHERE 1 = 0"
        return (
            f"SELECT '{facet}', t.slug, t.name, linked.n{extra} FROM ("
            f"SELECT target_id, count(*) AS n FROM ({self.linked_rows()}) linked_rows "
            f"GROUP BY target_id) linked JOIN {self.target_table} t ON t.id = linked.target_id"
        )


@dataclass(frozen=True)
class FacetSources:
    themes: Facet = Facet()
    sections: Facet = Facet()

    def facet_counts(self, extra: str) -> str:
        """The facet rows over the CTEs ``hits`` and ``matches``; ``extra`` pads each row to
        the columns of the statement they are appended to. The ``matches`` row tells whether
        the window holds every match."""
        return (
            f"SELECT 'type' AS facet, type AS value, type AS label, count(*) AS n{extra} "
            "FROM hits GROUP BY type UNION ALL "
            f"{self.themes.counts('theme', extra)} UNION ALL "
            f"{self.sections.counts('section', extra)} UNION ALL "
            f"SELECT 'matches', '', '', count(*){extra} FROM matches"
        )


def _table(declared: ContentType) -> str:
    return str(declared.model._meta.db_table)


def _reaches(types: ContentTypes, searched: Collection[str], target: str) -> Iterator[Reach]:
    for declared in types.in_write_order:
        if declared.name not in searched:
            continue
        for link in declared.links.values():
            if link.target == target:
                yield Reach(
                    declared.name,
                    str(link.through._meta.db_table),
                    link.owner_column,
                    link.column,
                )
        for spec in declared.fields.values():
            if spec.kind is ColumnKind.FOREIGN_KEY and spec.target == target:
                yield Reach(declared.name, _table(declared), "id", spec.column)


def _facet(types: ContentTypes, searched: Collection[str], target: str) -> Facet:
    if target not in types:
        return Facet()
    return Facet(_table(types[target]), tuple(_reaches(types, searched, target)))


def facet_sources(types: ContentTypes, searched: frozenset[str]) -> FacetSources:
    """Themes and sections reached by the ``searched`` types."""
    return FacetSources(_facet(types, searched, "Theme"), _facet(types, searched, "Section"))
