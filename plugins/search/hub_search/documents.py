"""What a searchable type gives the index, and how other plugins declare theirs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SearchDocument:
    """The searchable text of one object.

    ``status`` and ``published_at`` are for types with drafts (posts): a document with a
    ``status`` is shown to anonymous clients only when the status is ``published`` or
    ``scheduled`` and ``published_at`` has passed, the rule of ``hub.content.visibility``.
    Documents without a status are always public. ``language`` (a BCP 47 tag) chooses how
    the text is stemmed on PostgreSQL (see the README, "Languages").
    """

    pk: int
    title: str
    body: str
    language: str | None = None
    #: Documents sharing a group are translations of each other (``search(language:)``
    #: returns one of them); None for an object with no translations.
    translation_group: str | None = None
    status: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True)
class Searchable:
    """A GraphQL type the search plugin indexes and returns in ``SearchResult``.

    - ``type_name``: the GraphQL type ("Event"); it joins the ``SearchResult`` union.
    - ``loader``: the name of a DataLoader (from ``register_dataloaders``) that loads objects of
      that type by primary key, returning None for those the asker may not see.
    - ``all_pks``: every primary key to index (``hub search reindex``).
    - ``documents``: the documents of the given primary keys; a missing key is a deleted object.
    - ``changed_since`` (optional): keys of objects changed since a moment, so that changes made
      while ``hub search reindex`` builds the new index are caught up after the swap.

    A plugin that tells content events for its type (``ContentEvent(type_name="Event", ...)``)
    gets it re-indexed incrementally; otherwise ``hub search reindex`` picks up its changes.
    """

    type_name: str
    loader: str
    all_pks: Callable[[], Awaitable[Sequence[int]]]
    documents: Callable[[Sequence[int]], Awaitable[Sequence[SearchDocument]]]
    changed_since: Callable[[datetime], Awaitable[Sequence[int]]] | None = None
