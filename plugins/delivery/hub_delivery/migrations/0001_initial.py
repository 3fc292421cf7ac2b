from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='RegisteredQuery',
            fields=[
                ('sha256', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('document', fields.TextField(unique=False)),
                ('operation_names', fields.CharField(default='', max_length=500)),
                ('registered_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'delivery_registered_query', 'app': 'delivery', 'pk_attr': 'sha256'},
            bases=['Model'],
        ),
    ]
