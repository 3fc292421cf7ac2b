"""A post's old addresses: the slugs it had before a rename and the paths of an older site.

Kept when a slug changes (``updatePost``, an import renaming a post by its id) and carried by
imports and exports (``old_slugs``, ``old_paths`` of a post record), so a link shared before a
rename, or a WordPress permalink, still leads to the post. A slug that a post holds now always
wins over a redirect (lookups try the posts first); a redirect points at the post that last
held the slug, so a chain of renames leads to the post's current slug in one step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit

from hub.content.redirect_models import PostRedirect

MAX_PATH_LENGTH = 500
#: Redirects are written in chunks, under SQLite's bound-parameter limit.
_CHUNK = 500


def normalised_path(url_or_path: str) -> str:
    """The path of a URL or path, as redirects are kept and looked up.

    Host, scheme and fragment go; a trailing slash goes (``/2019/05/hello/`` and
    ``/2019/05/hello`` are one page, as WordPress answers both); query parameters are kept,
    sorted (``/?p=12``). A ``ValueError`` says what is wrong with anything that is no path.
    """
    text = url_or_path.strip()
    parts = urlsplit(text)
    if not text or (not parts.netloc and not parts.path.startswith("/")):
        raise ValueError(
            f"{url_or_path!r} is not a path or an absolute URL, such as /2019/05/hello/"
        )
    if parts.scheme not in ("", "http", "https"):
        raise ValueError(f"{url_or_path!r} is not an http(s) URL or a path")
    path = parts.path.rstrip("/") or "/"
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    normalised = f"{path}?{query}" if query else path
    if len(normalised) > MAX_PATH_LENGTH:
        raise ValueError(f"is {len(normalised)} characters long; at most {MAX_PATH_LENGTH}")
    return normalised


async def remember_old_slug(post_id: int, old_slug: str, new_slug: str) -> None:
    """Keep ``old_slug`` leading to the post renamed to ``new_slug`` (in the caller's
    transaction). The slug's earlier holder loses it: the last post to hold a slug gets it."""
    if old_slug == new_slug:
        return
    if not await PostRedirect.filter(old_slug=old_slug).update(post_id=post_id):
        await PostRedirect.create(post_id=post_id, old_slug=old_slug)
    # Renamed back to a slug it had: the post holds it again, the redirect would say nothing.
    await PostRedirect.filter(old_slug=new_slug, post_id=post_id).delete()


async def keep_redirects(
    post_ids: Mapping[str, int], wanted: Mapping[str, tuple[Sequence[str], Sequence[str]]]
) -> int:
    """Point each post's listed old slugs and paths at it (``wanted`` by the post's slug, as an
    import file gives them); the number of redirects written or moved. Others stay."""
    pairs = [
        (column, source, post_ids[slug])
        for slug, (old_slugs, old_paths) in wanted.items()
        for column, sources in (("old_slug", old_slugs), ("old_path", old_paths))
        for source in sources
    ]
    written = 0
    for column in ("old_slug", "old_path"):
        given = {source: post_id for kind, source, post_id in pairs if kind == column}
        sources = list(given)
        for start in range(0, len(sources), _CHUNK):
            chunk = sources[start : start + _CHUNK]
            stored = dict(
                await PostRedirect.filter(**{f"{column}__in": chunk}).values_list(column, "post_id")
            )
            new = [s for s in chunk if s not in stored]
            moved = [s for s in chunk if s in stored and stored[s] != given[s]]
            for source in moved:
                await PostRedirect.filter(**{column: source}).update(post_id=given[source])
            await PostRedirect.bulk_create(
                [PostRedirect(**{column: source}, post_id=given[source]) for source in new]
            )
            written += len(new) + len(moved)
    return written


async def redirected_post_id(old_slug: str) -> int | None:
    """The post that last held ``old_slug``, if it was renamed since."""
    found: list[int] = await PostRedirect.filter(old_slug=old_slug).values_list(  # type: ignore[assignment]
        "post_id", flat=True
    )
    return found[0] if found else None


async def post_id_at_path(path: str) -> int | None:
    """The post an old site's ``path`` (already normalised) showed."""
    found: list[int] = await PostRedirect.filter(old_path=path).values_list(  # type: ignore[assignment]
        "post_id", flat=True
    )
    return found[0] if found else None


async def redirects_of(post_ids: Iterable[int]) -> dict[int, tuple[list[str], list[str]]]:
    """Each post's old slugs and old paths, sorted (for exports)."""
    ids = list(post_ids)
    found: dict[int, tuple[list[str], list[str]]] = {}
    for start in range(0, len(ids), _CHUNK):
        rows = (
            await PostRedirect.filter(post_id__in=ids[start : start + _CHUNK])
            .order_by("old_slug", "old_path")
            .values_list("post_id", "old_slug", "old_path")
        )
        for post_id, old_slug, old_path in rows:
            slugs, paths = found.setdefault(post_id, ([], []))
            if old_slug is not None:
                slugs.append(old_slug)
            if old_path is not None:
                paths.append(old_path)
    return found
