from tortoise import migrations
from tortoise.migrations import operations as ops
from hub.access.models import Role
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='User',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(unique=True, max_length=254)),
                ('role', fields.CharEnumField(description='ADMIN: admin\nEDITOR: editor\nAUTHOR: author\nPARTNER: partner', enum_type=Role, max_length=16)),
                ('password_hash', fields.CharField(max_length=200)),
                ('person', fields.ForeignKeyField('hub.Person', source_field='person_id', null=True, db_constraint=True, to_field='id', related_name='accounts', on_delete=OnDelete.SET_NULL)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'access_user', 'app': 'access', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('user', fields.ForeignKeyField('access.User', source_field='user_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(default='', max_length=120)),
                ('prefix', fields.CharField(db_index=True, max_length=16)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('scopes', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'access_api_token', 'app': 'access', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('user', fields.ForeignKeyField('access.User', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.SET_NULL)),
                ('actor', fields.CharField(max_length=300)),
                ('action', fields.CharField(max_length=40)),
                ('type_name', fields.CharField(max_length=60)),
                ('object_id', fields.IntField()),
                ('object_slug', fields.CharField(default='', max_length=120)),
                ('before', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
                ('after', fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'access_audit_entry', 'app': 'access', 'indexes': [Index(fields=['type_name', 'object_id'])], 'pk_attr': 'id', 'table_description': 'One change made through the API: who, what, when, and the object before and after.'},
            bases=['Model'],
        ),
    ]
