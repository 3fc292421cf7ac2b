"""The GraphQL operations the benchmark sends, to the hub and to the hand-written servers alike.

The hand-written servers do not parse GraphQL: they answer by ``operationName``, so every server
receives byte-for-byte the same requests and the ratio measures only what each does with them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson

FRONT_PAGE = """query FrontPage($first: Int!) {
  posts(first: $first) {
    edges { node {
      title slug publishedAt excerpt
      authors { name role }
      themes { name }
      sections { name countryCode }
    } }
  }
}"""

POST_BY_SLUG = """query PostBySlug($slug: String!) {
  post(slug: $slug) {
    title slug publishedAt excerpt body
    authors { name role }
    themes { name }
    sections { name countryCode }
  }
}"""

SEARCH = """query Search($query: String!, $first: Int!) {
  search(query: $query, types: ["Post"], first: $first) {
    edges { node { __typename ... on Post { slug title } } }
  }
}"""

FRONT_PAGE_SIZE = 20
SEARCH_TEXT = "peace women"
SEARCH_RESULTS = 10


@dataclass(frozen=True)
class Operation:
    """One benchmarked request: a name for the report, the document, its variables, the verb."""

    key: str
    label: str
    name: str
    document: str
    variables: dict[str, Any]
    method: str = "POST"
    #: A GET naming the document by its SHA-256 (Automatic Persisted Queries) instead of sending it.
    persisted: bool = False

    def body(self) -> bytes:
        return orjson.dumps(
            {"query": self.document, "operationName": self.name, "variables": self.variables}
        )

    def path(self, with_document: bool | None = None) -> str:
        """``/graphql`` for POST; with the whole request in the query string for GET.

        A persisted GET carries the document's hash and, only when ``with_document`` (the
        request that registers it), the document too.
        """
        if self.method == "POST":
            return "/graphql"
        parameters = {
            "operationName": self.name,
            "variables": orjson.dumps(self.variables).decode(),
        }
        if with_document if with_document is not None else not self.persisted:
            parameters["query"] = self.document
        if self.persisted:
            sha256 = hashlib.sha256(self.document.encode()).hexdigest()
            parameters["extensions"] = orjson.dumps(
                {"persistedQuery": {"version": 1, "sha256Hash": sha256}}
            ).decode()
        return "/graphql?" + urlencode(parameters)


def front_page(method: str = "POST", label: str | None = None) -> Operation:
    key = "front_page" if method == "POST" else "front_page_get"
    label = label or ("front page (POST)" if method == "POST" else "front page (plain GET)")
    return Operation(key, label, "FrontPage", FRONT_PAGE, {"first": FRONT_PAGE_SIZE}, method)


def persisted_front_page() -> Operation:
    """The front page as a persisted-query GET (the hash only), answered from the cache."""
    return Operation(
        "front_page_persisted",
        "front page (persisted-query GET, cached)",
        "FrontPage",
        FRONT_PAGE,
        {"first": FRONT_PAGE_SIZE},
        "GET",
        persisted=True,
    )


def post_by_slug(slug: str) -> Operation:
    return Operation("post", "single post by slug", "PostBySlug", POST_BY_SLUG, {"slug": slug})


def search() -> Operation:
    variables = {"query": SEARCH_TEXT, "first": SEARCH_RESULTS}
    return Operation("search", f"search {SEARCH_TEXT!r}", "Search", SEARCH, variables)


TYPENAME = "query Typename { __typename }"


def typename() -> Operation:
    """``{ __typename }``: no field to resolve, no database; the request path's fixed cost."""
    return Operation("typename", "`{ __typename }` (request path alone)", "Typename", TYPENAME, {})
