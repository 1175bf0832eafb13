"""initial schema: the MSL's records, outbox, audit log

Revision ID: 0001
Revises: 
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('adverse_event',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('reporter', sa.String(length=200), nullable=False),
    sa.Column('reporter_hcp_id', sa.String(length=36), nullable=True),
    sa.Column('aware_at', sa.String(length=32), nullable=False),
    sa.Column('deadline_at', sa.String(length=32), nullable=True),
    sa.Column('patient_initials', sa.String(length=4), nullable=True),
    sa.Column('patient_age', sa.Integer(), nullable=True),
    sa.Column('patient_sex', sa.String(length=32), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('seriousness', sa.String(length=32), nullable=False),
    sa.Column('interaction_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('adverse_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_adverse_event_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_adverse_event_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_adverse_event_reporter_hcp_id'), ['reporter_hcp_id'], unique=False)

    op.create_table('amendment',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('subject_table', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=36), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_amendment_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_amendment_subject_id'), ['subject_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('at', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('content_item',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('approval_code', sa.String(length=64), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('therapeutic_area', sa.String(length=80), nullable=True),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('content_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_item_deleted'), ['deleted'], unique=False)

    op.create_table('device_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('user', sa.String(length=200), nullable=False),
    sa.Column('clock', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('hcp',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('specialty', sa.String(length=120), nullable=True),
    sa.Column('institution', sa.String(length=200), nullable=True),
    sa.Column('city', sa.String(length=120), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('territory', sa.String(length=64), nullable=True),
    sa.Column('kol_tier', sa.Integer(), nullable=True),
    sa.Column('therapeutic_areas', sa.JSON(), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('identifiers', sa.JSON(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('contact_consent', sa.Boolean(), nullable=False),
    sa.Column('consent_recorded_at', sa.String(length=32), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hcp', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hcp_deleted'), ['deleted'], unique=False)

    op.create_table('insight',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('theme', sa.String(length=80), nullable=True),
    sa.Column('therapeutic_area', sa.String(length=80), nullable=True),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('hcp_id', sa.String(length=36), nullable=True),
    sa.Column('interaction_id', sa.String(length=36), nullable=True),
    sa.Column('medical_event_id', sa.String(length=36), nullable=True),
    sa.Column('captured_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('insight', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insight_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_insight_hcp_id'), ['hcp_id'], unique=False)

    op.create_table('interaction',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('hcp_id', sa.String(length=36), nullable=False),
    sa.Column('occurred_at', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('therapeutic_area', sa.String(length=80), nullable=True),
    sa.Column('products', sa.JSON(), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('initiation', sa.String(length=32), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('follow_ups', sa.JSON(), nullable=False),
    sa.Column('inquiry_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interaction_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_interaction_hcp_id'), ['hcp_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interaction_occurred_at'), ['occurred_at'], unique=False)

    op.create_table('medical_event',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.String(length=32), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=True),
    sa.Column('attendee_ids', sa.JSON(), nullable=False),
    sa.Column('agenda', sa.Text(), nullable=False),
    sa.Column('outcomes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('medical_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medical_event_deleted'), ['deleted'], unique=False)

    op.create_table('medical_inquiry',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('hcp_id', sa.String(length=36), nullable=False),
    sa.Column('received_at', sa.String(length=32), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('product', sa.String(length=120), nullable=True),
    sa.Column('off_label', sa.Boolean(), nullable=False),
    sa.Column('unsolicited_attested', sa.Boolean(), nullable=False),
    sa.Column('signature', sa.JSON(), nullable=True),
    sa.Column('delivery', sa.String(length=32), nullable=False),
    sa.Column('interaction_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('submitted_at', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('medical_inquiry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_medical_inquiry_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_medical_inquiry_hcp_id'), ['hcp_id'], unique=False)

    op.create_table('outbox',
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('change_id', sa.String(length=36), nullable=False),
    sa.Column('table_name', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('base_clocks', sa.JSON(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('seq'),
    sa.UniqueConstraint('change_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_priority'), ['priority'], unique=False)

    op.create_table('trial_site',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('created_at', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('updated_by', sa.String(length=200), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_at', sa.String(length=32), nullable=True),
    sa.Column('clocks', sa.JSON(), nullable=False),
    sa.Column('study', sa.String(length=200), nullable=False),
    sa.Column('protocol', sa.String(length=64), nullable=False),
    sa.Column('site_name', sa.String(length=200), nullable=False),
    sa.Column('pi_hcp_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('enrolment_target', sa.Integer(), nullable=False),
    sa.Column('enrolment_actual', sa.Integer(), nullable=False),
    sa.Column('issues', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('trial_site', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trial_site_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_trial_site_pi_hcp_id'), ['pi_hcp_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trial_site', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trial_site_pi_hcp_id'))
        batch_op.drop_index(batch_op.f('ix_trial_site_deleted'))

    op.drop_table('trial_site')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_priority'))

    op.drop_table('outbox')
    with op.batch_alter_table('medical_inquiry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medical_inquiry_hcp_id'))
        batch_op.drop_index(batch_op.f('ix_medical_inquiry_deleted'))

    op.drop_table('medical_inquiry')
    with op.batch_alter_table('medical_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_medical_event_deleted'))

    op.drop_table('medical_event')
    with op.batch_alter_table('interaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interaction_occurred_at'))
        batch_op.drop_index(batch_op.f('ix_interaction_hcp_id'))
        batch_op.drop_index(batch_op.f('ix_interaction_deleted'))

    op.drop_table('interaction')
    with op.batch_alter_table('insight', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insight_hcp_id'))
        batch_op.drop_index(batch_op.f('ix_insight_deleted'))

    op.drop_table('insight')
    with op.batch_alter_table('hcp', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hcp_deleted'))

    op.drop_table('hcp')
    op.drop_table('device_state')
    with op.batch_alter_table('content_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_item_deleted'))

    op.drop_table('content_item')
    op.drop_table('audit_log')
    with op.batch_alter_table('amendment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_amendment_subject_id'))
        batch_op.drop_index(batch_op.f('ix_amendment_deleted'))

    op.drop_table('amendment')
    with op.batch_alter_table('adverse_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_adverse_event_reporter_hcp_id'))
        batch_op.drop_index(batch_op.f('ix_adverse_event_deleted'))
        batch_op.drop_index(batch_op.f('ix_adverse_event_deadline_at'))

    op.drop_table('adverse_event')
