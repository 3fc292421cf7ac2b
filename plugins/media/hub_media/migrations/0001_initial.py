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
            name='Asset',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('original_key', fields.CharField(unique=True, max_length=200)),
                ('original_name', fields.CharField(default='', max_length=255)),
                ('content_type', fields.CharField(max_length=50)),
                ('byte_size', fields.BigIntField()),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('alt', fields.TextField(default='', unique=False)),
                ('caption', fields.TextField(default='', unique=False)),
                ('credit', fields.CharField(default='', max_length=300)),
                ('licence', fields.CharField(default='', max_length=200)),
                ('focal_x', fields.FloatField(default=0.5)),
                ('focal_y', fields.FloatField(default=0.5)),
                ('dominant_color', fields.CharField(max_length=7)),
                ('blurhash', fields.CharField(max_length=100)),
                ('version', fields.IntField(default=1)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'media_asset', 'app': 'media', 'constraints': [CheckConstraint(check='focal_x >= 0 AND focal_x <= 1 AND focal_y >= 0 AND focal_y <= 1', name='media_asset_focal_point_inside')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PersonPhoto',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('person', fields.OneToOneField('hub.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='media_photo', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('media.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name='photo_of', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'media_person_photo', 'app': 'media', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='media_featured_image', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('media.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name='featured_on', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'media_post_image', 'app': 'media', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SectionImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('section', fields.OneToOneField('hub.Section', source_field='section_id', db_constraint=True, to_field='id', related_name='media_image', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('media.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name='image_of', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'media_section_image', 'app': 'media', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
