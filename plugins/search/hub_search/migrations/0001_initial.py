"""The search index tables (SQL for the database in use: FTS5 or tsvector) and IndexBuild."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


async def create_index_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    # The backend is picked from the connection the migration runs on; the SQL lives with
    # the backend so that tests (which create tables without migrations) use the same DDL.
    from hub_search.backends import current_backend

    await current_backend(schema_editor.client).create_schema()


class Migration(migrations.Migration):
    # The index reads hub_post_theme and friends at query time.
    dependencies = [("hub", "0001_initial")]

    initial = True

    operations = [
        ops.CreateModel(
            name='IndexBuild',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('documents', fields.IntField()),
            ],
            options={'table': 'search_index_build', 'app': 'search', 'pk_attr': 'id', 'table_description': 'One run of ``hub search reindex``: when it ran and how many documents it indexed.'},
            bases=['Model'],
        ),
        ops.RunPython(create_index_tables),
    ]
