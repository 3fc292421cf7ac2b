"""No post becomes public with an image that has no alt text (``publication_problems``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hub import Post, PostStatus
from hub_media.body import body_images
from hub_media.models import Asset, PostImage, PostSocialImage

#: The images shown with a post, by the field errors name and the words messages use.
POST_IMAGES: dict[tuple[str, str], type[PostImage | PostSocialImage]] = {
    ("featuredImage", "featured image"): PostImage,
    ("socialImage", "social image"): PostSocialImage,
}


async def publication_problems(
    posts: Sequence[Mapping[str, Any]],
) -> list[tuple[int, str, str]]:
    """The featured and social images and every image of the body need alt text: the body's
    own or, for a library image, the library's. One statement for the featured images, one for
    the social images, one for the body's."""
    problems: list[tuple[int, str, str]] = []
    post_ids = [post["id"] for post in posts if post.get("id") is not None]
    shown_with = {  # the post's own images: each kind is one statement
        kind: {
            row["post_id"]: row
            for row in await model.filter(post_id__in=post_ids).values(
                "post_id", "asset_id", alt="asset__alt", name="asset__original_name"
            )
        } if post_ids else {}
        for kind, model in POST_IMAGES.items()
    }  # fmt: skip
    in_bodies = {index: body_images(post.get("body") or "") for index, post in
                 enumerate(posts)}  # fmt: skip
    asset_ids = {image.asset_id for images in in_bodies.values() for image in images
                 if image.asset_id is not None}  # fmt: skip
    library = (
        dict(await Asset.filter(id__in=sorted(asset_ids)).values_list("id", "alt"))
        if asset_ids
        else {}
    )
    for index, post in enumerate(posts):
        for (field, words), images in shown_with.items():
            image = images.get(post.get("id"))
            if image is not None and not image["alt"].strip():
                problems.append((index, field, (
                    f"The {words} (image {image['asset_id']}, {image['name'] or 'no name'}) "
                    "has no alt text: describe it with updateImage(details: {alt}) before "
                    "publishing, or set another image."
                )))  # fmt: skip
        for number, shown in enumerate(in_bodies[index], start=1):
            if shown.asset_id is not None and shown.asset_id not in library:
                problems.append((index, "body", (
                    f"Image {number} of the body ({shown.src}) is not in the media library: "
                    "it may have been deleted."
                )))  # fmt: skip
            elif not shown.alt and not str(library.get(shown.asset_id, "")).strip():
                where = 'give it alt="..." in the body'
                if shown.asset_id is not None:
                    where = f"describe image {shown.asset_id} with updateImage or {where}"
                problems.append((index, "body", (
                    f"Image {number} of the body ({shown.src}) has no alt text: {where} "
                    "before publishing."
                )))  # fmt: skip
    return problems


async def featured_image_refusal(post_id: int, asset_id: int) -> str | None:
    """Why image ``asset_id`` may not be shown on post ``post_id`` now, or None: a public
    (published or scheduled) post shows only images with alt text, as publishing requires."""
    rows = await Post.filter(id=post_id).values("status")
    if not rows or rows[0]["status"] == PostStatus.DRAFT:
        return None
    status = PostStatus(rows[0]["status"])
    images = await Asset.filter(id=asset_id).values("alt", "original_name")
    if not images or images[0]["alt"].strip():
        return None
    return (
        f"The post is {status.value}, and image {asset_id} "
        f"({images[0]['original_name'] or 'no name'}) has no alt text: describe it with "
        "updateImage(details: {alt}) first, or choose another image."
    )


async def public_posts_needing_alt(asset_id: int) -> list[str]:
    """The public (published or scheduled) posts that show image ``asset_id`` with the
    library's alt text as their only one: as their featured image, or in their body without
    an alt of its own. Two statements."""
    public = [PostStatus.PUBLISHED, PostStatus.SCHEDULED]
    featured = await PostImage.filter(asset_id=asset_id, post__status__in=public).values_list(
        "post__title", "post__slug"
    )
    # A body names the image as /media/<id>: LIKE narrows the posts down, the parser decides.
    bodies = await Post.filter(status__in=public, body__contains=f"/media/{asset_id}").values(
        "title", "slug", "body"
    )
    in_bodies = [
        (row["title"], row["slug"])
        for row in bodies
        if any(shown.asset_id == asset_id and not shown.alt for shown in body_images(row["body"]))
    ]
    named = dict.fromkeys([*featured, *in_bodies])  # once each, in order
    return [f'the post "{title}" ({slug})' for title, slug in named]
