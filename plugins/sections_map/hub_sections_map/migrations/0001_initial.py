from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='SectionLocation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section', fields.OneToOneField('hub.Section', source_field='section_id', db_constraint=True, to_field='id', related_name='map_location', on_delete=OnDelete.CASCADE)),
                ('lat', fields.FloatField()),
                ('lng', fields.FloatField()),
                ('city', fields.CharField(default='', max_length=200)),
                ('region', fields.CharField(default='', db_index=True, max_length=100)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'sections_map_location', 'app': 'sections_map', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        # Tortoise 1.1's CreateModel leaves out Meta.constraints: add the checks on their own.
        ops.AddConstraint(
            model_name='SectionLocation',
            constraint=CheckConstraint(check='lat BETWEEN -90 AND 90', name='sections_map_location_lat'),
        ),
        ops.AddConstraint(
            model_name='SectionLocation',
            constraint=CheckConstraint(check='lng BETWEEN -180 AND 180', name='sections_map_location_lng'),
        ),
        # On SQLite, adding a check rebuilds the table without its indexes and the UNIQUE of
        # section_id: put them back. On PostgreSQL the names exist already and nothing changes.
        ops.RunSQL([
            'CREATE UNIQUE INDEX IF NOT EXISTS "sections_map_location_section_id_key" ON "sections_map_location" ("section_id")',
            'CREATE INDEX IF NOT EXISTS "idx_sections_ma_region_1d2863" ON "sections_map_location" ("region")',
        ]),
    ]
