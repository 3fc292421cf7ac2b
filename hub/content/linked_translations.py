"""Posts translated as linked posts: each language is a post of its own (its slug, status and
publication date), and the posts sharing a ``translation_group`` are translations of each other
(``ContentType(linked_translations=True)``, as Wagtail's ``translation_key`` and Polylang's
translation groups).

Lists asked for in a language (``posts(language: "fr-CH")``) show each group once, in the best
language of the fallback chain the reader may see (``fr-CH``, else ``fr``, else the default),
and posts of no group when their language is in the chain. Every version is read through the
same visibility rule: a French draft never hides the published English post from a reader.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from hub.content.content_type import TRANSLATION_GROUP, ContentType
from hub.content.core_types import POST
from hub.content.field_errors import ErrorCode, Problems
from hub.content.languages import canonical
from hub.content.models import Post
from hub.content.visibility import visible_posts
from hub.graphql.context import Context, LoaderFactory
from hub.rows import fetch_values

#: A group key is set when it is longer than "" (NULL and "" both mean "no translations").
_IN_A_GROUP = {f"{TRANSLATION_GROUP}__gt": ""}
_ALONE = Q(translation_group__isnull=True) | Q(translation_group="")


def variants(tag: str) -> list[str]:
    """A tag as stored may be in any case (``pt-br``): both spellings match."""
    return list(dict.fromkeys((canonical(tag), tag.lower())))


def best_in_chain(queryset: QuerySet[Any], chain: Sequence[str], context: Context) -> QuerySet[Any]:
    """``queryset`` narrowed to one post per group: the one in the best language of ``chain``
    among the group's posts the asker may see; posts of no group when in a language of it."""
    condition = Q(language__in=variants(chain[0]))
    for rank in range(1, len(chain)):
        better = [tag for wider in chain[:rank] for tag in variants(wider)]
        groups_with_better = (
            visible_posts(context)
            .filter(language__in=better, **_IN_A_GROUP)
            .values(TRANSLATION_GROUP)
        )
        condition |= Q(language__in=variants(chain[rank])) & (
            _ALONE | ~Q(translation_group__in=Subquery(groups_with_better))
        )
    return queryset.filter(condition)


def rank_in(chain: Sequence[str], language: str) -> int | None:
    """Where ``language`` stands in ``chain`` (0 best), None when it is not in it."""
    tag = canonical(language)
    return chain.index(tag) if tag in chain else None


def best_row(rows: Sequence[Mapping[str, Any]], chain: Sequence[str]) -> Mapping[str, Any] | None:
    """The row in the best language of ``chain``; ties go to the lowest id."""
    ranked = [
        (rank, row["id"], row)
        for row in rows
        if (rank := rank_in(chain, row["language"])) is not None
    ]
    return min(ranked, key=lambda found: found[:2])[2] if ranked else None


def post_translations_loader() -> LoaderFactory:
    """``post_translations``: for a batch of post ids, every post of their groups the asker may
    see (themselves included), by language: one statement."""
    columns = list(POST.row_columns)

    def factory(context: Context) -> DataLoader[int, list[dict[str, Any]]]:
        async def load(ids: Sequence[int]) -> list[list[dict[str, Any]]]:
            groups = Post.filter(id__in=list(ids), **_IN_A_GROUP).values(TRANSLATION_GROUP)
            query = visible_posts(context).filter(**{f"{TRANSLATION_GROUP}__in": Subquery(groups)})
            rows = await fetch_values(query.values(*columns), columns)
            members: dict[str, list[dict[str, Any]]] = defaultdict(list)
            group_of: dict[int, str] = {}
            for row in sorted(rows, key=lambda row: (canonical(row["language"]), row["id"])):
                members[row[TRANSLATION_GROUP]].append(row)
                group_of[row["id"]] = row[TRANSLATION_GROUP]
            return [members.get(group_of.get(pk, ""), []) for pk in ids]

        return DataLoader(load_fn=load)

    return factory


async def check_group_languages(
    declared: ContentType, pk: int, columns: Mapping[str, Any], problems: Problems
) -> None:
    """A translation group holds one object per language: a change that would give it a second
    (a new language, or joining a group) is a problem of the field that made it."""
    if not declared.linked_translations or not (
        "language" in columns or TRANSLATION_GROUP in columns
    ):
        return
    model = declared.model
    row = await model.filter(id=pk).first().values("language", TRANSLATION_GROUP)
    if row is None:
        return
    language = columns.get("language", row["language"])
    group = columns.get(TRANSLATION_GROUP, row[TRANSLATION_GROUP])
    if not group:
        return
    siblings = model.filter(**{TRANSLATION_GROUP: group}).exclude(id=pk)
    for slug, tag in await siblings.values_list("slug", "language"):
        if canonical(tag) == canonical(language):
            field = "translationOf" if TRANSLATION_GROUP in columns else "language"
            problems.add(
                field,
                f"The translation group already has a {declared.label} in {canonical(tag)!r}: "
                f"{slug!r}. Change that one, or unlink it first.",
                ErrorCode.TAKEN,
            )
            return


async def post_translation_groups(
    context: Context, groups: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """The ``(language, slug)`` of every post ``context`` may see in each of ``groups``, by
    language: one statement, for pages listing many posts (a sitemap's hreflang links)."""
    wanted = sorted({group for group in groups if group})
    if not wanted:
        return {}
    rows = await (
        visible_posts(context)
        .filter(translation_group__in=wanted)
        .values_list(TRANSLATION_GROUP, "language", "slug")
    )
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for group, language, slug in sorted(rows, key=lambda row: (row[0], canonical(row[1]), row[2])):
        found[group].append((language, slug))
    return dict(found)
