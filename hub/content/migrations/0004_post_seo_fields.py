from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('hub', '0003_post_redirects')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Post',
            name='canonical_url',
            field=fields.CharField(default='', max_length=500),
        ),
        ops.AddField(
            model_name='Post',
            name='meta_description',
            field=fields.CharField(default='', max_length=300),
        ),
    ]
