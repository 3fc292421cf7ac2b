from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from hub import fill_public_ids

class Migration(migrations.Migration):
    dependencies = [('events', '0002_timezone_all_day'), ('hub', '0002_public_ids')]

    initial = False

    # Rows stored before declarations get their stable public ids here (hub.fill_public_ids).
    operations = [
        ops.AddField(
            model_name='Event',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.RunPython(fill_public_ids("events", "Event")),
    ]
