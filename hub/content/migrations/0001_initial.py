from tortoise import migrations
from tortoise.migrations import operations as ops
from hub.content.models import PostStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Post',
            fields=[
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('title', fields.CharField(max_length=300)),
                ('excerpt', fields.TextField(default='', unique=False)),
                ('body', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=PostStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nSCHEDULED: scheduled', enum_type=PostStatus, max_length=16)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('language', fields.CharField(default='en', max_length=35)),
            ],
            options={'table': 'hub_post', 'app': 'hub', 'indexes': [Index(fields=['published_at', 'id'])], 'pk_attr': 'id'},
            bases=['Timestamped'],
        ),
        ops.CreateModel(
            name='Section',
            fields=[
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('name', fields.CharField(max_length=200)),
                ('country_code', fields.CharField(db_index=True, max_length=2)),
                ('description', fields.TextField(default='', unique=False)),
                ('founded_year', fields.IntField(null=True)),
                ('website', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'hub_section', 'app': 'hub', 'pk_attr': 'id'},
            bases=['Timestamped'],
        ),
        ops.CreateModel(
            name='Person',
            fields=[
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('name', fields.CharField(max_length=200)),
                ('role', fields.CharField(default='', db_index=True, max_length=120)),
                ('bio', fields.TextField(default='', unique=False)),
                ('photo_url', fields.CharField(default='', max_length=500)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='people', on_delete=OnDelete.SET_NULL)),
                ('board_order', fields.IntField(null=True)),
            ],
            options={'table': 'hub_person', 'app': 'hub', 'pk_attr': 'id'},
            bases=['Timestamped'],
        ),
        ops.CreateModel(
            name='PostAuthor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='author_links', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('hub.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='post_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'hub_post_author', 'app': 'hub', 'unique_together': (('post', 'person'),), 'indexes': [Index(fields=['person_id', 'post_id'])], 'pk_attr': 'id', 'table_description': 'Authorship, ordered: the first author is named first.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostSection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='section_links', on_delete=OnDelete.CASCADE)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', db_constraint=True, to_field='id', related_name='post_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'hub_post_section', 'app': 'hub', 'unique_together': (('post', 'section'),), 'indexes': [Index(fields=['section_id', 'post_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Theme',
            fields=[
                ('version', fields.IntField(default=1)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'hub_theme', 'app': 'hub', 'pk_attr': 'id'},
            bases=['Versioned'],
        ),
        ops.CreateModel(
            name='PostTheme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='theme_links', on_delete=OnDelete.CASCADE)),
                ('theme', fields.ForeignKeyField('hub.Theme', source_field='theme_id', db_constraint=True, to_field='id', related_name='post_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'hub_post_theme', 'app': 'hub', 'unique_together': (('post', 'theme'),), 'indexes': [Index(fields=['theme_id', 'post_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
