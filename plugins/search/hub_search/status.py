"""Whether the index is ready: checked at start-up, told in the log (never fatal)."""

from __future__ import annotations

from tortoise import connections

from hub import Post


async def index_status() -> str | None:
    """A sentence saying what to do when the index is missing or empty; None when it is fine."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "sqlite":
        sql = "SELECT count(*) AS n FROM sqlite_master WHERE name = 'search_document'"
    else:
        sql = "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'search_document'"
    rows = await connection.execute_query_dict(sql)
    if not rows[0]["n"]:
        return "the search index tables do not exist: run `hub migrate`"
    indexed = await connection.execute_query_dict(
        "SELECT count(*) AS n FROM search_document WHERE type = 'Post'"
    )
    if not indexed[0]["n"] and await Post.exists():
        return "the search index is empty but posts exist: run `hub search reindex`"
    return None
