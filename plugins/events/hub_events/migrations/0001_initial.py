from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('title', fields.CharField(max_length=300)),
                ('description', fields.TextField(default='', unique=False)),
                ('starts_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('venue', fields.CharField(default='', max_length=300)),
                ('city', fields.CharField(default='', max_length=200)),
                ('country_code', fields.CharField(default='', max_length=2)),
                ('url', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'events_event', 'app': 'events', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EventParticipant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('events.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='participants', on_delete=OnDelete.CASCADE)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='events_participations', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=200)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'events_event_participant', 'app': 'events', 'unique_together': (('event', 'section'),), 'indexes': [Index(fields=['section_id', 'event_id'])], 'pk_attr': 'id', 'table_description': 'One participant of an event, in the order they are listed.'},
            bases=['Model'],
        ),
        # Tortoise 1.1's CreateModel leaves out Meta.constraints: add the check on its own.
        ops.AddConstraint(
            model_name='Event',
            constraint=CheckConstraint(check='ends_at >= starts_at', name='events_event_ends_after_start'),
        ),
        # On SQLite, adding a check rebuilds the table without its indexes: put them back.
        ops.RunSQL([
            'CREATE INDEX IF NOT EXISTS "idx_events_even_starts__eda926" ON "events_event" ("starts_at")',
            'CREATE INDEX IF NOT EXISTS "idx_events_even_ends_at_af65ea" ON "events_event" ("ends_at")',
        ]),
    ]
