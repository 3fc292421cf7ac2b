from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('events', '0001_initial'), ('hub', '0001_initial')]

    initial = False

    # db_default (not only default) so that ADD COLUMN fills the existing rows: their instants
    # were stored in UTC and nothing else is known about them, so they become timed UTC events.
    operations = [
        ops.AddField(
            model_name='Event',
            name='all_day',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Event',
            name='timezone',
            field=fields.CharField(default='UTC', db_default='UTC', max_length=64),
        ),
    ]
