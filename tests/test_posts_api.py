"""The posts part of the API contract: lists, filters, ordering, pagination and visibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.content.models import PostStatus
from tests import factories
from tests.conftest import GraphQLClient

SLUGS = (
    "{ edges { cursor node { slug } }"
    " pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount }"
)


def slugs(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["slug"] for edge in connection["edges"]]


async def make_posts(count: int) -> list[str]:
    """Posts post-0 (oldest) .. post-N (newest), an hour apart."""
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for n in range(count):
        await factories.post(f"post-{n}", published_at=start + timedelta(hours=n))
    return [f"post-{n}" for n in reversed(range(count))]  # newest first


async def test_posts_default_to_twenty_newest_first(gql: GraphQLClient) -> None:
    newest_first = await make_posts(25)
    data = await gql.data("{ posts " + SLUGS + " }")
    assert slugs(data["posts"]) == newest_first[:20]
    assert data["posts"]["totalCount"] == 25
    assert data["posts"]["pageInfo"]["hasNextPage"] is True
    assert data["posts"]["pageInfo"]["hasPreviousPage"] is False


async def test_forward_pagination_walks_every_post_once(gql: GraphQLClient) -> None:
    newest_first = await make_posts(7)
    seen: list[str] = []
    after = None
    while True:
        data = await gql.data(
            "query($after: String) { posts(first: 3, after: $after) " + SLUGS + " }",
            {"after": after},
        )
        seen += slugs(data["posts"])
        info = data["posts"]["pageInfo"]
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert seen == newest_first


async def test_backward_pagination_with_last_and_before(gql: GraphQLClient) -> None:
    newest_first = await make_posts(7)
    data = await gql.data("{ posts(last: 3) " + SLUGS + " }")
    assert slugs(data["posts"]) == newest_first[-3:]
    assert data["posts"]["pageInfo"]["hasPreviousPage"] is True
    before = data["posts"]["pageInfo"]["startCursor"]
    data = await gql.data(
        "query($before: String) { posts(last: 3, before: $before) " + SLUGS + " }",
        {"before": before},
    )
    assert slugs(data["posts"]) == newest_first[1:4]
    assert data["posts"]["pageInfo"]["hasNextPage"] is True


async def test_after_and_before_bound_a_window(gql: GraphQLClient) -> None:
    newest_first = await make_posts(6)
    data = await gql.data("{ posts(first: 6) " + SLUGS + " }")
    cursors = [edge["cursor"] for edge in data["posts"]["edges"]]
    window = await gql.data(
        "query($a: String, $b: String) { posts(after: $a, before: $b) " + SLUGS + " }",
        {"a": cursors[0], "b": cursors[4]},
    )
    assert slugs(window["posts"]) == newest_first[1:4]


async def test_first_zero_gives_an_empty_page_with_a_total(gql: GraphQLClient) -> None:
    await make_posts(2)
    data = await gql.data("{ posts(first: 0) " + SLUGS + " }")
    assert data["posts"]["edges"] == []
    assert data["posts"]["totalCount"] == 2
    assert data["posts"]["pageInfo"]["hasNextPage"] is True


async def test_the_last_page_says_there_is_no_next(gql: GraphQLClient) -> None:
    await make_posts(3)
    data = await gql.data("{ posts(first: 3) " + SLUGS + " }")
    assert data["posts"]["pageInfo"]["hasNextPage"] is False


async def test_new_posts_do_not_shift_the_next_page(gql: GraphQLClient) -> None:
    newest_first = await make_posts(4)
    first_page = await gql.data("{ posts(first: 2) " + SLUGS + " }")
    await factories.post("breaking-news", published_at=datetime(2030, 1, 1, tzinfo=UTC))
    cursor = first_page["posts"]["pageInfo"]["endCursor"]
    second = await gql.data(
        "query($after: String) { posts(first: 2, after: $after) " + SLUGS + " }",
        {"after": cursor},
    )
    assert slugs(second["posts"]) == newest_first[2:4]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ("first: 101", "at most 100"),
        ("last: 500", "at most 100"),
        ("first: -1", "must not be negative"),
        ("first: 2, last: 2", "either `first` or `last`"),
        ('after: "not-a-cursor"', "`after` is not a cursor"),
        ('before: "eyJ4IjoxfQ"', "`before` is not a cursor"),
        ("orderBy: {field: POPULARITY}", "POPULARITY"),
        ('filter: {publishedAfter: "yesterday"}', "DateTime"),
    ],
)
async def test_bad_arguments_get_an_error_that_names_them(
    gql: GraphQLClient, arguments: str, message: str
) -> None:
    await make_posts(1)
    error = await gql.error("{ posts(" + arguments + ") { totalCount } }")
    assert message in error


async def test_a_cursor_of_another_ordering_is_refused(gql: GraphQLClient) -> None:
    await make_posts(3)
    data = await gql.data(
        "{ posts(orderBy: {field: TITLE, direction: ASC}, first: 1) " + SLUGS + " }"
    )
    cursor = data["posts"]["pageInfo"]["endCursor"]
    error = await gql.error(
        "query($after: String) { posts(after: $after) { totalCount } }", {"after": cursor}
    )
    assert "`after` is not a cursor of this list" in error


async def test_order_by_title_ascending(gql: GraphQLClient) -> None:
    for title in ("Banana", "Apple", "Cherry"):
        await factories.post(title.lower(), title=title)
    data = await gql.data("{ posts(orderBy: {field: TITLE, direction: ASC}) " + SLUGS + " }")
    assert slugs(data["posts"]) == ["apple", "banana", "cherry"]
    data = await gql.data(
        "{ posts(orderBy: {field: TITLE, direction: DESC}, first: 2) " + SLUGS + " }"
    )
    assert slugs(data["posts"]) == ["cherry", "banana"]


async def test_filters_by_theme_section_author_language_and_dates(gql: GraphQLClient) -> None:
    peace = await factories.theme("feminist-peace")
    spain = await factories.section("wilpf-spain", country_code="ES")
    emma = await factories.person("emma")
    day = datetime(2012, 11, 21, tzinfo=UTC)
    await factories.post("themed", themes=[peace], published_at=day)
    await factories.post("spanish", sections=[spain], language="es", published_at=day)
    await factories.post("by-emma", authors=[emma], published_at=day + timedelta(days=3))
    await factories.post("unrelated", published_at=day - timedelta(days=400))

    async def filtered(post_filter: str) -> list[str]:
        data = await gql.data("{ posts(filter: {" + post_filter + "}) " + SLUGS + " }")
        return sorted(slugs(data["posts"]))

    assert await filtered('theme: "feminist-peace"') == ["themed"]
    assert await filtered('section: "wilpf-spain"') == ["spanish"]
    assert await filtered('author: "emma"') == ["by-emma"]
    assert await filtered('language: "es"') == ["spanish"]
    assert await filtered('publishedAfter: "2012-11-22T00:00:00Z"') == ["by-emma"]
    assert await filtered('publishedBefore: "2012-01-01T00:00:00Z"') == ["unrelated"]
    assert await filtered('theme: "no-such-theme"') == []
    assert await filtered('theme: "feminist-peace", language: "es"') == []


async def test_anonymous_client_never_sees_drafts_or_future_posts(gql: GraphQLClient) -> None:
    await factories.post("live")
    draft = await factories.post("draft", status=PostStatus.DRAFT, published_at=None)
    scheduled = await factories.post(
        "scheduled",
        status=PostStatus.SCHEDULED,
        published_at=datetime.now(UTC) + timedelta(days=1),
    )
    future = await factories.post("future", published_at=datetime.now(UTC) + timedelta(days=1))
    data = await gql.data("{ posts " + SLUGS + " }")
    assert slugs(data["posts"]) == ["live"]
    assert data["posts"]["totalCount"] == 1
    for hidden in ("draft", "scheduled", "future"):
        assert (await gql.data(f'{{ post(slug: "{hidden}") {{ slug }} }}'))["post"] is None
    ids = [await global_id(gql, "Post", row.id) for row in (draft, scheduled, future)]
    data = await gql.data("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert data["nodes"] == [None, None, None]


async def test_a_scheduled_post_appears_once_its_time_has_come(gql: GraphQLClient) -> None:
    await factories.post(
        "was-scheduled",
        status=PostStatus.SCHEDULED,
        published_at=datetime.now(UTC) - timedelta(seconds=1),
    )
    data = await gql.data('{ post(slug: "was-scheduled") { slug } }')
    assert data["post"] == {"slug": "was-scheduled"}


async def global_id(gql: GraphQLClient, type_name: str, pk: int) -> str:
    import base64

    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


async def test_post_fields_and_body_formats(gql: GraphQLClient) -> None:
    words = " ".join(["word"] * 450)
    await factories.post(
        "long-read",
        title="Long read",
        excerpt="Short.",
        body=f"<h2>Heading</h2><p>{words}</p><p>Tom &amp; Jerry</p>",
        language="en-GB",
    )
    data = await gql.data(
        '{ post(slug: "long-read") { title excerpt language readingTimeMinutes'
        " html: body text: body(format: TEXT) publishedAt updatedAt } }"
    )
    post = data["post"]
    assert post["readingTimeMinutes"] == 3  # 452 words at 200 a minute
    assert post["html"].startswith("<h2>Heading</h2>")
    assert post["text"].startswith("Heading")
    assert post["text"].endswith("Tom & Jerry")
    assert "<" not in post["text"]
    assert post["language"] == "en-GB"
    assert post["publishedAt"].endswith("+00:00")


async def test_unknown_slug_gives_null_not_an_error(gql: GraphQLClient) -> None:
    data = await gql.data(
        '{ post(slug: "nope") { slug } person(slug: "nope") { slug }'
        ' section(slug: "nope") { slug } theme(slug: "nope") { slug } }'
    )
    assert data == {"post": None, "person": None, "section": None, "theme": None}


async def test_authors_keep_their_credited_order(gql: GraphQLClient) -> None:
    first = await factories.person(name="Zoe First")
    second = await factories.person(name="Adam Second")
    await factories.post("duo", authors=[first, second])
    data = await gql.data('{ post(slug: "duo") { authors { name } } }')
    assert data["post"]["authors"] == [{"name": "Zoe First"}, {"name": "Adam Second"}]


async def test_a_posts_relations_come_whole_and_in_order(gql: GraphQLClient) -> None:
    # Authors, themes and sections share one statement: each keeps every one of its fields.
    home = await factories.section(
        "cameroon", name="Cameroon", country_code="CM", founded_year=1994,
        website="https://cm.example.org", description="Yaoundé office",
    )  # fmt: skip
    other = await factories.section("austria", name="Austria", country_code="AT")
    author = await factories.person(
        "awa", name="Awa Ndiaye", role="President", bio="Lawyer.",
        photo_url="https://example.org/awa.jpg", section=home,
    )  # fmt: skip
    water = await factories.theme("water", name="Water", description="Rivers and wells.")
    arms = await factories.theme("arms", name="Arms control")
    await factories.post("linked", authors=[author], themes=[water, arms], sections=[home, other])
    data = await gql.data(
        '{ post(slug: "linked") {'
        " authors { slug name role bio photoUrl section { slug } }"
        " themes { slug name description }"
        " sections { slug name countryCode description foundedYear website } } }"
    )
    assert data["post"] == {
        "authors": [
            {
                "slug": "awa", "name": "Awa Ndiaye", "role": "President", "bio": "Lawyer.",
                "photoUrl": "https://example.org/awa.jpg", "section": {"slug": "cameroon"},
            }
        ],
        "themes": [
            {"slug": "arms", "name": "Arms control", "description": ""},
            {"slug": "water", "name": "Water", "description": "Rivers and wells."},
        ],
        "sections": [
            {
                "slug": "austria", "name": "Austria", "countryCode": "AT", "description": "",
                "foundedYear": None, "website": None,
            },
            {
                "slug": "cameroon", "name": "Cameroon", "countryCode": "CM",
                "description": "Yaoundé office", "foundedYear": 1994,
                "website": "https://cm.example.org",
            },
        ],
    }  # fmt: skip


async def test_status_is_served_and_drafts_are_listed_only_for_draft_readers(
    gql: GraphQLClient,
) -> None:
    from hub.access.models import Role
    from tests.test_access_tokens import bearer, sign_in

    await factories.post("out-now")
    await factories.post("in-the-works", status=PostStatus.DRAFT, published_at=None)
    query = (
        "query($status: PostStatus) { posts(filter: {status: $status}) "
        "{ edges { node { slug status } } } }"
    )

    public = await gql.data(query, {"status": "PUBLISHED"})
    assert [edge["node"] for edge in public["posts"]["edges"]] == [
        {"slug": "out-now", "status": "PUBLISHED"}
    ]
    body = await gql.query(query, {"status": "DRAFT"})
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "argument": "filter"}
    assert "content:read-drafts" in body["errors"][0]["message"]

    gql.headers.update(bearer(await sign_in(Role.EDITOR)))
    drafts = await gql.data(query, {"status": "DRAFT"})
    assert [edge["node"] for edge in drafts["posts"]["edges"]] == [
        {"slug": "in-the-works", "status": "DRAFT"}
    ]
    everything = await gql.data(query, {"status": None})
    assert {edge["node"]["status"] for edge in everything["posts"]["edges"]} == {
        "DRAFT", "PUBLISHED",
    }  # fmt: skip
