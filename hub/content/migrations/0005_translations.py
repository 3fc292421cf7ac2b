from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0004_post_seo_fields')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PersonTranslation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.ForeignKeyField('hub.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='translations', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=35)),
                ('role', fields.CharField(null=True, max_length=120)),
                ('bio', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'hub_person_translation', 'app': 'hub', 'unique_together': (('person', 'language'),), 'pk_attr': 'id', 'table_description': 'Person fields in other languages than the default one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SectionTranslation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', db_constraint=True, to_field='id', related_name='translations', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=35)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('description', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'hub_section_translation', 'app': 'hub', 'unique_together': (('section', 'language'),), 'pk_attr': 'id', 'table_description': 'Section fields in other languages than the default one.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ThemeTranslation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('theme', fields.ForeignKeyField('hub.Theme', source_field='theme_id', db_constraint=True, to_field='id', related_name='translations', on_delete=OnDelete.CASCADE)),
                ('language', fields.CharField(max_length=35)),
                ('name', fields.CharField(null=True, max_length=200)),
                ('description', fields.TextField(null=True, unique=False)),
            ],
            options={'table': 'hub_theme_translation', 'app': 'hub', 'unique_together': (('theme', 'language'),), 'pk_attr': 'id', 'table_description': 'Theme fields in other languages than the default one.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Post',
            name='translation_group',
            field=fields.CharField(null=True, db_index=True, max_length=120),
        ),
    ]
