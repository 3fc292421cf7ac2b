from tortoise import migrations
from tortoise.migrations import operations as ops
from hub_donations.models import CampaignStatus, DonationStatus, Recurrence
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('hub', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=120)),
                ('title', fields.CharField(max_length=300)),
                ('description', fields.TextField(default='', unique=False)),
                ('goal', fields.BigIntField(description='In minor units of ``currency``.')),
                ('currency', fields.CharField(max_length=3)),
                ('opens_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=CampaignStatus.DRAFT, description='DRAFT: draft\nACTIVE: active\nCLOSED: closed', enum_type=CampaignStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'donations_campaign', 'app': 'donations', 'constraints': [CheckConstraint(check='goal > 0', name='donations_campaign_goal_positive')], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignPost',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('donations.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='post_links', on_delete=OnDelete.CASCADE)),
                ('post', fields.OneToOneField('hub.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='donations_campaign_link', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'donations_campaign_post', 'app': 'donations', 'pk_attr': 'id', 'table_description': 'A post that appeals for a campaign: at most one campaign per post.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignSection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('donations.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='section_links', on_delete=OnDelete.CASCADE)),
                ('section', fields.ForeignKeyField('hub.Section', source_field='section_id', db_constraint=True, to_field='id', related_name='donations_campaign_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'donations_campaign_section', 'app': 'donations', 'unique_together': (('campaign', 'section'),), 'indexes': [Index(fields=['section_id', 'campaign_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CampaignTotals',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.OneToOneField('donations.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='totals', on_delete=OnDelete.CASCADE)),
                ('raised', fields.BigIntField(default=0, description="Succeeded minus refunded, in minor units of the campaign's currency.")),
                ('donation_count', fields.IntField(default=0, description='Donations currently succeeded (a fully refunded one no longer counts).')),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'donations_campaign_totals', 'app': 'donations', 'pk_attr': 'id', 'table_description': 'What a campaign has raised, kept by the ledger with SQL-side arithmetic only.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Donation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('campaign', fields.ForeignKeyField('donations.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name='donations', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField(description="In minor units of ``currency`` (always the campaign's).")),
                ('currency', fields.CharField(max_length=3)),
                ('donor_name', fields.CharField(default='', max_length=200)),
                ('anonymous', fields.BooleanField(default=False)),
                ('donor_email', fields.CharField(default='', max_length=320)),
                ('donor_key', fields.CharField(description='Who counts as one donor for ``donorCount``: the lower-cased email, or this donation.', max_length=330)),
                ('message', fields.TextField(default='', unique=False)),
                ('recurring', fields.CharEnumField(default=Recurrence.NONE, description='NONE: none\nMONTHLY: monthly\nYEARLY: yearly', enum_type=Recurrence, max_length=16)),
                ('status', fields.CharEnumField(default=DonationStatus.PENDING, description='PENDING: pending\nSUCCEEDED: succeeded\nFAILED: failed\nREFUNDED: refunded', enum_type=DonationStatus, max_length=16)),
                ('provider', fields.CharField(max_length=40)),
                ('provider_reference', fields.CharField(unique=True, description="The provider's id for the payment (a PaymentIntent id, a pledge reference): unique, so a", max_length=255)),
                ('paid', fields.BooleanField(default=False)),
                ('failed', fields.BooleanField(default=False)),
                ('refunded_amount', fields.BigIntField(default=0)),
                ('succeeded_at', fields.DatetimeField(null=True, description="When the payment succeeded (shown as the donation's date).", auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'donations_donation', 'app': 'donations', 'constraints': [CheckConstraint(check='amount > 0', name='donations_donation_amount_positive'), CheckConstraint(check='refunded_amount >= 0 AND refunded_amount <= amount', name='donations_donation_refund_within_amount')], 'indexes': [Index(fields=['campaign_id', 'status', 'succeeded_at'])], 'pk_attr': 'id', 'table_description': 'One donation, as the provider reports it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ProcessedEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('provider', fields.CharField(max_length=40)),
                ('event_id', fields.CharField(max_length=255)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'donations_processed_event', 'app': 'donations', 'unique_together': (('provider', 'event_id'),), 'pk_attr': 'id', 'table_description': 'A provider event already applied: inserted first, so a redelivery fails on the key.'},
            bases=['Model'],
        ),
    ]
