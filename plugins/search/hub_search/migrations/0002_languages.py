"""Search by language: each PostgreSQL document indexed with its language's text search
configuration (a ``config`` column), and the translation group of each document (both
databases), for ``search(language:)``."""

from tortoise import migrations
from tortoise.migrations import operations as ops


async def upgrade_index_tables(apps, schema_editor):  # type: ignore[no-untyped-def]
    # As in 0001, the SQL lives with the backend; it is idempotent, so a database whose
    # tables 0001 already made in their current form is left as it is.
    from hub_search.backends import current_backend

    await current_backend(schema_editor.client).upgrade_schema()


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [ops.RunPython(upgrade_index_tables)]
