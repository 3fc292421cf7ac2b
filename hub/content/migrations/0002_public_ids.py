from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from hub.content.model_building import fill_public_ids

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial')]

    initial = False

    # Global IDs stop being row numbers: every row gets a random public id (a UUID), which
    # export and import keep. Existing rows are filled here, on SQLite and PostgreSQL alike.
    operations = [
        ops.AddField(
            model_name='Person',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.AddField(
            model_name='Post',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.AddField(
            model_name='Section',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.AddField(
            model_name='Theme',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.RunPython(fill_public_ids("hub", "Person", "Post", "Section", "Theme")),
    ]
