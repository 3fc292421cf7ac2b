from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('events', '0003_public_ids'), ('hub', '0001_initial'), ('hub', '0002_public_ids')]

    initial = False

    # Events edited through createEvent/updateEvent carry a version (optimistic concurrency).
    # Existing rows start at 1.

    operations = [
        ops.AddField(
            model_name='Event',
            name='version',
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
