"""Content mutations: field-by-field errors, sanitised bodies, conflicts, atomicity, events,
the audit log, publishing, scheduling and preview links."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from hub.access.models import AuditEntry, Role
from hub.content.models import Post, PostAuthor, PostStatus
from hub.events import ContentEvent
from hub.hookimpl import hookimpl
from tests import factories
from tests.conftest import GraphQLClient, SQLCounter
from tests.test_access_tokens import bearer, sign_in

RECEIVED: list[ContentEvent] = []


class EventRecorder:
    __name__ = "event-recorder"

    @staticmethod
    @hookimpl
    def content_event(event: ContentEvent) -> None:
        RECEIVED.append(event)


@pytest.fixture
def extra_plugins() -> list[object]:
    RECEIVED.clear()
    return [EventRecorder()]


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


CREATE_POST = """
mutation($input: CreatePostInput!) {
  createPost(input: $input) {
    post { id slug title body version authors { slug } }
    errors { field message code }
  }
}"""
UPDATE_POST = """
mutation($input: UpdatePostInput!) {
  updatePost(input: $input) { post { title body version } errors { field message code } }
}"""


async def as_editor(gql: GraphQLClient) -> None:
    gql.headers.update(bearer(await sign_in(Role.EDITOR)))


async def test_every_invalid_field_is_reported_and_nothing_is_written(gql: GraphQLClient) -> None:
    await as_editor(gql)
    await factories.post("taken")
    theme = await factories.theme()
    data = await gql.data(
        CREATE_POST,
        {
            "input": {
                "slug": "Not A Slug",
                "title": "   ",
                "language": "english please",
                "themes": [gid("Theme", theme.id), gid("Theme", 9999), gid("Section", 1)],
            }
        },
    )
    payload = data["createPost"]
    assert payload["post"] is None
    assert {(e["field"], e["code"]) for e in payload["errors"]} == {
        ("slug", "INVALID"),
        ("title", "REQUIRED"),
        ("language", "INVALID"),
        ("themes", "INVALID"),
        ("themes", "NOT_FOUND"),
    }
    messages = {e["field"] + ":" + e["code"]: e["message"] for e in payload["errors"]}
    assert "lowercase letters, digits and single hyphens" in messages["slug:INVALID"]
    assert "expects a Theme ID, not a Section ID" in messages["themes:INVALID"]
    assert gid("Theme", 9999) in messages["themes:NOT_FOUND"]
    taken = await gql.data(CREATE_POST, {"input": {"slug": "taken", "title": "T" * 301}})
    assert {(e["field"], e["code"]) for e in taken["createPost"]["errors"]} == {
        ("title", "TOO_LONG"),
    }
    taken = await gql.data(CREATE_POST, {"input": {"slug": "taken", "title": "Fine"}})
    assert taken["createPost"]["errors"] == [
        {"field": "slug", "message": "The slug 'taken' is taken by another post.", "code": "TAKEN"}
    ]
    assert await Post.all().count() == 1
    assert await AuditEntry.all().count() == 0
    assert RECEIVED == []


async def test_section_and_person_fields_are_checked_like_imports(gql: GraphQLClient) -> None:
    await as_editor(gql)
    section = await gql.data(
        """mutation { createSection(input: {slug: "s", name: "S", countryCode: "XX",
             foundedYear: 1200, website: "ftp://example.org"}) {
           section { slug } errors { field code } } }"""
    )
    assert {e["field"] for e in section["createSection"]["errors"]} == {
        "countryCode", "foundedYear", "website",
    }  # fmt: skip
    lowercase = await gql.data(
        'mutation { createSection(input: {slug: "s", name: "S", countryCode: "de"}) '
        "{ section { countryCode } errors { field } } }"
    )
    assert lowercase["createSection"] == {"section": {"countryCode": "DE"}, "errors": []}
    person = await gql.data(
        """mutation { createPerson(input: {slug: "p", name: "P", photoUrl: "javascript:alert(1)",
             section: "U2VjdGlvbjo5OTk="}) { person { slug } errors { field code } } }"""
    )
    assert person["createPerson"]["errors"] == [
        {"field": "photoUrl", "code": "INVALID"},
        {"field": "section", "code": "NOT_FOUND"},
    ]


XSS_VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>",
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<object data="javascript:alert(1)"></object>',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="vbscript:msgbox(1)">x</a>',
    '<p onmouseover="alert(1)">hover</p>',
    "<details open ontoggle=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<!--<img src=x onerror=alert(1)>-->",
    '<a href="https://example.org" target="_blank" onclick="alert(1)">ok</a>',
]
DANGEROUS = ("<script", "javascript:", "vbscript:", "onerror", "onload", "onclick",
             "onmouseover", "ontoggle", "<iframe", "<svg", "<object", "<form", "<meta",
             "style=", "data:text")  # fmt: skip


async def test_no_xss_vector_survives_a_mutation(gql: GraphQLClient) -> None:
    await as_editor(gql)
    for number, vector in enumerate(XSS_VECTORS):
        data = await gql.data(
            CREATE_POST, {"input": {"slug": f"xss-{number}", "title": "X", "body": vector}}
        )
        body = data["createPost"]["post"]["body"].lower()
        assert not [word for word in DANGEROUS if word in body], (vector, body)
    link = await gql.data(
        CREATE_POST,
        {"input": {"slug": "link", "title": "L", "body": '<a href="https://example.org">x</a>'}},
    )
    assert link["createPost"]["post"]["body"] == (
        '<a href="https://example.org" rel="noopener noreferrer">x</a>'
    )


async def test_a_stale_update_is_a_conflict_and_changes_nothing(gql: GraphQLClient) -> None:
    await as_editor(gql)
    post = await factories.post("shared", title="First")
    first = await gql.data(
        UPDATE_POST, {"input": {"id": gid("Post", post.id), "version": 1, "title": "Mine"}}
    )
    assert first["updatePost"] == {
        "post": {"title": "Mine", "body": "<p>Some words.</p>", "version": 2},
        "errors": [],
    }
    stale = await gql.data(
        UPDATE_POST, {"input": {"id": gid("Post", post.id), "version": 1, "title": "Theirs"}}
    )
    assert stale["updatePost"]["post"] is None
    assert stale["updatePost"]["errors"] == [
        {
            "field": "version",
            "code": "CONFLICT",
            "message": "This post was changed by someone else since you loaded it (you edited "
            "version 1, it is now version 2). Reload it and apply your changes again.",
        }
    ]
    assert (await Post.get(id=post.id)).title == "Mine"
    delete = await gql.data(
        "mutation($id: ID!) { deleteTheme(input: {id: $id, version: 7}) "
        "{ deletedId errors { code } } }",
        {"id": gid("Theme", (await factories.theme()).id)},
    )
    assert delete["deleteTheme"] == {"deletedId": None, "errors": [{"code": "CONFLICT"}]}


async def test_a_change_failing_halfway_leaves_nothing(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    await as_editor(gql)
    author = await factories.person("author")

    async def audit_fails(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the disk is full")

    # The post row and its author link are written before the audit entry, which fails.
    monkeypatch.setattr("hub.content.editing.record_change", audit_fails)
    body = await gql.query(
        CREATE_POST,
        {"input": {"slug": "half", "title": "Half", "authors": [gid("Person", author.id)]}},
    )
    assert body["errors"][0]["message"] == "Internal server error: the problem was logged."
    assert await Post.filter(slug="half").count() == 0
    assert await PostAuthor.all().count() == 0
    assert RECEIVED == []


async def test_changes_are_audited_and_announced_after_commit(gql: GraphQLClient) -> None:
    token = await sign_in(Role.ADMIN)
    gql.headers.update(bearer(token))
    created = await gql.data(CREATE_POST, {"input": {"slug": "news", "title": "News"}})
    post_id = created["createPost"]["post"]["id"]
    await gql.data(UPDATE_POST, {"input": {"id": post_id, "version": 1, "title": "Big news"}})
    await gql.data(
        "mutation($id: ID!) { publishPost(input: {id: $id, version: 2}) { errors { code } } }",
        {"id": post_id},
    )
    assert [(event.kind.value, event.slug) for event in RECEIVED] == [
        ("post.updated", "news"),
        ("post.updated", "news"),
        ("post.published", "news"),
    ]
    assert RECEIVED[1].changes == {"title": "Big news"}
    log = await gql.data(
        "query($id: ID!) { auditLog(filter: {objectId: $id}) { totalCount edges { node {"
        " action actor typeName objectId slug before after } } } }",
        {"id": post_id},
    )
    entries = [edge["node"] for edge in log["auditLog"]["edges"]]
    assert [entry["action"] for entry in entries] == ["post.publish", "post.update", "post.create"]
    assert all(entry["actor"].startswith("admin-") for entry in entries)
    assert {entry["objectId"] for entry in entries} == {post_id}  # the public id's form
    assert token[:12] in entries[0]["actor"]
    assert entries[2]["before"] is None
    assert entries[2]["after"]["title"] == "News"
    assert (entries[1]["before"]["title"], entries[1]["after"]["title"]) == ("News", "Big news")
    assert (entries[0]["before"]["status"], entries[0]["after"]["status"]) == (
        "draft",
        "published",
    )


async def test_scheduled_posts_appear_when_their_time_comes(gql: GraphQLClient) -> None:
    await as_editor(gql)
    post = await factories.post("later", status=PostStatus.DRAFT, published_at=None)
    soon = datetime.now(UTC) + timedelta(hours=1)
    past = await gql.data(
        "mutation($id: ID!, $at: DateTime!) { schedulePost(input: {id: $id, version: 1,"
        " publishAt: $at}) { errors { field message } } }",
        {"id": gid("Post", post.id), "at": "2001-01-01T00:00:00Z"},
    )
    assert past["schedulePost"]["errors"] == [
        {"field": "publishAt", "message": "publishAt must be in the future: use publishPost."}
    ]
    scheduled = await gql.data(
        "mutation($id: ID!, $at: DateTime!) { schedulePost(input: {id: $id, version: 1,"
        " publishAt: $at}) { post { publishedAt } errors { field } } }",
        {"id": gid("Post", post.id), "at": soon.isoformat()},
    )
    assert scheduled["schedulePost"]["errors"] == []
    gql.headers.clear()
    query = '{ post(slug: "later") { slug } posts { totalCount } }'
    assert await gql.data(query) == {"post": None, "posts": {"totalCount": 0}}
    # Time passes: no job runs, the post is simply due.
    await Post.filter(id=post.id).update(published_at=datetime.now(UTC) - timedelta(seconds=1))
    assert await gql.data(query) == {"post": {"slug": "later"}, "posts": {"totalCount": 1}}


async def test_unpublishing_hides_a_post_from_anonymous_everywhere(gql: GraphQLClient) -> None:
    post = await factories.post("public")
    await as_editor(gql)
    data = await gql.data(
        "mutation($id: ID!) { unpublishPost(input: {id: $id, version: 1}) { errors { code } } }",
        {"id": gid("Post", post.id)},
    )
    assert data["unpublishPost"]["errors"] == []
    gql.headers.clear()
    hidden = await gql.data(
        'query($id: ID!) { post(slug: "public") { slug } posts { totalCount }'
        " node(id: $id) { id } }",
        {"id": gid("Post", post.id)},
    )
    assert hidden == {"post": None, "posts": {"totalCount": 0}, "node": None}


async def test_an_unpublished_post_has_no_publication_date(gql: GraphQLClient) -> None:
    post = await factories.post("public", published_at=datetime(2020, 5, 1, tzinfo=UTC))
    await as_editor(gql)
    data = await gql.data(
        "mutation($id: ID!) { unpublishPost(input: {id: $id, version: 1}) "
        "{ post { status publishedAt } errors { code } } }",
        {"id": gid("Post", post.id)},
    )
    assert data["unpublishPost"] == {
        "post": {"status": "DRAFT", "publishedAt": None},
        "errors": [],
    }
    again = await gql.data(
        "mutation($id: ID!) { publishPost(input: {id: $id, version: 2}) "
        "{ post { publishedAt } errors { code } } }",
        {"id": gid("Post", post.id)},
    )
    # Published anew: from now, not from the date it had before it was withdrawn.
    published_at = datetime.fromisoformat(again["publishPost"]["post"]["publishedAt"])
    assert published_at > datetime.now(UTC) - timedelta(minutes=1)


PREVIEW = "query($t: String!) { previewPost(token: $t) { slug title } }"


async def test_a_preview_link_shows_one_draft_until_it_expires(gql: GraphQLClient) -> None:
    draft = await factories.post("secret", title="Secret", status=PostStatus.DRAFT)
    await as_editor(gql)
    made = await gql.data(
        "mutation($id: ID!) { createPostPreview(input: {id: $id, expiresIn: 3600})"
        " { token expiresAt errors { field } } }",
        {"id": gid("Post", draft.id)},
    )
    token = made["createPostPreview"]["token"]
    gql.headers.clear()
    assert await gql.data(PREVIEW, {"t": token}) == {
        "previewPost": {"slug": "secret", "title": "Secret"}
    }
    payload, _, signature = token.partition(".")
    forged = base64.urlsafe_b64encode(b'{"post":1,"exp":9999999999}').decode().rstrip("=")
    for bad in (f"{forged}.{signature}", f"{payload}.{signature[:-2]}AA", "nonsense"):
        assert "not valid" in await gql.error(PREVIEW, {"t": bad})


async def test_an_expired_preview_link_says_so(gql: GraphQLClient) -> None:
    from hub.access.preview import sign_preview
    from hub.settings import Settings

    draft = await factories.post("old-secret", status=PostStatus.DRAFT)
    settings = Settings(extra={"HUB_SECRET_KEY": ""})
    token = sign_preview(settings, draft.id, datetime.now(UTC) - timedelta(minutes=1))
    body = await gql.query(PREVIEW, {"t": token})
    assert body["errors"][0]["extensions"]["code"] == "PREVIEW_EXPIRED"
    assert "expired on" in body["errors"][0]["message"]


async def test_an_update_is_a_fixed_number_of_statements(
    gql: GraphQLClient, sql_counter: SQLCounter
) -> None:
    await as_editor(gql)
    people = [await factories.person() for _ in range(5)]
    post = await factories.post("counted", authors=people[:2])
    await gql.data("{ themes { slug } }")  # the token's first use records last_used_at
    sql_counter.reset()
    data = await gql.data(
        UPDATE_POST,
        {
            "input": {
                "id": gid("Post", post.id),
                "version": 1,
                "title": "Counted",
                "authors": [gid("Person", person.id) for person in people],
            }
        },
    )
    assert data["updatePost"]["errors"] == []
    verbs = [statement.split()[0].upper() for statement in sql_counter.statements]
    # token; the authors exist; the post and its 3 link lists before; the guarded UPDATE;
    # the author links replaced (one DELETE, one INSERT for all five); the post and its links
    # after; the audit entry; the `version` field of the answer.
    assert verbs == [
        "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "SELECT", "UPDATE", "DELETE",
        "INSERT", "SELECT", "SELECT", "SELECT", "SELECT", "INSERT", "SELECT",
    ]  # fmt: skip
