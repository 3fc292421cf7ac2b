"""What ``search`` and ``searchSuggest`` do: parse, correct typos, ask the backend, load nodes."""

from __future__ import annotations

import asyncio
import dataclasses
import html
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField, Selection

from hub import (
    Info,
    PageInfo,
    UserError,
    ask_language,
    language_argument,
    language_chain,
    slug_argument,
)
from hub_search.backends import current_backend
from hub_search.backends.base import FacetCounts, Hit, SearchBackend, SearchFilters, SearchRequest
from hub_search.documents import Searchable
from hub_search.graphql_types import (
    DEFAULT_RESULTS,
    DEFAULT_SUGGESTIONS,
    MAX_RESULTS,
    MAX_SUGGESTIONS,
    SearchFacets,
    SearchFacetValue,
    SearchFilter,
    check_size,
    decode_cursor,
    encode_cursor,
)
from hub_search.query import MAX_QUERY_CHARACTERS, SearchQuery, parse_query
from hub_search.reach import FacetSources
from hub_search.settings import RANK_WINDOW
from hub_search.text import tokens

#: Spellings tried for a word the index does not know, most likely first.
MAX_SPELLINGS = 5


def _types(searchables: Mapping[str, Searchable], types: list[str] | None) -> tuple[str, ...]:
    if types is None:
        return tuple(searchables)
    unknown = [name for name in types if name not in searchables]
    if unknown:
        raise UserError(
            f"`types` names {', '.join(map(repr, unknown))}, which cannot be searched; "
            f"searchable types are {', '.join(searchables)}.",
            argument="types",
        )
    if not types:
        raise UserError(
            "`types` is empty: name at least one type, or leave it out.", argument="types"
        )
    return tuple(dict.fromkeys(types))


async def _with_spellings(backend: SearchBackend, query: SearchQuery) -> SearchQuery:
    candidates = query.typo_candidates()
    if not candidates:
        return query
    known = await backend.known_words(candidates)
    unknown = [word for word in candidates if word not in known]
    if not unknown:
        return query
    found = await asyncio.gather(*(backend.spellings(word) for word in unknown))
    pairs = zip(unknown, found, strict=True)
    return query.with_spellings(
        {word: tuple(spellings[:MAX_SPELLINGS]) for word, spellings in pairs}
    )


def _checked(argument: str, value: str | None, check: Callable[[str, str], str]) -> str | None:
    # The same rules as the posts filter: a malformed slug or tag is the client's mistake.
    return None if value is None else check(argument, value)


async def _request(
    info: Info,
    query: SearchQuery,
    searchables: Mapping[str, Searchable],
    types: tuple[str, ...],
    search_filter: SearchFilter | None,
    sources: FacetSources,
    language: str | None,
) -> tuple[SearchBackend, SearchRequest]:
    context = info.context
    # The operation's language, as every list's: checked (BAD_USER_INPUT naming `language`),
    # and the nodes found are served in it. Only this field's own argument narrows the search.
    ask_language(context, language)
    chain = tuple(tag.lower() for tag in language_chain(context)) if language else ()
    backend = current_backend()
    if not context.can_read_drafts:
        await backend.promote_due(context.now)
    search_filter = search_filter or SearchFilter()
    filters = SearchFilters(
        types=types,
        theme=_checked("filter.theme", search_filter.theme, slug_argument),
        section=_checked("filter.section", search_filter.section, slug_argument),
        language=_checked("filter.language", search_filter.language, language_argument),
        published_after=search_filter.published_after,
        chain=chain,
        every_type=len(types) == len(searchables),
    )
    request = SearchRequest(
        query=query,
        filters=filters,
        include_unpublished=context.can_read_drafts,
        now=context.now,
        rank_window=int(context.settings.get(RANK_WINDOW)),
        sources=sources,
    )
    return backend, request


async def _nodes(
    info: Info, searchables: Mapping[str, Searchable], hits: Sequence[Hit]
) -> list[Any]:
    """The object of each hit, loaded in one batch per type; None where it is not visible."""
    keys: dict[str, list[int]] = defaultdict(list)
    for hit in hits:
        keys[hit.type_name].append(hit.pk)
    names = list(keys)
    loaded = await asyncio.gather(
        *(info.context.loaders[searchables[name].loader].load_many(keys[name]) for name in names)
    )
    found: dict[tuple[str, int], Any] = {}
    for name, objects in zip(names, loaded, strict=True):
        # Loaders return the type's body; the schema holds the class composed with every
        # plugin's fields. Casting tells the union which member each object is.
        composed = info.schema.get_type_by_name(name)
        origin = getattr(composed, "origin", None)
        for pk, node in zip(keys[name], objects, strict=True):
            if node is not None:
                found[(name, pk)] = strawberry.cast(origin, node) if origin else node
    return [found.get((hit.type_name, hit.pk)) for hit in hits]


def _selects(info: Info, name: str) -> bool:
    """Whether the query asks for the field ``name`` of the connection being resolved."""
    pending: list[Selection] = list(info.selected_fields)
    while pending:
        selection = pending.pop()
        for child in selection.selections:
            if isinstance(child, SelectedField):
                if child.name == name:
                    return True
            else:  # a fragment: its fields are the connection's fields too
                pending.append(child)
    return False


def _facets(counts: FacetCounts) -> SearchFacets:
    def values(found: list[tuple[str, str, int]]) -> list[SearchFacetValue]:
        return [SearchFacetValue(value=v, label=label, count=n) for v, label, n in found]

    return SearchFacets(
        types=values(counts.types),
        themes=values(counts.themes),
        sections=values(counts.sections),
        exhaustive=counts.exhaustive,
    )


async def run_search(
    searchables: Mapping[str, Searchable],
    sources: FacetSources,
    edge_type: Any,
    connection_type: Any,
    info: Info,
    text: str,
    types: list[str] | None,
    search_filter: SearchFilter | None,
    language: str | None,
    first: int | None,
    after: str | None,
) -> Any:
    size = DEFAULT_RESULTS if first is None else first
    check_size("first", size, MAX_RESULTS)
    offset = 0 if after is None else decode_cursor(after) + 1
    query = parse_query(text)
    backend, request = await _request(
        info, query, searchables, _types(searchables, types), search_filter, sources, language
    )
    request = dataclasses.replace(request, query=await _with_spellings(backend, query))
    # One row more than asked tells whether another page exists.
    counts: FacetCounts | None = None
    if not size:
        hits: list[Hit] = []
    elif _selects(info, "facets"):
        hits, counts = await backend.page_and_facets(request, size + 1, offset)
    else:
        hits = await backend.page(request, size + 1, offset)
    has_next = len(hits) > size
    hits = hits[:size]
    nodes = await _nodes(info, searchables, hits)
    edges = [
        edge_type(
            cursor=encode_cursor(offset + position),
            node=node,
            score=round(hit.score, 6),
            title_highlight=hit.title_html,
            snippets=[hit.snippet_html] if hit.snippet_html else [],
        )
        for position, (hit, node) in enumerate(zip(hits, nodes, strict=True))
        # An object deleted since it was indexed (or hidden by its own plugin's rules).
        if node is not None
    ]

    async def count_all() -> int:
        return await backend.count(request)

    async def count_facets() -> SearchFacets:
        return _facets(counts if counts is not None else await backend.facets(request))

    return connection_type(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        count_all=count_all,
        count_facets=count_facets,
    )


async def run_suggest(
    searchables: Mapping[str, Searchable],
    sources: FacetSources,
    suggestion_type: Any,
    info: Info,
    prefix: str,
    first: int | None,
    types: list[str] | None,
    language: str | None,
) -> list[Any]:
    size = DEFAULT_SUGGESTIONS if first is None else first
    check_size("first", size, MAX_SUGGESTIONS)
    if not tokens(prefix) and len(prefix) <= MAX_QUERY_CHARACTERS:
        # Typing has only begun (a quote, a minus): nothing to suggest yet, not a mistake.
        return []
    query = parse_query(prefix, prefix_last=True)
    backend, request = await _request(
        info, query, searchables, _types(searchables, types), None, sources, language
    )
    hits = await backend.suggest(request, size) if size else []
    nodes = await _nodes(info, searchables, hits)
    return [
        suggestion_type(
            text=html.unescape(hit.title_html.replace("<mark>", "").replace("</mark>", "")),
            highlight=hit.title_html,
            node=node,
        )
        for hit, node in zip(hits, nodes, strict=True)
        if node is not None
    ]
