from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('access', '0001_initial'), ('delivery', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PartnerPolicy',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token', fields.OneToOneField('access.ApiToken', source_field='token_id', db_constraint=True, to_field='id', related_name='partner_policy', on_delete=OnDelete.CASCADE)),
                ('origins', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('rate', fields.CharField(null=True, max_length=32)),
                ('burst', fields.IntField(null=True)),
                ('max_depth', fields.IntField(null=True)),
                ('max_aliases', fields.IntField(null=True)),
                ('max_tokens', fields.IntField(null=True)),
                ('max_cost', fields.IntField(null=True)),
                ('registered_only', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'delivery_partner_policy', 'app': 'delivery', 'pk_attr': 'id', 'table_description': "What one partner's API key may do: origins, request rate, query budget, operations."},
            bases=['Model'],
        ),
    ]
