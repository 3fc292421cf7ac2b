from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial'), ('hub', '0002_public_ids')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PostRedirect',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('post', fields.ForeignKeyField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='redirects', on_delete=OnDelete.CASCADE)),
                ('old_slug', fields.CharField(null=True, unique=True, description='A slug the post had: ``post(slug:)`` still finds it, until another post takes it.', max_length=120)),
                ('old_path', fields.CharField(null=True, unique=True, description='A path of the site the post came from, as ``normalised_path`` writes it', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'hub_post_redirect', 'app': 'hub', 'pk_attr': 'id', 'table_description': 'Old slugs and old site paths of posts, kept for redirects.'},
            bases=['Model'],
        ),
    ]
