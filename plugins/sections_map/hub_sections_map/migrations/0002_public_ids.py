from tortoise import migrations
from tortoise.migrations import operations as ops
from uuid import uuid4
from tortoise import fields
from hub import fill_public_ids

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial'), ('hub', '0002_public_ids'), ('sections_map', '0001_initial')]

    initial = False

    # Rows stored before declarations get their stable public ids here (hub.fill_public_ids).
    operations = [
        ops.AddField(
            model_name='SectionLocation',
            name='public_id',
            field=fields.UUIDField(null=True, default=uuid4, unique=True),
        ),
        ops.RunPython(fill_public_ids("sections_map", "SectionLocation")),
    ]
