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
            name='Book',
            fields=[
                ('version', fields.IntField(default=1)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('public_id', fields.UUIDField(null=True, default=uuid4, unique=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('title', fields.CharField(max_length=200)),
                ('pages', fields.IntField(null=True)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', null=True, db_constraint=True, to_field='id', related_name='books', on_delete=OnDelete.SET_NULL)),
                ('shop_url', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'bookshelf_books', 'app': 'bookshelf', 'indexes': [Index(fields=['title', 'id'])], 'pk_attr': 'id'},
            bases=['Versioned'],
        ),
        ops.CreateModel(
            name='BookPerson',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('book', fields.ForeignKeyField('bookshelf.Book', source_field='book_id', db_constraint=True, to_field='id', related_name='person_links', on_delete=OnDelete.CASCADE)),
                ('person', fields.ForeignKeyField('hub.Person', source_field='person_id', db_constraint=True, to_field='id', related_name='book_links', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField(default=0)),
            ],
            options={'table': 'bookshelf_books_person', 'app': 'bookshelf', 'unique_together': (('book', 'person'),), 'indexes': [Index(fields=['person_id', 'book_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
