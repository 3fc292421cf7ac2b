from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0002_public_ids')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Petition',
            fields=[
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_id', fields.UUIDField(null=True, default=uuid4, unique=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('title', fields.CharField(max_length=200)),
                ('demand', fields.TextField(default='', unique=False)),
                ('goal', fields.IntField(default=1000)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='petitions', on_delete=OnDelete.SET_NULL)),
                ('post', fields.ForeignKeyField('hub.Post', source_field='post_id', null=True, unique=True, db_constraint=True, to_field='id', related_name='petitions', on_delete=OnDelete.SET_NULL)),
                ('contact_email', fields.CharField(default='', max_length=254)),
                ('signatures', fields.IntField(default=0)),
                ('opened_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'petitions_petition', 'app': 'petitions', 'pk_attr': 'id'},
            bases=['Timestamped'],
        ),
        ops.CreateModel(
            name='PetitionTheme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('petition', fields.ForeignKeyField('petitions.Petition', source_field='petition_id', db_constraint=True, to_field='id', related_name='theme_links', on_delete=OnDelete.CASCADE)),
                ('theme', fields.ForeignKeyField('hub.Theme', source_field='theme_id', db_constraint=True, to_field='id', related_name='petition_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'petitions_petition_theme', 'app': 'petitions', 'unique_together': (('petition', 'theme'),), 'indexes': [Index(fields=['theme_id', 'petition_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Signature',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('petition', fields.ForeignKeyField('petitions.Petition', source_field='petition_id', db_constraint=True, to_field='id', related_name='signed_by', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=200)),
                ('email', fields.CharField(max_length=254)),
                ('signed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'petitions_signature', 'app': 'petitions', 'unique_together': (('petition', 'email'),), 'pk_attr': 'id', 'table_description': 'Personal data, not content: never served, exported or audited.'},
            bases=['Model'],
        ),
    ]
