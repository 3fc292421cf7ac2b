"""``hub import --from wordpress``: a WordPress export (WXR) brought over in one command."""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path
from typing import Any

import hub_media.plugin
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE
from typer.testing import CliRunner, Result

from bench.wxr import WpPost, export_bytes
from hub import ImportedMedia
from hub.cli import build_cli
from hub.content.wordpress.bodies import clean_body
from hub.content.wordpress.wxr import read_export
from hub.plugins import get_plugin_manager
from hub.settings import Settings
from tests.media_support import image_bytes
from tests.plugin_helpers import make_plugin

CATEGORIES = (("news", "News", ""), ("africa", "Africa", "news"), ("kenya", "Kenya", "africa"))
TAGS = (("peace", "Peace"), ("news", "News"))


@pytest.fixture
def media_plugins() -> list[object]:
    return [hub_media.plugin]


@pytest.fixture
def hub(settings: Settings, monkeypatch: pytest.MonkeyPatch, media_plugins: list[object]) -> Any:
    """Runs ``hub ...`` in-process on the test database, with the default plugins and media."""
    EXECUTOR_CACHE.clear()  # statements are cached per connection name, not per backend
    monkeypatch.setenv("HUB_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("HUB_DATA_DIR", str(settings.data_dir))
    original = get_plugin_manager

    def with_media(**kwargs: Any) -> Any:
        return original(load_entry_points=False, extra_plugins=media_plugins, **kwargs)

    monkeypatch.setattr("hub.cli.get_plugin_manager", with_media)

    def run(*args: str) -> Result:
        return CliRunner().invoke(build_cli(), list(args))

    assert run("migrate").exit_code == 0
    return run


def exported(hub: Any) -> dict[str, Any]:
    result = hub("export")
    assert result.exit_code == 0, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def posts_by_slug(hub: Any) -> dict[str, dict[str, Any]]:
    return {post["slug"]: post for post in exported(hub)["posts"]}


def one_line(result: Result) -> str:
    return " ".join(result.stderr.split())


def write(tmp_path: Path, posts: list[WpPost], **options: Any) -> Path:
    path = tmp_path / "site.xml"
    path.write_bytes(export_bytes(posts, **options))
    return path


def site_posts() -> list[WpPost]:
    news = ("category", "news", "News")
    kenya = ("category", "kenya", "Kenya")
    peace = ("post_tag", "peace", "Peace")
    return [
        WpPost(1, "Peace talks", "<!-- wp:paragraph --><p>Talks]]>began</p><!-- /wp:paragraph -->",
               post_name="peace-talks", terms=(news, kenya, peace), comments=3,
               excerpt="Women at the table."),
        WpPost(2, "A draft", post_name="", status="draft", date_gmt="0000-00-00 00:00:00"),
        WpPost(3, "Under review", post_name="under-review", status="pending"),
        WpPost(4, "Coming soon", post_name="coming-soon", status="future",
               date_gmt="2031-01-01 08:00:00"),
        WpPost(5, "Members only", post_name="members-only", status="private"),
        WpPost(6, "Thrown away", post_name="thrown-away", status="trash"),
        WpPost(7, "About us", post_name="about", post_type="page"),
        WpPost(8, "Nobody wrote this", post_name="orphan", creator=""),
    ]  # fmt: skip


def test_a_site_is_imported_with_statuses_dates_authors_and_themes(
    hub: Any, tmp_path: Path
) -> None:
    export = write(tmp_path, site_posts(), categories=CATEGORIES, tags=TAGS, version="1.1")

    result = hub("import", "--from", "wordpress", str(export))

    assert result.exit_code == 0, result.output
    posts = posts_by_slug(hub)
    assert sorted(posts) == [
        "a-draft", "coming-soon", "members-only", "orphan", "peace-talks", "under-review",
    ]  # fmt: skip
    talks = posts["peace-talks"]
    # CDATA's "]]>" survives; the block-editor comments do not.
    assert talks["body"] == "<p>Talks]]&gt;began</p>"
    assert talks["excerpt"] == "Women at the table."
    assert (talks["status"], talks["published_at"]) == ("published", "2024-03-01T09:30:00Z")
    assert talks["authors"] == ["admin"]
    assert talks["themes"] == ["kenya", "news"]  # categories only, by default
    assert talks["language"] == "en-US"
    assert (posts["a-draft"]["status"], posts["a-draft"]["published_at"]) == ("draft", None)
    assert posts["under-review"]["status"] == "draft"
    assert posts["coming-soon"]["status"] == "scheduled"
    assert posts["coming-soon"]["published_at"] == "2031-01-01T08:00:00Z"
    assert posts["members-only"]["status"] == "draft"
    assert posts["orphan"]["authors"] == []
    document = exported(hub)
    assert [(p["slug"], p["name"]) for p in document["people"]] == [("admin", "Site Admin")]
    assert sorted(t["slug"] for t in document["themes"]) == ["africa", "kenya", "news"]
    lines = result.stderr.splitlines()
    for expected in (
        "post 5: is private: imported as a draft, which is not public",
        'post 6: skipped: status "trash" is not imported',
        "page 7: skipped: only posts are imported",
        "post 8: has no author: imported without one",
        'category 2: is under "news"; themes are not nested',
        'category 3: is under "africa"; themes are not nested',
    ):
        assert expected in lines
    summary = one_line(result)
    assert "(WXR 1.1)" in summary
    assert "posts: 6 new, 0 updated, 0 unchanged" in summary
    assert "3 comment(s) skipped" in summary
    assert "other items skipped: page: 1, trash post: 1" in summary


def test_importing_the_same_export_again_changes_nothing(hub: Any, tmp_path: Path) -> None:
    export = write(tmp_path, site_posts(), categories=CATEGORIES)
    assert hub("import", "--from", "wordpress", str(export)).exit_code == 0
    before = exported(hub)

    again = hub("import", "--from", "wordpress", str(export))

    assert again.exit_code == 0, again.output
    summary = one_line(again)
    assert "people: 0 new, 0 updated, 1 unchanged" in summary
    assert "themes: 0 new, 0 updated, 3 unchanged" in summary
    assert "posts: 0 new, 0 updated, 6 unchanged" in summary
    assert exported(hub) == before


def test_seo_plugins_descriptions_and_canonical_urls_come_along_where_valid(
    hub: Any, tmp_path: Path
) -> None:
    posts = [
        WpPost(1, "Yoast", post_name="yoast", meta={
            "_yoast_wpseo_metadesc": "  Women for peace, since 1915. ",
            "_yoast_wpseo_canonical": "https://wilpf.org/yoast"}),
        WpPost(2, "Rank Math", post_name="rank-math", meta={
            "rank_math_description": "100% for peace"}),
        WpPost(3, "Templated", post_name="templated", meta={
            "_yoast_wpseo_metadesc": "%%excerpt%% %%sep%% %%sitename%%",
            "rank_math_canonical_url": "ftp://example.org/file"}),
    ]  # fmt: skip
    result = hub("import", "--from", "wordpress", str(write(tmp_path, posts)))

    assert result.exit_code == 0, result.output
    found = {
        slug: (post["meta_description"], post["canonical_url"])
        for slug, post in posts_by_slug(hub).items()
    }
    assert found == {
        "yoast": ("Women for peace, since 1915.", "https://wilpf.org/yoast"),
        "rank-math": ("100% for peace", ""),
        "templated": ("", ""),
    }
    notes = one_line(result)
    assert "meta_description '%%excerpt%% %%sep%% %%sitename%%' is a template: not kept" in notes
    assert "canonical_url not kept: 'ftp://example.org/file' is not an http(s) URL" in notes


def test_duplicate_and_missing_slugs_are_made_unique_and_reported(hub: Any, tmp_path: Path) -> None:
    posts = [
        WpPost(10, "Hello world", post_name="hello"),
        WpPost(11, "Hello again", post_name="hello"),
        WpPost(12, "Café société", post_name=""),
        WpPost(13, "", post_name="caf%c3%a9-2"),
        WpPost(14, "x" * 400, post_name="long"),
    ]
    report = tmp_path / "report.json"

    result = hub("import", "--from", "wordpress", str(write(tmp_path, posts)),
                 "--report", str(report))  # fmt: skip

    assert result.exit_code == 0, result.output
    posts_found = posts_by_slug(hub)
    assert sorted(posts_found) == ["cafe-2", "cafe-societe", "hello", "hello-2", "long"]
    assert posts_found["cafe-2"]["title"] == "Untitled"
    assert len(posts_found["long"]["title"]) == 300
    lines = result.stderr.splitlines()
    assert 'post 11: slug "hello" is used by an earlier post: imported as "hello-2"' in lines
    assert 'post 13: slug "caf%c3%a9-2" imported as "cafe-2"' in lines
    assert 'post 13: has no title: imported as "Untitled"' in lines
    assert "post 14: title shortened to 300 characters" in lines
    # Each post's WordPress URL is kept, for redirects from the old site.
    kept = json.loads(report.read_bytes())
    assert kept["posts"][1] == {
        "wordpress_id": "11", "link": "https://example.org/?p=11", "slug": "hello-2",
    }  # fmt: skip
    assert {
        "kind": "post",
        "wordpress_id": "11",
        "message": 'slug "hello" is used by an earlier post: imported as "hello-2"',
    } in kept["notices"]


@pytest.mark.parametrize(
    ("mapping", "themes"), [("tags", ["news", "peace"]), ("both", ["kenya", "news", "peace"])]
)
def test_tags_become_themes_when_asked(
    hub: Any, tmp_path: Path, mapping: str, themes: list[str]
) -> None:
    terms = (("category", "news", "News"), ("category", "kenya", "Kenya"),
             ("post_tag", "peace", "Peace"), ("post_tag", "news", "News"))  # fmt: skip
    export = write(tmp_path, [WpPost(1, "Tagged", post_name="tagged", terms=terms)],
                   categories=CATEGORIES, tags=TAGS)  # fmt: skip

    result = hub("import", "--from", "wordpress", str(export), "--themes", mapping)

    assert result.exit_code == 0, result.output
    assert sorted(posts_by_slug(hub)["tagged"]["themes"]) == themes


@pytest.mark.parametrize("encoding", ["ISO-8859-1", "windows-1252"])
def test_an_export_is_read_in_its_declared_encoding(
    hub: Any, tmp_path: Path, encoding: str
) -> None:
    title = "Réunion à Genève"
    if encoding == "windows-1252":  # its dashes and quotes are not in ISO-8859-1
        title += " \u2013 \u201cquoted\u201d"
    posts = [WpPost(1, title, "<p>Déjà vu</p>", post_name="reunion-a-geneve", creator="zoe")]
    export = write(tmp_path, posts, encoding=encoding, authors=(("zoe", "Zoé Müller"),))
    assert b"R\xe9union" in export.read_bytes()

    result = hub("import", "--from", "wordpress", str(export))

    assert result.exit_code == 0, result.output
    post = posts_by_slug(hub)["reunion-a-geneve"]
    assert (post["title"], post["body"]) == (title, "<p>Déjà vu</p>")
    assert exported(hub)["people"][0]["name"] == "Zoé Müller"


def test_a_huge_body_is_imported_whole_and_sanitised(hub: Any, tmp_path: Path) -> None:
    paragraph = "<p>" + "Peace and freedom. " * 50 + "</p>\n"
    body = paragraph * 4000 + '<script>alert("x")</script>'  # about 3.8 MB
    export = write(tmp_path, [WpPost(1, "Long read", body, post_name="long-read")])

    result = hub("import", "--from", "wordpress", str(export))

    assert result.exit_code == 0, result.output
    stored = posts_by_slug(hub)["long-read"]["body"]
    assert stored.count("Peace and freedom.") == 200_000
    assert "script" not in stored


def test_a_malformed_export_is_refused_in_one_line_and_nothing_is_written(
    hub: Any, tmp_path: Path
) -> None:
    text = export_bytes([WpPost(1, "Fine", post_name="fine"), WpPost(2, "Broken")])
    broken = tmp_path / "broken.xml"
    broken.write_bytes(text.replace(b"<title><![CDATA[Broken]]></title>", b"<title>Broken"))

    result = hub("import", "--from", "wordpress", str(broken))

    assert result.exit_code == 1
    assert f"error: {broken} is not well-formed XML: mismatched tag at line 46" in one_line(result)
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert exported(hub)["posts"] == []


def test_every_invalid_post_is_reported_at_once_with_its_wordpress_id(
    hub: Any, tmp_path: Path
) -> None:
    posts = [WpPost(1, "Fine", post_name="fine"),
             WpPost(2, "Bad date", post_name="bad-date", date_gmt="2024-13-45 99:00:00"),
             WpPost(3, "Worse date", post_name="worse-date", date_gmt="yesterday")]  # fmt: skip

    result = hub("import", "--from", "wordpress", str(write(tmp_path, posts)))

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert f"error: {tmp_path / 'site.xml'} has 2 problem(s); nothing was imported:" in lines
    assert (
        '  posts[1] (WordPress post 2) (slug "bad-date"): field "published_at": '
        "'2024-13-45T99:00:00+00:00' is not an ISO 8601 date and time"
    ) in lines
    assert any(line.startswith("  posts[2] (WordPress post 3)") for line in lines)
    assert exported(hub)["posts"] == []


def test_entities_are_refused_so_a_file_cannot_expand_without_limit(
    hub: Any, tmp_path: Path
) -> None:
    laughs = b'<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
    text = export_bytes([WpPost(1, "&lol2;", post_name="lol")]).replace(
        b"<![CDATA[&lol2;]]>", b"&lol2;"
    )
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(text.replace(b"?>\n", b"?>\n" + laughs, 1))

    result = hub("import", "--from", "wordpress", str(bomb))

    assert result.exit_code == 1
    assert "declares entities (EntitiesForbidden)" in one_line(result)
    assert exported(hub)["posts"] == []


def test_a_file_that_is_not_a_wordpress_export_is_refused(hub: Any, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_text('<?xml version="1.0"?><rss><channel><item><title>x</title></item>'
                    "</channel></rss>")  # fmt: skip

    result = hub("import", "--from", "wordpress", str(feed))

    assert result.exit_code == 1
    assert "is not a WordPress export: it has no wp:wxr_version" in one_line(result)


def attachment(number: int, path: str) -> WpPost:
    return WpPost(
        number, f"Photo {number}", "", post_name=f"photo-{number}", post_type="attachment",
        status="inherit", attachment_url=f"https://example.org/wp-content/uploads/{path}",
        meta={"_wp_attached_file": path, "_wp_attachment_image_alt": f"Alt {number}"},
    )  # fmt: skip


def test_attachments_with_files_join_the_media_library_and_others_are_reported(
    hub: Any, tmp_path: Path
) -> None:
    uploads = tmp_path / "uploads"
    (uploads / "2024" / "03").mkdir(parents=True)
    (uploads / "2024" / "03" / "march.jpg").write_bytes(image_bytes(64, 48))
    posts = [
        WpPost(1, "With picture", post_name="with-picture", meta={"_thumbnail_id": "20"}),
        WpPost(2, "Picture lost", post_name="picture-lost", meta={"_thumbnail_id": "21"}),
        attachment(20, "2024/03/march.jpg"),
        attachment(21, "2024/03/gone.jpg"),
    ]
    export = write(tmp_path, posts)

    first = hub("import", "--from", "wordpress", str(export), "--uploads", str(uploads))
    second = hub("import", "--from", "wordpress", str(export), "--uploads", str(uploads))
    no_uploads = hub("import", "--from", "wordpress", str(export))

    assert first.exit_code == 0, first.output
    lines = first.stderr.splitlines()
    assert (
        f"attachment 21: no file 2024/03/gone.jpg in {uploads}: reference kept "
        "(https://example.org/wp-content/uploads/2024/03/gone.jpg); featured image of picture-lost"
    ) in lines
    assert (
        "media library: 1 image(s) added, 0 already in the library, 1 featured image(s) set"
        in lines
    )
    assert "media library: 0 image(s) added, 1 already in the library, 0 featured image(s) set" in (
        second.stderr.splitlines()
    )
    assert "posts: 0 new, 0 updated, 2 unchanged" in one_line(second)
    assert len(list((tmp_path / "media" / "originals").iterdir())) == 1
    assert "attachment 20: no file 2024/03/march.jpg (no --uploads folder given)" in (
        no_uploads.stderr
    )


received: list[ImportedMedia] = []


def keep_media(media: list[ImportedMedia]) -> list[str]:
    received.extend(media)
    return [f"kept {len(media)} file(s)"]


@pytest.mark.parametrize("media_plugins", [[], [make_plugin("keeper", import_media=keep_media)]])
def test_attachments_go_to_whichever_plugin_keeps_media(
    hub: Any, tmp_path: Path, media_plugins: list[object]
) -> None:
    received.clear()
    uploads = tmp_path / "uploads"
    (uploads / "2024").mkdir(parents=True)
    (uploads / "2024" / "a.jpg").write_bytes(b"any bytes")
    posts = [WpPost(1, "Pictured", post_name="pictured", meta={"_thumbnail_id": "20"}),
             attachment(20, "2024/a.jpg")]  # fmt: skip
    export = write(tmp_path, posts)

    result = hub("import", "--from", "wordpress", str(export), "--uploads", str(uploads))

    assert result.exit_code == 0, result.output
    if media_plugins:
        assert "kept 1 file(s)" in result.stderr.splitlines()
        assert received == [
            ImportedMedia(
                source="attachment 20",
                file=uploads / "2024" / "a.jpg",
                url="https://example.org/wp-content/uploads/2024/a.jpg",
                title="Photo 20",
                alt="Alt 20",
                featured_on=("pictured",),
            )
        ]
    else:
        assert (
            "attachment 20: not imported, no media plugin is installed "
            "(https://example.org/wp-content/uploads/2024/a.jpg)"
        ) in result.stderr.splitlines()


def test_a_missing_uploads_folder_is_one_clear_error(hub: Any, tmp_path: Path) -> None:
    export = write(tmp_path, [WpPost(1, "Hi", post_name="hi")])
    result = hub("import", "--from", "wordpress", str(export), "--uploads", str(tmp_path / "no"))
    assert result.exit_code == 1
    assert f"--uploads {tmp_path / 'no'} is not a folder" in one_line(result)


@pytest.mark.parametrize(
    ("body", "cleaned", "handled"),
    [
        ('<!-- wp:image {"id":5} --><figure><img src="a.jpg"></figure><!-- /wp:image -->',
         '<figure><img src="a.jpg"></figure>', []),
        ('[caption id="attachment_5" width="300"]<a href="/a"><img src="a.jpg"></a> Our march'
         "[/caption]",
         '<figure><a href="/a"><img src="a.jpg"></a><figcaption>Our march</figcaption></figure>',
         ["[caption] made a figure"]),
        ('<p>See [gallery ids="1,2,3"] here</p>', "<p>See  here</p>",
         ["[gallery] removed (1,2,3)"]),
        ("[embed]https://video.example/1[/embed]",
         '<p><a href="https://video.example/1">https://video.example/1</a></p>',
         ["[embed] made a link"]),
        ('<p>[contact-form-7 id="4"] and [note]kept text[/note]</p>', "<p> and kept text</p>",
         ["[contact-form-7] removed", "[note] removed, its text kept"]),
        ("<p>Footnote [1] and [sic] and [[gallery]]</p>",
         "<p>Footnote [1] and [sic] and [gallery]</p>", []),
        ("First paragraph\nsame one\n\nSecond",
         "<p>First paragraph<br>same one</p><p>Second</p>", []),
    ],
)  # fmt: skip
def test_block_comments_and_shortcodes_are_removed_or_turned_into_html(
    body: str, cleaned: str, handled: list[str]
) -> None:
    assert clean_body(body) == (cleaned, handled)


def reader_peak(posts: int) -> int:
    """Bytes allocated at most while the reader walks an export of ``posts`` posts."""
    export = io.BytesIO(
        export_bytes(WpPost(n, f"Post {n}", "<p>Body</p>" * 100) for n in range(posts))
    )
    tracemalloc.start()
    try:
        for _ in read_export(export, lambda _: None):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_the_reader_holds_one_item_at_a_time_whatever_the_files_size() -> None:
    small, large = reader_peak(200), reader_peak(3000)  # 0.3 MB and 4.5 MB of export
    assert large < small * 1.5
    assert large < 1_000_000
