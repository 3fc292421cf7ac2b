"""No post becomes public with an image that has no alt text (``publication_problems``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

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
