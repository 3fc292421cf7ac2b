"""Writing WordPress exports (WXR) as Tools → Export does, for the tests and the benchmark.

Only what the format needs: the channel's facts, authors, categories and tags, and items with
CDATA bodies, post meta and comments. Text goes into CDATA sections the way WordPress's
``wxr_cdata`` puts it there (a ``]]>`` inside is split across two sections).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

NAMESPACES = (
    'xmlns:excerpt="http://wordpress.org/export/{v}/excerpt/" '
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:wp="http://wordpress.org/export/{v}/"'
)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


@dataclass
class WpPost:
    wordpress_id: int
    title: str
    body: str = "<p>Hello.</p>"
    post_name: str = ""
    status: str = "publish"
    post_type: str = "post"
    creator: str = "admin"
    date_gmt: str = "2024-03-01 09:30:00"
    date: str = "2024-03-01 10:30:00"
    excerpt: str = ""
    #: (domain, nicename, name)
    terms: Sequence[tuple[str, str, str]] = ()
    meta: dict[str, str] = field(default_factory=dict)
    comments: int = 0
    attachment_url: str = ""
    parent: int = 0


def _item(post: WpPost, site: str) -> str:
    terms = "".join(
        f'<category domain="{domain}" nicename="{nicename}">{cdata(name)}</category>\n'
        for domain, nicename, name in post.terms
    )
    meta = "".join(
        f"<wp:postmeta><wp:meta_key>{cdata(key)}</wp:meta_key>"
        f"<wp:meta_value>{cdata(value)}</wp:meta_value></wp:postmeta>\n"
        for key, value in post.meta.items()
    )
    comments = "".join(
        f"<wp:comment><wp:comment_id>{post.wordpress_id * 100 + n}</wp:comment_id>"
        f"<wp:comment_author>{cdata('Reader')}</wp:comment_author>"
        f"<wp:comment_content>{cdata('Nice post')}</wp:comment_content></wp:comment>\n"
        for n in range(post.comments)
    )
    attachment = (
        f"<wp:attachment_url>{cdata(post.attachment_url)}</wp:attachment_url>\n"
        if post.attachment_url
        else ""
    )
    return (
        "<item>\n"
        f"<title>{cdata(post.title)}</title>\n"
        f"<link>{site}/?p={post.wordpress_id}</link>\n"
        f"<pubDate>Fri, 01 Mar 2024 09:30:00 +0000</pubDate>\n"
        f"<dc:creator>{cdata(post.creator)}</dc:creator>\n"
        f'<guid isPermaLink="false">{site}/?p={post.wordpress_id}</guid>\n'
        "<description></description>\n"
        f"<content:encoded>{cdata(post.body)}</content:encoded>\n"
        f"<excerpt:encoded>{cdata(post.excerpt)}</excerpt:encoded>\n"
        f"<wp:post_id>{post.wordpress_id}</wp:post_id>\n"
        f"<wp:post_date>{cdata(post.date)}</wp:post_date>\n"
        f"<wp:post_date_gmt>{cdata(post.date_gmt)}</wp:post_date_gmt>\n"
        f"<wp:comment_status>{cdata('open')}</wp:comment_status>\n"
        f"<wp:post_name>{cdata(post.post_name)}</wp:post_name>\n"
        f"<wp:status>{cdata(post.status)}</wp:status>\n"
        f"<wp:post_parent>{post.parent}</wp:post_parent>\n"
        f"<wp:post_type>{cdata(post.post_type)}</wp:post_type>\n"
        f"{attachment}{terms}{meta}{comments}"
        "</item>\n"
    )


def export_chunks(
    posts: Iterable[WpPost],
    *,
    authors: Sequence[tuple[str, str]] = (("admin", "Site Admin"),),
    categories: Sequence[tuple[str, str, str]] = (),
    tags: Sequence[tuple[str, str]] = (),
    version: str = "1.2",
    encoding: str = "UTF-8",
    language: str = "en-US",
    site: str = "https://example.org",
) -> Iterator[str]:
    """The export's text, a piece at a time (a large export never has to be held whole).

    ``authors`` are (login, display name); ``categories`` (slug, name, parent slug); ``tags``
    (slug, name).
    """
    yield (
        f'<?xml version="1.0" encoding="{encoding}" ?>\n'
        f'<rss version="2.0" {NAMESPACES.format(v=version)}>\n<channel>\n'
        f"<title>Example</title>\n<link>{site}</link>\n<language>{language}</language>\n"
        f"<wp:wxr_version>{version}</wp:wxr_version>\n"
        f"<wp:base_site_url>{site}</wp:base_site_url>\n<wp:base_blog_url>{site}</wp:base_blog_url>\n"
    )
    for number, (login, name) in enumerate(authors, start=1):
        yield (
            f"<wp:author><wp:author_id>{number}</wp:author_id>"
            f"<wp:author_login>{cdata(login)}</wp:author_login>"
            f"<wp:author_email>{cdata(login + '@example.org')}</wp:author_email>"
            f"<wp:author_display_name>{cdata(name)}</wp:author_display_name></wp:author>\n"
        )
    for number, (slug, name, parent) in enumerate(categories, start=1):
        yield (
            f"<wp:category><wp:term_id>{number}</wp:term_id>"
            f"<wp:category_nicename>{cdata(slug)}</wp:category_nicename>"
            f"<wp:category_parent>{cdata(parent)}</wp:category_parent>"
            f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n"
        )
    for number, (slug, name) in enumerate(tags, start=100):
        yield (
            f"<wp:tag><wp:term_id>{number}</wp:term_id><wp:tag_slug>{cdata(slug)}</wp:tag_slug>"
            f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n"
        )
    for post in posts:
        yield _item(post, site)
    yield "</channel>\n</rss>\n"


def export_bytes(posts: Iterable[WpPost], **options: object) -> bytes:
    encoding = str(options.get("encoding", "UTF-8"))
    return "".join(export_chunks(posts, **options)).encode(encoding)  # type: ignore[arg-type]
