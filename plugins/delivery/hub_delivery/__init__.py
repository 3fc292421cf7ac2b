"""Partner delivery: persisted queries, cacheable GraphQL GETs and purge hooks."""
