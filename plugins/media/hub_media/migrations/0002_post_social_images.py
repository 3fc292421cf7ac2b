from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0004_post_seo_fields'), ('media', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PostSocialImage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.OneToOneField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='media_social_image', on_delete=OnDelete.CASCADE)),
                ('asset', fields.ForeignKeyField('media.Asset', source_field='asset_id', db_constraint=True, to_field='id', related_name='social_image_of', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'media_post_social_image', 'app': 'media', 'pk_attr': 'id', 'table_description': 'The image link previews show for a post (``Post.seo.image``) instead of its featured one.'},
            bases=['Model'],
        ),
    ]
