from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('donations', '0002_public_ids'), ('hub', '0001_initial'), ('hub', '0002_public_ids')]

    initial = False

    # Campaigns edited through createCampaign/updateCampaign carry a version (optimistic
    # concurrency). Existing rows start at 1.

    operations = [
        ops.AddField(
            model_name='Campaign',
            name='version',
            field=fields.IntField(default=1, db_default=1),
        ),
    ]
